"""Real camera files (../shared/corpus/photos, corpus/other/*.png): facts or a reason, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credit_check.facts import ExtractOptions, extract
from credit_check.model import Extracted, Kind

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
PHOTOS = sorted(p for p in (CORPUS / "photos").rglob("*") if p.is_file()) if CORPUS.is_dir() else []
PNGS = sorted((CORPUS / "other").glob("*.png")) if CORPUS.is_dir() else []
KEYS = {"taken", "camera", "software", "gps", "orientation", "modified", "exif", "exif_note", "stamp",
        "stamp_reason", "stamp_time", "stamp_text", "phash", "width", "height"}

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present beside the checkout")


@pytest.fixture(scope="module")
def results() -> dict[str, Extracted]:
    return {p.name: extract(p, ExtractOptions(ocr=False)) for p in [*PHOTOS, *PNGS]}


def test_every_file_gives_facts_or_a_reason(results: dict[str, Extracted]) -> None:
    assert results
    for name, got in results.items():
        json.dumps(got.facts.model_dump(mode="json"))
        if got.error:
            assert name == "QuickTime.heic", (name, got.error)  # a 623-byte header-only HEIC
            continue
        if name.endswith(".png"):
            assert got.kind is Kind.IMAGE and got.facts.width
        else:
            assert got.kind is Kind.PHOTO
            assert set(type(got.facts).model_fields) >= KEYS, name
            assert got.facts.stamp is None and got.facts.stamp_reason


def _facts(results: dict[str, Extracted], name: str) -> dict[str, Any]:
    """A photo's facts as the JSON report prints them."""
    if name not in results:
        pytest.skip(f"{name} not in the corpus")
    return results[name].facts.model_dump(mode="json")


def test_known_values(results: dict[str, Extracted]) -> None:
    dscn = _facts(results, "gps__DSCN0010.jpg")
    assert dscn["taken"] == "2008-10-22T16:28:39" and dscn["camera"] == "NIKON COOLPIX P6000"
    assert dscn["gps"] == pytest.approx([43.46745, 11.88513], abs=1e-4)
    assert _facts(results, "Canon_40D.jpg")["software"] == "GIMP 2.4.5"


def test_broken_exif_is_noted_not_fatal(results: dict[str, Extracted]) -> None:
    infiray = _facts(results, "InfiRay.jpg")
    assert infiray["gps"] is None and "GPS" in (infiray["exif_note"] or "")
    zero = _facts(results, "tests__67-0_length_string.jpg")
    assert zero["taken"] is None and zero["gps"] is not None
    xmp = [r.facts for n, r in results.items() if n.startswith("invalid__")]
    assert xmp and all(f.taken is None for f in xmp)
    assert any("XMP" in (f.exif_note or "") for f in xmp)
    assert _facts(results, "exif-org__olympus-d320l.jpg")["exif"] is False


def test_stub_pictures_have_no_hash(results: dict[str, Extracted]) -> None:
    # 8×8 stubs are all alike: hashing them would report them all as one reused picture
    assert _facts(results, "Apple.jpg")["phash"] is None


def test_heic(results: dict[str, Extracted]) -> None:
    facts = _facts(results, "heic__IMG_5195.HEIC")
    try:
        import pillow_heif  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        assert "heif" in (facts["exif_note"] or "")
        return
    assert str(facts["taken"]).startswith("2021-04-11T15:47:53") and facts["camera"] == "Apple iPhone 11 Pro Max"
