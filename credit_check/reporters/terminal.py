"""Terminal report (rich): score first, then tasks by primary indicator, then the to-do list
(`todo`: each finding once with all its responsible units (责任单位), then incomplete tasks no
finding speaks about; how many items each unit shares), then files that could not be read."""

from __future__ import annotations

import io
from collections import defaultdict

from rich.console import Console
from rich.table import Table
from rich.text import Text

from credit_check.model import Finding, Report, Severity, Status
from credit_check.reporters import _labels, todo

_LABELS = {
    "zh": {
        "title": "信用交通县创建材料自查报告", "root": "材料目录", "period": "考核期", "score": "得分",
        "pass": "合格线", "passed": "达到合格线", "failed": "未达合格线",
        "disq": "存在弄虚作假（D1）嫌疑：一经查实将取消验收资格，请逐条核实",
        "task": "任务", "name": "名称", "units": "责任单位", "status": "状态", "points": "得分/分值", "note": "说明",
        "bonus": "加分项", "deductions": "扣分", "nounit": "未指定责任单位", "more": "另有 {n} 条，见 --format html/json",
        "todo_head": "待办：{findings} 条问题", "todo_tasks": "，另有 {tasks} 项任务未达标",
        "todo_all": "（全部共 {findings} 条问题）", "by_unit": "各责任单位条数：", "incomplete": "未达标", "colon": "：",
        "unread": "无法读取的文件", "files": "文件", "findings": "问题", "page": "第{n}页", "fix": "修改",
        "met": "达标", "partial": "部分", "missing": "缺失", "unknown": "无法确定",
        "error": "错误", "warning": "警告", "info": "提示", "tasks_pts": "任务", "bonus_pts": "加分", "none": "无",
        "waived": "已豁免（{n} 条，不扣分）", "reason": "豁免理由", "new": "新", "fixed": "已解决 {n} 条：",
    },
    "en": {
        "title": "Credit Transportation County evidence self-assessment", "root": "Evidence", "period": "Period",
        "score": "Score", "pass": "pass mark", "passed": "passed", "failed": "below the pass mark",
        "disq": "Suspected fraud (D1): confirmed fraud cancels the acceptance — verify each finding",
        "task": "Task", "name": "Title", "units": "Units", "status": "Status", "points": "Score/Points",
        "note": "Note", "bonus": "Bonus", "deductions": "Deductions", "nounit": "No unit named",
        "todo_head": "To-do: {findings} findings", "todo_tasks": ", {tasks} more incomplete tasks",
        "todo_all": " (of {findings} findings in all)", "by_unit": "Items per unit: ", "incomplete": "incomplete",
        "colon": ": ",
        "more": "{n} more, see --format html/json", "unread": "Files that could not be read", "files": "files",
        "findings": "findings", "page": "p.{n}", "fix": "fix", "met": "met", "partial": "partial",
        "missing": "missing", "unknown": "unknown", "error": "error", "warning": "warning", "info": "info",
        "tasks_pts": "tasks", "bonus_pts": "bonus", "none": "none",
        "waived": "Waived ({n}, no deduction)", "reason": "reason", "new": "new", "fixed": "{n} fixed:",
    },
}
_STATUS_STYLE = {Status.MET: "green", Status.PARTIAL: "yellow", Status.MISSING: "red", Status.UNKNOWN: "magenta"}
_SEV_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _todo(con: Console, report: Report, t: dict[str, str], lang: str, *, color: bool, unit: str | None,
          max_items: int) -> None:
    """The to-do list (see `todo`): a headline counting distinct findings, how many items each
    unit shares, then each item once with all its units."""
    built = todo.build(report)
    everything = todo.open_items(built)  # waived findings are listed apart, below
    items = everything if unit is None else todo.for_unit(everything, unit)
    waived = todo.waived_items(built if unit is None else todo.for_unit(built, unit))
    if not items:
        _waived(con, waived, t, lang, max_items=max_items)
        return
    findings, tasks = todo.findings_of(items), todo.tasks_of(items)
    head = t["todo_head"].format(findings=len(findings))
    if tasks:
        head += t["todo_tasks"].format(tasks=len(tasks))
    if unit is not None:
        head = f"{unit or t['nounit']} {head}" + t["todo_all"].format(findings=len(todo.findings_of(everything)))
    con.print()
    con.print(Text(head, style="bold underline"))
    if unit is None:
        counts = [f"{u or t['nounit']} {len(todo.for_unit(items, u))}" for u in todo.units_in_order(report, items)]
        con.print(t["by_unit"] + " · ".join(counts))
    for item in items[:max_items]:
        con.print(_item(item, t, lang, color=color))
        units = _labels.LIST_SEPARATOR[lang].join(item.units) if item.units else t["nounit"]
        con.print(Text(f"    {t['units']}{t['colon']}{units}", style="dim" if color else ""))
    if len(items) > max_items:
        con.print(t["more"].format(n=len(items) - max_items))
    _waived(con, waived, t, lang, max_items=max_items)


