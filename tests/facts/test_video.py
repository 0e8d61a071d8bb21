"""Videos: real MP4/MOV files encoded by ffmpeg (imageio-ffmpeg's bundled binary) with the
capture-time metadata phones write; the capture time dates the video, and a video counts as
activity evidence where photos do."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from credit_check.catalogue import load_catalogue
from credit_check.catalogue.models import Material
from credit_check.classify import materials
from credit_check.discover import Discovered
from credit_check.facts import extract
from credit_check.facttypes import VideoFacts
from credit_check.model import Kind
from credit_check.records import build_record

CHINA = dt.timezone(dt.timedelta(hours=8))


def encode(out: Path, *metadata: str, container: str | None = None) -> Path:
    ffmpeg = pytest.importorskip("imageio_ffmpeg").get_ffmpeg_exe()
    args = [ffmpeg, "-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10"]
    for item in metadata:
        args += ["-metadata", item]
    if any(m.startswith("com.apple") for m in metadata):
        args += ["-movflags", "use_metadata_tags"]
    args += ["-c:v", "mpeg4", *(["-f", container] if container else []), str(out)]
    subprocess.run(args, check=True, timeout=60)
    return out


def test_mp4_creation_time_is_shown_in_beijing_time(tmp_path: Path) -> None:
    # 23:30 UTC on 11 May is 07:30 on 12 May in Shandong: the meeting's date is the 12th
    got = extract(encode(tmp_path / "会议.mp4", "creation_time=2024-05-11T23:30:00Z"))
    assert got.error is None and got.kind is Kind.VIDEO and isinstance(got.facts, VideoFacts)
    assert got.facts.taken == dt.datetime(2024, 5, 12, 7, 30, tzinfo=CHINA)
    assert got.facts.duration_s == pytest.approx(2.0, abs=0.2)
    assert got.content_date == dt.date(2024, 5, 12) and got.content_date_source == "video"


def test_phone_local_capture_time_wins(tmp_path: Path) -> None:
    got = extract(encode(tmp_path / "IMG_0001.MOV", "com.apple.quicktime.creationdate=2024-05-12T23:50:00+0800",
                         "creation_time=2024-05-12T15:50:00Z"))
    assert isinstance(got.facts, VideoFacts)
    assert got.facts.taken is not None and got.facts.taken.isoformat() == "2024-05-12T23:50:00+08:00"


def test_unset_clock_and_broken_files_are_undated_not_errors(tmp_path: Path) -> None:
    plain = encode(tmp_path / "a.mp4")  # no creation_time: ffmpeg writes 0 (1904)
    got = extract(plain)
    assert got.error is None and got.kind is Kind.VIDEO and got.content_date is None
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(plain.read_bytes()[:200])
    assert extract(cut).kind is Kind.VIDEO
    avi = tmp_path / "b.avi"
    avi.write_bytes(b"RIFF\x00\x00\x00\x00AVI LIST" + b"\x00" * 64)
    got = extract(avi)
    assert got.kind is Kind.VIDEO and got.error is None and got.content_date is None


def test_a_video_is_activity_evidence_like_a_photo(tmp_path: Path) -> None:
    path = encode(tmp_path / "宣传月活动.mp4", "creation_time=2024-06-12T02:00:00Z")
    item = Discovered(path="5.1 宣传月/宣传月活动.mp4", abs_path=path, size=path.stat().st_size, task="5.1")
    record = build_record(item, "0" * 64, extract(path), load_catalogue())
    assert Material.PHOTO in materials(record) and record.date == dt.date(2024, 6, 12)
