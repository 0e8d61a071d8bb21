"""The real-world corpus (../shared/corpus): every PDF and DOCX yields facts or a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from credit_check.facts import ExtractOptions, extract

FOLDERS = ("pdfs", "gongwen", "seals", "other")


def _files(corpus: Path) -> list[Path]:
    return sorted(p for d in FOLDERS if (corpus / d).is_dir() for p in (corpus / d).rglob("*")
                  if p.is_file() and p.suffix.lower() in (".pdf", ".docx"))


def test_corpus_documents_never_crash(corpus: Path) -> None:
    files = _files(corpus)
    assert files
    for path in files:
        got = extract(path, ExtractOptions(ocr=False, max_pages=40))
        assert got.error or got.facts, path
        if got.error:
            assert "/" in got.error  # Chinese / English reason
        else:
            assert got.facts.pages >= 1 and got.facts.seal in (True, False, None)


def test_corpus_encrypted_pdfs(corpus: Path) -> None:
    locked = corpus / "pdfs" / "pdfminer" / "encryption__rc4-128.pdf"
    empty_pw = corpus / "pdfs" / "pdfminer" / "encryption__encrypted_doc_no_id.pdf"
    if not locked.exists() or not empty_pw.exists():
        pytest.skip("corpus files missing")
    assert "加密" in (extract(locked, ExtractOptions(ocr=False)).error or "")
    assert extract(empty_pw, ExtractOptions(ocr=False)).error is None


def test_corpus_real_stamp_and_gaizhang_text(corpus: Path) -> None:
    stamp = corpus / "seals" / "pymupdf__test_3854_booking_seal.pdf"
    text_only = corpus / "seals" / "pdfminer__issue_566_test_2_gaizhang_text.pdf"
    if not stamp.exists() or not text_only.exists():
        pytest.skip("corpus files missing")
    assert extract(stamp, ExtractOptions(ocr=False)).facts.seal is True
    assert extract(text_only, ExtractOptions(ocr=False)).facts.seal is False  # “（盖章）” is no seal


def test_corpus_photo_in_pdf_is_no_header_or_seal(corpus: Path) -> None:
    photo = corpus / "pdfs" / "py-pdf" / "base64image.pdf"  # a colour photograph with warm red tones
    if not photo.exists():
        pytest.skip("corpus file missing")
    facts = extract(photo, ExtractOptions(ocr=False)).facts
    assert facts.red_header is False and facts.seal is False