def _waived(con: Console, items: todo.Todo, t: dict[str, str], lang: str, *, max_items: int) -> None:
    """The findings a person cleared (--waivers), each with its reason: out of the to-do list."""
    if not items:
        return
    con.print()
    con.print(Text(t["waived"].format(n=len(items)), style="bold"))
    for item in items[:max_items]:
        f = item.finding
        if f is None:
            continue
        message = f.message_en if lang == "en" and f.message_en else f.message
        where = f" {f.path}{t['colon']}" if f.path else " "
        con.print(f"  {_labels.rule_id(f)}{where}{message} — {t['reason']}{t['colon']}{f.waived}", markup=False)


def _fixed(con: Console, report: Report, t: dict[str, str], lang: str, *, max_items: int) -> None:
    """What changed since the baseline: the counts, the score change, the findings now gone."""
    lines = _labels.baseline_summary(report, lang)
    if not lines or report.baseline is None:
        return
    con.print()
    con.print(Text(("；" if lang == "zh" else "; ").join(lines), style="bold"))
    fixed = report.baseline.fixed
    if fixed:
        con.print(t["fixed"].format(n=len(fixed)))
        for f in fixed[:max_items]:
            where = f" {f.path}{t['colon']}" if f.path else " "
            con.print(f"  {_labels.rule_id(f)}{where}{_labels.message(f, lang)}", markup=False)
        if len(fixed) > max_items:
            con.print(t["more"].format(n=len(fixed) - max_items))


def _item(item: todo.Item, t: dict[str, str], lang: str, *, color: bool) -> Text:
    f = item.finding
    if f is None:  # an incomplete task no finding speaks about
        task = item.task
        assert task is not None
        reasons = task.reasons_en if lang == "en" and task.reasons_en else task.reasons
        text = Text.assemble((f"[{t['incomplete']}]", _STATUS_STYLE[task.status]), f" {task.id} {_labels.task_title(task, lang)} — ",
                             (t[task.status.value], _STATUS_STYLE[task.status]))
        if reasons:
            text.append(t["colon"] + reasons[0])
        return text
    message, fix = _labels.message(f, lang), _labels.fix(f, lang)
    where = f.path or ""
    if f.page:
        where += f" {t['page'].format(n=f.page)}"
    text = Text.assemble((f"[{t[f.severity.value]}]", _SEV_STYLE[f.severity]), f" {_labels.rule_id(f)} ")
    if f.baseline == "new":
        text = Text.assemble((f"[{t['new']}]", "bold magenta"), " ", text)
    if where:
        text.append(where, style="bold")
        text.append(t["colon"])
    text.append(message)
    if fix:
        text.append(f" → {fix}", style="dim" if color else "")
    if f.deduction:
        text.append(f" ({f.deduction:g})", style="red")
    return text


def render(report: Report, lang: str = "zh", *, color: bool = False, width: int = 120, unit: str | None = None,
           max_items: int = 60) -> str:
    """The report as text for a terminal; ANSI colours when `color`. The to-do list shows each
    finding once with all its units; `unit` narrows it to that unit's items (`todo.NO_UNIT` for
    the items no unit is named for); at most `max_items` entries are printed."""
    from credit_check.textclean import safe_model, safe_text

    # One pass over the files: only their number and the read errors are shown (made safe
    # here, so the facts of every file are not walked by `safe_model`).
    count, unread = _labels.files_summary(report)
    unread = [(safe_text(path), shown) for path, error in unread if (shown := safe_text(error))]
    report = safe_model(report.model_copy(update={"files": ()}))  # names and messages cannot carry escape sequences or control characters
    t = _LABELS["en" if lang == "en" else "zh"]
    buf = io.StringIO()
    con = Console(file=buf, force_terminal=color, color_system="standard" if color else None, width=width,
                  highlight=False, emoji=False, markup=False)  # '[bold]' in a file name is text, not style
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
        table.add_row(task.id, _labels.task_title(task, lang), "、".join(task.units), Text(t[task.status.value], style=_STATUS_STYLE[task.status]),
                      f"{task.score:g}/{task.points:g}", first_gap)
    con.print(table)
    won = [b for b in report.bonus if b.score > 0]
    con.print(f"{t['bonus']}: " + ("，".join(f"{b.id} {_labels.task_title(b, lang)} +{b.score:g}" for b in won) if won else t["none"]))
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        if f.rule.startswith("D"):
            by_rule[f.rule].append(f)
    if by_rule:
        con.print(f"{t['deductions']}: " + "  ".join(
            f"{rule} ×{len(fs)} {sum(x.deduction for x in fs):g}" for rule, fs in sorted(by_rule.items())))

    _todo(con, report, t, lang, color=color, unit=unit, max_items=max_items)
    _fixed(con, report, t, lang, max_items=max_items)
    if unread:
        con.print()
        con.print(Text(f"{t['unread']} ({len(unread)})", style="bold"))
        for path, error in unread:
            con.print(f"  {path}: {error}")
    con.print()
    con.print(f"{count} {t['files']}, {len(report.findings)} {t['findings']}")
    return buf.getvalue()
