"""Speed and scale in one run, side by side: the figures of docs/performance.md.

    python bench/run.py [--files 10000] [--small 1000] [--work DIR] [--out results.json] [--quick]

1. **machine**: CPU, cores, memory, load average before and after (other work on the machine makes
   wall-clock figures noisy: CPU seconds are printed next to them).
2. **start-up**: `credit-check --version` and `--help` (hyperfine when installed, else 15 runs).
3. **photos**: s/photo of a 12-MP stamped phone photo with stamp OCR and without OCR, read in one
   process (median; CPU seconds too, OCR on one thread as a worker of a two-job audit has).
4. **metadata**: our EXIF read (header only) against `exiftool -fast -json -r` over the same photos;
   our PDF reader against `pdftotext` over the same PDFs (files/s). A tool that is not installed
   is skipped with a note (apt-get install libimage-exiftool-perl poppler-utils).
5. **scale**: the synthetic county trees of bench/tree.py (`--small` and `--files` files; built once
   under `--work`, about 1 GB for 10,000 files) audited by the command line without OCR: cold
   (cache filling), warm (nothing changed) and with 1 % of the files rewritten; files/s, CPU
   seconds of the whole process tree and the peak memory of the main process; whether the
   warm report is byte-identical to the cold one. On the small tree also a cold audit without cache
   with `--jobs 1` and `--jobs 2` (speed-up, and the two reports compared), next to what two
   spinning Python processes gain over one at that moment (`headroom`: 2.0 on two free cores;
   on a shared machine it bounds the jobs figure).

Nothing is asserted: figures only. `--quick` uses 200/1,000 files and fewer repetitions.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import tree as bench_tree  # noqa: E402

PYTHON = sys.executable
AUDIT_DATE = "2025-01-15"
Result = dict[str, Any]


# ------------------------------------------------------------------------------------ helpers
def _subreaper() -> None:
    """Become the sub-reaper of our descendants (Linux), so the CPU of worker processes started
    from a forkserver is counted in RUSAGE_CHILDREN once they exit."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _reap(deadline: float = 15.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine() -> Result:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) // 1024
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return {"cpu": model or platform.processor(), "cores": os.cpu_count(), "memory_mb": memory,
            "python": platform.python_version(), "os": platform.platform(), "commit": commit,
            "load_before": round(os.getloadavg()[0], 1), "date": dt.datetime.now().isoformat(timespec="seconds")}


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def headroom(n: int = 20_000_000) -> float:
    """How much two processes gain over one right now (2.0 on two free cores): pure-Python spinning,
    twice in a row, then twice at once. On a shared machine this bounds any "two jobs" figure."""
    import multiprocessing

    start = time.perf_counter()
    _spin(n)
    _spin(n)
    serial = time.perf_counter() - start
    start = time.perf_counter()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"  # nothing to import
    with multiprocessing.get_context(method).Pool(2) as pool:
        pool.map(_spin, [n, n])
    return serial / (time.perf_counter() - start)


def settled(tree: Path) -> None:
    """Wait until the newest file of a tree (just built) is older than the index's racy window
    (`facts.index.RACY_SECONDS`): a file written in the last seconds before the cold audit is read
    again by the next one (git's racy entries), and the warm figure would count it."""
    from credit_check.facts.index import RACY_SECONDS

    newest = max((p.stat().st_mtime for p in tree.rglob("*") if p.is_file()), default=0.0)
    time.sleep(max(0.0, newest + RACY_SECONDS + 0.5 - time.time()))


