"""Back-dated records (疑似补做材料): real DOCX files whose core properties say when they were
created, against the date the record claims. Always warnings, never errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx

from credit_check.catalogue import load_catalogue
from credit_check.checks import CheckContext, provenance
from credit_check.discover import Discovered
from credit_check.facts import ExtractOptions, extract
from credit_check.model import EvidenceFile, Period, Severity
from credit_check.records import build_record

CAT = load_catalogue()
CTX = CheckContext(catalogue=CAT, period=Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
                   audit_date=dt.date(2025, 1, 1))


def minutes(folder: Path, name: str, held: str, created: dt.datetime) -> EvidenceFile:
    folder.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.add_paragraph("信用交通创建工作领导小组会议纪要")
    document.add_paragraph(f"会议时间：{held}")
    document.add_paragraph("会议研究部署了本季度信用交通创建工作。")
    document.core_properties.created = created
    document.core_properties.modified = created
    path = folder / name
    document.save(str(path))
    item = Discovered(path=f"1.2 领导小组会议/{name}", abs_path=path, size=path.stat().st_size, task="1.2")
    return build_record(item, "0" * 64, extract(path, ExtractOptions(ocr=False)), CAT)


def test_docx_creation_time_is_read(tmp_path: Path) -> None:
    record = minutes(tmp_path, "2024-03-15 第一季度会议纪要.docx", "2024年3月15日", dt.datetime(2024, 3, 15, 9, 0))
    assert record.facts.created is not None and record.facts.created.date() == dt.date(2024, 3, 15)  # type: ignore[union-attr]
    assert record.date == dt.date(2024, 3, 15)


def test_records_kept_at_the_time_are_not_flagged(tmp_path: Path) -> None:
    files = [minutes(tmp_path, f"2024-{m:02d}-15 第{q}季度会议纪要.docx", f"2024年{m}月15日",
                     dt.datetime(2024, m, 15, 9, 0)) for q, m in ((1, 3), (2, 6), (3, 9), (4, 12))]
    assert list(provenance.check(files, CTX)) == []


def test_a_year_of_minutes_written_in_one_afternoon(tmp_path: Path) -> None:
    one_day = dt.datetime(2024, 12, 20, 15, 0)
    files = [minutes(tmp_path, f"2024-{m:02d}-15 第{q}季度会议纪要.docx", f"2024年{m}月15日", one_day)
             for q, m in ((1, 3), (2, 6), (3, 9), (4, 12))]
    found = list(provenance.check(files, CTX))
    assert all(f.rule == "D1" and f.severity is Severity.WARNING for f in found)
    late = sorted(f.path for f in found if f.check == "created-late")
    assert late == sorted(f.path for f in files[:3])  # December's own record is not late
    [batch] = [f for f in found if f.check == "created-same-day"]
    assert batch.evidence["created"] == "2024-12-20" and batch.evidence["records"] == 4
    assert {batch.path, *batch.related} == {f.path for f in files}
    assert "2024-03-15" in batch.message and "2024-12-20" in batch.message
