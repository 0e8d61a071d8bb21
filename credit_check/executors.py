"""Where the files of an audit are read: worker processes on this machine, or a Dask cluster.

`--executor local` (the default) is `facts.runner.extract_all`: worker processes watched by the
parent, with the per-file time and memory budgets and crash isolation described there.

`--executor dask://HOST:PORT` (the `dask` extra: `pip install 'credit-check[dask]'`) sends the
per-file extraction to the Dask distributed scheduler at HOST:PORT. Everything else — discovery,
the checks, scoring, the reports, the caches — stays on this machine, so the report is the one a
local run gives. The workers must run the same version of credit-check (checked before any file
is sent: a reader that differs would give other facts). Workers that see the evidence tree at
the same path read it there; for a file a worker cannot see, this machine sends its bytes
(`?send=bytes` sends every file's bytes, `?send=path` never does). Results are written to this
machine's caches only; the cache's pseudonymisation key travels with the tasks, so personal data
in the facts is replaced exactly as a local run would (use TLS, `tls://`, on an untrusted network).

Budgets on a cluster: a Dask worker whose reader crashes or passes the nanny's memory limit is
restarted by Dask; the files of a task that fails are sent again one by one, and a file that
fails alone is recorded as `crashed`, as locally. The time limit is kept from here: a task that
runs longer than its files' time limits (plus `GRACE`) is given up and its files sent again one
by one; a file over its limit alone is a `timeout` read-error. Dask cannot stop a running task,
so such a worker thread stays busy until its reader returns.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, urlsplit

from credit_check.discover import Discovered
from credit_check.facts import ExtractOptions
from credit_check.facttypes import ErrorKind
from credit_check.model import Extracted, Kind

if TYPE_CHECKING:
    from credit_check.facts.runner import Sink

Progress = Callable[[int, int, str], None]
DASK_HINT = "需要安装 dask 组件 / needs the dask extra: pip install 'credit-check[dask]'"
GRACE = 30.0  # seconds past a task's time limits before it is given up (network, a busy scheduler)
BATCH = 8  # files per Dask task


class ExecutorError(ValueError):
    """A bad `--executor` value, a missing extra, or a cluster that cannot be used."""


class Executor(Protocol):
    """Reads `items`: the (content hash, facts) of each in order, or, with `sink`, each handed to
    `sink(index, sha, facts)` as it arrives and not kept (the list is then empty)."""

    def read(self, items: Sequence[Discovered], options: ExtractOptions, cache_dir: Path | None,
             progress: Progress | None = None, sink: Sink | None = None) -> list[tuple[str, Extracted]]: ...


@dataclass(frozen=True)
class LocalExecutor:
    """Worker processes on this machine (`facts.runner.extract_all`)."""

    jobs: int = 0

    def read(self, items: Sequence[Discovered], options: ExtractOptions, cache_dir: Path | None,
             progress: Progress | None = None, sink: Sink | None = None) -> list[tuple[str, Extracted]]:
        from credit_check.facts.runner import extract_all

        return extract_all(items, options, cache_dir, self.jobs, progress, sink)


def parse_executor(spec: str | None, jobs: int = 0) -> Executor:
    """`local` (or None) or `dask://HOST:PORT[?send=auto|path|bytes]` (also `tcp://`, `tls://`)."""
    if spec is None or spec.strip() in ("", "local"):
        return LocalExecutor(jobs)
    parts = urlsplit(spec.strip())
    if parts.scheme not in ("dask", "tcp", "tls") or not parts.hostname or parts.port is None:
        raise ExecutorError(f"--executor 应为 local 或 dask://主机:端口 / --executor must be local or dask://HOST:PORT: {spec}")
    send = parse_qs(parts.query).get("send", ["auto"])[-1]
    if send not in ("auto", "path", "bytes"):
        raise ExecutorError(f"send= 只能是 auto、path 或 bytes / send= must be auto, path or bytes: {spec}")
    if not dask_available():
        raise ExecutorError(DASK_HINT)
    scheme = "tls" if parts.scheme == "tls" else "tcp"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return DaskExecutor(address=f"{scheme}://{host}:{parts.port}", send=send)


def dask_available() -> bool:
    try:
        import distributed  # type: ignore[import-not-found,import-untyped,unused-ignore]  # noqa: F401
    except Exception:
        return False
    return True


# ------------------------------------------------------------------------------------ on the workers
def worker_version() -> str:
    """The readers' version on a Dask worker (the facts cache version: it changes with any reader)."""
    from credit_check.facts.runner import CACHE_VERSION

    return CACHE_VERSION


