"""Words and small lookups shared by the HTML, SARIF and JUnit reporters.

Pure helpers over the `Report` records: label tables in Chinese and English, the choice between
a finding's Chinese text and its English text, point formatting. Who must act on a finding is
the to-do model's business (`todo.py`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass

from credit_check.model import Finding, Report, Severity, Status, TaskResult

LANGS = ("zh", "en")

STATUS: Mapping[str, Mapping[Status, str]] = {
    "zh": {Status.MET: "达标", Status.PARTIAL: "部分达标", Status.MISSING: "缺失", Status.UNKNOWN: "无法确定"},
    "en": {Status.MET: "met", Status.PARTIAL: "partial", Status.MISSING: "missing", Status.UNKNOWN: "unknown"},
}

SEVERITY: Mapping[str, Mapping[Severity, str]] = {
    "zh": {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"},
    "en": {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"},
}

# Short names of the seed's deduction items D1..D7 (their order is part of the JSON contract).
# The catalogue may retitle them; the Report does not carry catalogue titles yet, so these are
# what rule descriptions fall back to.
RULE_TITLES: Mapping[str, Mapping[str, str]] = {
    "zh": {
        "D1": "弄虚作假（抄袭、雷同、伪造）",
        "D2": "违法违规公开个人隐私、商业秘密",
        "D3": "失信惩戒措施不当使用或滥用",
        "D4": "“双公示”数据迟报漏报瞒报",
        "D5": "材料未分门别类、凌乱错讹",
        "D6": "文件缺少红头、文号、公章",
        "D7": "照片未使用水印相机拍摄",
        "read-error": "文件无法读取",
        "evidence": "任务佐证材料不足",
    },
    "en": {
        "D1": "Fraud in the material (copying, near-duplicates, forgery)",
        "D2": "Unlawful disclosure of personal data or trade secrets",
        "D3": "Improper or abusive use of dishonesty-punishment measures",
        "D4": "Double-publicity data reported late, missed or concealed",
        "D5": "Material not sorted by category, messy or hard to identify",
        "D6": "Issued document lacks red header, document number or seal",
        "D7": "Photo not taken with a real-time watermark camera app",
        "read-error": "File could not be read",
        "evidence": "Evidence for a task is incomplete",
    },
}

DISQUALIFIED = {
    "zh": "存在弄虚作假（D1）嫌疑：一经查实将取消验收资格，请逐条核实",
    "en": "Suspected fraud (D1): confirmed fraud cancels the acceptance — verify each finding",
}

PRIMARY_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def check_lang(lang: str) -> str:
    """Return `lang` when the reporters know it; a clear error otherwise (the CLI validates first)."""
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


def message(finding: Finding, lang: str) -> str:
    """The finding's message in `lang`, falling back to Chinese when no English text was written;
    a waived finding says so, with the reason."""
    text = finding.message_en if lang == "en" and finding.message_en else finding.message
    if finding.waived:
        text += f" [waived: {finding.waived}]" if lang == "en" else f"［已核实豁免：{finding.waived}］"
    return text


def fix(finding: Finding, lang: str) -> str:
    return finding.fix_en if lang == "en" and finding.fix_en else finding.fix


def rule_id(finding: Finding) -> str:
    """The rule and sub-check as one stable id: "D6/seal"; just "read-error" when they coincide."""
    if not finding.check or finding.check == finding.rule:
        return finding.rule
    return f"{finding.rule}/{finding.check}"


def rule_title(rule: str, lang: str) -> str:
    return RULE_TITLES[lang].get(rule, "")


def points(value: float) -> str:
    """12.0 -> "12", 0.5 -> "0.5", -1.25 -> "-1.25": scores read like the catalogue's numbers."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def primary_key(task_id: str) -> str:
    """The primary indicator number of a task: "1" for task "1.3" (ids are primary.number)."""
    return task_id.split(".", 1)[0]


