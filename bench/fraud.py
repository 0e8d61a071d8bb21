"""Benchmark of the fraud (D1) verdicts: verified photo reuse, fabricated records, the D1 stage at scale.

    python bench/fraud.py                       # all parts (about 15 minutes on 2 cores)
    python bench/fraud.py --parts pairs,records # only some: pairs, unrelated, records, scale
    python bench/fraud.py --scale 5000 --boxes none --keep DIR

- **pairs**: the labelled photo pairs of bench/fraud_sets.py — positives (real photos and copies:
  resized, recompressed, cropped up to 20 % centred and off-centre, stamped again, mirrored,
  brightness/contrast, cropped + stamped + recompressed) and hard negatives (the same room,
  banner and seat at another meeting with other people; the same with only a person or two; a
  burst across two folders; two halves of one scene; notices built from one template). Each pair
  is written as two JPEGs in two activity folders, read by the real extractor, and judged by
  the real verification stage and reuse check: how many become an error (D1, disqualifying), a
  warning, or nothing.
- **unrelated**: every pair of the distinct real photos: candidates and errors.
- **records**: quarterly minutes, monthly ledgers and summaries on one bureau template; some
  records fabricated from earlier ones (dates, period words and figures changed, some reworded);
  honest series, template-dominated short records, catalogue quotes and revised drafts as
  negatives. Precision and recall of D1 errors.
- **scale**: the D1 photo stage (candidates, verification, check) on a tree of N photos (default
  5,000) with planted copies and same-room pairs: seconds, candidates, verified pairs.

`--boxes truth` (default) gives the verification the stamp boxes the generator drew, as OCR
reports them; `--boxes none` leaves stamps unmasked (an audit without OCR); `--boxes ocr` runs
the OCR (slow). Figures are printed; docs/fraud.md keeps the last ones.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fraud_sets as sets
from PIL import Image

from credit_check.catalogue import load_catalogue
from credit_check.checks import CheckContext, copying, reuse
from credit_check.facts import ExtractOptions, extract
from credit_check.facts import verify as pixels
from credit_check.facttypes import PhotoFacts
from credit_check.model import EvidenceFile, Finding, Kind, Period, Severity
from credit_check.verify import verify_pairs, verify_photos
from tests.fraud.records import fabricated, ledger, minutes, summary
from tests.fraud.scenes import figures, meeting, room

CATALOGUE = load_catalogue()
CTX = CheckContext(catalogue=CATALOGUE, period=Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
                   audit_date=dt.date(2025, 1, 20))


def _read(args: tuple[Path, str, str, bool]) -> EvidenceFile:
    path, rel, task, ocr = args
    got = extract(path, ExtractOptions(ocr=ocr))
    return EvidenceFile(path=rel, abs_path=path, size=path.stat().st_size, task=task, kind=got.kind,
                        facts=got.facts, error=got.error, date=got.content_date)


def read_all(items: list[tuple[Path, str, str, bool]], jobs: int) -> list[EvidenceFile]:
    if jobs <= 1:
        return [_read(i) for i in items]
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_read, items, chunksize=8))


def _with_box(f: EvidenceFile, box: sets.Box | None) -> EvidenceFile:
    if not isinstance(f.facts, PhotoFacts):  # a photographed page is read as a document: no photo to compare
        return f
    return f.model_copy(update={"facts": f.facts.model_copy(update={"stamp_box": box})})


def _outcome(found: list[Finding]) -> str:
    if any(f.severity is Severity.ERROR and f.rule == "D1" for f in found):
        return "error"
    return "warning" if any(f.rule == "D1" for f in found) else "none"


def bench_pairs(root: Path, boxes: str, jobs: int) -> dict[str, object]:
    photos = sets.real_photos() or sets.synthetic_photos(30)
    pairs = [*sets.positives(photos), *sets.hard_negatives(photos)]
    items, truth = [], {}
    for n, p in enumerate(pairs):
        for side, shot in (("a", p.a), ("b", p.b)):
            rel = f"{n:04d}-{side}/{p.kind}.jpg"  # two folders per pair: the check compares them
            path = sets.save(shot, root / "pairs" / rel)
            items.append((path, rel, f"{n}{side}", boxes == "ocr"))
            truth[rel] = shot.stamp_box
    started = time.perf_counter()
    files = read_all(items, jobs)
    read_s = time.perf_counter() - started
    if boxes == "truth":
        files = [_with_box(f, truth[f.path]) for f in files]
    by_pair: dict[int, list[EvidenceFile]] = defaultdict(list)
    for f in files:
        by_pair[int(f.path[:4])].append(f)
    outcomes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    candidates = Counter[str]()
    verify_s, verified, worst = 0.0, 0, []
    read_as = Counter[str]()  # files the extractor read as something other than a photo (pages of paper)
    for n, p in enumerate(pairs):
        two = by_pair[n]
        cands = reuse.candidates(two, CATALOGUE.settings.photo)
        candidates[p.set] += bool(cands)
        t0 = time.perf_counter()
        verdicts = verify_photos(two, CATALOGUE)
        verify_s += time.perf_counter() - t0
        verified += len(verdicts)
        outcome = _outcome(list(reuse.check(two, dataclasses.replace(CTX, photo_pairs=verdicts))))
        outcomes[(p.set, p.kind)][outcome] += 1
        read_as[p.kind] += sum(f.kind is not Kind.PHOTO for f in two)
        if (p.set == "positive") != (outcome == "error"):
            worst.append((p.set, p.kind, p.source, outcome, [v.evidence() for v in verdicts.values()]))
    return {"pairs": len(pairs), "outcomes": outcomes, "candidates": candidates, "read_s": read_s,
            "verify_s": verify_s, "verified": verified, "misses": worst, "photos": len(photos),
            "not_photos": dict(read_as)}


def bench_unrelated(root: Path, jobs: int) -> dict[str, object]:
    photos = sets.real_photos() or sets.synthetic_photos(30)
    rng = random.Random(5)
    items = []
    for n, (_, img) in enumerate(photos):
        shot, box = sets.stamp(img, rng)
        path = sets.save(sets.Shot(shot, box), root / "unrelated" / f"{n:03d}" / "p.jpg")
        items.append((path, f"{n:03d}/p.jpg", str(n), False))
    files = read_all(items, jobs)
    cands = reuse.candidates(files, CATALOGUE.settings.photo)
    verdicts = verify_photos(files, CATALOGUE)
    found = list(reuse.check(files, dataclasses.replace(CTX, photo_pairs=verdicts)))
    n = len(files)
    return {"photos": n, "pairs": n * (n - 1) // 2, "candidates": len(cands),
            "errors": sum(f.severity is Severity.ERROR for f in found), "warnings": sum(f.severity is Severity.WARNING for f in found)}


QUARTERS = (dt.date(2024, 3, 15), dt.date(2024, 6, 14), dt.date(2024, 9, 20), dt.date(2024, 12, 13))


def _doc(path: str, text: str, day: dt.date | None) -> EvidenceFile:
    return EvidenceFile(path=path, abs_path=Path("/nonexistent") / path, size=1, task=path.split("/")[0].split(" ")[0],
                        kind=Kind.DOCUMENT, pages=(text,), date=day)


def _county(rng: random.Random, k: int, fabricate: bool) -> tuple[list[EvidenceFile], set[frozenset[str]], Counter[str]]:
    """One county's records on its bureau's template: quarterly minutes, monthly ledgers and summaries,
    study records quoting the catalogue, a revised draft beside its original. When `fabricate`, one
    quarter's minutes, one month's ledger and one summary are earlier ones with the dates, period
    words and figures changed (some reworded, some filed in another folder)."""
    c = f"county{k:03d}"
    files: list[EvidenceFile] = []
    planted: set[frozenset[str]] = set()
    kinds = Counter[str]()
    items = rng.choice((2, 3, 6, 8, 10))  # short minutes: most of the text is the template
    texts = [minutes(rng, d, items) for d in QUARTERS]
    paths = [f"{c}/1.4 领导小组会议/{d:%Y-%m-%d} 会议纪要.docx" for d in QUARTERS]
    months = [dt.date(2024, m, 28) for m in range(1, 13)]
    ledgers = [ledger(rng, d, rng.choice((4, 10))) for d in months]
    ledger_paths = [f"{c}/1.2 月度台账/2024年{d.month}月工作台账.docx" for d in months]
    summaries = [summary(rng, d, rng.choice((3, 6))) for d in months[:6]]
    summary_paths = [f"{c}/5.1 宣传活动/{d.month}月活动总结.docx" for d in months[:6]]
    if fabricate:
        for series, series_paths, days, name in ((texts, paths, QUARTERS, "minutes"), (ledgers, ledger_paths, months, "ledger"),
                                                 (summaries, summary_paths, months[:6], "summary")):
            src, dst = rng.sample(range(len(series)), 2)
            touch = rng.choice((0.0, 0.2, 0.5))
            series[dst] = fabricated(series[src], rng, days[dst], touch)
            if rng.random() < 0.3:  # filed in a folder of its own
                folder, name_ = series_paths[dst].rsplit("/", 1)
                series_paths[dst] = f"{folder}/补充材料/{name_}"
            planted.add(frozenset((series_paths[src], series_paths[dst])))
            kinds[f"{name}, touch {touch}"] += 1
    files += [_doc(p, t, d) for p, t, d in zip(paths, texts, QUARTERS, strict=True)]
    files += [_doc(p, t, d) for p, t, d in zip(ledger_paths, ledgers, months, strict=True)]
    files += [_doc(p, t, d) for p, t, d in zip(summary_paths, summaries, months[:6], strict=True)]
    quote = "".join(t.text for t in CATALOGUE.tasks[:5])
    for d in QUARTERS[:2]:  # study records that mostly quote the catalogue
        files.append(_doc(f"{c}/6.1 学习记录/{d:%Y-%m-%d} 学习记录.docx", quote + minutes(rng, d, 1, quote=False)[-150:], d))
    for d in QUARTERS[:2]:  # two short honest minutes of a second group: too few for the template to show
        files.append(_doc(f"{c}/2.1 联席会议/{d:%Y-%m-%d} 联席会议纪要.docx", minutes(rng, d, rng.choice((1, 2))), d))
    text = summary(rng, dt.date(2024, 7, 1), 8)  # a revised draft: D5, never D1
    files.append(_doc(f"{c}/5.2 方案/活动方案.docx", text, dt.date(2024, 7, 1)))
    files.append(_doc(f"{c}/5.2 方案/活动方案（修改稿）.docx", text.replace("下一步", "今后"), dt.date(2024, 7, 3)))
    return files, planted, kinds


def bench_records(counties: int = 60, seed: int = 11) -> dict[str, object]:
    """Each county's tree audited on its own (boilerplate is a property of one tree); every other
    county has fabricated records."""
    rng = random.Random(seed)
    documents = planted_n = found_n = errors_n = false_n = warnings = versions = 0
    kinds = Counter[str]()
    seconds = 0.0
    for k in range(counties):
        files, planted, more = _county(rng, k, k % 2 == 0)
        kinds.update(more)
        started = time.perf_counter()
        found = list(copying.check([f.model_copy(update={"task": f.path.split("/")[1].split(" ")[0]}) for f in files], CTX))
        seconds += time.perf_counter() - started
        errors = [f for f in found if f.rule == "D1" and f.severity is Severity.ERROR]
        hit = {frozenset((f.path or "", *f.related)) for f in errors}
        documents += len(files)
        planted_n += len(planted)
        found_n += len(planted & hit)
        errors_n += len(errors)
        false_n += sum(frozenset((f.path or "", *f.related)) not in planted for f in errors)
        warnings += sum(f.severity is Severity.WARNING and f.rule == "D1" for f in found)
        versions += sum(f.check == "duplicate-version" for f in found)
    return {"counties": counties, "documents": documents, "planted": planted_n, "kinds": dict(kinds),
            "found": found_n, "recall": round(found_n / max(1, planted_n), 3), "errors": errors_n,
            "false_errors": false_n, "d1_warnings": warnings, "d5_versions": versions, "seconds": round(seconds, 1)}


def _scale_photo(args: tuple[int, Path, int]) -> tuple[Path, str, str, bool]:
    """One photo of the big tree, a capture of its own: a synthetic scene of its own seed (the
    corpus has too few real photos for 5,000 distinct ones; windows of one photo would be the same
    capture), stamped; one in twenty is a meeting in one of 40 rooms (same room, other people)."""
    n, root, seed = args
    rng = random.Random(seed * 100_003 + n)
    if n % 20 == 0:
        base = room(4000 + n % 40, (1024, 768))
        view = meeting(base, figures(seed * 7 + n, base.size, rng.randint(2, 5)))
    else:
        view = sets.scene(seed * 100_003 + n, (1024, 768))
    shot, box = sets.stamp(view, rng)
    rel = f"{n % 31 + 1}/act{n // 40:03d}/{n:05d}.jpg"
    path = sets.save(sets.Shot(shot, box, quality=85), root / rel)
    return path, rel, rel.split("/")[0], False


def bench_scale(root: Path, n: int, jobs: int) -> dict[str, object]:
    started = time.perf_counter()
    with ProcessPoolExecutor(jobs) as ex:
        items = list(ex.map(_scale_photo, [(i, root / "scale", 3) for i in range(n)], chunksize=16))
    make_s = time.perf_counter() - started
    rng = random.Random(9)
    plants = []
    for k in range(50):  # reused copies among the crowd
        path, rel, _, _ = items[rng.randrange(n)]
        with Image.open(path) as im:
            img = im.convert("RGB")
        copy = img.resize((800, 600)) if k % 2 else img.crop((40, 30, img.width, img.height))
        dst = root / "scale" / "reused" / f"copy{k}.jpg"
        sets.save(sets.Shot(copy, None, quality=70), dst)
        items.append((dst, f"reused/copy{k}.jpg", "7.4", False))
        plants.append(rel)
    started = time.perf_counter()
    files = read_all(items, jobs)
    read_s = time.perf_counter() - started
    t0 = time.perf_counter()
    cands = reuse.candidates(files, CATALOGUE.settings.photo)
    t1 = time.perf_counter()
    verdicts = verify_pairs([(c.a, c.b) for c in cands])
    t2 = time.perf_counter()
    found = list(reuse.check(files, dataclasses.replace(CTX, photo_pairs=verdicts)))
    t3 = time.perf_counter()
    errors = [f for f in found if f.severity is Severity.ERROR]
    caught = sum(any(p in (f.path, *f.related) for f in errors) for p in plants)
    return {"photos": len(files), "make_s": round(make_s), "read_s": round(read_s), "candidates_s": round(t1 - t0, 2),
            "verify_s": round(t2 - t1, 1), "check_s": round(t3 - t2, 2), "candidates": len(cands),
            "verdicts": dict(Counter(v.verdict for v in verdicts.values())), "errors": len(errors),
            "warnings": len(found) - len(errors), "planted": len(plants), "caught": caught}


def bench_cost(root: Path) -> dict[str, float]:
    """Cost of one verified pair: preparing a photo (decode, ORB) and comparing two prepared photos."""
    photos = (sets.real_photos() or sets.synthetic_photos(20))[:20]
    paths = []
    for n, (_, img) in enumerate(photos):
        paths.append(sets.save(sets.Shot(img, None), root / "cost" / f"{n}.jpg"))
    t0 = time.perf_counter()
    prepared = [pixels.prepare_file(p) for p in paths]
    t1 = time.perf_counter()
    for a, b in itertools.pairwise(prepared):
        pixels.compare(a, b)
    t2 = time.perf_counter()
    same = [pixels.compare(p, p) for p in prepared]
    t3 = time.perf_counter()
    return {"prepare_ms": 1000 * (t1 - t0) / len(paths), "compare_different_ms": 1000 * (t2 - t1) / (len(paths) - 1),
            "compare_same_ms": 1000 * (t3 - t2) / len(same)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default="pairs,unrelated,records,cost,scale")
    parser.add_argument("--boxes", choices=("truth", "none", "ocr"), default="truth")
    parser.add_argument("--scale", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-fraud-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"OpenCV: {pixels.available()}  corpus photos: {len(sets.real_photos())}  stamp boxes: {args.boxes}")
    try:
        if "pairs" in parts:
            r = bench_pairs(root, args.boxes, args.jobs)
            print(f"\n## photo pairs ({r['pairs']} pairs from {r['photos']} photos; read {r['read_s']:.0f} s, "
                  f"verification {r['verify_s']:.1f} s for {r['verified']} pairs)")
            outcomes = r["outcomes"]
            assert isinstance(outcomes, dict)
            totals: dict[str, Counter[str]] = defaultdict(Counter)
            for (kind_set, kind), c in sorted(outcomes.items()):
                totals[kind_set].update(c)
                print(f"{kind_set:14} {kind:30} error {c['error']:3}  warning {c['warning']:3}  none {c['none']:3}")
            pos, neg = totals["positive"], totals["hard-negative"]
            print(f"positives: {sum(pos.values())}, recall (error) {pos['error'] / max(1, sum(pos.values())):.3f}")
            print(f"hard negatives: {sum(neg.values())}, errors {neg['error']}, warnings {neg['warning']}")
            print(f"candidates by hash: {dict(r['candidates'])}; read as documents: {r['not_photos']}")
            for miss in r["misses"]:  # type: ignore[attr-defined]
                print("  miss:", miss)
        if "unrelated" in parts:
            print("\n## unrelated real photos", bench_unrelated(root, args.jobs))
        if "records" in parts:
            print("\n## fabricated records", bench_records())
        if "cost" in parts:
            print("\n## cost per verified pair", {k: round(v, 1) for k, v in bench_cost(root).items()})
        if "scale" in parts:
            print(f"\n## D1 photo stage on {args.scale} photos", bench_scale(root, args.scale, args.jobs))
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
