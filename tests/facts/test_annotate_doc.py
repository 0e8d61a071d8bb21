"""annotate_document: the page picture with the header, number and seal boxed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from credit_check.annotate_doc import COLOURS, annotate_document
from tests.builders.documents import Gongwen, build_docx, build_pdf


@pytest.fixture(autouse=True)
def _no_ocr(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from credit_check.facts import ocr

    monkeypatch.setenv(ocr.DISABLE_ENV, "1")
    ocr.reset()
    yield
    monkeypatch.delenv(ocr.DISABLE_ENV)
    ocr.reset()
    assert not os.environ.get(ocr.DISABLE_ENV)


def test_annotated_picture_shows_page_one_and_the_seal_page(tmp_path: Path) -> None:
    src = build_pdf(tmp_path / "a.pdf", Gongwen(pages=2))
    out = tmp_path / "out" / "a.png"
    lines = annotate_document(src, out)
    assert out.exists() and any("公章：有" in ln for ln in lines) and any("红头：有" in ln for ln in lines)
    img = np.asarray(Image.open(out).convert("RGB"))
    assert img.shape[1] > img.shape[0]  # two pages side by side
    for colour in COLOURS.values():  # header, number and seal boxes are all drawn
        assert (np.abs(img.astype(int) - np.array(colour)).sum(axis=2) < 30).sum() > 50


def test_missing_elements_are_listed_and_docx_gets_no_picture(tmp_path: Path) -> None:
    lines = annotate_document(build_pdf(tmp_path / "b.pdf", Gongwen(seal=None, number=None)), tmp_path / "b.png")
    assert any("公章：缺少" in ln for ln in lines) and any("文号：缺少" in ln for ln in lines)
    out = tmp_path / "d.png"
    lines = annotate_document(build_docx(tmp_path / "d.docx", Gongwen()), out)
    assert not out.exists() and any("无法渲染" in ln for ln in lines)
