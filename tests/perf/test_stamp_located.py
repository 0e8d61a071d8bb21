"""The located stamp read (facts/stamp.py: find the stamp block by its pixels, read only it with the
crop engine) gives what reading the whole picture gives, on real JPEG files."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from PIL import Image

from credit_check.facts import stamp
from credit_check.facts.stamp import locate_stamp, read_stamp, reduced
from tests.builders.photos import POSITIONS, STYLES, PhotoSpec, Stamp, draw_stamp, make_photo
from tests.conftest import REPO_ROOT

HAS_OCR = importlib.util.find_spec("rapidocr_onnxruntime") is not None or importlib.util.find_spec("rapidocr") is not None
SAMPLES = sorted((REPO_ROOT / "samples").rglob("*.jpg"))


def _small(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return reduced(image)


@pytest.mark.needs_cjk_font
@pytest.mark.parametrize("style", STYLES)
def test_locator_finds_each_style(tmp_path: Path, style: str) -> None:
    for n, position in enumerate(POSITIONS):
        spec = PhotoSpec(seed=40 + n, size=(1600, 1200), stamp=Stamp(when=dt.datetime(2024, 5, 12, 9, 30), style=style,
                                                                      position=position))
        path = make_photo(tmp_path / f"{style}-{position}.jpg", spec)
        left, top, right, bottom = draw_stamp(Image.new("RGB", spec.size), spec.stamp)  # where it was drawn
        scale = 736 / 1200
        cx, cy = (left + right) / 2 * scale, (top + bottom) / 2 * scale
        assert any(x0 <= cx <= x1 and y0 <= cy <= y1 for x0, y0, x1, y1 in locate_stamp(_small(path))), position


@pytest.mark.skipif(not HAS_OCR, reason="needs the ocr extra")
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_located_read_equals_whole_read(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = _small(path)
    located = read_stamp(small)
    monkeypatch.setattr(stamp, "_read_located", lambda image: None)  # the whole picture, as before
    whole = read_stamp(small)
    assert (located.found, located.time, located.day) == (whole.found, whole.time, whole.day)