_OCR_SET = False


def read_batch(batch: list[tuple[str, str, bytes | None]], options: ExtractOptions,
               key: bytes) -> list[tuple[str, str, Extracted | None]]:
    """Runs on a Dask worker: (status, sha, facts) for each (path, name, bytes or None). Status
    "missing" when the worker cannot see the path and was not sent the bytes."""
    global _OCR_SET
    from credit_check.facts import ocr
    from credit_check.facts.runner import read_file
    from credit_check.sketch import with_sketch

    if not _OCR_SET:
        ocr.configure(1)  # one thread per task: the cluster's parallelism is its workers
        _OCR_SET = True
    out: list[tuple[str, str, Extracted | None]] = []
    for abs_path, name, data in batch:
        if data is None:
            if not os.path.lexists(abs_path):
                out.append(("missing", "", None))
                continue
            sha, result, _ = read_file(abs_path, options, None, key)
        else:
            with tempfile.TemporaryDirectory(prefix="credit-check-") as tmp:
                local = Path(tmp) / (name or "file")
                local.write_bytes(data)
                sha, result, _ = read_file(str(local), options, None, key)
        out.append(("ok", sha, with_sketch(result)))
    return out


# ------------------------------------------------------------------------------------ the client
@dataclass(frozen=True)
class DaskExecutor:
    """Per-file extraction on a Dask distributed cluster (module docstring)."""

    address: str
    send: str = "auto"  # auto | path | bytes
    batch: int = BATCH
    connect_timeout: float = 30.0

    def read(self, items: Sequence[Discovered], options: ExtractOptions, cache_dir: Path | None,
             progress: Progress | None = None, sink: Sink | None = None) -> list[tuple[str, Extracted]]:
        from distributed import Client  # type: ignore[import-not-found,import-untyped,unused-ignore]

        if not items:
            return []
        try:
            client = Client(self.address, timeout=self.connect_timeout, set_as_default=False)  # type: ignore[no-untyped-call,unused-ignore]
        except Exception as exc:  # OSError, TimeoutError, or the comm layer's own
            raise ExecutorError(f"无法连接 Dask 调度器 / cannot reach the Dask scheduler at {self.address}: {exc}") from None
        try:
            with client.as_current():  # `distributed.wait` looks for the current client
                return _Run(self, client, items, options, cache_dir, progress, sink).run()
        finally:
            client.close()  # type: ignore[no-untyped-call,unused-ignore]


