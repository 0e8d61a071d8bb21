from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest

from credit_check.facts import ExtractOptions, extract
from credit_check.facts import sheet as sheet_facts
from credit_check.model import Kind, Sheet
from tests.builders.sheets import write_csv, write_encrypted_ooxml, write_xlsx

HEADER = ["序号", "行政相对人名称", "行政处罚决定书文号", "处罚决定日期", "公示日期"]


def test_xlsx_cells_dates_numbers_and_ledger(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "双公示台账.xlsx", {
        "处罚": [["2024年行政处罚双公示台账"], HEADER,
                 [1, "某运输公司", "莱交罚〔2024〕12号", dt.datetime(2024, 5, 6), dt.date(2024, 5, 8)],
                 [2.0, "某维修厂", "莱交罚〔2024〕13号", dt.datetime(2024, 5, 7, 9, 30), 3.25]],
        "说明": [["备注"]],
    })
    result = extract(path, ExtractOptions())
    assert result.error is None
    assert result.kind is Kind.SPREADSHEET
    rows = result.sheets[0].rows
    assert rows[2] == ("1", "某运输公司", "莱交罚〔2024〕12号", "2024-05-06", "2024-05-08")
    assert rows[3][0] == "2" and rows[3][3] == "2024-05-07 09:30:00" and rows[3][4] == "3.25"
    facts = result.facts
    assert facts.sheets == 2 and facts.rows == 5
    assert facts.ledger is not None and facts.ledger.model_dump() == {"kind": "penalty", "sheet": "处罚", "header_row": 2, "columns": {
        "subject": "行政相对人名称", "document_number": "行政处罚决定书文号",
        "decision_date": "处罚决定日期", "publication_date": "公示日期"}}
    json.dumps(facts.model_dump(mode="json"))


def test_empty_rows_keep_row_numbers(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "标题"
    ws["B4"] = "第四行"
    wb.save(tmp_path / "gap.xlsx")
    rows = extract(tmp_path / "gap.xlsx", ExtractOptions()).sheets[0].rows
    assert len(rows) == 4 and rows[3] == ("", "第四行") and not any(rows[1])


def test_not_a_ledger(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "名单.xlsx", {"Sheet1": [["姓名", "单位"], ["张三", "法规科"]]})
    assert extract(path, ExtractOptions()).facts.ledger is None


@pytest.mark.parametrize(("encoding", "bom", "expected"), [
    ("utf-8", False, "utf-8"), ("utf-8", True, "utf-8-sig"), ("gbk", False, "gb18030"), ("gb18030", False, "gb18030"),
])
def test_csv_encodings(tmp_path: Path, encoding: str, bom: bool, expected: str) -> None:
    rows = [["类别", "决定文书号", "许可决定日期", "上网日期"], ["行政许可", "鲁交运证字370116001号", "2024/5/6", "2024.5.8"]]
    path = write_csv(tmp_path / "许可.csv", rows, encoding=encoding, bom=bom)
    result = extract(path, ExtractOptions())
    assert result.error is None
    assert result.facts.encoding == expected
    assert result.sheets[0].rows == tuple(tuple(r) for r in rows)
    assert result.facts.ledger.kind == "licence"
    assert result.facts.ledger.columns["publication_date"] == "上网日期"


def test_row_cap_is_noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_facts, "MAX_ROWS", 10)
    path = write_csv(tmp_path / "big.csv", [[str(i), "x"] for i in range(50)])
    result = extract(path, ExtractOptions())
    assert result.facts.rows == 10 and result.facts.truncated == ("big",)
    xlsx = write_xlsx(tmp_path / "big.xlsx", {"S": [[i] for i in range(50)]})
    result = extract(xlsx, ExtractOptions())
    assert result.facts.rows == 10 and result.facts.truncated == ("S",)


def test_encrypted_xlsx_gives_clear_error(tmp_path: Path) -> None:
    result = extract(write_encrypted_ooxml(tmp_path / "加密.xlsx"), ExtractOptions())
    assert result.error is not None and "加密" in result.error


@pytest.mark.skipif(importlib.util.find_spec("xlrd") is not None, reason="xlrd installed: XLS is readable")
def test_xls_without_xlrd_says_save_as_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "旧.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    result = extract(path, ExtractOptions())
    assert result.error is not None and "另存为 XLSX" in result.error


def test_corrupt_xlsx_is_an_error_not_a_crash(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", {"S": [["a"]]})
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[:300])
    result = extract(broken, ExtractOptions())
    assert result.error is not None


@pytest.mark.parametrize(("headers", "kind"), [
    (["类别", "作出决定日期", "公开日期", "决定文书号"], "mixed"),
    (["许可证号", "许可决定日期", "公示时间"], "licence"),
    (["文书号", "决定日期"], "mixed"),
])
def test_ledger_columns_by_name_variants(headers: list[str], kind: str) -> None:
    found = sheet_facts.ledger_columns(Sheet(name="Sheet1", rows=(tuple(headers),)))
    assert found is not None and found.kind == kind
    assert headers[found.columns["decision_date"]] in ("作出决定日期", "许可决定日期", "决定日期")


def test_expiry_date_is_not_a_decision_date() -> None:
    rows = (("许可证号", "许可截止日期", "公示日期"),)
    assert sheet_facts.ledger_columns(Sheet(name="S", rows=rows)) is None


def test_utf16_tab_separated_export(tmp_path: Path) -> None:
    path = tmp_path / "导出.csv"
    path.write_bytes("文书号\t决定日期\t公示日期\r\nA1\t2024-05-06\t2024-05-08\r\n".encode("utf-16"))
    result = extract(path, ExtractOptions())
    assert result.facts.encoding == "utf-16"
    assert result.sheets[0].rows[1] == ("A1", "2024-05-06", "2024-05-08")


def test_unusual_extension_case(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [["x", 1]]})
    upper = path.rename(tmp_path / "台账.XLSX")
    result = extract(upper, ExtractOptions())
    assert result.error is None and result.sheets[0].rows == (("x", "1"),)


def test_xls_with_xlrd(tmp_path: Path) -> None:
    pytest.importorskip("xlrd")
    xlwt = pytest.importorskip("xlwt")  # only to write the test file
    wb = xlwt.Workbook()
    ws = wb.add_sheet("处罚")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, header in enumerate(["文书号", "处罚决定日期", "公示日期"]):
        ws.write(0, c, header)
    ws.write(1, 0, "A1")
    ws.write(1, 1, dt.datetime(2024, 2, 7), date_style)
    ws.write(1, 2, 12.0)
    wb.save(str(tmp_path / "旧.xls"))
    result = extract(tmp_path / "旧.xls", ExtractOptions())
    assert result.error is None
    assert result.sheets[0].rows[1] == ("A1", "2024-02-07", "12")
    assert result.facts.ledger.kind == "penalty"