def cli(args: list[str], out_dir: Path, label: str) -> Result:
    """Run `credit-check ARGS` through bench/measure.py: wall, CPU of the whole tree, main peak RSS."""
    record = out_dir / f"{label}.measure.json"
    before = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run([PYTHON, str(ROOT / "bench" / "measure.py"), str(record), *args],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    _reap()
    cpu = _children_cpu() - before
    got = json.loads(record.read_text()) if record.is_file() else {}
    if proc.returncode not in (0, 1):
        print(f"  {label}: exit {proc.returncode}\n{proc.stderr[-2000:]}", file=sys.stderr)
    return {"wall": wall, "cpu": cpu, "peak_rss_mb": got.get("peak_rss_mb"), "code": proc.returncode}


def _median_runs(run: Callable[[], None], n: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `n` calls of `run` in this process."""
    walls, cpus = [], []
    for _ in range(n):
        c0, w0 = time.process_time(), time.perf_counter()
        run()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


# ------------------------------------------------------------------------------------ sections
def startup(runs: int) -> Result:
    exe = str(Path(PYTHON).parent / "credit-check")
    out: Result = {}
    for name, argv in (("version", [exe, "--version"]), ("help", [exe, "--help"])):
        if shutil.which("hyperfine"):
            export = Path(os.environ.get("TMPDIR", "/tmp")) / f"cc-hyperfine-{name}.json"
            subprocess.run(["hyperfine", "-N", "--warmup", "2", "--runs", str(runs), "--export-json", str(export),
                            " ".join(argv)], capture_output=True, check=False)
            data = json.loads(export.read_text())["results"][0]
            out[name] = {"wall_median": data["median"], "cpu_mean": data["user"] + data["system"],
                         "tool": "hyperfine"}
        else:
            walls, cpus = [], []
            for _ in range(runs):
                before, start = _children_cpu(), time.perf_counter()
                subprocess.run(argv, capture_output=True, check=False)
                walls.append(time.perf_counter() - start)
                cpus.append(_children_cpu() - before)
            out[name] = {"wall_median": statistics.median(walls), "cpu_mean": statistics.mean(cpus), "tool": "loop"}
    return out


def twelve_mp_photos(folder: Path, n: int) -> list[Path]:
    """`n` stamped 12-MP (4000×3000) phone photos with EXIF, built once."""
    from tests.builders.photos import POSITIONS, STYLES, PhotoSpec, Stamp, make_photo

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"IMG_12MP_{i:02d}.jpg"
        if not path.is_file():
            when = dt.datetime(2024, 5, 1 + i % 28, 9 + i % 9, 5 * (i % 12))
            make_photo(path, PhotoSpec(seed=500 + i, size=(4000, 3000), taken=when,
                                       stamp=Stamp(when=when, style=STYLES[i % len(STYLES)],
                                                   position=POSITIONS[i % len(POSITIONS)])))
        paths.append(path)
    return paths


def photos(paths: list[Path], repeat: int) -> Result:
    from credit_check.facts import ExtractOptions, ocr
    from credit_check.facts.image import extract

    ocr.configure(1)
    ocr.reset()
    out: Result = {"photos": len(paths), "megapixels": 12}
    engine = ocr.engine()
    extract(paths[0], ExtractOptions(ocr=True))  # load the models once, as a worker does
    for label, on in (("without_ocr", False), ("with_ocr", True)):
        if on and engine is None:
            out[label] = None
            continue
        walls, cpus = [], []
        for path in paths:
            wall, cpu = _median_runs(lambda p=path, o=on: extract(p, ExtractOptions(ocr=o)), repeat)  # type: ignore[misc]
            walls.append(wall)
            cpus.append(cpu)
        out[label] = {"wall_median": statistics.median(walls), "cpu_median": statistics.median(cpus)}
    found = [extract(p, ExtractOptions(ocr=True)).facts for p in paths] if engine is not None else []
    out["stamps_read"] = sum(1 for f in found if getattr(f, "stamp_time", None))
    return out


def metadata(tree: Path, limit: int) -> Result:
    from PIL import Image

    from credit_check.facts import ExtractOptions
    from credit_check.facts.exif import read_exif
    from credit_check.facts.pdf import extract as pdf_extract

    jpegs = sorted(tree.rglob("*.jpg"))[:limit]
    pdfs = sorted(tree.rglob("*.pdf"))[: max(20, limit // 5)]
    out: Result = {"photos": len(jpegs), "pdfs": len(pdfs)}

    def ours() -> None:
        for p in jpegs:
            with Image.open(p) as image:
                read_exif(image)

    ours()  # warm the page cache for both tools
    wall, cpu = _median_runs(ours, 3)
    out["exif_ours"] = {"wall": wall, "cpu": cpu, "files_per_s": len(jpegs) / wall}
    if shutil.which("exiftool"):
        listing = tree.parent / f"{tree.name}.jpegs.txt"
        listing.write_text("\n".join(str(p) for p in jpegs) + "\n")
        walls, cpus = [], []
        for _ in range(3):
            before, start = _children_cpu(), time.perf_counter()
            subprocess.run(["exiftool", "-fast", "-json", "-r", "-@", str(listing)], capture_output=True, check=False)
            walls.append(time.perf_counter() - start)
            cpus.append(_children_cpu() - before)
        wall = statistics.median(walls)
        out["exiftool"] = {"wall": wall, "cpu": statistics.median(cpus), "files_per_s": len(jpegs) / wall}
    else:
        out["exiftool"] = None

    options = ExtractOptions(ocr=False)
    start, c0 = time.perf_counter(), time.process_time()
    for p in pdfs:
        pdf_extract(p, options)
    wall = time.perf_counter() - start
    out["pdf_ours"] = {"wall": wall, "cpu": time.process_time() - c0, "files_per_s": len(pdfs) / wall}
    if shutil.which("pdftotext"):
        before, start = _children_cpu(), time.perf_counter()
        for p in pdfs:
            subprocess.run(["pdftotext", "-q", str(p), "-"], capture_output=True, check=False)
        wall = time.perf_counter() - start
        out["pdftotext"] = {"wall": wall, "cpu": _children_cpu() - before, "files_per_s": len(pdfs) / wall}
    else:
        out["pdftotext"] = None
    return out


def _audit_args(tree: Path, report: Path, *, cache: Path | None, jobs: int | None = None) -> list[str]:
    args = ["audit", str(tree), "--no-ocr", "--audit-date", AUDIT_DATE, "--format", "json", "--output", str(report)]
    args += ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    if jobs:
        args += ["--jobs", str(jobs)]
    return args


def scale(tree: Path, items: list[bench_tree.Item], work: Path, *, jobs_compare: bool) -> Result:
    files = len(items)
    out_dir = work / f"runs-{tree.name}"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    cache = out_dir / "cache"
    out: Result = {"files": files}

    def run(label: str, **kw: Any) -> Result:
        report = out_dir / f"{label}.json"
        got = cli(_audit_args(tree, report, **kw), out_dir, label)
        got["files_per_s"] = files / got["wall"]
        got["report"] = str(report)
        print(f"  {tree.name} {label:14s} {got['wall']:8.2f} s  cpu {got['cpu']:8.2f} s  "
              f"{got['files_per_s']:8.1f} files/s  main peak {got['peak_rss_mb'] or 0:6.0f} MB", file=sys.stderr)
        return got

    if jobs_compare:
        out["headroom_before"] = headroom()
        out["cold_jobs1"] = run("cold-jobs1", cache=None, jobs=1)
        out["cold_jobs2"] = run("cold-jobs2", cache=None, jobs=2)
        out["headroom_after"] = headroom()
        out["jobs_speedup"] = out["cold_jobs1"]["wall"] / out["cold_jobs2"]["wall"]
        out["jobs_same_report"] = _same(out["cold_jobs1"]["report"], out["cold_jobs2"]["report"])
    out["cold"] = run("cold", cache=cache)
    out["warm"] = run("warm", cache=cache)
    out["warm_same_report"] = _same(out["cold"]["report"], out["warm"]["report"])
    backup = out_dir / "backup"
    chosen = bench_tree.change(tree, items, 0.01, backup)
    try:
        out["changed_1pct"] = run("changed-1pct", cache=cache)
        out["changed_files"] = len(chosen)
    finally:
        bench_tree.restore(tree, chosen, backup)
    out["warm_share_of_cold"] = out["warm"]["wall"] / out["cold"]["wall"]
    return out


def _same(a: str, b: str) -> bool:
    try:
        return Path(a).read_bytes() == Path(b).read_bytes()
    except OSError:
        return False


# ------------------------------------------------------------------------------------ output
def _fmt(value: Any, unit: str = "", digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.{digits}f}{unit}"
    return f"{value}{unit}"


def table(results: Result) -> str:
    m = results["machine"]
    rows = [f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_mb']} MB, Python {m['python']}, "
            f"commit {m['commit']}, load average {m['load_before']} → {m.get('load_after')}", "",
            "| measure | wall | CPU | other |", "|---|---|---|---|"]
    s = results.get("startup", {})
    for name in ("version", "help"):
        if name in s:
            rows.append(f"| `credit-check --{name}` | {_fmt(s[name]['wall_median'], ' s', 3)} | "
                        f"{_fmt(s[name]['cpu_mean'], ' s', 3)} | {s[name]['tool']} |")
    p = results.get("photos")
    if p:
        for label in ("with_ocr", "without_ocr"):
            got = p.get(label)
            rows.append(f"| 12-MP photo, {label.replace('_', ' ')} | "
                        f"{_fmt(got and got['wall_median'], ' s/photo', 3)} | {_fmt(got and got['cpu_median'], ' s', 3)} | "
                        f"median of {p['photos']} photos; stamps read {p.get('stamps_read')} |")
    md = results.get("metadata")
    if md:
        for key, label, count in (("exif_ours", "EXIF read (ours)", "photos"), ("exiftool", "exiftool -fast -json -r", "photos"),
                                  ("pdf_ours", "PDF reader (ours, no OCR)", "pdfs"), ("pdftotext", "pdftotext", "pdfs")):
            got = md.get(key)
            rows.append(f"| {label} | {_fmt(got and got['wall'], ' s')} | {_fmt(got and got['cpu'], ' s')} | "
                        f"{_fmt(got and got['files_per_s'], ' files/s', 0)} over {md[count]} {count} |")
    for key in ("small", "large"):
        sc = results.get(key)
        if not sc:
            continue
        for label in ("cold_jobs1", "cold_jobs2", "cold", "warm", "changed_1pct"):
            got = sc.get(label)
            if got:
                rows.append(f"| {sc['files']} files, {label.replace('_', ' ')} | {_fmt(got['wall'], ' s')} | "
                            f"{_fmt(got['cpu'], ' s')} | {_fmt(got['files_per_s'], ' files/s', 0)}; "
                            f"main peak {_fmt(got['peak_rss_mb'], ' MB', 0)} |")
        if "jobs_speedup" in sc:
            rows.append(f"| {sc['files']} files, 2 jobs ÷ 1 job | {_fmt(sc['jobs_speedup'], '×')} | | "
                        f"same report: {_fmt(sc['jobs_same_report'])}; two spinning processes gained "
                        f"{_fmt(sc.get('headroom_before'), '×')} before, {_fmt(sc.get('headroom_after'), '×')} after |")
        rows.append(f"| {sc['files']} files, warm ÷ cold | {_fmt(100 * sc['warm_share_of_cold'], ' %', 1)} | | "
                    f"warm report identical to cold: {_fmt(sc['warm_same_report'])} |")
    small, large = results.get("small"), results.get("large")
    if small and large and small["warm"]["peak_rss_mb"] and large["warm"]["peak_rss_mb"]:
        for label in ("cold", "warm"):
            growth = large[label]["peak_rss_mb"] / small[label]["peak_rss_mb"] - 1
            rows.append(f"| main peak memory growth {small['files']} → {large['files']} files, {label} | | | "
                        f"{_fmt(100 * growth, ' %', 0)} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000, help="the large tree (0: skip it)")
    parser.add_argument("--small", type=int, default=1_000, help="the small tree")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "credit-check-bench")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--photos", type=int, default=8, help="12-MP photos to time")
    parser.add_argument("--only", default="startup,photos,metadata,small,large",
                        help="sections to run, comma-separated")
    parser.add_argument("--quick", action="store_true", help="200 / 1,000 files, fewer repetitions")
    args = parser.parse_args()
    if args.quick:
        args.small, args.files, args.photos = 200, 1_000, 3
    only = set(args.only.split(","))
    _subreaper()
    args.work.mkdir(parents=True, exist_ok=True)
    results: Result = {"machine": machine()}
    if "startup" in only:
        results["startup"] = startup(5 if args.quick else 15)
        print("startup done", file=sys.stderr)
    if "photos" in only:
        paths = twelve_mp_photos(args.work / "photos-12mp", args.photos)
        results["photos"] = photos(paths, 1 if args.quick else 3)
        print("photos done", file=sys.stderr)
    small_tree = args.work / f"tree-{args.small}"
    small_items = bench_tree.build(small_tree, args.small)
    settled(small_tree)
    if "metadata" in only:
        results["metadata"] = metadata(small_tree, 2_000)
        print("metadata done", file=sys.stderr)
    if "small" in only:
        results["small"] = scale(small_tree, small_items, args.work, jobs_compare=True)
    if "large" in only and args.files:
        large_tree = args.work / f"tree-{args.files}"
        large_items = bench_tree.build(large_tree, args.files)
        settled(large_tree)
        results["large"] = scale(large_tree, large_items, args.work, jobs_compare=False)
    results["machine"]["load_after"] = round(os.getloadavg()[0], 1)
    text = table(results)
    print(text)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()