class _Run:
    """One audit's files through a Dask client: bounded tasks in flight, retries, deadlines."""

    def __init__(self, spec: DaskExecutor, client: Any, items: Sequence[Discovered], options: ExtractOptions,
                 cache_dir: Path | None, progress: Progress | None, sink: Sink | None = None) -> None:
        from credit_check.facts.runner import cache_key, prepare_cache

        self.spec, self.client, self.items, self.options = spec, client, items, options
        self.cache = str(cache_dir) if cache_dir is not None else None
        if cache_dir is not None:
            prepare_cache(cache_dir)
        self.key = cache_key(cache_dir) if cache_dir is not None else os.urandom(32)
        self.progress = progress
        self.sink = sink
        self.finished = [False] * len(items)
        self.results: list[tuple[str, Extracted] | None] = [None] * len(items)
        self.done = 0

    def run(self) -> list[tuple[str, Extracted]]:
        from distributed import wait

        from credit_check.facts.runner import CACHE_VERSION

        theirs = self.client.submit(worker_version, pure=False).result(timeout=120)
        if theirs != CACHE_VERSION:
            raise ExecutorError(f"Dask 工作节点的 credit-check 版本不同 / the Dask workers run other readers "
                                f"({theirs}, here {CACHE_VERSION}): install the same credit-check on them")
        threads = sum(self.client.nthreads().values()) or 1
        queue: deque[tuple[list[int], bool]] = deque(
            (list(range(i, min(i + self.spec.batch, len(self.items)))), self.spec.send == "bytes")
            for i in range(0, len(self.items), self.spec.batch))
        running: dict[Any, tuple[list[int], bool, float]] = {}
        while queue or running:
            while queue and len(running) < 2 * threads:
                indices, with_bytes = queue.popleft()
                future = self._submit(indices, with_bytes)
                if future is not None:
                    running[future] = (indices, with_bytes, time.monotonic())
            if not running:
                continue
            try:
                finished = wait(list(running), timeout=1.0, return_when="FIRST_COMPLETED").done  # type: ignore[no-untyped-call,unused-ignore]
            except TimeoutError:  # nothing finished within the second: look at the deadlines
                finished = set()
            now = time.monotonic()
            for future, (indices, with_bytes, started) in list(running.items()):
                if future in finished:
                    del running[future]
                    self._collect(future, indices, with_bytes, queue)
                elif self.options.timeout > 0 and now - started > self.options.timeout * len(indices) + GRACE:
                    del running[future]
                    future.cancel()
                    if len(indices) > 1:
                        queue.extend(([i], with_bytes) for i in indices)
                    else:
                        self._finish(indices[0], "", Extracted.failed(self._kind(indices[0]), ErrorKind.TIMEOUT,
                                                                      f"> {self.options.timeout} s"))
        if self.sink is not None:
            return []
        return [r if r is not None else ("", Extracted.failed(Kind.OTHER, ErrorKind.CRASHED)) for r in self.results]

    def _submit(self, indices: list[int], with_bytes: bool) -> Any:
        batch: list[tuple[str, str, bytes | None]] = []
        for i in indices:
            item = self.items[i]
            data = None
            if with_bytes and item.size > self.options.max_bytes:  # not read anyway: hashed and judged here
                self._read_here(i)
                continue
            if with_bytes:
                try:
                    data = _read_bytes(item.abs_path, self.options.max_bytes)
                except OSError as exc:
                    self._finish(i, "", Extracted.failed(self._kind(i), ErrorKind.UNREADABLE, str(exc.strerror or exc)))
                    continue
            batch.append((item.location, os.path.basename(item.location), data))
        if not batch:
            return None
        live = [i for i in indices if not self.finished[i]]
        assert len(live) == len(batch)
        indices[:] = live
        return self.client.submit(read_batch, batch, self.options, self.key, pure=False, retries=0)

    def _collect(self, future: Any, indices: list[int], with_bytes: bool,
                 queue: deque[tuple[list[int], bool]]) -> None:
        from credit_check.facts.runner import store

        try:
            replies: list[tuple[str, str, Extracted | None]] = future.result()
        except Exception as exc:  # the worker died (KilledWorker), or the task failed
            if len(indices) > 1:
                queue.extend(([i], with_bytes) for i in indices)
                return
            kind = ErrorKind.CRASHED if type(exc).__name__ == "KilledWorker" else ErrorKind.CORRUPT
            self._finish(indices[0], "", Extracted.failed(self._kind(indices[0]), kind, f"{type(exc).__name__}: {exc}"[:200]))
            return
        missing = []
        for i, (status, sha, result) in zip(indices, replies, strict=True):
            if status == "missing" or result is None:
                missing.append(i)
                continue
            if self.cache is not None:
                store(self.cache, sha, self.options, result, self.key)
            self._finish(i, sha, result)
        if missing:
            if self.spec.send == "path":
                for i in missing:
                    self._finish(i, "", Extracted.failed(self._kind(i), ErrorKind.UNREADABLE,
                                                         "Dask 工作节点看不到该文件 / not visible to the Dask workers"))
            else:
                queue.append((missing, True))

    def _read_here(self, i: int) -> None:
        from credit_check.facts.runner import read_file, store

        sha, result, _ = read_file(self.items[i].location, self.options, None, self.key)
        if self.cache is not None:
            store(self.cache, sha, self.options, result, self.key)
        self._finish(i, sha, result)

    def _finish(self, i: int, sha: str, result: Extracted) -> None:
        self.finished[i] = True
        if self.sink is not None:
            self.sink(i, sha, result)
        else:
            self.results[i] = (sha, result)
        self.done += 1
        if self.progress:
            self.progress(self.done, len(self.items), self.items[i].path)

    def _kind(self, i: int) -> Kind:
        from credit_check.facts import kind_for_suffix

        return kind_for_suffix(Path(self.items[i].path).suffix)


def _read_bytes(path: Path, limit: int) -> bytes:
    """A file's bytes to send to a worker."""
    from credit_check.facts.runner import _open_regular

    with os.fdopen(_open_regular(path), "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OSError(0, "文件在读取时变大 / the file grew while it was read")
    return data
