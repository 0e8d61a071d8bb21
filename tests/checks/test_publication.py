from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from credit_check.checks import publication
from credit_check.facts import ExtractOptions, extract
from credit_check.model import EvidenceFile, Finding, Kind, Severity
from tests.builders.sheets import check_context, sheet_file, write_csv, write_xlsx

HEADER = ["序号", "行政相对人名称", "决定文书号", "作出决定日期", "公示日期"]

# (decision, publication, expected check or None, working days taken) — hand counts, decision day = 0.
# Spring Festival 2024: off 02-10..02-17, make-up working days Sun 02-04, Sun 02-18.
# National Day 2024: off 10-01..10-07, make-up working days Sun 09-29, Sat 10-12.
# Labour Day 2024: make-up working day Sat 05-11.
ROWS: list[tuple[str, str, str | None, int | None]] = [
    ("2024-02-07", "2024-02-22", None, 7),  # 8, 9, 18*, 19, 20, 21, 22: exactly on the deadline
    ("2024-02-07", "2024-02-23", "late", 8),  # one past it
    ("2024-02-07", "2024-02-20", None, 5),  # a weekday-only count (8 days) would call this late
    ("2024-02-01", "2024-02-09", None, 7),  # 2, 4*, 5, 6, 7, 8, 9
    ("2024-02-01", "2024-02-18", "late", 8),  # published on the make-up Sunday, one day late
    ("2024-09-25", "2024-10-10", None, 7),  # 26, 27, 29*, 30, 10-08, 09, 10
    ("2024-09-25", "2024-10-11", "late", 8),
    ("2024-09-30", "2024-10-15", None, 7),  # 10-08, 09, 10, 11, 12*, 14, 15
    ("2024-09-30", "2024-10-16", "late", 8),
    ("2024-09-30", "2024-09-29", "before-decision", None),
    ("2024-10-08", "", "unpublished", None),
    ("2024-10-08", "2024-13-45", "bad-date", None),
    ("2024年5月6日", "2024.5.15", "late", 8),  # 7, 8, 9, 10, 11*, 13, 14 → due 05-14
    ("2024/5/6", "2024/5/14", None, 7),
    ("2025-02-27", "", None, None),  # not yet due on the audit date 2025-03-01
]


def ledger(rows: Sequence[tuple[str, str, str | None, int | None]]) -> list[list[str]]:
    out = [["2024年行政处罚“双公示”台账"], HEADER]
    out += [[str(i), f"相对人{i}", f"莱交罚〔2024〕{i}号", d, p] for i, (d, p, _, _) in enumerate(rows, start=1)]
    return out


def run(files: list[EvidenceFile], **settings: Any) -> list[Finding]:
    return list(publication.check(files, check_context(**settings)))


def test_every_row_agrees_with_the_hand_count() -> None:
    findings = run([sheet_file("4.5/双公示台账.xlsx", {"处罚": ledger(ROWS)})])
    expected = {i: c for i, (_, _, c, _) in enumerate(ROWS, start=1) if c}
    got = {}
    for f in findings:
        number = int(f.message.split("莱交罚〔2024〕")[1].split("号")[0])
        got[number] = f.check
        row = number + 2  # title row + header row before the first data row
        assert f"处罚 第{row}行" in f.message
    assert got == expected
    for i, (_, _, check, taken) in enumerate(ROWS, start=1):
        if check == "late":
            [f] = [x for x in findings if f"〔2024〕{i}号" in x.message]
            assert f"用时 {taken} 个工作日" in f.message and f.severity is Severity.ERROR and f.rule == "D4"
    assert {f.severity for f in findings if f.check == "bad-date"} == {Severity.WARNING}


def test_setting_changes_the_limit() -> None:
    rows = [("2024-02-07", "2024-02-23", None, 8)]
    assert run([sheet_file("a.xlsx", {"S": ledger(rows)})], publication_working_days=8) == []
    assert [f.check for f in run([sheet_file("a.xlsx", {"S": ledger(rows)})])] == ["late"]


def test_uncovered_year_is_one_calendar_error_per_ledger() -> None:
    # Mon 2099-01-05: weekdays 6, 7, 9, 12, 13, 14, 15 with Thu 01-08 declared a holiday → due 01-15.
    rows = [("2099-01-05", "2099-01-15", None, None), ("2099-02-05", "2099-02-06", None, None),
            ("2024-02-07", "2024-02-23", "late", 8)]
    findings = run([sheet_file("a.xlsx", {"S": ledger(rows)})])
    assert sorted(f.check for f in findings) == ["calendar", "late"]
    # The user supplies 2099's days off: the calendar error goes away and 01-15 is on time.
    findings = run([sheet_file("a.xlsx", {"S": ledger(rows)})], holidays=(dt.date(2099, 1, 8),))
    assert [f.check for f in findings] == ["late"]


def test_real_xlsx_with_excel_dates(tmp_path: Path) -> None:
    rows = [[dt.datetime(2024, 9, 30), dt.datetime(2024, 10, 15)], [dt.datetime(2024, 9, 30), dt.datetime(2024, 10, 16)]]
    path = write_xlsx(tmp_path / "许可.xlsx", {"许可": [["许可证号", "许可决定日期", "上网日期"]]
                                              + [[f"证{i}", *r] for i, r in enumerate(rows)]})
    extracted = extract(path, ExtractOptions())
    f = EvidenceFile(path="4.4/许可.xlsx", abs_path=path, size=1, task="4.4", kind=Kind.SPREADSHEET,
                     sheets=extracted.sheets)
    [finding] = run([f])
    assert finding.check == "late" and "第3行" in finding.message and "证1" in finding.message


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_csv_ledger(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "公示.csv", [["文书号", "决定日期", "公开日期"], ["A1", "2024-02-07", "2024-02-26"],
                                            ["A2", "2024-02-07", "2024-02-22"]], encoding=encoding)
    extracted = extract(path, ExtractOptions())
    f = EvidenceFile(path="x/公示.csv", abs_path=path, size=1, task=None, kind=Kind.SPREADSHEET, sheets=extracted.sheets)
    findings = run([f])
    assert [(x.check, "A1" in x.message) for x in findings] == [("late", True)]
    assert "用时 9 个工作日" in findings[0].message  # 8, 9, 18*, 19, 20, 21, 22, 23, 26


def test_ledger_without_publication_column() -> None:
    findings = run([sheet_file("双公示.xlsx", {"S": [["文书号", "决定日期"], ["A1", "2024-01-02"]]})])
    assert [f.check for f in findings] == ["no-publication-column"]
    assert run([sheet_file("信用修复台账.xlsx", {"S": [["文书号", "处罚决定日期"], ["A1", "2024-01-02"]]})]) == []


def test_other_sheets_are_ignored() -> None:
    assert run([sheet_file("a.xlsx", {"S": [["姓名", "日期"], ["张三", "2024-01-02"]]})]) == []


def test_many_bad_rows_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publication, "MAX_ROWS_REPORTED", 3)
    rows = [("2024-02-07", "2024-02-23", "late", 8)] * 5
    findings = run([sheet_file("a.xlsx", {"S": ledger(rows)})])
    assert [f.check for f in findings] == ["late"] * 4
    assert "另有 2 行" in findings[-1].message
