"""Benchmark of the photo side: stamp presence, stamp time, reuse, each finding, cost per photo.

Builds a labelled set of synthetic phone photos (tests/builders/photos.py: several stamp layouts,
positions, colours, date formats, light and dark scenes, banners with dates as distractors,
stripped EXIF, editor Software, stamps that disagree with EXIF, reuse pairs across task folders,
burst shots inside one folder), runs the real extractor and checks over it, and prints precision
and recall per label plus seconds per photo.

    python bench/photos.py [--n 120] [--seed 7] [--keep DIR]
    python bench/photos.py --cost DIR [--rounds 3]   # CPU per photo without OCR, stage by stage

Metadata cost is compared with `exiftool -fast -json -r` when exiftool is on the PATH. `--cost`
reads the JPEGs in DIR (e.g. 12-MP phone photos) in this one process and prints median CPU
milliseconds (time.process_time) of the whole extract without OCR and of its stages, with the
decode floor: the reduced decode alone, by Pillow and by OpenCV, at 1/4 and 1/8, colour and grey.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from credit_check.catalogue import load_catalogue
from credit_check.checks import CheckContext, photos, reuse
from credit_check.facts import ExtractOptions, extract
from credit_check.facts.exif import read_exif
from credit_check.facts.image import register_heif
from credit_check.model import EvidenceFile, Period
from tests.builders.photos import (
    PLACES,
    POSITIONS,
    STYLES,
    PhotoSpec,
    Stamp,
    cropped,
    draw_stamp,
    make_photo,
    recompressed,
    resized,
    restamped,
)

CORPUS_PHOTOS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "photos"
PERIOD = Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
AUDIT = dt.date(2025, 1, 20)
COLOURS = [(255, 255, 255), (255, 230, 60), (255, 255, 255), (250, 140, 30)]
T = TypeVar("T")
BANNERS = ["2024年信用交通宣传月活动", "诚信建设万里行", "2024年5月12日信用交通进企业", None, None]


def _stamp(rng: random.Random, when: dt.datetime) -> Stamp:
    style = rng.choice(STYLES)
    return Stamp(when=when, style=style, position=rng.choice(POSITIONS), place=rng.choice(PLACES),
                 colour=rng.choice(COLOURS), accent=rng.choice(COLOURS[1:]), scale=rng.uniform(0.7, 1.25),
                 date_format=rng.choice(["dot", "dash", "cn", "slash"]))


def _inside_crop(spec: PhotoSpec, fraction: float) -> bool:
    """Whether the stamp of `spec` lies inside the crop of `fraction` off each side."""
    assert spec.stamp is not None
    w, h = spec.size
    left, top, right, bottom = draw_stamp(Image.new("RGB", spec.size), spec.stamp)
    return left >= w * fraction and top >= h * fraction and right <= w * (1 - fraction) and bottom <= h * (1 - fraction)


def build(root: Path, n: int, seed: int = 7) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Write the set under `root`; return {label: paths} and {path: true stamp time}."""
    rng = random.Random(seed)
    labels: dict[str, set[str]] = {k: set() for k in ("stamp", "no-stamp", "no-exif", "out-of-period",
                                                         "stamp-mismatch", "edited", "future-time", "reused", "clipped")}
    times: dict[str, str] = {}

    def add(rel: str, spec: PhotoSpec) -> Path:
        path = make_photo(root / rel, spec)
        if spec.stamp is not None:
            labels["stamp"].add(rel)
            times[rel] = spec.stamp.when.strftime("%Y-%m-%dT%H:%M")
        else:
            labels["no-stamp"].add(rel)
        return path

    for i in range(n):
        when = dt.datetime(2024, 1, 1, 8) + dt.timedelta(days=rng.randint(0, 360), minutes=rng.randint(0, 600))
        task = f"{rng.randint(1, 6)}.{rng.randint(1, 3)}"
        rel = f"{task}/活动{i:03d}/IMG_{i:04d}.jpg"
        size = (4000, 3000) if i % 25 == 0 else ((1200, 1600) if i % 7 == 0 else (1600, 1200))
        kind = i % 10
        spec = PhotoSpec(seed=10_000 + i, size=size, dark=rng.random() < 0.35, banner=rng.choice(BANNERS),
                         stamp=_stamp(rng, when), taken=when)
        if kind == 0:  # plain camera photo, no stamp
            spec = PhotoSpec(seed=spec.seed, size=size, dark=spec.dark, banner=spec.banner, taken=when)
        elif kind == 1:  # forwarded through a chat app: stamp, EXIF stripped
            spec = PhotoSpec(seed=spec.seed, size=size, dark=spec.dark, banner=spec.banner, stamp=spec.stamp)
            labels["no-exif"].add(rel)
        elif kind == 2:  # retouched
            spec = PhotoSpec(seed=spec.seed, size=size, dark=spec.dark, banner=spec.banner, stamp=spec.stamp,
                             taken=when, software=rng.choice(["Adobe Photoshop 24.0", "美图秀秀", "Snapseed 2.0"]))
            labels["edited"].add(rel)
        elif kind == 3:  # stamp added later with another time
            taken = when - dt.timedelta(minutes=rng.choice([30, 95, 600, 2 * 24 * 60]))
            spec = PhotoSpec(seed=spec.seed, size=size, dark=spec.dark, banner=spec.banner, stamp=spec.stamp,
                             taken=taken)
            labels["stamp-mismatch"].add(rel)
        elif kind == 4 and i % 20 == 4:  # last year's photo
            old = when.replace(year=2023)
            spec = PhotoSpec(seed=spec.seed, size=size, dark=spec.dark, stamp=_stamp(rng, old), taken=old)
            labels["out-of-period"].add(rel)
        elif kind == 4:  # phone clock in the future
            future = when.replace(year=2025, month=3)
            spec = PhotoSpec(seed=spec.seed, size=size, dark=spec.dark, stamp=_stamp(rng, future), taken=future)
            labels["future-time"].add(rel)
            labels["out-of-period"].add(rel)
        if i % 3 == 0:  # a negative with distractors: banner with a date, a slide with a time in the middle
            poster = rng.choice(["会议时间：2024年5月12日 14:30\n地点：三楼会议室", "信用交通宣传\n9:00-11:30 星期三",
                                 "诚信经营 守法运输", None])
            add(f"{task}/活动{i:03d}/DSC_{i:04d}.jpg",
                PhotoSpec(seed=50_000 + i, size=size, dark=rng.random() < 0.35, banner=rng.choice(BANNERS),
                          poster=poster, taken=when, quality=rng.choice([70, 88])))
        spec = PhotoSpec(seed=spec.seed, size=spec.size, dark=spec.dark, banner=spec.banner, stamp=spec.stamp,
                         taken=spec.taken, modified=spec.modified, software=spec.software,
                         quality=rng.choice([65, 80, 92]))
        path = add(rel, spec)
        if kind == 5:  # burst: a second shot of the same activity, same folder (not reuse)
            burst = PhotoSpec(seed=spec.seed, size=size, dark=spec.dark, banner=spec.banner,
                              stamp=_stamp(rng, when + dt.timedelta(seconds=40)), taken=when + dt.timedelta(seconds=40))
            add(f"{task}/活动{i:03d}/IMG_{i:04d}_1.jpg", burst)
        if kind in (6, 7, 8, 9):  # the same picture filed again under another task
            other = f"7.{kind - 5}/活动{i:03d}b"
            variant = {6: "resized", 7: "recompressed", 8: "cropped", 9: "restamped"}[kind]
            dst = root / other / f"{variant}_{i:04d}.jpg"
            if variant == "resized":
                resized(path, dst, 0.5)
            elif variant == "recompressed":
                recompressed(path, dst, 40)
            elif variant == "cropped":
                cropped(path, dst, 0.04)
            else:
                later = when + dt.timedelta(days=-30 if when.month > 6 else 30, minutes=17)
                restamped(spec, dst, later, style=rng.choice(STYLES))
            rel2 = str(dst.relative_to(root))
            labels["reused"].update({rel, rel2})
            if variant == "restamped":
                labels["stamp"].add(rel2)
                times[rel2] = later.strftime("%Y-%m-%dT%H:%M")
            else:  # copies keep the original's stamp (if any); resized/recompressed copies lost EXIF
                kept = spec.stamp is not None and (variant != "cropped" or _inside_crop(spec, 0.04))
                if kept:
                    labels["stamp"].add(rel2)
                    labels["no-exif"].add(rel2)
                    if variant != "cropped":  # a crop may still clip a character: presence only
                        times[rel2] = times[rel]
                elif spec.stamp is not None:  # the crop clipped the stamp: neither stamped nor not
                    labels["clipped"].add(rel2)
                else:
                    labels["no-stamp"].add(rel2)
                for key in ("out-of-period", "future-time"):
                    if rel in labels[key]:
                        labels[key].add(rel2)
    return labels, times


