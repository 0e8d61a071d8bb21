"""The photos check over facts built directly (the extractor has its own tests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from credit_check.catalogue import load_catalogue
from credit_check.checks import CheckContext, photos
from credit_check.facts import ExtractOptions, extract
from credit_check.model import EvidenceFile, Finding, Kind, Period, Severity
from tests.builders.photos import stamped_photo

PERIOD = Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))


@pytest.fixture(scope="module")
def ctx() -> CheckContext:
    return CheckContext(catalogue=load_catalogue(), period=PERIOD, audit_date=dt.date(2025, 1, 15))


def _photo(path: str = "5.1/宣传活动/IMG_1.jpg", task: str | None = "5.1", **facts: Any) -> EvidenceFile:
    base: dict[str, Any] = {"taken": "2024-05-12T14:30:00+08:00", "exif": True, "software": None,
                            "modified": "2024-05-12T14:30:00", "stamp": True, "stamp_reason": None,
                            "stamp_time": "2024-05-12T14:31:00", "phash": "0f0f0f0f0f0f0f0f"}
    base.update(facts)
    return EvidenceFile(path=path, abs_path=Path("/nonexistent") / path, size=1000, task=task, kind=Kind.PHOTO,
                        facts=base)


def _checks(files: list[EvidenceFile], ctx: CheckContext) -> list[str]:
    return sorted(f.check for f in photos.check(files, ctx))


def _only(files: list[EvidenceFile], ctx: CheckContext) -> Finding:
    found = list(photos.check(files, ctx))
    assert len(found) == 1, found
    return found[0]


def test_good_photo_has_no_findings(ctx: CheckContext) -> None:
    assert _checks([_photo()], ctx) == []


def test_no_stamp(ctx: CheckContext) -> None:
    f = _only([_photo(stamp=False, stamp_time=None)], ctx)
    assert (f.rule, f.check, f.severity) == ("D7", "no-stamp", Severity.ERROR)
    assert f.path == "5.1/宣传活动/IMG_1.jpg" and f.task == "5.1" and f.message and f.message_en and f.fix


def test_stamp_without_exif_is_a_warning(ctx: CheckContext) -> None:
    f = _only([_photo(taken=None, exif=False, modified=None)], ctx)
    assert (f.rule, f.check, f.severity) == ("D7", "no-exif", Severity.WARNING)
    # EXIF that kept only the orientation cannot confirm the stamp either
    assert _checks([_photo(taken=None, exif=True, modified=None)], ctx) == ["no-exif"]


def test_out_of_period_from_exif_or_stamp(ctx: CheckContext) -> None:
    assert _checks([_photo(taken="2023-12-30T10:00:00", modified=None, stamp_time="2023-12-30T10:00:00")],
                   ctx) == ["out-of-period"]
    assert _checks([_photo(taken=None, exif=False, stamp_time="2023-11-02T10:00:00")], ctx) == [
        "no-exif", "out-of-period"]


@pytest.mark.parametrize(("stamp_time", "mismatch"), [
    ("2024-05-12T14:35:00", False),  # 5 minutes: within the default tolerance
    ("2024-05-12T14:36:00", True),
    ("2024-05-13T14:30:00", True),  # same clock time, another day
    ("14:33", False),
    ("15:30", True),
    ("00:10", True),
])
def test_stamp_mismatch(ctx: CheckContext, stamp_time: str, mismatch: bool) -> None:
    found = [f for f in photos.check([_photo(stamp_time=stamp_time)], ctx) if f.check == "stamp-mismatch"]
    assert bool(found) is mismatch
    if found:
        assert found[0].rule == "D1" and found[0].severity is Severity.ERROR


def test_midnight_wraps_for_time_only_stamps(ctx: CheckContext) -> None:
    assert _checks([_photo(taken="2024-05-12T23:58:00", modified=None, stamp_time="00:01")], ctx) == []


@pytest.mark.parametrize("software", ["Adobe Photoshop CC 2019", "美图秀秀", "snapseed", "GIMP 2.10"])
def test_editor_software(ctx: CheckContext, software: str) -> None:
    f = _only([_photo(software=software)], ctx)
    assert (f.rule, f.check) == ("D1", "edited") and software[:5] in f.message


def test_modified_long_after_taken(ctx: CheckContext) -> None:
    assert _checks([_photo(modified="2024-05-14T09:00:00")], ctx) == ["edited"]
    assert _checks([_photo(modified="2024-05-13T09:00:00", software="HarmonyOS 4")], ctx) == []


def test_future_camera_clock(ctx: CheckContext) -> None:
    found = _checks([_photo(taken="2025-03-01T10:00:00", modified=None, stamp_time="2025-03-01T10:00:00")], ctx)
    assert found == ["future-time", "out-of-period"]


def test_undetermined_is_grouped_per_task_and_reason(ctx: CheckContext) -> None:
    files = [_photo(path=f"5.1/a/{i}.jpg", stamp=None, stamp_reason="未安装 OCR", stamp_time=None) for i in range(3)]
    files.append(_photo(path="6.1/b/x.jpg", task="6.1", stamp=None, stamp_reason="未安装 OCR", stamp_time=None))
    found = list(photos.check(files, ctx))
    assert [f.check for f in found] == ["stamp-undetermined"] * 2
    assert all(f.severity is Severity.INFO and f.rule == "undetermined" for f in found)
    assert found[0].related == ("5.1/a/0.jpg", "5.1/a/1.jpg", "5.1/a/2.jpg") and found[0].path is None
    assert found[1].path == "6.1/b/x.jpg" and found[1].task == "6.1"


def test_unfiled_and_unreadable_photos_are_skipped(ctx: CheckContext) -> None:
    unfiled = _photo(task=None, stamp=False)
    broken = _photo(stamp=False).model_copy(update={"error": "corrupt"})
    assert _checks([unfiled, broken], ctx) == []


def test_tolerance_comes_from_the_catalogue(ctx: CheckContext) -> None:
    settings = ctx.catalogue.settings
    strict = settings.model_copy(update={"photo": settings.photo.model_copy(update={"stamp_tolerance_minutes": 0})})
    strict_ctx = CheckContext(catalogue=ctx.catalogue.model_copy(update={"settings": strict}),
                              period=PERIOD, audit_date=ctx.audit_date)
    assert _checks([_photo()], strict_ctx) == ["stamp-mismatch"]


def test_real_files_end_to_end(ctx: CheckContext, tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    when = dt.datetime(2024, 7, 2, 15, 12)
    path = stamped_photo(tmp_path / "p.jpg", when, exif_time=when - dt.timedelta(hours=3), software="Photoshop")
    got = extract(path, ExtractOptions())
    f = EvidenceFile(path="5.1/活动/p.jpg", abs_path=path, size=path.stat().st_size, task="5.1", kind=got.kind,
                     facts=got.facts)
    assert _checks([f], ctx) == ["edited", "stamp-mismatch"]
