"""DOCX facts: run colours, seal pictures (inline and floating), pages, encryption."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from credit_check.facts import ExtractOptions, extract
from tests.builders.documents import Gongwen, build_docx, build_vml_docx

OPTS = ExtractOptions(ocr=False)


def test_docx_with_red_runs_and_floating_seal(tmp_path: Path) -> None:
    doc = Gongwen(number="莱交字〔2024〕3号", date="2024年6月3日")
    got = extract(build_docx(tmp_path / "a.docx", doc), OPTS)
    f = got.facts
    assert got.error is None
    assert f.red_header is True and doc.organ in f.red_header_reason
    assert f.doc_number == doc.number
    assert f.seal is True and f.seal_blank is False
    assert f.issued_on == dt.date(2024, int("06"), int("03")) and f.title == doc.title
    assert doc.body[0][:10] in "\n".join(got.pages)


def test_docx_missing_elements_and_black_header(tmp_path: Path) -> None:
    f = extract(build_docx(tmp_path / "b.docx", Gongwen(header=False, number=None, seal=None)), OPTS).facts
    assert f.red_header is False and f.doc_number is None and f.seal is False


def test_docx_square_inline_seal_on_second_page(tmp_path: Path) -> None:
    f = extract(build_docx(tmp_path / "c.docx", Gongwen(pages=2, seal_shape="square"), floating_seal=False), OPTS).facts
    assert f.seal is True and f.seal_page == 2 and f.pages == 2


def test_docx_header_picture_and_blank_seal(tmp_path: Path) -> None:
    f = extract(build_docx(tmp_path / "d.docx", Gongwen(header_as_image=True, seal_over_text=False)), OPTS).facts
    assert f.red_header is True and f.seal is True and f.seal_blank is True


def test_docx_hard_negatives(tmp_path: Path) -> None:
    banner = extract(build_docx(tmp_path / "e.docx", Gongwen(layout="banner", number=None, seal=None)), OPTS).facts
    assert banner.red_header is False and banner.seal is False
    chart = extract(build_docx(tmp_path / "f.docx", Gongwen(layout="chart", seal=None, chart="donut")), OPTS).facts
    assert chart.seal is False


def test_password_protected_docx_is_a_clear_error(tmp_path: Path) -> None:
    # Word saves a password-protected .docx as an OLE compound file (EncryptionInfo + EncryptedPackage).
    locked = tmp_path / "locked.docx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"EncryptedPackage".ljust(512, b"\0"))
    got = extract(locked, OPTS)
    assert got.error is not None and "加密" in got.error


def test_corrupt_docx_is_a_clear_error(tmp_path: Path) -> None:
    good = build_docx(tmp_path / "a.docx", Gongwen())
    bad = tmp_path / "bad.docx"
    bad.write_bytes(good.read_bytes()[:3000])
    got = extract(bad, OPTS)
    assert got.error is not None


def test_docx_vml_seal_picture(tmp_path: Path) -> None:
    f = extract(build_vml_docx(tmp_path / "v.docx", Gongwen(seal_shape="oval")), OPTS).facts
    assert f.seal is True and "椭圆" in f.seal_reason and f.seal_blank is False