def _files(root: Path, options: ExtractOptions) -> tuple[list[EvidenceFile], float]:
    files: list[EvidenceFile] = []
    start = time.perf_counter()
    for path in sorted(root.rglob("*.jpg")):
        rel = str(path.relative_to(root))
        got = extract(path, options)
        files.append(EvidenceFile(path=rel, abs_path=path, size=path.stat().st_size, task=rel.split("/")[0],
                                  kind=got.kind, facts=got.facts, error=got.error))
    return files, time.perf_counter() - start


def _pr(name: str, predicted: Iterable[str], truth: Iterable[str]) -> None:
    p, t = set(predicted), set(truth)
    tp = len(p & t)
    precision = tp / len(p) if p else 1.0
    recall = tp / len(t) if t else 1.0
    print(f"{name:16s} precision {precision:5.3f}  recall {recall:5.3f}  (tp {tp}, predicted {len(p)}, true {len(t)})")
    for path in sorted(p - t)[:5]:
        print(f"    false positive: {path}")
    for path in sorted(t - p)[:5]:
        print(f"    missed: {path}")


def _timing(root: Path) -> None:
    register_heif()
    paths = sorted(p for p in root.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".heic", ".heif"))
    start = time.perf_counter()
    for path in paths:
        try:
            with Image.open(path) as image:
                read_exif(image)
        except Exception:  # the corpus holds a header-only HEIC; exiftool reads what it can of it too
            pass
    ours = (time.perf_counter() - start) / len(paths)
    print(f"metadata only (Pillow header + EXIF) on {root}: {ours * 1000:.2f} ms/photo over {len(paths)} photos")
    if shutil.which("exiftool"):
        start = time.perf_counter()
        subprocess.run(["exiftool", "-fast", "-json", "-r", str(root)], capture_output=True, check=False)
        theirs = (time.perf_counter() - start) / len(paths)
        print(f"exiftool -fast -json -r:              {theirs * 1000:.2f} ms/photo  (ours is {theirs / ours:.1f}x faster)")
    else:
        print("exiftool not installed: no comparison")


