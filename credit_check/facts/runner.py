"""Facts of every file: a content-addressed cache outside the evidence tree and a pool of worker
processes. The only part of the audit that runs readers in parallel.

Each file is hashed (SHA-256 of its bytes); its facts are cached under that hash, the tool's
cache version and the settings that change what a reader returns. A result is cached unless its
error kind may change on the next run (`ErrorKind.cacheable`: a time-out, a crash, an I/O error).
A worker that dies takes down only the file it was reading.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from credit_check import __version__
from credit_check.discover import Discovered
from credit_check.facts import ExtractOptions, extract, ocr
from credit_check.facttypes import ErrorKind
from credit_check.model import Extracted, Kind

CACHE_VERSION = f"{__version__}-3"  # bump whenever an extractor changes what it produces
Progress = Callable[[int, int, str], None]


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "credit-check"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _options_key(options: ExtractOptions) -> str:
    """The settings that change what an extractor returns (the time limit does not: timeouts
    are never cached)."""
    return f"{int(options.ocr)}-{options.max_bytes}-{options.max_pages}"


def _job(item: Discovered, options: ExtractOptions, cache: str | None) -> tuple[str, Extracted]:
    if item.outside:  # never opened, never hashed
        return "", Extracted.failed(Kind.OTHER, ErrorKind.OUTSIDE)
    return facts_job(str(item.abs_path), options, cache)


def facts_job(abs_path: str, options: ExtractOptions, cache_dir: str | None) -> tuple[str, Extracted]:
    """Hash a file and extract its facts, through the cache. Runs in a worker process."""
    path = Path(abs_path)
    try:
        sha = _sha256(path)
    except OSError as exc:
        return "", Extracted.failed(Kind.OTHER, ErrorKind.UNREADABLE, str(exc.strerror or exc))
    cached = Path(cache_dir) / sha[:2] / f"{sha}-{CACHE_VERSION}-{_options_key(options)}.json" if cache_dir else None
    if cached is not None and cached.is_file():
        try:
            return sha, Extracted.model_validate_json(cached.read_bytes())
        except (OSError, ValueError):
            pass  # a damaged cache entry is simply rebuilt
    result = extract(path, options)
    if cached is not None and (result.error_kind is None or result.error_kind.cacheable):
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(result.model_dump_json(), encoding="utf-8")
            os.replace(tmp, cached)
        except OSError:
            pass  # an unwritable cache only costs speed
    return sha, result


def _pool_context() -> multiprocessing.context.BaseContext:
    """Workers start from a clean process (forkserver; spawn on Windows), never a fork of this
    one: forking a process that holds OCR or other native threads can deadlock."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["credit_check.facts.runner"])
        return ctx
    return multiprocessing.get_context("spawn")


def _crashed() -> tuple[str, Extracted]:
    return "", Extracted.failed(Kind.OTHER, ErrorKind.CRASHED)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    threads = max(1, (os.cpu_count() or 1) // workers)
    return ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=ocr.configure,
                               initargs=(threads,))


def _stop(pool: ProcessPoolExecutor) -> None:
    """Shut a pool down now: pending work cancelled, worker processes terminated."""
    processes = list(getattr(pool, "_processes", {}).values())  # no public handle on the workers
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=2)


def extract_all(items: Sequence[Discovered], options: ExtractOptions, cache_dir: Path | None, jobs: int,
                progress: Progress | None = None) -> list[tuple[str, Extracted]]:
    """Facts of every file, in order.

    At most `jobs` files are in flight. When a worker dies (a native crash, the memory killer),
    the pool breaks and every file in flight is a suspect: each suspect is read again alone, once,
    and a file that kills its worker alone is recorded as `crashed`. Files not yet dispatched are
    unaffected, so the rest of the audit keeps its parallelism. Ctrl-C stops dispatching, cancels
    what is queued and terminates the workers before `KeyboardInterrupt` propagates.
    """
    cache = str(cache_dir) if cache_dir else None
    total = len(items)
    results: list[tuple[str, Extracted] | None] = [None] * total
    jobs = jobs or os.cpu_count() or 1
    done = 0

    def finish(i: int, result: tuple[str, Extracted]) -> None:
        nonlocal done
        results[i] = result
        done += 1
        if progress:
            progress(done, total, items[i].path)

    if jobs <= 1 or total < 4:
        for i, item in enumerate(items):
            finish(i, _job(item, options, cache))
        return [r if r is not None else _crashed() for r in results]

    queue = list(range(total - 1, -1, -1))  # popped from the end: file order
    suspects: list[int] = []
    workers = min(jobs, total)
    pool = _new_pool(workers)
    try:
        while queue or suspects:
            if suspects:  # alone, once: a second break convicts the file
                i = suspects.pop()
                _stop(pool)
                pool = _new_pool(1)
                try:
                    finish(i, pool.submit(_job, items[i], options, cache).result())
                except BrokenProcessPool:
                    finish(i, _crashed())
                except Exception:
                    finish(i, _crashed())
                if not suspects:
                    _stop(pool)
                    pool = _new_pool(workers)
                continue
            in_flight: dict[Future[tuple[str, Extracted]], int] = {}
            broken = False
            while (queue or in_flight) and not broken:
                while queue and len(in_flight) < 2 * workers:
                    i = queue.pop()
                    in_flight[pool.submit(_job, items[i], options, cache)] = i
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in finished:
                    i = in_flight.pop(future)
                    try:
                        finish(i, future.result())
                    except BrokenProcessPool:
                        broken = True
                        suspects.append(i)
                    except Exception:
                        finish(i, _crashed())
            if broken:
                suspects.extend(in_flight.values())
                suspects.sort(reverse=True)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return [r if r is not None else _crashed() for r in results]
