"""Watermark codes, places and coordinates: read from the stamp, compared across photos, listed for the vendor."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
from pathlib import Path

import pytest
from PIL import ImageDraw
from typer.testing import CliRunner

from credit_check.checks import stamp_place
from credit_check.cli import app
from credit_check.facts import ExtractOptions, extract
from credit_check.facts.stampcode import read_code, read_coords, read_place
from credit_check.geo import distance_m, gcj_to_wgs, wgs_to_gcj
from credit_check.model import EvidenceFile, Kind, Severity
from tests.builders.fonts import cjk_font
from tests.builders.photos import exif_bytes, save_jpeg, scene
from tests.builders.sheets import check_context

HAS_OCR = importlib.util.find_spec("rapidocr_onnxruntime") is not None or importlib.util.find_spec("rapidocr") is not None


@pytest.mark.parametrize(("text", "code"), [
    ("马克水印相机 防伪码：K7Q2M9XA", "K7Q2M9XA"), ("验证码 3f9a2c71b0", "3F9A2C71B0"), ("水印编号:20240512093011", "20240512093011"),
    ("今日水印相机已验证 时间地点真实", None), ("防伪码：AB1", None)])
def test_codes(text: str, code: str | None) -> None:
    assert read_code(text) == code


@pytest.mark.parametrize(("text", "coords"), [
    ("经度：117.67890 纬度：36.21340", (36.2134, 117.6789)),
    ("纬度:36°12'48.2\" 经度:117°40'44.0\"", (36.213389, 117.678889)),
    ("36.2134°N 117.6789°E", (36.2134, 117.6789)), ("E117.6789 N36.2134", (36.2134, 117.6789)),
    ("海拔 38.5米 2024.05.12", None)])
def test_coordinates(text: str, coords: tuple[float, float] | None) -> None:
    assert read_coords(text) == coords


def test_places() -> None:
    assert read_place(["09:30 2024.05.12", "地点：莱芜区交通运输局三楼会议室"]) == "莱芜区交通运输局三楼会议室"
    assert read_place(["09:30", "山东省济南市莱芜区凤城街道"]) == "山东省济南市莱芜区凤城街道"
    assert read_place(["09:30 星期日"]) is None


def test_gcj02_round_trip_and_the_known_offset() -> None:
    wgs = (39.908823, 116.397470)  # Tian'anmen, as GPS gives it
    gcj = wgs_to_gcj(*wgs)
    assert 300 < distance_m(wgs, gcj) < 700  # GCJ-02 moves it a few hundred metres
    assert distance_m(gcj_to_wgs(*gcj), wgs) < 0.5
    assert gcj_to_wgs(48.85, 2.35) == (48.85, 2.35)  # outside China nothing moves


def _photo(gps: tuple[float, float] | None, coords: tuple[float, float] | None) -> EvidenceFile:
    return EvidenceFile(path="5.1/a.jpg", abs_path=Path("/nonexistent"), size=1, task="5.1", kind=Kind.PHOTO,
                        facts={"gps": gps, "stamp": True, "stamp_coords": coords})


def test_stamp_far_from_the_gps_is_a_warning() -> None:
    gps = (36.2134, 117.6789)
    here = wgs_to_gcj(*gps)  # printed as the apps print: GCJ-02
    assert list(stamp_place.check([_photo(gps, here)], check_context())) == []
    assert list(stamp_place.check([_photo(gps, gps)], check_context())) == []  # an app printing WGS-84
    assert list(stamp_place.check([_photo(None, here), _photo(gps, None)], check_context())) == []
    [far] = stamp_place.check([_photo(gps, (36.6512, 117.1201))], check_context())  # Jinan city centre
    assert (far.rule, far.check, far.severity) == ("D1", "place-far", Severity.WARNING)
    assert int(far.evidence["distance_m"]) > 50_000


def _stamped(path: Path, code: str, when: dt.datetime) -> Path:
    img = scene(31, (1280, 960))
    d = ImageDraw.Draw(img)
    d.rectangle((30, 700, 760, 930), fill=(255, 255, 255))
    lines = [f"时间：{when:%Y.%m.%d %H:%M}", "地点：莱芜区交通运输局三楼会议室", "经度：117.67890 纬度：36.21340",
             f"防伪码：{code}"]
    for i, line in enumerate(lines):
        d.text((50, 715 + 52 * i), line, font=cjk_font(36), fill=(20, 20, 20))
    return save_jpeg(img, path, exif=exif_bytes(taken=when, gps=(36.2134, 117.6739)))


@pytest.mark.skipif(not HAS_OCR, reason="reading a stamp needs the ocr extra")
def test_code_place_and_coordinates_are_read_and_listed(tmp_path: Path) -> None:
    when = dt.datetime(2024, 5, 12, 9, 30)
    photo = _stamped(tmp_path / "tree" / "5.1 宣传月" / "2024-05-12 活动.jpg", "K7Q2M9XA", when)
    facts = extract(photo, ExtractOptions()).facts
    assert facts.stamp_code == "K7Q2M9XA"  # type: ignore[union-attr]
    assert facts.stamp_coords == (36.2134, 117.6789)  # type: ignore[union-attr]
    assert facts.stamp_place == "莱芜区交通运输局三楼会议室"  # type: ignore[union-attr]
    assert facts.stamp_box is not None and facts.stamp_box[1] > 0.6  # type: ignore[union-attr]
    out = tmp_path / "verify.csv"
    result = CliRunner().invoke(app, ["audit", str(tmp_path / "tree"), "--no-cache", "--verify-list", str(out),
                                      "--format", "json", "--output", str(tmp_path / "r.json"), "--jobs", "1"])
    assert result.exit_code in (0, 1), result.output
    [row] = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert row["code"] == "K7Q2M9XA" and row["stamp_time"].startswith("2024-05-12T09:30")
    assert row["path"].endswith("2024-05-12 活动.jpg") and len(row["sha256"]) == 64


def test_verify_list_is_never_written_into_the_evidence(tmp_path: Path) -> None:
    (tmp_path / "5.1").mkdir()
    result = CliRunner().invoke(app, ["audit", str(tmp_path), "--no-cache", "--verify-list", str(tmp_path / "v.csv")])
    assert result.exit_code == 2 and not (tmp_path / "v.csv").exists()
