"""BIFF .xls and Kingsoft .et workbooks, read by xlrd in the plain install: the real files of
../shared/corpus/formats (xls/ and wps/denkchan_工作簿1.et) and damaged copies."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from credit_check.facts import ExtractOptions, extract
from credit_check.facts.sheet import xls_date
from credit_check.facttypes import ErrorKind
from credit_check.model import Kind
from tests.builders.sheets import write_xlsx
from tests.conftest import REPO_ROOT

OPTS = ExtractOptions(ocr=False)
SHEETS = {"psychology_tbmb_hbfr.xls": 4, "psychology_tbmb_scjgfr.xls": 17, "psychology_tbmb_swfr.xls": 7,
          "psychology_resource-templet.xls": 1, "tangchenxuzi_26.1数据列表的实例.xls": 1}


def test_xlrd_is_a_main_dependency() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(d.startswith("xlrd") for d in project["dependencies"])
    assert "xls" in project["optional-dependencies"]  # old `pip install '.[xls]'` commands still work


def _xls(corpus: Path) -> Path:
    folder = corpus / "formats" / "xls"
    if not folder.is_dir():
        pytest.skip("corpus formats/xls missing")
    return folder


@pytest.mark.parametrize("name", sorted(SHEETS))
def test_corpus_xls_files_read(corpus: Path, name: str) -> None:
    path = _xls(corpus) / name
    if not path.exists():
        pytest.skip(f"{name} missing")
    got = extract(path, OPTS)
    assert got.error is None and got.kind is Kind.SPREADSHEET
    assert got.facts.sheets == SHEETS[name] and got.facts.format == "xls"
    assert got.facts.rows > 0 and got.sheets[0].rows


def test_date_serials_become_iso_dates(corpus: Path) -> None:
    path = _xls(corpus) / "tangchenxuzi_26.1数据列表的实例.xls"
    if not path.exists():
        pytest.skip("corpus file missing")
    rows = extract(path, OPTS).sheets[0].rows
    assert rows[0][:6] == ("工号", "姓名", "性别", "籍贯", "出生日期", "入职日期")
    assert rows[1][4:6] == ("1978-05-28", "2003-06-20")
    assert all(len(r[4]) == 10 and r[4][4] == "-" for r in rows[1:21])


def test_long_chinese_sheet_names(corpus: Path) -> None:
    path = _xls(corpus) / "psychology_tbmb_hbfr.xls"
    if not path.exists():
        pytest.skip("corpus file missing")
    got = extract(path, OPTS)
    assert got.sheets[0].name == "关闭、闲置或者拆除大气污染防治设施、场所的许可"
    assert "统一社会信用代码" in "".join(got.sheets[1].rows[0]) or got.sheets[1].rows


def test_kingsoft_et_reads_like_xls(corpus: Path) -> None:
    path = corpus / "formats" / "wps" / "denkchan_工作簿1.et"
    if not path.exists():
        pytest.skip("corpus file missing")
    got = extract(path, OPTS)
    assert got.error is None and got.kind is Kind.SPREADSHEET
    assert got.facts.sheets == 2 and got.facts.format == "et" and got.facts.mislabelled is None
    cells = [c for s in got.sheets for row in s.rows for c in row]
    assert "级联顺序" in cells and "实际顺序" in cells


def test_et_saved_as_zip_is_read_as_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", {"S": [["文书号", "决定日期"], ["A1", dt.date(2024, 3, 1)]]})
    et = path.rename(tmp_path / "台账.et")
    got = extract(et, OPTS)
    assert got.error is None and got.sheets[0].rows[1] == ("A1", "2024-03-01")
    assert got.facts.mislabelled == ".et → zip"


def test_xls_date_edge_cases() -> None:
    assert xls_date(28638, 0) == dt.datetime(1978, 5, 28)
    assert xls_date(0, 1) == dt.time(0)  # a bare time of day in the 1904 system
    assert xls_date(0.5, 0) == dt.time(12)
    assert xls_date(-3.0, 0) == -3.0  # no date: the number stays
    assert xls_date(1e12, 0) == 1e12


def test_damaged_xls_and_et_are_errors_not_crashes(corpus: Path, tmp_path: Path) -> None:
    sources = [p for p in (_xls(corpus) / "tangchenxuzi_26.1数据列表的实例.xls",
                           corpus / "formats" / "wps" / "denkchan_工作簿1.et") if p.exists()]
    for src in sources:
        data = src.read_bytes()
        for i, raw in enumerate((data[:700], data[: len(data) // 2], data[:4096] + b"\xff" * 4096)):
            path = tmp_path / f"{src.stem}_{i}{src.suffix}"
            path.write_bytes(raw)
            got = extract(path, OPTS)
            assert got.kind is Kind.SPREADSHEET
            assert got.error is None or got.error_kind in (ErrorKind.CORRUPT, ErrorKind.MISLABELLED), got.error
