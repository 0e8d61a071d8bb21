"""Run the `credit-check` command line in this process and record what it cost (for bench/run.py).

    python bench/measure.py OUT.json audit TREE --format json --output report.json ...

Writes OUT.json when the command exits: the exit code, wall seconds since this script started,
this process's peak resident memory (`VmHWM` of /proc/self/status: the main process only, worker
processes are not counted, they have budgets of their own; not `ru_maxrss`, which after fork and
exec still holds the parent's size) and its CPU seconds. The caller measures the CPU of
the whole process tree (bench/run.py makes itself the sub-reaper of the workers).
"""

from __future__ import annotations

import atexit
import json
import resource
import sys
import time
from pathlib import Path

START = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]


def _peak_mb() -> float | None:
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def main() -> None:
    out = Path(sys.argv[1])
    state: dict[str, object] = {"code": None}

    def dump() -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        out.write_text(json.dumps({
            "code": state["code"], "wall": time.perf_counter() - START,
            "peak_rss_mb": _peak_mb(), "cpu_self": usage.ru_utime + usage.ru_stime,
        }))

    atexit.register(dump)
    sys.argv = ["credit-check", *sys.argv[2:]]
    from credit_check.cli import main as cli_main

    try:
        cli_main()
    except SystemExit as exc:
        state["code"] = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        raise
    state["code"] = 0


if __name__ == "__main__":
    main()
