"""Perceptual hash: stable under resize, recompression, light crop and a new stamp; distinct otherwise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image

from credit_check.facts.phash import distance, middle_hash, phash, zoom_hashes
from credit_check.facts.stamp import reduced
from credit_check.nearphotos import close_pairs
from tests.builders.photos import PhotoSpec, Stamp, cropped, make_photo, recompressed, resized, restamped

LIMIT = 10  # the catalogue default for settings.photo.reuse_distance
WHEN = dt.datetime(2024, 6, 1, 9, 30)


def _hashes(path: Path) -> list[str]:
    with Image.open(path) as image:
        small = reduced(image)
    main = phash(small)
    assert main is not None
    return [main, *zoom_hashes(small)]


def _best(a: list[str], b: list[str]) -> int:
    return min(distance(x, y) for x in a for y in b)


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[PhotoSpec, Path]:
    spec = PhotoSpec(seed=77, stamp=Stamp(when=WHEN), taken=WHEN)
    return spec, make_photo(tmp_path_factory.mktemp("ph") / "orig.jpg", spec)


def test_hash_is_16_hex_digits(original: tuple[PhotoSpec, Path]) -> None:
    h = _hashes(original[1])
    assert len(h) == 3 and all(len(x) == 16 and int(x, 16) >= 0 for x in h)


@pytest.mark.parametrize("variant", ["resized", "recompressed", "cropped", "restamped", "restyled"])
def test_variants_stay_close(original: tuple[PhotoSpec, Path], tmp_path: Path, variant: str) -> None:
    spec, src = original
    dst = tmp_path / f"{variant}.jpg"
    if variant == "resized":
        resized(src, dst, 0.35)
    elif variant == "recompressed":
        recompressed(src, dst, 30)
    elif variant == "cropped":
        cropped(src, dst, 0.05)
    elif variant == "restamped":
        restamped(spec, dst, WHEN + dt.timedelta(days=20, minutes=7))
    else:
        restamped(spec, dst, WHEN + dt.timedelta(days=20), style="mark")
    assert _best(_hashes(src), _hashes(dst)) <= LIMIT


def test_different_scenes_are_far_apart(tmp_path: Path) -> None:
    hashes = [_hashes(make_photo(tmp_path / f"{i}.jpg", PhotoSpec(seed=500 + i, size=(800, 600), dark=i % 2 == 0)))
              for i in range(12)]
    assert close_pairs(hashes, None, LIMIT) == {}
    assert min(_best(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1:]) > LIMIT


def test_middle_hash_ignores_a_different_stamp_app(original: tuple[PhotoSpec, Path], tmp_path: Path) -> None:
    spec, src = original
    other = restamped(spec, tmp_path / "card.jpg", WHEN + dt.timedelta(days=3), style="light_card")
    with Image.open(src) as a, Image.open(other) as b:
        ha, hb = middle_hash(reduced(a)), middle_hash(reduced(b))
    assert ha is not None and hb is not None and distance(ha, hb) <= 4


def test_flat_and_tiny_pictures_have_no_hash() -> None:
    assert phash(Image.new("RGB", (640, 480), (128, 128, 128))) is None
    assert phash(Image.new("RGB", (8, 8), (10, 200, 30))) is None


def test_close_pairs_reports_smallest_distance() -> None:
    a, b, c = "ffffffffffffffff", "fffffffffffffff0", "0000000000000000"
    assert distance(a, b) == 4
    assert close_pairs([[a], [c, b], [c]], None, 4) == {(0, 1): 4, (1, 2): 0}
    assert close_pairs([[a]], None, 64) == {}
    # queries against targets: item 1's second hash is only a target
    assert close_pairs([[a], [c], [c]], [[a], [c, b], [c]], 4) == {(0, 1): 4, (1, 2): 0}
    assert close_pairs([[a], [c]], [[a], [c, b]], 3) == {}


def test_png_screenshot_is_an_image_with_a_hash(tmp_path: Path) -> None:
    from credit_check.facts import ExtractOptions, extract
    from credit_check.model import Kind
    from tests.builders.photos import scene

    path = tmp_path / "shot.png"
    scene(5, (640, 480)).save(path)
    got = extract(path, ExtractOptions(ocr=False))
    assert got.kind is Kind.IMAGE and got.error is None
    assert got.facts.phash is not None and (got.facts.width, got.facts.height) == (640, 480)
    assert got.pages == () and got.facts.ocr_note


def test_png_text_through_ocr(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from PIL import ImageDraw

    from credit_check.facts import ExtractOptions, extract
    from tests.builders.photos import CJK_FONT, font

    image = Image.new("RGB", (800, 300), (255, 255, 255))
    ImageDraw.Draw(image).text((40, 100), "信用交通宣传月活动通知", font=font(CJK_FONT, 48), fill=(0, 0, 0))
    path = tmp_path / "notice.png"
    image.save(path)
    got = extract(path, ExtractOptions())
    if got.facts.ocr_note:
        pytest.skip(f"image OCR not available: {got.facts.ocr_note}")
    assert "信用交通" in "".join(got.pages)
