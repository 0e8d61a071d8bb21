"""The runner's budgets and isolation, on real files and real processes (no mocks):

- a worker past its memory budget is killed by the parent: the file is `too-large`, the rest read;
- a worker past the time limit + grace (native code ignores the in-worker alarm) is killed: `timeout`;
- a worker that dies on its own (here: killed from outside, as the kernel's OOM killer would) has
  its file read again alone, once; a second death records it `crashed`; the others are read;
- with one job the main process never runs a reader;
- Ctrl-C on the CLI: exit 130 within seconds, no report written, no worker left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from credit_check.discover import Discovered
from credit_check.facts import ExtractOptions
from credit_check.facts.runner import GRACE, Failure, extract_all, run_jobs, spilled
from credit_check.facttypes import ErrorKind
from tests.conftest import sigint_deliverable
from tests.hostile.corpus import big_legal_png, many_pages_pdf, text_pdf

REPO = Path(__file__).resolve().parents[2]
linux_only = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")


@linux_only
def test_any_job_runs_under_the_same_budgets() -> None:
    """`run_jobs` (which also compares pairs of photos): a result, a worker that dies twice, a job
    past its time limit, an allocation past the data limit — each job told apart, the others done."""
    import operator

    outcomes: dict[int, tuple[object, Failure | None]] = {}
    jobs = [(operator.add, (2, 3)), (os._exit, (3,)), (time.sleep, (60,)), (bytearray, (8 << 30,)),
            (operator.mul, (6, 7))]
    start = time.monotonic()
    run_jobs(jobs, 2, 200, 2.0, lambda i, result, failure: outcomes.__setitem__(i, (result, failure)))
    assert time.monotonic() - start < 60
    assert outcomes == {0: (5, None), 1: (None, Failure.CRASHED), 2: (None, Failure.TIMEOUT),
                        3: (None, Failure.OUT_OF_MEMORY), 4: (42, None)}


def item(path: Path, root: Path) -> Discovered:
    return Discovered(path=path.relative_to(root).as_posix(), abs_path=path, size=path.stat().st_size, task=None)


def small_pdfs(root: Path, n: int) -> list[Path]:
    return [text_pdf(root / f"doc{i}.pdf", [f"Document number {i}", "2024-05-06"]) for i in range(n)]


@linux_only
def test_memory_budget_kills_only_the_reader_that_passes_it(tmp_path: Path) -> None:
    big = big_legal_png(tmp_path / "big.png", 6000)  # a legal 36-megapixel picture
    files = [*small_pdfs(tmp_path, 3), big]
    options = ExtractOptions(ocr=False, max_memory_mb=180)
    start = time.monotonic()
    results = extract_all([item(p, tmp_path) for p in files], options, None, jobs=2)
    assert time.monotonic() - start < 60
    kinds = [r.error_kind for _, r in results]
    assert kinds[:3] == [None, None, None], [r.error for _, r in results]
    assert kinds[3] is ErrorKind.TOO_LARGE
    assert "180 MB" in (results[3][1].error or "") or "memory" in (results[3][1].error or "")


@linux_only
def test_time_limit_is_enforced_from_outside(tmp_path: Path) -> None:
    slow = many_pages_pdf(tmp_path / "slow.pdf", pages=12, ops=400_000)  # minutes of operator parsing
    files = [slow, *small_pdfs(tmp_path, 2)]
    start = time.monotonic()
    results = extract_all([item(p, tmp_path) for p in files], ExtractOptions(ocr=False, timeout=1), None, jobs=1)
    took = time.monotonic() - start
    assert results[0][1].error_kind is ErrorKind.TIMEOUT
    assert [r.error_kind for _, r in results[1:]] == [None, None]
    assert took < 1 + GRACE + 20  # the limit, the grace, and two small files read after it


def _kill_reader_of(target: Path, times: int, stop: threading.Event, killed: list[int]) -> None:
    """Act as the kernel's OOM killer: SIGKILL whichever process holds `target` open, `times` times."""
    while not stop.is_set() and len(killed) < times:
        for pid in (p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()):
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
            except OSError:
                continue
            for fd in fds:
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == str(target) and int(pid) not in killed:
                        os.kill(int(pid), signal.SIGKILL)
                        killed.append(int(pid))
                        break
                except OSError:
                    continue
        time.sleep(0.02)


@linux_only
@pytest.mark.parametrize("deaths", [1, 2])
def test_a_dying_file_is_retried_alone_once_then_recorded(tmp_path: Path, deaths: int) -> None:
    victim = many_pages_pdf(tmp_path / "victim.pdf", pages=4, ops=60_000)  # holds its file open for seconds
    (tmp_path / "more").mkdir()
    files = [*small_pdfs(tmp_path, 3), victim, *small_pdfs(tmp_path / "more", 3)]
    stop, killed = threading.Event(), []
    killer = threading.Thread(target=_kill_reader_of, args=(victim, deaths, stop, killed), daemon=True)
    killer.start()
    try:
        results = extract_all([item(p, tmp_path) for p in files], ExtractOptions(ocr=False, timeout=60), None, jobs=2)
    finally:
        stop.set()
        killer.join()
    assert len(killed) == deaths
    kinds = {str(p): r.error_kind for p, (_, r) in zip(files, results, strict=True)}
    others = [k for name, k in kinds.items() if name != str(victim)]
    assert others == [None] * 6
    assert kinds[str(victim)] is (ErrorKind.CRASHED if deaths == 2 else None)


