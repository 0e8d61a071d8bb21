"""PDF facts: text, scans, encryption, damage, and the three 公文 elements of born-digital PDFs."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from credit_check.facts import ExtractOptions, extract
from credit_check.facts.pdf import usable_text
from tests.builders.documents import Gongwen, Scan, blank_scan_pdf, build_pdf, scan_pdf, seal_as_annotation

NO_OCR = ExtractOptions(ocr=False)


def test_born_digital_gongwen_has_all_three_elements(tmp_path: Path) -> None:
    doc = Gongwen(number="莱芜区交字〔2024〕19号", date="2024年4月28日")
    got = extract(build_pdf(tmp_path / "a.pdf", doc), NO_OCR)
    f = got.facts
    assert got.error is None
    assert f.red_header is True and doc.organ in f.red_header_reason
    assert f.doc_number == doc.number and f.doc_number_issue is None
    assert f.seal is True and f.seal_page == 1 and f.seal_blank is False
    assert f.issued_on == dt.date(2024, int("04"), int("28")) and got.content_date is not None and got.content_date_source == "text"
    assert f.title == doc.title
    assert f.scanned is False and f.ocr is False and f.pages == 1
    assert doc.organ in got.pages[0]


@pytest.mark.parametrize("shape", ["round", "oval", "square"])
def test_vector_seal_on_last_page(tmp_path: Path, shape: str) -> None:
    got = extract(build_pdf(tmp_path / "v.pdf", Gongwen(seal="vector", seal_shape=shape, pages=3, font="wqy")), NO_OCR)
    assert got.facts.pages == 3 and len(got.pages) == 3
    assert got.facts.seal is True and got.facts.seal_page == 3


@pytest.mark.parametrize("missing", ["header", "number", "seal"])
def test_each_element_missing_in_turn(tmp_path: Path, missing: str) -> None:
    doc = Gongwen(header=missing != "header", number=None if missing == "number" else "莱交发〔2024〕5号",
                  seal=None if missing == "seal" else "image")
    f = extract(build_pdf(tmp_path / "m.pdf", doc), NO_OCR).facts
    assert f.red_header is (missing != "header")
    assert (f.doc_number is None) is (missing == "number")
    assert f.doc_number_status == ("missing" if missing == "number" else "found")
    assert f.seal is (missing != "seal")


def test_hard_negatives_are_not_seals_or_headers(tmp_path: Path) -> None:
    banner = extract(build_pdf(tmp_path / "b.pdf", Gongwen(layout="banner", number=None, seal=None)), NO_OCR).facts
    assert banner.red_header is False and banner.seal is False
    for kind in ("bar", "pie", "donut"):
        chart = extract(build_pdf(tmp_path / "c.pdf", Gongwen(layout="chart", seal=None, chart=kind)), NO_OCR).facts
        assert chart.seal is False and chart.red_header is True


def test_e_seal_in_a_stamp_annotation(tmp_path: Path) -> None:
    doc = Gongwen(pages=2)
    got = extract(seal_as_annotation(build_pdf(tmp_path / "a.pdf", doc), tmp_path / "e.pdf", doc), NO_OCR)
    assert got.facts.seal is True and got.facts.seal_page == 2


def test_band_header_with_organ_name_but_not_a_slogan_banner(tmp_path: Path) -> None:
    band = extract(build_pdf(tmp_path / "b.pdf", Gongwen(layout="band")), NO_OCR).facts
    assert band.red_header is True and "色带" in band.red_header_reason
    banner = extract(build_pdf(tmp_path / "s.pdf", Gongwen(layout="banner")), NO_OCR).facts
    assert banner.red_header is False


def test_black_header_with_red_rule_and_red_emphasis(tmp_path: Path) -> None:
    f = extract(build_pdf(tmp_path / "k.pdf", Gongwen(black_header=True, red_body=True, seal=None)), NO_OCR).facts
    assert f.red_header is False and f.seal is False


def test_blank_seal_is_reported(tmp_path: Path) -> None:
    f = extract(build_pdf(tmp_path / "s.pdf", Gongwen(seal_over_text=False)), NO_OCR).facts
    assert f.seal is True and f.seal_blank is True
    # an opaque seal picture hides the date in the pixels, but the text layer shows it is there
    f = extract(build_pdf(tmp_path / "o.pdf", Gongwen(seal_opaque=True)), NO_OCR).facts
    assert f.seal is True and f.seal_blank is False


def test_header_picture_is_judged_from_pixels(tmp_path: Path) -> None:
    f = extract(build_pdf(tmp_path / "h.pdf", Gongwen(header_as_image=True)), NO_OCR).facts
    assert f.red_header is True and "图像" in f.red_header_reason


def test_scan_without_ocr_is_undetermined_not_missing(tmp_path: Path) -> None:
    src = build_pdf(tmp_path / "a.pdf", Gongwen(pages=2))
    got = extract(scan_pdf(src, tmp_path / "scan.pdf", Scan(dpi=150, skew=1.2, fade=0.2, jpeg=60)), NO_OCR)
    f = got.facts
    assert f.scanned is True and f.ocr == "unavailable"
    assert f.doc_number is None and f.doc_number_status == "undetermined"
    assert f.red_header is True and f.seal is True and f.seal_page == 2


def test_black_and_white_copy_cannot_confirm_red(tmp_path: Path) -> None:
    src = build_pdf(tmp_path / "a.pdf", Gongwen())
    f = extract(scan_pdf(src, tmp_path / "bw.pdf", Scan(dpi=150, grey=True)), NO_OCR).facts
    assert f.red_header is None and f.seal is None
    assert "黑白" in f.red_header_reason and "黑白" in f.seal_reason


def test_hundred_page_scan_is_bounded(tmp_path: Path) -> None:
    got = extract(blank_scan_pdf(tmp_path / "long.pdf", 100, dpi=100), NO_OCR)
    assert got.error is None and got.facts.pages == 100 and got.facts.scanned is True
    assert len(got.pages) == 100


def test_max_pages_is_honoured(tmp_path: Path) -> None:
    got = extract(blank_scan_pdf(tmp_path / "long.pdf", 30, dpi=60), ExtractOptions(ocr=False, max_pages=10))
    assert got.facts.pages == 30 and len(got.pages) == 10 and "只读取了前 10 页" in got.facts.notes


def test_encrypted_with_user_password_is_a_clear_error(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    src = build_pdf(tmp_path / "a.pdf", Gongwen())
    writer = PdfWriter(clone_from=PdfReader(str(src)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    writer.write(str(locked))
    got = extract(locked, NO_OCR)
    assert got.error is not None and "加密" in got.error and got.facts.encrypted is True


def test_encrypted_with_empty_user_password_is_read(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    src = build_pdf(tmp_path / "a.pdf", Gongwen())
    writer = PdfWriter(clone_from=PdfReader(str(src)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    opened = tmp_path / "open.pdf"
    writer.write(str(opened))
    got = extract(opened, NO_OCR)
    assert got.error is None and got.facts.doc_number == Gongwen().number and got.facts.seal is True


def test_junk_before_header_and_truncation(tmp_path: Path) -> None:
    src = build_pdf(tmp_path / "a.pdf", Gongwen())
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"HTTP/1.1 200 OK\r\n\r\n" + src.read_bytes())
    got = extract(junk, NO_OCR)
    assert got.error is None and got.facts.red_header is True
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(src.read_bytes()[:1500])
    broken = extract(cut, NO_OCR)
    assert broken.error is not None or (getattr(broken.facts, "pages", 0) or 0) >= 0  # facts or a clear error, no traceback


def test_usable_text_rejects_mojibake() -> None:
    assert usable_text("关于印发信用交通县创建工作方案的通知")
    assert not usable_text("ɹɹং Θͨ͘͠ͱ͍;ݱ৅͸၊ఆ͞Εͨ༗ަػྲྀి౯ͷͻͱͭͷ੨͍র໌Ͱ")
    assert not usable_text("\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008\ue009")
    assert not usable_text("abc")


def test_scan_with_ocr_reads_number_and_title(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    if os.environ.get("CREDIT_CHECK_NO_OCR"):
        pytest.skip("OCR disabled")
    doc = Gongwen(number="莱交发〔2024〕7号")
    got = extract(scan_pdf(build_pdf(tmp_path / "a.pdf", doc), tmp_path / "s.pdf", Scan(dpi=150, skew=0.5)),
                  ExtractOptions())
    f = got.facts
    assert f.ocr is True and f.ocr_pages == (1,)
    assert f.doc_number is not None and "2024" in f.doc_number and f.doc_number.endswith("7号")
    assert f.title is not None and "通知" in f.title


def test_rotated_page_keeps_the_seal(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(build_pdf(tmp_path / "a.pdf", Gongwen()))))
    writer.pages[0].rotate(90)
    rotated = tmp_path / "r.pdf"
    writer.write(str(rotated))
    f = extract(rotated, NO_OCR).facts
    assert f.seal is True and f.red_header is True
