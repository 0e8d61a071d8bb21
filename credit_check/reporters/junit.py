"""JUnit XML output (`--format junit`): the audit as test results for GitLab, Jenkins and other CI.

Layout (one `<testsuites>` root; its counts are the sums of its suites):

- suite "总分" / "score": testcase "总分" fails when the pass mark is not reached, testcase
  "验收资格" fails when the result is disqualified (a confirmed D1 finding); the score figures are
  suite `<properties>`.
- one suite per primary indicator ("一、制度建设" …): a testcase per task, named "1.1 <title>".
  `met` passes; `partial` and `missing` fail (the reasons and missing periods are the failure
  text); `unknown` is skipped (the check could not decide).
- suite "加分项" / "bonus": a testcase per bonus item; `met` and `partial` pass, `missing` and
  `unknown` are skipped (an unclaimed bonus is no failure).
- suite "扣分项" / "deductions": a testcase per deduction item D1…D7, named "D6 <title>": it
  fails when an open (not waived) finding of the item deducts points or is an error, the message
  saying how many and how many points; otherwise it passes, listing any warnings in
  `<system-out>`. D1's case is type "D1" so a disqualification stands out.
- suite "问题" / "findings": a testcase per file that has findings or could not be read, plus
  one per task for findings without a file (named "4.1 （不涉及具体文件）"). A file that could
  not be read is an `<error>`; otherwise any error-severity finding makes a `<failure>`;
  warnings and notes alone pass and are listed in `<system-out>`. The file path is the testcase name and its `file` attribute (GitLab shows it).

Classnames are ASCII ("credit_check.tasks.indicator_1", "credit_check.deductions",
"credit_check.findings") because Jenkins splits a classname at its last dot into package and
class. Times are 0: the audit is not timed per item. The document starts with
`<?xml version="1.0" encoding="UTF-8"?>`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

from credit_check.model import Finding, Report, Severity, Status, TaskResult
from credit_check.reporters import _labels

WORDS = {
    "zh": {
        "score": "总分", "bonus": "加分项", "findings": "问题", "total": "总分", "eligible": "验收资格",
        "below": "未达到合格线", "disqualified": _labels.DISQUALIFIED["zh"],
        "no-file": "（不涉及具体文件）", "unreadable": "无法读取", "fix": "修改建议：",
        "pass-mark": "合格线", "deductions": "扣分项", "deducted": "{n} 条问题，扣 {points} 分",
    },
    "en": {
        "score": "score", "bonus": "bonus", "findings": "findings", "total": "total score",
        "eligible": "eligibility", "below": "below the pass mark",
        "disqualified": _labels.DISQUALIFIED["en"],
        "no-file": "(no particular file)", "unreadable": "could not be read", "fix": "Fix: ",
        "pass-mark": "pass mark", "deductions": "deductions", "deducted": "{n} findings, {points} points deducted",
    },
}


@dataclass(frozen=True)
class _Outcome:
    """A testcase's result: kind is "" (pass), "failure", "error" or "skipped"."""

    kind: str = ""
    message: str = ""
    type: str = ""
    text: str = ""
    out: str = ""