def primary_label(task: TaskResult, lang: str) -> str:
    """"一、制度建设" (zh) or "1. 制度建设" (en); the number alone when the title is unknown."""
    key = primary_key(task.id)
    index = int(key) - 1 if key.isdigit() else -1
    if lang == "en":
        return f"{key}. {task.primary}" if task.primary else f"Indicator {key}"
    numeral = PRIMARY_NUMERALS[index] if 0 <= index < len(PRIMARY_NUMERALS) else key
    return f"{numeral}、{task.primary}" if task.primary else f"一级指标{numeral}"


def by_primary(tasks: tuple[TaskResult, ...]) -> dict[str, list[TaskResult]]:
    """Tasks grouped by primary indicator number ("1"), groups and tasks in report order."""
    groups: dict[str, list[TaskResult]] = {}
    for task in tasks:
        groups.setdefault(primary_key(task.id), []).append(task)
    return groups


def page(number: int | None, lang: str) -> str:
    if number is None:
        return ""
    return f"page {number}" if lang == "en" else f"第{number}页"


MISSING = {"zh": "，缺少：{}", "en": "; missing: {}"}
LIST_SEPARATOR = {"zh": "、", "en": ", "}


def notes(task: TaskResult, lang: str) -> list[str]:
    """The task's reasons, then each unmet requirement's progress ("月度工作记录 3/12"), naming
    what is missing only when no reason already names it (the pipeline's reasons usually do)."""
    reasons = task.reasons_en if lang == "en" and task.reasons_en else task.reasons
    lines = list(reasons)
    said = "\n".join(reasons)
    for requirement in task.requirements:
        if requirement.status is Status.MET or requirement.required <= 1:
            continue  # "缺少：…" already says all there is to say about a single item
        line = f"{requirement.label} {requirement.satisfied}/{requirement.required}"
        if requirement.missing and not all(gap in said for gap in requirement.missing):
            line += MISSING[lang].format(LIST_SEPARATOR[lang].join(requirement.missing))
        lines.append(line)
    return lines


def unreadable(report: Report) -> list[tuple[str, str]]:
    """(path, reason) of every file that could not be read, in report order."""
    return [(f.path, f.error) for f in report.files if f.error is not None]


def files_summary(report: Report) -> tuple[int, list[tuple[str, str]]]:
    """How many files the report has, and `unreadable`'s list, from one pass over the files."""
    count = 0
    unread: list[tuple[str, str]] = []
    for f in report.files:
        count += 1
        if f.error is not None:
            unread.append((f.path, f.error))
    return count, unread


_UNSAFE = re.compile(rb"[^A-Za-z0-9_.~/-]+")


def quote_path(path: str) -> str:
    """`urllib.parse.quote(path, safe="/")`, the same text: each run of other bytes percent-encoded
    at once (the standard one goes byte by byte in Python; reports quote every path)."""
    return _UNSAFE.sub(lambda m: ("%" + m.group().hex("%")).upper().encode("ascii"),
                       path.encode("utf-8")).decode("ascii")


# Characters XML 1.0 (and HTML) cannot carry: C0 controls other than tab/newline/CR, U+FFFE/U+FFFF
# and lone surrogates. POSIX file names may contain them; they must not make the output unparsable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` with characters XML cannot hold shown as visible escapes (\\x07)."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xFF else f"\\x{ord(m.group()):02x}",
                        text)


def clean_tree(root: ET.Element) -> ET.Element:
    """Make every text, tail and attribute value of a tree safe for XML/HTML, in place."""
    for element in root.iter():
        if element.text:
            element.text = xml_text(element.text)
        if element.tail:
            element.tail = xml_text(element.tail)
        for key, value in list(element.attrib.items()):
            element.set(key, xml_text(value))
    return root


# ------------------------------------------------------------------ deductions, places, baseline
_DEDUCTION_ID = re.compile(r"^D(\d+)$")


@dataclass(frozen=True)
class DeductionRow:
    """One deduction item (扣分项) as every report summarises it."""

    rule: str  # "D6"
    findings: int  # open findings (not waived)
    waived: int  # findings a person cleared
    points: float  # points deducted (<= 0), after the item's cap as scoring stamped them


