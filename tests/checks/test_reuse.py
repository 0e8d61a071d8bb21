"""The photo-reuse check over real JPEG files: hashes from the extractor (OCR off for speed), the
verification stage (credit_check.verify) comparing candidate pairs pixel by pixel, then the check."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance, ImageOps

from credit_check.catalogue import load_catalogue
from credit_check.checks import CheckContext, reuse
from credit_check.facts import ExtractOptions, extract
from credit_check.facts import verify as pixels
from credit_check.facts.verify import PairVerdict
from credit_check.model import EvidenceFile, Finding, Kind, Period, Severity
from credit_check.verify import verify_photos
from tests.builders.photos import (
    PhotoSpec,
    Stamp,
    cropped,
    make_photo,
    recompressed,
    resized,
    restamped,
    save_jpeg,
)
from tests.fraud.scenes import figures, later, meeting, moved, room

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


def _run(root: Path, ctx: CheckContext) -> list[Finding]:
    """The audit's order: facts, the verification stage, the check."""
    files = _evidence(root)
    verified = dataclasses.replace(ctx, photo_pairs=verify_photos(files, ctx.catalogue))
    return list(reuse.check(files, verified))


def _spec(seed: int) -> PhotoSpec:
    return PhotoSpec(seed=seed, size=(1200, 900), stamp=Stamp(when=WHEN), taken=WHEN)


def _copy(src: Path, dst: Path, how: str) -> None:
    with Image.open(src) as im:
        img = im.convert("RGB")
    if how == "mirrored":
        img = ImageOps.mirror(img)
    elif how == "brighter":
        img = ImageEnhance.Contrast(ImageEnhance.Brightness(img).enhance(1.2)).enhance(0.8)
    else:  # 12 % off the left and 8 % off the top: an off-centre crop
        img = img.crop((int(img.width * 0.12), int(img.height * 0.08), img.width, img.height))
    save_jpeg(img, dst, quality=80)


@pytest.mark.parametrize("variant", ["copy", "resized", "recompressed", "cropped", "restamped", "mirrored",
                                     "brighter", "off-centre"])
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
    elif variant == "restamped":
        restamped(spec, dst, WHEN + dt.timedelta(days=60))
    else:
        _copy(src, dst, variant)
    make_photo(tmp_path / "6.2" / "培训" / "other.jpg", _spec(901))
    found = _run(tmp_path, ctx)
    assert len(found) == 1
    f = found[0]
    assert (f.rule, f.check, f.severity) == ("D1", "reused", Severity.ERROR)
    assert f.path == "5.1/宣传活动/a.jpg" and f.related == ("6.2/培训/b.jpg",)
    assert "5.1" in f.message and "6.2" in f.message
    assert f.evidence["verification"] == "same" and int(f.evidence["inliers"]) >= pixels.SAME_INLIERS
    assert str(f.evidence["transform"]).endswith("mirror") == (variant == "mirrored")


def test_two_activities_of_one_task_count(tmp_path: Path, ctx: CheckContext) -> None:
    src = make_photo(tmp_path / "5.1" / "三月活动" / "a.jpg", _spec(910))
    resized(src, tmp_path / "5.1" / "九月活动" / "a_small.jpg", 0.6)
    found = _run(tmp_path, ctx)
    assert len(found) == 1 and found[0].related == ("5.1/九月活动/a_small.jpg",)


def test_burst_in_one_folder_is_not_reuse(tmp_path: Path, ctx: CheckContext) -> None:
    spec = _spec(920)
    make_photo(tmp_path / "5.1" / "活动" / "1.jpg", spec)
    restamped(spec, tmp_path / "5.1" / "活动" / "2.jpg", WHEN + dt.timedelta(seconds=30))
    assert _run(tmp_path, ctx) == []


def test_groups_are_reported_once(tmp_path: Path, ctx: CheckContext) -> None:
    spec = _spec(930)
    src = make_photo(tmp_path / "1.1" / "x" / "a.jpg", spec)
    resized(src, tmp_path / "2.1" / "y" / "b.jpg", 0.5)
    recompressed(src, tmp_path / "3.1" / "z" / "c.jpg", 50)
    found = _run(tmp_path, ctx)
    assert len(found) == 1 and found[0].severity is Severity.ERROR
    assert found[0].related == ("2.1/y/b.jpg", "3.1/z/c.jpg")
    assert found[0].evidence["pairs_verified"] == 3


def test_different_photos_are_not_reuse(tmp_path: Path, ctx: CheckContext) -> None:
    for i in range(8):
        make_photo(tmp_path / f"{i % 4 + 1}.1" / f"act{i}" / "p.jpg", _spec(940 + i))
    assert _run(tmp_path, ctx) == []


def test_same_room_other_meeting_is_not_reuse(tmp_path: Path, ctx: CheckContext) -> None:
    """One room, one banner, one seat, two meetings: the hashes are close, the people differ."""
    base = room(961)
    first = meeting(base, figures(2, base.size, 4))
    second = later(meeting(base, figures(9, base.size, 4)), 3)
    save_jpeg(first, tmp_path / "1.4" / "一季度会议" / "会场.jpg")
    save_jpeg(second, tmp_path / "1.4" / "二季度会议" / "会场.jpg")
    files = _evidence(tmp_path)
    assert reuse.candidates(files, ctx.catalogue.settings.photo), "the hashes alone would call this reuse"
    assert [f for f in _run(tmp_path, ctx) if f.severity is Severity.ERROR] == []


