"""Time and peak memory of the audit on each hostile class (the table in docs/hostile.md).

For each class of `tests/hostile/corpus.py` a tree holding that one file is audited by the real
CLI in a subprocess (OCR on, no cache, default budgets: 120 s per file, 1024 MB per reader), while
this script polls /proc every 50 ms and sums the resident memory of the whole process tree (the
CLI, the forkserver, the worker, the resource tracker). Prints a Markdown table.

    .venv/bin/python fuzz/measure.py                # every class
    .venv/bin/python fuzz/measure.py thin-png ...   # some
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile.corpus import BUILDERS  # noqa: E402


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            tree.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return tree


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return 0
    return 0


def tree_rss_mb(root: int) -> float:
    """Resident memory of `root` and all its descendants (the forkserver's workers included)."""
    children = _children()
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_kb(pid)
        stack.extend(children.get(pid, []))
    return total / 1024


def measure(name: str, *extra: str) -> tuple[float, float, int, str]:
    """(seconds, peak MB of the process tree, exit code, what the report says of the file)."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree" / "7.4 双公示"
        tree.mkdir(parents=True)
        BUILDERS[name](tree)
        out = Path(tmp) / "report.json"
        cmd = [str(ROOT / ".venv" / "bin" / "credit-check"), "audit", str(tree.parent), "--format", "json",
               "--output", str(out), "--no-cache", "--audit-date", "2025-01-15", *extra]
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, tree_rss_mb(proc.pid))
            time.sleep(0.05)
        seconds = time.monotonic() - start
        said = ""
        if out.is_file():
            report = json.loads(out.read_text(encoding="utf-8"))
            said = "; ".join(f"{f.get('error_kind') or 'read'}: {(f.get('error') or '')[:70]}" for f in report["files"])
        else:
            said = (proc.stderr.read() if proc.stderr else b"").decode("utf-8", "replace")[-200:]
        return seconds, peak, proc.returncode, said


def main(names: list[str]) -> None:
    print("| class | exit | time (s) | peak memory, process tree (MB) | the file in the report |")
    print("|---|---|---|---|---|")
    for name in names or list(BUILDERS):
        seconds, peak, code, said = measure(name)
        print(f"| {name} | {code} | {seconds:.1f} | {peak:.0f} | {said} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