def _cost(folder: Path, rounds: int) -> None:
    """Median CPU ms per photo of reading it without OCR, and of the stages (the same calls)."""
    import statistics

    from credit_check.facts import paper
    from credit_check.facts.image import reduced
    from credit_check.facts.phash import extra_hashes, phash, photo_hashes

    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg"))
    if not paths:
        print(f"no JPEGs in {folder}")
        return
    extract(paths[0], ExtractOptions(ocr=False))  # imports, caches
    costs: dict[str, list[float]] = {}

    def timed(name: str, work: Callable[..., T], *args: object) -> T:
        start = time.process_time()
        result = work(*args)
        costs.setdefault(name, []).append((time.process_time() - start) * 1000)
        return result

    def decode(path: Path, mode: str, scale: int) -> None:
        with Image.open(path) as image:
            image.draft(mode, (image.width // scale, image.height // scale))
            image.load()

    def one_by_one(small: Image.Image) -> object:
        return phash(small), extra_hashes(small)

    try:
        import cv2
    except ImportError:
        cv2 = None
    for _ in range(rounds):
        for path in paths:
            timed("extract without OCR (whole)", extract, path, ExtractOptions(ocr=False))
            with Image.open(path) as image:
                small = timed("  reduced decode (1/4 draft, upright, bilinear to 736)", reduced, image)
                timed("  53 reuse hashes (photo_hashes)", photo_hashes, small)
                timed("  53 reuse hashes one by one (phash + extra_hashes)", one_by_one, small)
                timed("  find_sheet", paper.find_sheet, small)
            for mode, scale in (("RGB", 4), ("RGB", 8), ("L", 8)):
                timed(f"decode floor: Pillow {mode} 1/{scale}", decode, path, mode, scale)
            if cv2 is not None:
                for flag, name in ((cv2.IMREAD_REDUCED_COLOR_4, "colour 1/4"), (cv2.IMREAD_REDUCED_COLOR_8, "colour 1/8"),
                                   (cv2.IMREAD_REDUCED_GRAYSCALE_8, "grey 1/8")):
                    timed(f"decode floor: OpenCV {name}", cv2.imread, str(path), flag)
    print(f"CPU per photo, median of {rounds} × {len(paths)} photos in {folder}"
          f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
    for name, values in costs.items():
        print(f"  {name:58s} {statistics.median(values):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cost", type=Path, help="only the CPU cost per photo without OCR, of the JPEGs in this folder")
    parser.add_argument("--rounds", type=int, default=3, help="with --cost: times each photo is read")
    parser.add_argument("--n", type=int, default=120, help="photos before copies and bursts")
    parser.add_argument("--keep", type=Path, help="write the set here and keep it")
    parser.add_argument("--seed", type=int, default=7, help="another seed gives another labelled set")
    args = parser.parse_args()
    if args.cost:
        _cost(args.cost, args.rounds)
        return
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-photos-"))
    try:
        labels, times = build(root, args.n, args.seed)
        _timing(root)
        if CORPUS_PHOTOS.is_dir():
            _timing(CORPUS_PHOTOS)
        no_ocr, seconds = _files(root, ExtractOptions(ocr=False))
        print(f"extract without OCR (decode 1/4 + pHash + EXIF): {seconds / len(no_ocr):.3f} s/photo")
        files, seconds = _files(root, ExtractOptions(ocr=True))
        print(f"extract with stamp OCR: {seconds / len(files):.3f} s/photo over {len(files)} photos"
              f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        big = [f for f in files if (f.facts.width or 0) * (f.facts.height or 0) >= 12_000_000]
        if big:
            start = time.perf_counter()
            for f in big:
                extract(f.abs_path, ExtractOptions(ocr=True))
            print(f"extract with stamp OCR, 12 MP photos: {(time.perf_counter() - start) / len(big):.3f} s/photo ({len(big)})")
        ctx = CheckContext(catalogue=load_catalogue(), period=PERIOD, audit_date=AUDIT)
        found = list(photos.check(files, ctx)) + list(reuse.check(files, ctx))
        by_check: dict[str, set[str]] = {}
        for finding in found:
            paths = {finding.path, *finding.related} - {None}
            by_check.setdefault(finding.check, set()).update(p for p in paths if p)
        clipped = labels["clipped"]  # crops that cut into the stamp are left out of the stamp figures
        print(f"({len(clipped)} cropped copies whose crop clipped the stamp are left out of the stamp figures)")
        _pr("stamp presence", (f.path for f in files if f.facts.stamp is True and f.path not in clipped),
            labels["stamp"])
        _pr("no stamp", (f.path for f in files if f.facts.stamp is False and f.path not in clipped),
            labels["no-stamp"])
        read = {f.path for f in files if f.path in times and str(f.facts.stamp_time or "")[:16] == times[f.path]}
        _pr("stamp time (min)", read | {f.path for f in files if f.path in times and f.facts.stamp_time
                                        and f.path not in read}, times)
        for key in ("no-stamp", "no-exif", "out-of-period", "stamp-mismatch", "edited", "future-time"):
            _pr(key, by_check.get(key, set()) - (clipped if key in ("no-stamp", "no-exif") else set()), labels[key])
        _pr("reused", by_check.get("reused", set()), labels["reused"])
        wrong = sorted(set(times) - read)
        for path in wrong[:10]:
            got = next(f.facts for f in files if f.path == path)
            print("  wrong time:", path, times[path], "read", got.get("stamp_time"), "|", got.get("stamp_text"))
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