def test_burst_across_two_folders_is_at_most_a_warning(tmp_path: Path, ctx: CheckContext) -> None:
    base = room(970)
    people = figures(5, base.size, 5)
    save_jpeg(meeting(base, people), tmp_path / "5.1" / "宣传月" / "1.jpg")
    save_jpeg(later(meeting(base, moved(people, 6, base.size)), 7, 0.003, 0.1), tmp_path / "5.4" / "主题活动" / "2.jpg")
    found = _run(tmp_path, ctx)
    assert all(f.severity is Severity.WARNING and f.check == "reused-suspected" for f in found)


def test_without_verification_it_is_only_a_warning(tmp_path: Path, ctx: CheckContext,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pixels, "available", lambda: False)
    src = make_photo(tmp_path / "5.1" / "宣传活动" / "a.jpg", _spec(980))
    resized(src, tmp_path / "6.2" / "培训" / "b.jpg", 0.5)
    found = _run(tmp_path, ctx)
    assert [(f.check, f.severity) for f in found] == [("reused-suspected", Severity.WARNING)]
    assert found[0].evidence["verification"] == "unverified" and "OpenCV" in found[0].message_en


def _hashed(path: str, **facts: object) -> EvidenceFile:
    return EvidenceFile(path=path, abs_path=Path("/nonexistent"), size=1, task=path.split("/")[0], kind=Kind.PHOTO,
                        facts={"phash": "0f0f0f0f0f0f0f0f", **facts})


def test_no_chaining(ctx: CheckContext) -> None:
    """a~b and b~c verified, a~c not: two pairs, never a group of three."""
    a, b, c = _hashed("1.1/x/a.jpg"), _hashed("2.1/y/b.jpg"), _hashed("3.1/z/c.jpg")
    same, other = PairVerdict(verdict="same", inliers=200), PairVerdict(verdict="different", inliers=40)
    pairs = {(a.path, b.path): same, (b.path, c.path): same, (a.path, c.path): other}
    found = list(reuse.check([a, b, c], dataclasses.replace(ctx, photo_pairs=pairs)))
    assert sorted((f.path, f.related) for f in found) == [(a.path, (b.path,)), (b.path, (c.path,))]
    assert all(f.severity is Severity.ERROR for f in found)


def test_stamp_code(ctx: CheckContext) -> None:
    """The same code and stamp time on two pictures: one stamp; the same code at two times: a question."""
    time = "2024-05-12T09:30:00"
    a = _hashed("1.1/x/a.jpg", phash="ffffffff00000000", stamp_code="K7Q2M9XA", stamp_time=time)
    b = _hashed("2.1/y/b.jpg", phash="00000000ffffffff", stamp_code="K7Q2M9XA", stamp_time=time)
    c = _hashed("3.1/z/c.jpg", phash="0f0f0f0ff0f0f0f0", stamp_code="K7Q2M9XA", stamp_time="2024-08-01T15:00:00")
    pairs = {k: PairVerdict(verdict="different") for k in ((a.path, b.path), (a.path, c.path), (b.path, c.path))}
    found = list(reuse.check([a, b, c], dataclasses.replace(ctx, photo_pairs=pairs)))
    errors = [f for f in found if f.severity is Severity.ERROR]
    assert [(f.path, f.related) for f in errors] == [(a.path, (b.path,))]
    assert errors[0].evidence["stamp_code"] == "K7Q2M9XA"
    assert sorted(f.check for f in found) == ["reused", "reused-suspected", "reused-suspected"]


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
    # Not verified (no files): a warning, never an error.
    assert ({files[5].path, "7.4/copy/5.jpg"}, "reused-suspected") in [({f.path, *f.related}, f.check) for f in found]
    assert all(f.severity is Severity.WARNING for f in found)


def test_worker_processes_give_the_verdicts_of_this_process(tmp_path: Path, ctx: CheckContext) -> None:
    """The audit compares pairs in worker processes, in groups (`verify.Workers`): the verdicts are
    those of comparing them here, pair for pair, and a photo that cannot be opened again makes its
    pairs unverified, never a worker's failure."""
    from credit_check.verify import Workers

    src = make_photo(tmp_path / "1.1" / "x" / "a.jpg", _spec(970))
    resized(src, tmp_path / "2.1" / "y" / "b.jpg", 0.5)
    recompressed(src, tmp_path / "3.1" / "z" / "c.jpg", 50)
    other = _spec(971)
    make_photo(tmp_path / "4.1" / "w" / "d.jpg", other)
    restamped(other, tmp_path / "5.1" / "v" / "e.jpg", WHEN + dt.timedelta(seconds=30))
    files = _evidence(tmp_path)
    here = verify_photos(files, ctx.catalogue)
    there = verify_photos(files, ctx.catalogue, workers=Workers(2, 1024, 60))
    assert len(here) >= 4 and there == here
    assert {v.verdict for v in here.values()} >= {"same"}
    (tmp_path / "3.1" / "z" / "c.jpg").unlink()  # gone since its facts were read
    gone = verify_photos(files, ctx.catalogue, workers=Workers(1, 1024, 60))
    lost = [v for k, v in gone.items() if "3.1/z/c.jpg" in k]
    assert lost and all(v.verdict == "unverified" and "could not open" in v.reason for v in lost)
    assert all(gone[k] == here[k] for k in here if "3.1/z/c.jpg" not in k[0] + k[1])
