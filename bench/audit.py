"""End-to-end audit speed: the sample tree copied N times into a temporary folder, audited cold
(no cache), then warm (cache filled), with and without OCR.

    python bench/audit.py [--copies 10] [--jobs 0] [--ocr]

Prints files, seconds and files per second for each run. Nothing is asserted: figures only.
The copies are identical, so once the cache holds one copy's facts it serves the others: the
"filling cache" run shows that effect (identical files on a share are common: copies filed
under several tasks), and "no cache" is the honest cold figure.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from credit_check.catalogue import load_catalogue  # noqa: E402
from credit_check.model import Period  # noqa: E402
from credit_check.pipeline import AuditOptions, run_audit  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--ocr", action="store_true", help="use OCR (slower; needs the ocr extra)")
    args = parser.parse_args()
    sample = ROOT / "samples" / "evidence"
    catalogue = load_catalogue()
    period = Period(start=catalogue.settings.period_start, end=catalogue.settings.period_end)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        for i in range(args.copies):
            shutil.copytree(sample, tree / f"copy{i:03d}")
        cache = Path(tmp) / "cache"
        files = sum(1 for p in tree.rglob("*") if p.is_file())
        print(f"tree: {files} files ({args.copies} copies of samples/evidence), jobs={args.jobs or 'cores'}, "
              f"ocr={'on' if args.ocr else 'off'}")
        for label, cache_dir in (("cold, no cache", None), ("cold, filling cache", cache), ("warm cache", cache)):
            options = AuditOptions(root=tree, catalogue=catalogue, period=period, ocr=args.ocr, jobs=args.jobs,
                                   cache_dir=cache_dir)
            start = time.perf_counter()
            report = run_audit(options)
            took = time.perf_counter() - start
            print(f"{label:22s} {took:7.2f} s  {files / took:8.1f} files/s  findings={len(report.findings)}")


if __name__ == "__main__":
    main()
