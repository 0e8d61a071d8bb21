"""Province merge at scale: one real county report turned into N counties, then `credit-check merge`.

    python bench/merge_scale.py REPORT.json [--counties 140] [--work DIR]

Each copy gets its own content hashes, photo hashes and text sketches (random, so counties share
nothing by chance), except planted copies: every county takes three photos (one resized: a few
bits off) and two texts (lightly edited: a few sketch values off) from the county before it, and
one notice is filed by every county. Prints the time and peak memory of the merge and whether
every planted copy was found (and nothing else). Figures only.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from credit_check.merge import merge
from credit_check.sketch import VALUES


def _hex(rng: random.Random, bits: int = 64) -> str:
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def _flip(value: str, bits: int, rng: random.Random) -> str:
    n = int(value, 16)
    for b in rng.sample(range(64), bits):
        n ^= 1 << b
    return f"{n:016x}"


def _sketch(rng: random.Random) -> dict[str, object]:
    import base64

    import numpy as np

    values = np.array([rng.getrandbits(32) for _ in range(VALUES)], dtype="<u4")
    return {"minhash": base64.b64encode(values.tobytes()).decode(), "shingles": rng.randint(300, 2000)}


def _edited(sketch: dict[str, object], rng: random.Random, changed: int = 20) -> dict[str, object]:
    import base64

    import numpy as np

    values = np.frombuffer(base64.b64decode(str(sketch["minhash"])), dtype="<u4").copy()
    for i in rng.sample(range(VALUES), changed):
        values[i] = rng.getrandbits(32)
    return {"minhash": base64.b64encode(values.tobytes()).decode(), "shingles": sketch["shingles"]}


def build(report: Path, counties: int, folder: Path) -> tuple[list[Path], int]:
    base = json.loads(report.read_text(encoding="utf-8"))
    rng = random.Random(7)
    paths = []
    planted = 0
    previous: dict[str, list[dict[str, object]]] | None = None
    notice = {"sha256": _hex(rng, 256), "text_sketch": _sketch(rng)}
    for c in range(counties):
        data = dict(base)
        data["root"] = f"/province/county{c:03d}"
        files = []
        for f in base["files"]:
            g = dict(f)
            g["sha256"] = _hex(rng, 256)
            facts = dict(g.get("facts") or {})
            if g["kind"] == "photo" and facts.get("phash"):
                facts.update(phash=_hex(rng), phash_zoom=[_hex(rng), _hex(rng)], phash_middle=_hex(rng))
            g["facts"] = facts
            if g.get("text_sketch"):
                g["text_sketch"] = _sketch(rng)
            files.append(g)
        photos = [g for g in files if g["kind"] == "photo" and g["facts"].get("phash")]
        docs = [g for g in files if g.get("text_sketch")]
        if previous is not None:  # three photos and two texts from the county before
            for src, dst in zip(previous["photos"][:3], photos[-3:], strict=False):
                dst["facts"] = {**dst["facts"], "phash": _flip(str(src["facts"]["phash"]), 2, rng),
                                "phash_middle": None, "phash_zoom": []}
                planted += 1
            for src, dst in zip(previous["docs"][1:3], docs[-2:], strict=False):
                dst["text_sketch"] = _edited(src["text_sketch"], rng)
                planted += 1
        if docs:
            docs[0]["sha256"] = notice["sha256"]  # the city's notice, in every county
            docs[0]["text_sketch"] = notice["text_sketch"]
        previous = {"photos": photos, "docs": docs}
        data["files"] = files
        path = folder / f"county{c:03d}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths, planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path)
    parser.add_argument("--counties", type=int, default=140)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        paths, planted = build(args.report, args.counties, Path(tmp))
        files = sum(len(json.loads(p.read_text(encoding="utf-8"))["files"]) for p in paths[:1]) * len(paths)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        wall, cpu = time.perf_counter(), time.process_time()
        province = merge(paths)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        leads = [f for f in province.cross if not f.common]
        found = sum(len({(p.county, p.path) for p in f.places}) - 1 for f in leads)
        print(f"{len(paths)} counties, {files} files: merge {wall:.1f} s (CPU {cpu:.1f} s), peak memory "
              f"{peak:.0f} MB (before {before:.0f} MB); planted copies {planted}, linked by findings {found}; "
              f"{len(leads)} findings, {len(province.cross) - len(leads)} shared (common)")


if __name__ == "__main__":
    main()
