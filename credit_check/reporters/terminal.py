"""Terminal report (rich): score first, then tasks by primary indicator, then a to-do list per
responsible unit (责任单位), then files that could not be read."""

from __future__ import annotations

import io
from collections import defaultdict

from rich.console import Console
from rich.table import Table
from rich.text import Text

from credit_check.model import Finding, Report, Severity, Status
from credit_check.reporters import _labels

_LABELS = {
    "zh": {
        "title": "信用交通县创建材料自查报告", "root": "材料目录", "period": "考核期", "score": "得分",
        "pass": "合格线", "passed": "达到合格线", "failed": "未达合格线",
        "disq": "存在弄虚作假（D1）嫌疑：一经查实将取消验收资格，请逐条核实",
        "task": "任务", "name": "名称", "units": "责任单位", "status": "状态", "points": "得分/分值", "note": "说明",
        "bonus": "加分项", "deductions": "扣分", "todo": "待办", "nounit": "未归属单位", "more": "另有 {n} 条，见 --format html/json",
        "unread": "无法读取的文件", "files": "文件", "findings": "问题", "page": "第{n}页", "fix": "修改",
        "met": "达标", "partial": "部分", "missing": "缺失", "unknown": "无法确定",
        "error": "错误", "warning": "警告", "info": "提示", "tasks_pts": "任务", "bonus_pts": "加分", "none": "无",
    },
    "en": {
        "title": "Credit Transportation County evidence self-assessment", "root": "Evidence", "period": "Period",
        "score": "Score", "pass": "pass mark", "passed": "passed", "failed": "below the pass mark",
        "disq": "Suspected fraud (D1): confirmed fraud cancels the acceptance — verify each finding",
        "task": "Task", "name": "Title", "units": "Units", "status": "Status", "points": "Score/Points",
        "note": "Note", "bonus": "Bonus", "deductions": "Deductions", "todo": "to-do", "nounit": "No unit",
        "more": "{n} more, see --format html/json", "unread": "Files that could not be read", "files": "files",
        "findings": "findings", "page": "p.{n}", "fix": "fix", "met": "met", "partial": "partial",
        "missing": "missing", "unknown": "unknown", "error": "error", "warning": "warning", "info": "info",
        "tasks_pts": "tasks", "bonus_pts": "bonus", "none": "none",
    },
}
_STATUS_STYLE = {Status.MET: "green", Status.PARTIAL: "yellow", Status.MISSING: "red", Status.UNKNOWN: "magenta"}
_SEV_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def units_of(finding: Finding, report: Report) -> tuple[str, ...]:
    """Who must act on a finding: its task's units, else the deduction item's units."""
    key = finding.task or finding.rule
    return report.unit_of_task.get(key) or report.unit_of_task.get(finding.rule) or ()


def group_by_unit(report: Report) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        for unit in units_of(finding, report) or ("",):
            groups[unit].append(finding)
    order = [*report.units, ""]
    return {u: groups[u] for u in order if groups.get(u)}


def _msg(f: Finding, lang: str) -> tuple[str, str]:
    return _labels.message(f, lang), _labels.fix(f, lang)


def render(report: Report, lang: str = "zh", *, color: bool = False, width: int = 120, max_per_unit: int = 30) -> str:
    """The report as text for a terminal; ANSI colours when `color`."""
    t = _LABELS["en" if lang == "en" else "zh"]
    buf = io.StringIO()
    con = Console(file=buf, force_terminal=color, color_system="standard" if color else None, width=width,
                  highlight=False, emoji=False)
    s = report.score
    con.print(Text(t["title"], style="bold"))
    con.print(f"{t['root']}: {report.root}    {t['period']}: {report.period.start} .. {report.period.end}")
    verdict = Text(t["passed"] if s.passed else t["failed"], style="green" if s.passed else "red")
    line = Text.assemble((f"{t['score']}: {s.total:g} / {s.max:g}", "bold"), f"  ({t['tasks_pts']} {s.tasks:g}, "
                         f"{t['bonus_pts']} +{s.bonus:g}, {t['deductions']} {s.deductions:g})  "
                         f"{t['pass']} {s.pass_mark:g}: ", verdict)
    con.print(line)
    if s.disqualified:
        con.print(Text(t["disq"], style="bold white on red"))

    table = Table(show_lines=False, expand=False)
    for col in ("task", "name", "units", "status", "points", "note"):
        table.add_column(t[col], overflow="fold")
    primary = None
    for task in report.tasks:
        reasons = task.reasons_en if lang == "en" and task.reasons_en else task.reasons
        first_gap = next((r for r in reasons if not r.startswith(("已满足", "met:"))), "")
        if task.primary != primary:
            primary = task.primary
            table.add_row(Text(primary, style="bold"), "", "", "", "", "")
        table.add_row(task.id, task.title, "、".join(task.units), Text(t[task.status.value], style=_STATUS_STYLE[task.status]),
                      f"{task.score:g}/{task.points:g}", first_gap)
    con.print(table)
    won = [b for b in report.bonus if b.score > 0]
    con.print(f"{t['bonus']}: " + ("，".join(f"{b.id} {b.title} +{b.score:g}" for b in won) if won else t["none"]))
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        if f.rule.startswith("D"):
            by_rule[f.rule].append(f)
    if by_rule:
        con.print(f"{t['deductions']}: " + "  ".join(
            f"{rule} ×{len(fs)} {sum(x.deduction for x in fs):g}" for rule, fs in sorted(by_rule.items())))

    for unit, findings in group_by_unit(report).items():
        con.print()
        con.print(Text(f"{unit or t['nounit']} {t['todo']} ({len(findings)})", style="bold underline"))
        for f in findings[:max_per_unit]:
            message, fix = _msg(f, lang)
            where = f.path or ""
            if f.page:
                where += f" {t['page'].format(n=f.page)}"
            text = Text.assemble((f"[{t[f.severity.value]}]", _SEV_STYLE[f.severity]), f" {f.rule}/{f.check} ")
            if where:
                text.append(where, style="bold")
                text.append("：" if lang != "en" else ": ")
            text.append(message)
            if fix:
                text.append(f" → {fix}", style="dim" if color else "")
            if f.deduction:
                text.append(f" ({f.deduction:g})", style="red")
            con.print(text)
        if len(findings) > max_per_unit:
            con.print(t["more"].format(n=len(findings) - max_per_unit))
    unread = [f for f in report.files if f.error]
    if unread:
        con.print()
        con.print(Text(f"{t['unread']} ({len(unread)})", style="bold"))
        for bad in unread:
            con.print(f"  {bad.path}: {bad.error}")
    con.print()
    con.print(f"{len(report.files)} {t['files']}, {len(report.findings)} {t['findings']}")
    return buf.getvalue()