def render(report: Report, lang: str = "zh") -> str:
    lang = _labels.check_lang(lang)
    words = WORDS[lang]
    root = ET.Element("testsuites", name=report.tool_name)
    _suite(root, words["score"], "credit_check.score", _score_cases(report, lang),
           properties=report.score.model_dump(mode="json"))
    for key, tasks in _labels.by_primary(report.tasks).items():
        _suite(root, _labels.primary_label(tasks[0], lang), f"credit_check.tasks.indicator_{key}",
               [(_task_name(t), _task_outcome(t, lang, bonus=False), None) for t in tasks])
    if report.bonus:
        _suite(root, words["bonus"], "credit_check.bonus",
               [(_task_name(b), _task_outcome(b, lang, bonus=True), None) for b in report.bonus])
    _suite(root, words["deductions"], "credit_check.deductions", _deduction_cases(report, lang))
    _suite(root, words["findings"], "credit_check.findings", _finding_cases(report, lang))
    _count(root, root.findall("testsuite"))
    _labels.clean_tree(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _deduction_cases(report: Report, lang: str) -> list[_Case]:
    words = WORDS[lang]
    cases: list[_Case] = []
    for row in _labels.deduction_rows(report):
        mine = [f for f in report.findings if f.rule == row.rule and f.waived is None]
        failing = [f for f in mine if f.deduction or f.severity is Severity.ERROR]
        text = "\n".join(_finding_line(f, lang) for f in mine)
        name = f"{row.rule} {_labels.rule_title(row.rule, lang)}".strip()
        if failing:
            message = words["deducted"].format(n=len(failing), points=_labels.points(abs(row.points)))
            outcome = _Outcome(kind="failure", message=message, type=row.rule, text=text)
        else:
            outcome = _Outcome(out=text)
        cases.append((name, outcome, None))
    return cases


_Case = tuple[str, _Outcome, str | None]  # name, outcome, file


def _suite(parent: ET.Element, name: str, classname: str, cases: Iterable[_Case],
           properties: dict[str, object] | None = None) -> None:
    suite = ET.SubElement(parent, "testsuite", name=name)
    if properties:
        props = ET.SubElement(suite, "properties")
        for key, value in properties.items():
            ET.SubElement(props, "property", name=key, value=_property(value))
    for case_name, outcome, file in cases:
        case = ET.SubElement(suite, "testcase", name=case_name, classname=classname, time="0")
        if file is not None:
            case.set("file", file)
        if outcome.kind:
            element = ET.SubElement(case, outcome.kind, message=outcome.message)
            if outcome.type:
                element.set("type", outcome.type)
            element.text = outcome.text or None
        if outcome.out:
            ET.SubElement(case, "system-out").text = outcome.out
    _count(suite, suite.findall("testcase"))


def _property(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return _labels.points(value) if isinstance(value, float) else str(value)


def _count(element: ET.Element, children: list[ET.Element]) -> None:
    """Set tests/failures/errors/skipped on a suite (from testcases) or the root (from suites)."""
    if element.tag == "testsuites":
        totals = {key: sum(int(child.get(key, "0")) for child in children)
                  for key in ("tests", "failures", "errors", "skipped")}
    else:
        totals = {"tests": len(children)}
        for key, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
            totals[key] = sum(1 for case in children if case.find(tag) is not None)
    for key, value in totals.items():
        element.set(key, str(value))
    element.set("time", "0")


def _score_cases(report: Report, lang: str) -> list[_Case]:
    words, score = WORDS[lang], report.score
    figures = (f"{_labels.points(score.total)}/{_labels.points(score.max)}"
               f" ({words['pass-mark']} {_labels.points(score.pass_mark)})")
    total = (_Outcome(out=figures) if score.passed
             else _Outcome(kind="failure", message=f"{words['below']}: {figures}", type="score", text=figures))
    eligible = (_Outcome(kind="failure", message=words["disqualified"], type="D1")
                if score.disqualified else _Outcome())
    # Stable testcase names keep the CI's history per test; the figures go in the message.
    return [(words["total"], total, None), (words["eligible"], eligible, None)]


def _task_name(task: TaskResult) -> str:
    return f"{task.id} {task.title}"


def _task_outcome(task: TaskResult, lang: str, *, bonus: bool) -> _Outcome:
    status = _labels.STATUS[lang][task.status]
    message = f"{status} ({_labels.points(task.score)}/{_labels.points(task.points)})"
    text = "\n".join(_labels.notes(task, lang))
    if task.status is Status.UNKNOWN or (bonus and task.status is Status.MISSING):
        return _Outcome(kind="skipped", message=message, text=text)
    if task.status is Status.MET or bonus:
        return _Outcome(out=text)
    return _Outcome(kind="failure", message=message, type=str(task.status), text=text)


def _finding_cases(report: Report, lang: str) -> list[_Case]:
    words = WORDS[lang]
    unreadable = dict(_labels.unreadable(report))
    # Key: (path, None) for a file; (None, task) for findings that name no file, one case per task.
    groups: dict[tuple[str | None, str | None], list[Finding]] = {}
    for finding in report.findings:
        key = (finding.path, None) if finding.path is not None else (None, finding.task)
        groups.setdefault(key, []).append(finding)
    for unread in unreadable:
        groups.setdefault((unread, None), [])
    cases: list[_Case] = []
    # Files in report order, then the findings that name no file.
    for path, task in sorted(groups, key=lambda key: key[0] is None):
        findings = groups[(path, task)]
        text = "\n".join(_finding_line(f, lang) for f in findings)
        errors = [f for f in findings if f.severity is Severity.ERROR and f.waived is None]
        if path is not None and path in unreadable:
            outcome = _Outcome(kind="error", message=f"{words['unreadable']}: {unreadable[path]}",
                               type="read-error", text=text)
        elif errors:
            outcome = _Outcome(kind="failure", message=_labels.message(errors[0], lang),
                               type=" ".join(dict.fromkeys(_labels.rule_id(f) for f in errors)), text=text)
        else:
            outcome = _Outcome(out=text)
        name = path if path is not None else f"{task or ''} {words['no-file']}".strip()
        cases.append((name, outcome, path))
    return cases


def _finding_line(finding: Finding, lang: str) -> str:
    where = _labels.page(finding.page, lang)
    head = f"[{_labels.SEVERITY[lang][finding.severity]}] {_labels.rule_id(finding)}"
    line = f"{head} {where}: {_labels.message(finding, lang)}" if where else f"{head}: {_labels.message(finding, lang)}"
    fix = _labels.fix(finding, lang)
    return f"{line} — {WORDS[lang]['fix']}{fix}" if fix else line
