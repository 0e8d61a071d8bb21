"""The rectification workbook (整改清单, `--xlsx FILE`): one sheet per responsible unit.

A bureau hands each unit (责任单位) its own list to work through and fill in:

- **汇总 / Summary**: root, period, audit date, the score and verdict (and the change since the
  baseline), the deductions by item, and one row per unit — how many items it has to deal with,
  by severity, the points its findings cost — whose name links to the unit's sheet.
- **one sheet per unit**, in catalogue order (then `未指定责任单位` for items no unit is named
  for): the unit's open items from the to-do model (`todo.for_unit`, errors first, then the
  incomplete tasks no finding speaks about): 序号, 级别, 任务, 规则, 文件, 页码/单元格, 问题,
  修改建议, 扣分, the other units sharing the item, (新/未变 against a baseline) and an empty,
  highlighted **整改情况** column to fill in. An item shared by two units is on both sheets.
- **已豁免 / Waived**: the findings a person cleared, with the reason; **已解决 / Fixed**: the
  baseline's findings that are gone (only with `--baseline`).

Header rows are frozen, filtered and repeated on every printed page (landscape, one page wide).
Every value from the evidence is written as text, never as a formula (a file named `=1+1.pdf`
stays a name), with the characters XML cannot carry made visible.

A pure function `render(report, lang) -> bytes`. The bytes are reproducible: the workbook's
dates are the audit date and the zip entries carry a fixed timestamp.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from credit_check.model import Finding, Report
from credit_check.reporters import _labels, todo

WORDS = {
    "zh": {
        "summary": "汇总", "title": "信用交通县创建材料整改清单", "root": "材料目录", "period": "考核期",
        "audit_date": "自查日期", "score": "得分", "pass_mark": "合格线", "verdict": "结论", "passed": "达到合格线",
        "failed": "未达合格线", "parts": "任务得分 / 加分 / 扣分", "deductions": "扣分项", "item": "扣分项",
        "name": "名称", "open": "问题数", "waived_n": "已豁免", "points": "扣分", "units": "各责任单位",
        "unit": "责任单位", "items": "待办条数", "error": "错误", "warning": "警告", "info": "提示",
        "tasks_n": "未达标任务", "no": "序号", "severity": "级别", "task": "任务", "rule": "规则", "file": "文件",
        "where": "页码/单元格", "problem": "问题", "fix": "修改建议", "others": "共同负责单位",
        "baseline": "与基线比较", "done": "整改情况", "no_unit": "未指定责任单位", "incomplete": "任务未达标",
        "waived": "已豁免", "reason": "豁免理由", "fixed": "已解决", "baseline_line": "基线",
        "disqualified": _labels.DISQUALIFIED["zh"], "hint": "请在“整改情况”列填写整改措施和完成时间。",
    },
    "en": {
        "summary": "Summary", "title": "Credit Transportation County rectification list", "root": "Evidence folder",
        "period": "Assessment period", "audit_date": "Audit date", "score": "Score", "pass_mark": "Pass mark",
        "verdict": "Verdict", "passed": "passed", "failed": "below the pass mark",
        "parts": "Tasks / bonus / deductions", "deductions": "Deductions by item", "item": "Item", "name": "Title",
        "open": "Findings", "waived_n": "Waived", "points": "Points", "units": "Units", "unit": "Unit",
        "items": "Items", "error": "Errors", "warning": "Warnings", "info": "Notes", "tasks_n": "Tasks not met",
        "no": "No.", "severity": "Severity", "task": "Task", "rule": "Rule", "file": "File", "where": "Page/cell",
        "problem": "Problem", "fix": "Fix", "others": "Shared with", "baseline": "Baseline",
        "done": "整改情况 (action taken)", "no_unit": "No unit named", "incomplete": "task not met",
        "waived": "Waived", "reason": "Reason", "fixed": "Fixed", "baseline_line": "Baseline",
        "disqualified": _labels.DISQUALIFIED["en"], "hint": "Fill in the action taken and its date in 整改情况.",
    },
}
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
_TODO_FILL = PatternFill("solid", fgColor="FFF6D5")
_RED = Font(bold=True, color="CF222E")
_WRAP = Alignment(wrap_text=True, vertical="top")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


class _Style:
    """One style given to many cells, the same as setting each of `styles` on each cell: the first
    cell through openpyxl's style descriptors, the others a copy of the style array that gave it
    (each descriptor hashes the style object anew, most of a large workbook's time). A cell
    whose style differs from that first cell's before is styled through the descriptors."""

    def __init__(self, **styles: object) -> None:
        self.styles = styles
        self.known = False
        self.before: StyleArray | None = None  # None: a cell never styled
        self.after: StyleArray | None = None

    def apply(self, cell: Cell) -> None:
        if self.known and cell._style == self.before:
            cell._style = copy.copy(self.after)
            return
        before = copy.copy(cell._style)
        for name, value in self.styles.items():
            setattr(cell, name, value)
        if not self.known:
            self.known, self.before, self.after = True, before, copy.copy(cell._style)


def _put(ws: Worksheet, row: int, col: int, value: object) -> None:
    """Write one cell; text is always text (never a formula) and XML-safe."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = _labels.xml_text(value)
        cell.data_type = "s"
    else:
        cell.value = value


def _header(ws: Worksheet, row: int, names: Sequence[str]) -> None:
    for col, name in enumerate(names, start=1):
        _put(ws, row, col, name)
        ws.cell(row=row, column=col).font = _BOLD
        ws.cell(row=row, column=col).fill = _HEAD_FILL


def sheet_names(units: Sequence[str], reserved: Sequence[str], no_unit: str) -> dict[str, str]:
    """A valid, unique worksheet name (≤ 31 characters, none of []:*?/\\) for each unit."""
    taken = {name.casefold() for name in reserved}
    names: dict[str, str] = {}
    for unit in units:
        base = _BAD_SHEET_CHARS.sub("_", unit or no_unit).strip("'") or "_"
        name, n = base[:31], 1
        while name.casefold() in taken:
            n += 1
            suffix = f"({n})"
            name = base[:31 - len(suffix)] + suffix
        taken.add(name.casefold())
        names[unit] = name
    return names


def render(report: Report, lang: str = "zh") -> bytes:
    lang = _labels.check_lang(lang)
    w = WORDS[lang]
    items = todo.build(report)
    open_items = todo.open_items(items)
    units = todo.units_in_order(report, open_items)
    reserved = [w["summary"], w["waived"], w["fixed"]]
    names = sheet_names(units, reserved, w["no_unit"])

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = w["summary"]
    _summary(summary, report, open_items, units, names, lang)
    for unit in units:
        _unit_sheet(book.create_sheet(names[unit]), report, todo.for_unit(open_items, unit), unit, lang)
    waived = [item.finding for item in todo.waived_items(items) if item.finding is not None]
    if waived:
        _finding_sheet(book.create_sheet(w["waived"]), waived, lang, reason=True)
    if report.baseline is not None and report.baseline.fixed:
        _finding_sheet(book.create_sheet(w["fixed"]), list(report.baseline.fixed), lang, reason=False)

    stamp = dt.datetime.combine(report.audit_date, dt.time())
    book.properties.creator = f"{report.tool_name} {report.tool_version}"
    book.properties.title = w["title"]
    book.properties.created = stamp
    book.properties.modified = stamp
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return _fixed_times(buffer.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """The same zip with every entry's timestamp fixed, so equal reports give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, _ZIP_TIME), src.read(info), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _summary(ws: Worksheet, report: Report, items: todo.Todo, units: Sequence[str], names: dict[str, str],
             lang: str) -> None:
    w, s, p = WORDS[lang], report.score, _labels.points
    _put(ws, 1, 1, w["title"])
    ws.cell(row=1, column=1).font = _TITLE
    rows: list[tuple[str, object]] = [
        (w["root"], report.root),
        (w["period"], f"{report.period.start.isoformat()} – {report.period.end.isoformat()}"),
        (w["audit_date"], report.audit_date.isoformat()),
        (w["score"], f"{p(s.total)} / {p(s.max)}"),
        (w["pass_mark"], p(s.pass_mark)),
        (w["verdict"], w["passed"] if s.passed else w["failed"]),
        (w["parts"], f"{p(s.tasks)} / +{p(s.bonus)} / {p(s.deductions)}"),
    ]
    rows += [(w["baseline_line"], line) for line in _labels.baseline_summary(report, lang)]
    row = 3
    for label, value in rows:
        _put(ws, row, 1, label)
        ws.cell(row=row, column=1).font = _BOLD
        _put(ws, row, 2, value)
        row += 1
    if s.disqualified:
        _put(ws, row, 1, w["disqualified"])
        ws.cell(row=row, column=1).font = _RED
        row += 1
    _put(ws, row, 1, w["hint"])
    row += 2

    _put(ws, row, 1, w["deductions"])
    ws.cell(row=row, column=1).font = _BOLD
    row += 1
    _header(ws, row, [w["item"], w["name"], w["open"], w["waived_n"], w["points"]])
    for deduction in _labels.deduction_rows(report):
        row += 1
        for col, value in enumerate((deduction.rule, _labels.rule_title(deduction.rule, lang), deduction.findings,
                                     deduction.waived, deduction.points), start=1):
            _put(ws, row, col, value)
    row += 2

    _put(ws, row, 1, w["units"])
    ws.cell(row=row, column=1).font = _BOLD
    row += 1
    _header(ws, row, [w["unit"], w["items"], w["error"], w["warning"], w["info"], w["points"], w["tasks_n"]])
    for unit in units:
        mine = todo.for_unit(items, unit)
        findings = [item.finding for item in mine if item.finding is not None]
        row += 1
        _put(ws, row, 1, unit or w["no_unit"])
        link = ws.cell(row=row, column=1)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{names[unit]}'!A1")  # a link inside the workbook
        link.style = "Hyperlink"
        counts = [sum(1 for f in findings if f.severity.value == level) for level in ("error", "warning", "info")]
        for col, value in enumerate((len(mine), *counts, round(sum(f.deduction for f in findings), 4),
                                     len(todo.tasks_of(mine))), start=2):
            _put(ws, row, col, value)
    _widths(ws, [22, 40, 10, 10, 10, 10, 12])


