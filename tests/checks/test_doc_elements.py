"""doc-elements: D6 findings from the facts of issued documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from credit_check.catalogue import load_catalogue
from credit_check.checks import CheckContext, doc_elements
from credit_check.facts import ExtractOptions, extract
from credit_check.model import EvidenceFile, Finding, Kind, Period, Severity
from tests.builders.documents import Gongwen, build_pdf

FULL: dict[str, Any] = {
    "issued": True, "pages": 3, "red_header": True, "red_header_reason": "第1页顶部红色文字", "red_header_page": 1,
    "doc_number": "莱交发〔2024〕1号", "doc_number_canonical": "莱交发〔2024〕1号", "doc_number_status": "found",
    "doc_number_reason": "", "doc_number_issue": None, "doc_number_issues": [], "seal": True, "seal_reason": "",
    "seal_page": 3, "seal_blank": False, "issued_on": "2024-04-28",
}


def _file(facts: dict[str, Any], path: str = "一、2/方案.pdf", error: str | None = None) -> EvidenceFile:
    return EvidenceFile(path=path, abs_path=Path("/nonexistent") / path, size=1, task="1.2", kind=Kind.DOCUMENT,
                        facts=facts, error=error)


def _run(*files: EvidenceFile) -> list[Finding]:
    ctx = CheckContext(catalogue=load_catalogue(), period=Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
                       audit_date=dt.date(2025, 1, 10))
    return list(doc_elements.check(files, ctx))


def test_complete_document_gives_no_findings() -> None:
    assert _run(_file(FULL)) == []


def test_each_missing_element_is_a_d6_error_with_its_page() -> None:
    for key, page in (("red_header", 1), ("seal", 3)):
        found = _run(_file({**FULL, key: False}))
        assert [(f.rule, f.check, f.severity, f.page) for f in found] == [("D6", key, Severity.ERROR, page)]
        assert found[0].message and found[0].message_en and found[0].fix and found[0].task == "1.2"
    found = _run(_file({**FULL, "doc_number": None, "doc_number_status": "missing"}))
    assert [(f.check, f.page) for f in found] == [("doc_number", 1)]


def test_undetermined_is_info_not_a_deduction() -> None:
    facts = {**FULL, "seal": None, "seal_reason": "黑白扫描/复印件", "red_header": None, "doc_number": None,
             "doc_number_status": "undetermined", "doc_number_reason": "未安装 OCR"}
    found = _run(_file(facts))
    assert {(f.rule, f.check, f.severity) for f in found} == {
        ("undetermined", "red_header-undetermined", Severity.INFO),
        ("undetermined", "doc_number-undetermined", Severity.INFO),
        ("undetermined", "seal-undetermined", Severity.INFO)}
    assert any("黑白" in f.message for f in found)


def test_warnings_for_number_format_year_and_blank_seal() -> None:
    facts = {**FULL, "doc_number": "莱交发[2023]01号", "doc_number_issues": ["format", "year"],
             "doc_number_issue": "文号格式不规范", "seal_blank": True}
    found = _run(_file(facts))
    assert sorted((f.check, f.severity) for f in found) == [
        ("doc_number_format", Severity.WARNING), ("doc_number_year", Severity.WARNING), ("seal_blank", Severity.WARNING)]
    assert all(f.rule == "D6" for f in found)


def test_only_issued_readable_files_are_checked() -> None:
    assert _run(_file({**FULL, "issued": False, "seal": False})) == []
    assert _run(_file({**FULL, "seal": False}, error="已加密")) == []
    # an issued file whose extractor knows nothing of the elements (e.g. a picture): undetermined
    found = _run(_file({"issued": True}, path="x/通知.png"))
    assert {f.check for f in found} == {"red_header-undetermined", "doc_number-undetermined", "seal-undetermined"}


def test_end_to_end_from_a_real_pdf(tmp_path: Path) -> None:
    got = extract(build_pdf(tmp_path / "a.pdf", Gongwen(seal=None, number="莱交发（2024）第3号")), ExtractOptions(ocr=False))
    found = _run(_file({**got.facts.model_dump(), "issued": True}))
    assert sorted(f.check for f in found) == ["doc_number_format", "seal"]
