"""The cheap photo path gives the same facts as the one it replaced, bit for bit.

`phash.photo_hashes` (53 hashes at once, Pillow's BOX filter reproduced in numpy for the
windows), `paper.find_sheet` (integer masks, the percentile from a histogram) and
`image.reduced` (no needless copies) are compared with the plain computations: `phash` +
`extra_hashes`, numpy's own percentile and float brightness, `facts.stamp.reduced`. Real JPEGs
with real EXIF (every orientation), portrait and landscape, pages photographed on a desk, and
pictures of odd sizes (strips, thumbnails) where Pillow resizes rows first.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from credit_check.facts import image as image_facts
from credit_check.facts import paper, phash, stamp
from tests.builders.photos import PhotoSpec, Stamp, exif_bytes, make_photo, save_jpeg, scene

WHEN = dt.datetime(2024, 6, 1, 9, 30)


def _reference_hashes(picture: Image.Image) -> dict[str, object]:
    return {"phash": phash.phash(picture), **phash.extra_hashes(picture)}


def _reference_sheet(rgb: NDArray[np.uint8]) -> tuple[object, ...] | None:
    """`find_sheet` as it was first written (float brightness, numpy's percentile)."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    lum = (r.astype(np.int16) + g + b) / 3.0
    spread = np.maximum(np.maximum(r, g), b) - np.minimum(np.minimum(r, g), b)
    level = float(np.percentile(lum, 85))
    if level < 120:
        return None
    sheet = (lum > level - 50) & (spread < 45)
    cols = paper._span(sheet.mean(axis=0), 0.35)
    if cols is None:
        return None
    rows = paper._span(sheet[:, cols[0]:cols[1]].mean(axis=1), 0.5)
    if rows is None:
        return None
    cols = paper._span(sheet[rows[0]:rows[1]].mean(axis=0), 0.5)
    if cols is None:
        return None
    (y0, y1), (x0, x1) = rows, cols
    h, w = rgb.shape[:2]
    cover = (y1 - y0) * (x1 - x0) / (h * w)
    if cover < paper.MIN_COVER or y1 - y0 < 60 or x1 - x0 < 60 or sheet[y0:y1, x0:x1].mean() < 0.55:
        return None
    ink = lum[y0:y1, x0:x1] < level - 70
    share = float(ink.mean())
    if not 0.004 <= share <= 0.25:
        return None
    profile = ink.mean(axis=1)
    line_rows = profile > max(0.01, float(profile.mean()) * 0.5)
    lines = [r for r in paper._runs(line_rows) if 0.004 * (y1 - y0) <= r[1] - r[0] <= 0.08 * (y1 - y0)]
    if len(lines) < paper.MIN_LINES:
        return None
    return ((x0, y0, x1, y1), cover, len(lines), share)


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("fast")
    found = [make_photo(folder / "stamped.jpg", PhotoSpec(seed=3, stamp=Stamp(when=WHEN), taken=WHEN)),
             make_photo(folder / "dark.jpg", PhotoSpec(seed=4, dark=True, taken=WHEN, size=(1200, 1600)))]
    picture = scene(11, (2000, 1500), banner="2024年信用交通宣传月活动")
    for orientation in range(1, 9):
        exif = exif_bytes(taken=WHEN, orientation=orientation)
        found.append(save_jpeg(picture, folder / f"turned-{orientation}.jpg", exif=exif, quality=85))
    return found


def test_photo_hashes_are_the_plain_hashes(photos: list[Path]) -> None:
    for path in photos:
        with Image.open(path) as opened:
            small = image_facts.reduced(opened)
            assert phash.photo_hashes(small) == _reference_hashes(small)


@pytest.mark.parametrize("size", [(981, 736), (736, 981), (1400, 300), (300, 1400), (700, 140), (140, 700),
                                  (64, 64), (63, 500), (500, 63), (200, 800), (256, 256), (90, 1000)])
def test_photo_hashes_of_odd_sizes(size: tuple[int, int]) -> None:
    """Strips and thumbnails: crops Pillow resizes rows first, windows too small to hash."""
    rng = np.random.default_rng(size[0] * 7 + size[1])
    smooth = Image.fromarray(rng.integers(0, 256, (24, 32, 3), dtype=np.uint8)).resize(size, Image.Resampling.BICUBIC)
    noisy = Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    flat = Image.new("RGB", size, (120, 130, 140))
    for picture in (smooth, noisy, flat):
        assert phash.photo_hashes(picture) == _reference_hashes(picture)


def test_box_filter_matches_pillow() -> None:
    """The numpy BOX resampling equals Pillow's wherever it is used (horizontal pass first)."""
    rng = np.random.default_rng(5)
    for _ in range(60):
        w, h = int(rng.integers(32, 700)), int(rng.integers(32, 700))
        out = (int(rng.integers(1, min(w, 300) + 1)), int(rng.integers(1, min(h, 300) + 1)))
        pixels = rng.integers(0, 256, (h, w), dtype=np.uint8)
        grey = phash._Grey(pixels)
        expected = np.asarray(Image.fromarray(pixels).resize(out, Image.Resampling.BOX))
        assert np.array_equal(grey.box((0, 0, w, h), out), expected)


def test_reduced_is_the_stamp_readers_picture(photos: list[Path]) -> None:
    for path in photos:
        with Image.open(path) as a, Image.open(path) as b:
            plain = stamp.reduced(a)
            fast = image_facts.reduced(b)
            assert (fast.mode, fast.size) == (plain.mode, plain.size)
            assert fast.tobytes() == plain.tobytes()


def test_find_sheet_decides_as_before(photos: list[Path]) -> None:
    pictures = []
    for path in photos:
        with Image.open(path) as opened:
            small = image_facts.reduced(opened)
            assert paper.find_sheet(small) == paper.find_sheet(np.asarray(small))  # as the reader calls it
            pictures.append(np.asarray(small))
    page = np.full((1400, 1000, 3), 246, np.uint8)  # a printed page: lines of thin dark strokes on white
    for top in range(120, 1300, 60):
        for left in range(100, 900, 6):
            page[top:top + 18, left:left + 2] = 30
    desk = np.asarray(scene(8, (1200, 1600))).copy()
    desk[100:1500, 100:1100] = page
    rng = np.random.default_rng(2)
    shaded = np.clip(desk * np.linspace(0.75, 1.0, 1600)[:, None, None] + rng.normal(0, 4, desk.shape), 0, 255)
    pictures += [page, desk, shaded.astype(np.uint8), np.full((300, 400, 3), 250, np.uint8),
                 np.zeros((50, 60, 3), np.uint8)]
    found = 0
    for rgb in pictures:
        sheet = paper.find_sheet(rgb)
        assert paper.find_sheet(Image.fromarray(rgb)) == sheet
        expected = _reference_sheet(rgb)
        assert (None if sheet is None else (sheet.box, sheet.cover, sheet.lines, sheet.ink)) == expected
        found += expected is not None
    assert found >= 3  # the page, on the desk, in uneven light


def test_percentile_when_the_neighbours_differ() -> None:
    """Where the 85th percentile falls between two brightness levels numpy's value is used."""
    rng = np.random.default_rng(1)
    for n in (1, 2, 3, 7, 20, 101, 1000):
        for _ in range(30):
            total = rng.integers(0, 766, n).astype(np.int16)
            assert paper._percentile_85(total) == float(np.percentile(total / 3.0, 85))