def _widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _unit_sheet(ws: Worksheet, report: Report, items: todo.Todo, unit: str, lang: str) -> None:
    w = WORDS[lang]
    baseline = report.baseline is not None
    head = [w["no"], w["severity"], w["task"], w["rule"], w["file"], w["where"], w["problem"], w["fix"], w["points"],
            w["others"]]
    widths = [6, 8, 8, 18, 40, 14, 48, 36, 7, 18]
    if baseline:
        head.append(w["baseline"])
        widths.append(8)
    head.append(w["done"])
    widths.append(36)
    _header(ws, 1, head)
    done_col = len(head)
    separator = _labels.LIST_SEPARATOR[lang]
    wrap, to_do = _Style(alignment=_WRAP), _Style(fill=_TODO_FILL, alignment=_WRAP)
    for number, item in enumerate(items, start=1):
        row = number + 1
        others = separator.join(u for u in item.units if u != unit)
        finding = item.finding
        if finding is not None:
            values: list[object] = [number, _labels.SEVERITY[lang][finding.severity], finding.task or "",
                                    _labels.rule_id(finding), finding.path or "", _labels.place(finding, lang),
                                    _labels.message(finding, lang), _labels.fix(finding, lang),
                                    finding.deduction or None, others]
            if baseline:
                values.append(_labels.BASELINE[lang].get(finding.baseline or "", ""))
        else:
            task = item.task
            assert task is not None
            values = [number, w["incomplete"], task.id, "", task.folder or "", "",
                      f"{_labels.task_title(task, lang)}：" + "；".join(_labels.notes(task, lang)), "", None, others]
            if baseline:
                values.append("")
        for col, value in enumerate(values, start=1):
            if value is not None:
                _put(ws, row, col, value)
            wrap.apply(ws.cell(row=row, column=col))
        to_do.apply(ws.cell(row=row, column=done_col))
    _widths(ws, widths)
    _sheet_setup(ws, len(head), len(items) + 1)


def _sheet_setup(ws: Worksheet, columns: int, rows: int) -> None:
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(rows, 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _finding_sheet(ws: Worksheet, findings: Sequence[Finding], lang: str, *, reason: bool) -> None:
    w = WORDS[lang]
    head = [w["no"], w["severity"], w["task"], w["rule"], w["file"], w["where"], w["problem"]]
    if reason:
        head.append(w["reason"])
    _header(ws, 1, head)
    wrap = _Style(alignment=_WRAP)
    for number, finding in enumerate(findings, start=1):
        message = finding.message_en if lang == "en" and finding.message_en else finding.message
        values: list[object] = [number, _labels.SEVERITY[lang][finding.severity], finding.task or "",
                                _labels.rule_id(finding), finding.path or "", _labels.place(finding, lang), message]
        if reason:
            values.append(finding.waived or "")
        for col, value in enumerate(values, start=1):
            _put(ws, number + 1, col, value)
            wrap.apply(ws.cell(row=number + 1, column=col))
    _widths(ws, [6, 8, 8, 18, 40, 14, 48, 36])
    _sheet_setup(ws, len(head), len(findings) + 1)