def test_one_job_never_reads_in_the_main_process(tmp_path: Path) -> None:
    seen: list[int] = []
    files = small_pdfs(tmp_path, 2)
    results = extract_all([item(p, tmp_path) for p in files], ExtractOptions(ocr=False), None, jobs=1,
                          progress=lambda done, total, path: seen.append(done))
    assert [r.error_kind for _, r in results] == [None, None] and seen == [1, 2]
    # the readers' modules were never needed here: the main process imported no PDF library
    code = ("import sys; from pathlib import Path; from credit_check.discover import Discovered;"
            "from credit_check.facts import ExtractOptions; from credit_check.facts.runner import extract_all;"
            f"p = Path({str(files[0])!r});"
            "extract_all([Discovered(path='a.pdf', abs_path=p, size=1, task=None)], ExtractOptions(ocr=False), None, 1);"
            "print('pypdfium2' in sys.modules, 'pypdf' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.stdout.split() == ["False", "False"], out.stderr


def test_results_handed_to_a_sink_are_not_kept(tmp_path: Path) -> None:
    """With a sink each file's result goes there as it arrives, and nothing is returned: not the
    results again, nor a placeholder for each (a 10,000-file audit held ~9 MB of them)."""
    files = small_pdfs(tmp_path, 3)
    got: dict[int, tuple[str, str]] = {}
    results = extract_all([item(p, tmp_path) for p in files], ExtractOptions(ocr=False), None, jobs=2,
                          sink=lambda i, sha, result: got.__setitem__(i, (sha, result.pages[0])))
    assert results == []
    assert sorted(got) == [0, 1, 2]
    assert all(len(sha) == 64 and f"Document number {i}" in text for i, (sha, text) in got.items())


def _processes_running(marker: str) -> list[int]:
    found = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            with open(f"/proc/{pid}/environ", "rb") as fh:
                if marker.encode() in fh.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


@linux_only
def test_ctrl_c_exits_130_within_seconds_and_leaves_nothing(tmp_path: Path) -> None:
    root = tmp_path / "tree" / "1.4 会议"
    root.mkdir(parents=True)
    for i in range(8):
        many_pages_pdf(root / f"slow{i}.pdf", pages=6, ops=200_000)
    out = tmp_path / "out" / "report.json"
    marker = f"CREDIT_CHECK_TEST_RUN={os.getpid()}-{time.monotonic_ns()}"
    env = {**os.environ, marker.split("=")[0]: marker.split("=")[1]}
    proc = subprocess.Popen([str(REPO / ".venv" / "bin" / "credit-check"), "audit", str(root.parent), "--no-ocr",
                             "--no-cache", "--format", "json", "--output", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO,
                            preexec_fn=sigint_deliverable)
    time.sleep(6)  # the workers are busy with the slow files by now
    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        code = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    took = time.monotonic() - sent
    assert code == 130
    assert took < 5, took
    assert not out.exists() and not any((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True
    time.sleep(0.5)
    assert _processes_running(marker) == []  # no reader process left behind


def _weigh(values: object, label: str) -> tuple[str, int, int]:
    import numpy as np

    assert isinstance(values, np.ndarray)
    return label, int(values.sum()), os.getpid()


def test_a_job_with_large_arrays_goes_by_a_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`spilled`: the arrays of a job are written to a temporary file the worker reads back (not
    pickled whole in the parent); the file is private and gone afterwards; the result is the same."""
    import tempfile

    import numpy as np

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    values = np.arange(1_000_000, dtype=np.uint64)
    with spilled((_weigh, (values, "所有"))) as sent:
        assert sent[0] is not _weigh  # the job now reads its arrays from a file
        files = list(tmp_path.glob("credit-check-*"))
        assert len(files) == 1 and files[0].stat().st_size == values.nbytes
        assert files[0].stat().st_mode & 0o077 == 0  # private
        outcomes: list[object] = []
        run_jobs([sent], 1, 0, None, lambda _i, result, failure: outcomes.append(result if failure is None else failure))
    assert not list(tmp_path.glob("credit-check-*"))  # removed
    label, total, pid = outcomes[0]  # type: ignore[misc]
    assert (label, total) == ("所有", int(values.sum())) and pid != os.getpid()

    with spilled((_weigh, ([1, 2], "小"))) as sent:  # nothing large: sent as it is
        assert sent == (_weigh, ([1, 2], "小"))

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "read-only temporary folder")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    with spilled((_weigh, (values, "所有"))) as sent:  # no temporary file: sent as it is
        assert sent[0] is _weigh and sent[1][0] is values
