"""The rectification workbook (`--xlsx FILE`, 整改清单), read back with openpyxl: a summary sheet,
one sheet per unit with its items and an empty 整改情况 column, names as text, never formulas."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from credit_check.baseline import compare, parse_baseline
from credit_check.model import Finding, Report, Severity
from credit_check.reporters import json as json_report
from credit_check.reporters import todo, xlsx
from tests.builders.reports import build_report, with_odd_names


def _book(report: Report, lang: str = "zh") -> Workbook:
    return load_workbook(io.BytesIO(xlsx.render(report, lang)))


def _rows(book: Workbook, sheet: str) -> list[dict[str, Any]]:
    ws = book[sheet]
    values = list(ws.iter_rows(values_only=True))
    head = [str(v) for v in values[0]]
    return [dict(zip(head, row, strict=True)) for row in values[1:]]


def test_one_sheet_per_unit_after_the_summary() -> None:
    report = build_report()
    book = _book(report)
    items = todo.build(report)
    units = todo.units_in_order(report, items)
    assert book.sheetnames == ["汇总", *[u or "未指定责任单位" for u in units]]
    for unit in units:
        rows = _rows(book, unit or "未指定责任单位")
        mine = todo.for_unit(items, unit)
        assert [r["序号"] for r in rows] == list(range(1, len(mine) + 1))
        assert all(r["整改情况"] is None for r in rows), "left empty for the unit to fill in"
        messages = [r["问题"] for r in rows]
        for item in mine:
            if item.finding is not None:
                assert item.finding.message in messages
            else:
                assert item.task is not None and any(item.task.title in m for m in messages)


def test_unit_rows_carry_task_file_place_fix_deduction_and_co_owners() -> None:
    book = _book(build_report())
    seal = next(r for r in _rows(book, "法规科") if r["规则"] == "D6/seal")
    assert seal == {"序号": 1, "级别": "错误", "任务": "1.1", "规则": "D6/seal",
                    "文件": "1.1 成立领导小组/关于成立领导小组的通知 #2.pdf", "页码/单元格": "第2页",
                    "问题": "文件未加盖公章", "修改建议": "请上传加盖公章的正式文件", "扣分": -1, "共同负责单位": "综合科",
                    "整改情况": None}
    late = next(r for r in _rows(book, "综合执法大队") if r["规则"] == "D4/late")
    assert late["页码/单元格"] == "第3行"
    same = next(r for r in _rows(book, "综合科") if r["规则"] == "D6/seal")
    assert same["共同负责单位"] == "法规科"  # one finding, on both units' sheets


def test_summary_score_deductions_and_unit_links() -> None:
    report = build_report(disqualified=True)
    ws = _book(report)["汇总"]
    cells = {str(row[0]): row[1:] for row in ws.iter_rows(values_only=True) if row[0] is not None}
    assert cells["得分"][0] == f"{report.score.total:g} / {report.score.max:g}"
    assert cells["结论"][0] == "未达合格线"
    assert any("弄虚作假" in key for key in cells), "the disqualification is stated"
    assert cells["D1"][1:4] == (1, 0, -5)
    links = {cell.value: cell.hyperlink.location for row in ws.iter_rows() for cell in row
             if cell.hyperlink is not None}
    assert links["法规科"] == "'法规科'!A1" and links["未指定责任单位"] == "'未指定责任单位'!A1"


def test_text_is_never_a_formula_and_odd_characters_survive() -> None:
    report = with_odd_names(build_report())
    formula = Finding(rule="D5", check="junk-name", severity=Severity.WARNING, path="=HYPERLINK(\"http://x\",\"点我\").pdf",
                      message="+1+1", fix="@SUM(A1)")
    report = report.model_copy(update={"findings": (*report.findings, formula)})
    book = _book(report)
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    starts = [cell for cell in cells if cell.value.startswith(("=", "+", "@"))]
    assert starts and all(cell.data_type == "s" for cell in starts)
    assert any("铃\\x07声" in cell.value for cell in cells)


def test_bytes_are_reproducible() -> None:
    report = build_report()
    assert xlsx.render(report) == xlsx.render(report)
    book = _book(report)
    assert book.properties.created is not None and book.properties.created.date() == report.audit_date


def test_sheet_names_are_valid_and_unique() -> None:
    names = xlsx.sheet_names(["a/b", "a?b", "x" * 40, "汇总", ""], ["汇总"], "未指定责任单位")
    assert len(set(names.values())) == 5
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names.values())
    assert names["汇总"] != "汇总" and names[""] == "未指定责任单位"


def test_waived_and_fixed_sheets() -> None:
    report = build_report()
    cleared = report.model_copy(update={"findings": tuple(
        f.model_copy(update={"waived": "已核实"}) if f.check == "seal" else f for f in report.findings)})
    book = _book(cleared)
    assert all(r["规则"] != "D6/seal" for r in _rows(book, "法规科"))
    assert [(r["规则"], r["豁免理由"]) for r in _rows(book, "已豁免")] == [("D6/seal", "已核实")]
    old = json_report.render(report)
    now = report.model_copy(update={"findings": tuple(f for f in report.findings if f.check != "late")})
    book = _book(compare(now, parse_baseline(__import__("json").loads(old), "old.json")))
    assert [r["规则"] for r in _rows(book, "已解决")] == ["D4/late"]
    assert {r["与基线比较"] for r in _rows(book, "法规科")} == {"未变"}


def test_english_labels() -> None:
    book = _book(build_report(), "en")
    assert book.sheetnames[0] == "Summary"
    row = _rows(book, "法规科")[0]
    assert row["Severity"] == "error" and row["Problem"] == "The document bears no seal"
