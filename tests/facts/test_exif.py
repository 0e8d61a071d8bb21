"""EXIF reading from real JPEG files written with piexif, including broken EXIF."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from PIL import Image

from credit_check.facts import ExtractOptions, extract
from credit_check.facts.exif import ExifInfo, clean_text, parse_exif_datetime, read_exif
from tests.builders.photos import (
    bad_offset_exif_jpeg,
    exif_bytes,
    odd_values_jpeg,
    plain_jpeg,
    save_jpeg,
    scene,
    xmp_only_jpeg,
)

TAKEN = dt.datetime(2024, 5, 12, 14, 30, 5)


def _read(path: Path) -> ExifInfo:
    with Image.open(path) as image:
        return read_exif(image)


def test_phone_exif_is_read(tmp_path: Path) -> None:
    exif = exif_bytes(taken=TAKEN, modified=TAKEN + dt.timedelta(hours=2), make="Xiaomi", model="Redmi K60",
                      software="MIUI 14", gps=(36.2123, 117.6789), orientation=6)
    info = _read(save_jpeg(scene(1, (640, 480)), tmp_path / "a.jpg", exif=exif))
    assert info.present
    assert info.taken == TAKEN.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert info.modified is not None and info.modified.replace(tzinfo=None) == TAKEN + dt.timedelta(hours=2)
    assert info.camera == "Xiaomi Redmi K60"
    assert info.software == "MIUI 14"
    assert info.gps is not None and abs(info.gps[0] - 36.2123) < 1e-3 and abs(info.gps[1] - 117.6789) < 1e-3
    assert info.orientation == 6
    assert info.notes == ()


def test_southern_western_gps_and_no_offset(tmp_path: Path) -> None:
    info = _read(save_jpeg(scene(2, (320, 240)), tmp_path / "b.jpg",
                           exif=exif_bytes(taken=TAKEN, offset=None, gps=(-33.5, -70.25))))
    assert info.taken == TAKEN and info.taken.tzinfo is None
    assert info.gps == (-33.5, -70.25)


def test_chinese_software_name_survives(tmp_path: Path) -> None:
    info = _read(save_jpeg(scene(3, (320, 240)), tmp_path / "c.jpg", exif=exif_bytes(taken=TAKEN, software="美图秀秀")))
    assert info.software == "美图秀秀"


def test_no_exif_at_all(tmp_path: Path) -> None:
    path = tmp_path / "d.jpg"
    path.write_bytes(plain_jpeg())
    info = _read(path)
    assert not info.present and info.taken is None and info.notes == ()


def test_xmp_only_app1_is_noted(tmp_path: Path) -> None:
    info = _read(xmp_only_jpeg(tmp_path / "x.jpg"))
    assert not info.present
    assert info.note is not None and "XMP" in info.note


def test_bad_offset_keeps_what_can_be_read(tmp_path: Path) -> None:
    info = _read(bad_offset_exif_jpeg(tmp_path / "o.jpg"))
    assert info.present and info.make == "ABC"
    assert info.taken is None
    assert info.note is not None


def test_zero_length_strings_zero_dates_and_nan_gps(tmp_path: Path) -> None:
    info = _read(odd_values_jpeg(tmp_path / "z.jpg"))
    assert info.make is None and info.model is None
    assert info.taken is None and info.gps is None
    assert info.note is not None and "GPS" in info.note and "DateTimeOriginal" in info.note


def test_text_and_date_helpers() -> None:
    assert clean_text(b"Canon\x00\x00") == "Canon"
    assert clean_text("   ") is None
    assert clean_text(12) is None
    assert parse_exif_datetime("2024:05:12 14:30:05", "-03:00") == TAKEN.replace(
        tzinfo=dt.timezone(-dt.timedelta(hours=3)))
    assert parse_exif_datetime("    :  :     :  :  ") is None
    assert parse_exif_datetime("2024:13:40 10:00:00") is None


def test_extract_facts_are_public_and_json(tmp_path: Path) -> None:
    path = save_jpeg(scene(4, (640, 480)), tmp_path / "e.jpg",
                     exif=exif_bytes(taken=TAKEN, make="HUAWEI", model="HUAWEI P40", gps=(36.2, 117.6)))
    got = extract(path, ExtractOptions(ocr=False))
    assert got.error is None
    facts = got.facts
    public = json.loads(json.dumps(facts.model_dump(mode="json")))  # what the JSON report prints
    assert public["taken"] == "2024-05-12T14:30:05+08:00" and public["gps"] == [36.2, 117.6]
    assert facts.camera == "HUAWEI P40"  # the make is not repeated
    assert facts.exif is True and facts.gps == (36.2, 117.6)
    assert facts.stamp is None and facts.stamp_reason
    assert (facts.width, facts.height) == (640, 480)
    assert got.content_date == TAKEN.date() and got.content_date_source == "exif"


def test_truncated_photo_gives_metadata_and_a_reason(tmp_path: Path) -> None:
    full = save_jpeg(scene(5, (800, 600)), tmp_path / "full.jpg", exif=exif_bytes(taken=TAKEN))
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    got = extract(cut, ExtractOptions(ocr=True))
    assert got.error is None
    assert got.facts.taken is not None
    assert got.facts.stamp is None and got.facts.stamp_reason
