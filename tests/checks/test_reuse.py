"""The photo-reuse check over real JPEG files (hashes from the extractor, OCR off for speed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from credit_check.catalogue import load_catalogue
from credit_check.checks import CheckContext, reuse
from credit_check.facts import ExtractOptions, extract
from credit_check.model import EvidenceFile, Kind, Period, Severity
from tests.builders.photos import PhotoSpec, Stamp, cropped, make_photo, recompressed, resized, restamped

WHEN = dt.datetime(2024, 4, 8, 10, 0)


@pytest.fixture(scope="module")
def ctx() -> CheckContext:
    return CheckContext(catalogue=load_catalogue(), period=Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
                        audit_date=dt.date(2025, 1, 15))


def _evidence(root: Path) -> list[EvidenceFile]:
    files = []
    for path in sorted(root.rglob("*.jpg")):
        rel = path.relative_to(root).as_posix()
        got = extract(path, ExtractOptions(ocr=False))
        files.append(EvidenceFile(path=rel, abs_path=path, size=path.stat().st_size, task=rel.split("/")[0],
                                  kind=got.kind, facts=got.facts, error=got.error))
    return files


def _spec(seed: int) -> PhotoSpec:
    return PhotoSpec(seed=seed, size=(1200, 900), stamp=Stamp(when=WHEN), taken=WHEN)


@pytest.mark.parametrize("variant", ["copy", "resized", "recompressed", "cropped", "restamped"])
def test_reuse_across_tasks(tmp_path: Path, ctx: CheckContext, variant: str) -> None:
    spec = _spec(900)
    src = make_photo(tmp_path / "5.1" / "宣传活动" / "a.jpg", spec)
    dst = tmp_path / "6.2" / "培训" / "b.jpg"
    dst.parent.mkdir(parents=True)
    if variant == "copy":
        dst.write_bytes(src.read_bytes())
    elif variant == "resized":
        resized(src, dst, 0.5)
    elif variant == "recompressed":
        recompressed(src, dst, 35)
    elif variant == "cropped":
        cropped(src, dst, 0.04)
    else:
        restamped(spec, dst, WHEN + dt.timedelta(days=60))
    make_photo(tmp_path / "6.2" / "培训" / "other.jpg", _spec(901))
    found = list(reuse.check(_evidence(tmp_path), ctx))
    assert len(found) == 1
    f = found[0]
    assert (f.rule, f.check, f.severity) == ("D1", "reused", Severity.ERROR)
    assert f.path == "5.1/宣传活动/a.jpg" and f.related == ("6.2/培训/b.jpg",)
    assert "5.1" in f.message and "6.2" in f.message


def test_two_activities_of_one_task_count(tmp_path: Path, ctx: CheckContext) -> None:
    src = make_photo(tmp_path / "5.1" / "三月活动" / "a.jpg", _spec(910))
    resized(src, tmp_path / "5.1" / "九月活动" / "a_small.jpg", 0.6)
    found = list(reuse.check(_evidence(tmp_path), ctx))
    assert len(found) == 1 and found[0].related == ("5.1/九月活动/a_small.jpg",)


def test_burst_in_one_folder_is_not_reuse(tmp_path: Path, ctx: CheckContext) -> None:
    spec = _spec(920)
    make_photo(tmp_path / "5.1" / "活动" / "1.jpg", spec)
    restamped(spec, tmp_path / "5.1" / "活动" / "2.jpg", WHEN + dt.timedelta(seconds=30))
    assert list(reuse.check(_evidence(tmp_path), ctx)) == []


def test_groups_are_reported_once(tmp_path: Path, ctx: CheckContext) -> None:
    spec = _spec(930)
    src = make_photo(tmp_path / "1.1" / "x" / "a.jpg", spec)
    resized(src, tmp_path / "2.1" / "y" / "b.jpg", 0.5)
    recompressed(src, tmp_path / "3.1" / "z" / "c.jpg", 50)
    found = list(reuse.check(_evidence(tmp_path), ctx))
    assert len(found) == 1
    assert found[0].related == ("2.1/y/b.jpg", "3.1/z/c.jpg")


def test_different_photos_are_not_reuse(tmp_path: Path, ctx: CheckContext) -> None:
    for i in range(8):
        make_photo(tmp_path / f"{i % 4 + 1}.1" / f"act{i}" / "p.jpg", _spec(940 + i))
    assert list(reuse.check(_evidence(tmp_path), ctx)) == []


def test_photos_without_hash_are_skipped(ctx: CheckContext) -> None:
    files = [EvidenceFile(path=f"{t}/a.jpg", abs_path=Path("/nonexistent"), size=1, task=t, kind=Kind.PHOTO,
                          facts={"phash": None}) for t in ("1.1", "2.1")]
    assert list(reuse.check(files, ctx)) == []


def test_thousands_of_photos(ctx: CheckContext) -> None:
    import random

    rng = random.Random(4)

    def h() -> str:
        return f"{rng.getrandbits(64):016x}"

    files = [EvidenceFile(path=f"{i % 24 // 4 + 1}.{i % 4 + 1}/act{i % 97}/{i}.jpg", abs_path=Path("/nonexistent"),
                          size=1, task=f"{i % 24 // 4 + 1}.{i % 4 + 1}", kind=Kind.PHOTO,
                          facts={"phash": h(), "phash_zoom": [h(), h()], "phash_middle": h()}) for i in range(3000)]
    planted = files[5].model_copy(update={"path": "7.4/copy/5.jpg", "task": "7.4"})
    found = list(reuse.check([*files, planted], ctx))
    assert any({f.path, *f.related} == {files[5].path, "7.4/copy/5.jpg"} for f in found)