def deduction_rows(report: Report) -> list[DeductionRow]:
    """Every deduction item D1…D7 (and any other `D<n>` the catalogue or the findings name), in
    number order, with its open and waived findings and the points it costs."""
    ids = set(RULE_TITLES["zh"]) | set(report.unit_of_task) | {f.rule for f in report.findings}
    rules = sorted((r for r in ids if _DEDUCTION_ID.match(r)), key=lambda r: int(r[1:]))
    rows = []
    for rule in rules:
        mine = [f for f in report.findings if f.rule == rule]
        rows.append(DeductionRow(rule=rule, findings=sum(1 for f in mine if f.waived is None),
                                 waived=sum(1 for f in mine if f.waived is not None),
                                 points=round(sum(f.deduction for f in mine), 4)))
    return rows


_CELL = re.compile(r"[^\s!：:；;，,、（）()“”\"']+![A-Z]{1,3}[0-9]{1,7}")
_ROW = re.compile(r"第\s*\d{1,7}\s*行")


def place(finding: Finding, lang: str) -> str:
    """Where in the file: "第2页" / "page 2", else the cells or rows its message names
    ("公示名单!D2、公示名单!D3", "第3行"); "" when it names none."""
    if finding.page is not None:
        return page(finding.page, lang)
    cells = list(dict.fromkeys(m.group() for m in _CELL.finditer(finding.message)))
    if not cells:
        cells = list(dict.fromkeys(re.sub(r"\s+", "", m.group()) for m in _ROW.finditer(finding.message)))
    return LIST_SEPARATOR[lang].join(cells)


@dataclass(frozen=True)
class BaselineCounts:
    new: int
    unchanged: int
    fixed: int
    score_change: float | None  # total now minus total then; None when the old total is unknown


def baseline_counts(report: Report) -> BaselineCounts | None:
    """How the report compares with its baseline (`--baseline`); None without one."""
    if report.baseline is None:
        return None
    old = report.baseline.score
    return BaselineCounts(new=sum(1 for f in report.findings if f.baseline == "new"),
                          unchanged=sum(1 for f in report.findings if f.baseline == "unchanged"),
                          fixed=len(report.baseline.fixed),
                          score_change=None if old is None else round(report.score.total - old, 4))


BASELINE = {
    "zh": {"new": "新", "unchanged": "未变", "fixed": "已解决", "heading": "与基线比较",
           "summary": "与 {source}（{date}）相比：新问题 {new} 条，未变 {unchanged} 条，已解决 {fixed} 条",
           "score": "得分变化 {change}（原 {old}）"},
    "en": {"new": "new", "unchanged": "unchanged", "fixed": "fixed", "heading": "Compared with the baseline",
           "summary": "Against {source} ({date}): {new} new, {unchanged} unchanged, {fixed} fixed",
           "score": "score change {change} (was {old})"},
}


def baseline_summary(report: Report, lang: str) -> list[str]:
    """One or two lines saying what changed since the baseline; [] without a baseline."""
    counts, base = baseline_counts(report), report.baseline
    if counts is None or base is None:
        return []
    words = BASELINE[lang]
    date = base.audit_date.isoformat() if base.audit_date else "?"
    lines = [words["summary"].format(source=base.source, date=date, new=counts.new, unchanged=counts.unchanged,
                                     fixed=counts.fixed)]
    if counts.score_change is not None and base.score is not None:
        sign = "+" if counts.score_change > 0 else ""
        lines.append(words["score"].format(change=f"{sign}{points(counts.score_change)}", old=points(base.score)))
    return lines


def signed(value: float) -> str:
    """+2, -1.5, 0."""
    return f"+{points(value)}" if value > 0 else points(value)


def task_title(task: TaskResult, lang: str) -> str:
    """A task's title in `lang` (the Chinese title when the catalogue gives no English one)."""
    return task.title_en if lang == "en" and task.title_en else task.title
