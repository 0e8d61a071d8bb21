"""Facts of every file: a content-addressed cache outside the evidence tree and worker processes
that the parent watches. The only part of the audit that runs readers, and it never runs them in
the main process: whatever a file does to its reader (a native crash, gigabytes of memory, a
render that never ends), the audit goes on.

**Workers.** Each worker is a process of its own (started from a forkserver, never a fork of this
process) that reads one file at a time; the parent knows which file each worker is on, since
when, and how much memory it holds. With `--jobs 1` there is still one worker: the main process
must survive any file.

**Budgets, enforced from outside the reader.** A worker that is still on a file `timeout` + `GRACE`
seconds after it took it (native code does not see the in-worker alarm) is killed: the file is a
`timeout` read-error. A worker whose resident memory passes `max_memory_mb` (polled from /proc
every `POLL` seconds) is killed: the file is `too-large`. As a backstop against one huge
allocation between two polls, each worker's data segment is capped at twice the budget
(RLIMIT_DATA): the allocation fails inside the worker and the reader reports the file.

**Crash isolation that converges.** A worker that dies on its own (a native crash, the kernel's
memory killer) takes down only its file; that file is read once more, alone (no other file in
flight, so it cannot be another file's fault), in a fresh worker, and if that worker dies too the
file is recorded as `crashed`. The other files keep their parallelism.

**Ctrl-C** stops dispatching, kills the workers and lets `KeyboardInterrupt` propagate within a
fraction of a second; no half-written entry is left in the cache (the worker that read a file
writes its entry through a temporary file and an atomic rename; a worker killed mid-write leaves
at most that temporary file). Workers ignore SIGINT: only the parent decides.

**The cache** (one JSON file per content hash, tool version and reader settings) holds no
personal data in the clear: readers' results are pseudonymised before they leave the worker
(`textclean.clean_extracted`: every ID, mobile and card number has its hidden digits replaced by
random ones that keep the kind, checksum and masked form, so the personal-data check finds the
same things on a warm run as on a cold one; docs/hostile.md). Folders are 0700, files 0600; a
cache folder inside the evidence tree is refused (`check_cache_dir`) and a cache sub-folder that
is a link is never written through. A result is cached unless its error kind may change on the
next run (`ErrorKind.cacheable`: a time-out, a crash, an I/O error) or a budget stopped it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import multiprocessing
import os
import pickle
import signal
import stat
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, BinaryIO, overload

from credit_check import __version__
from credit_check.discover import Discovered
from credit_check.facts import ExtractOptions, extract, ocr
from credit_check.facttypes import ErrorKind
from credit_check.model import Extracted, Kind


def _readers_digest() -> str:
    """A digest of the code that decides what a reader returns (every module of `credit_check/facts`,
    the fact records, masking and text cleaning): a cached result never outlives a change to it,
    with nobody having to remember to bump a number."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for source in sorted([*package.joinpath("facts").glob("*.py"),
                          *(package / name for name in ("facttypes.py", "model.py", "pii.py", "textclean.py"))]):
        with contextlib.suppress(OSError):
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:12]


CACHE_VERSION = f"{__version__}-{_readers_digest()}"  # changes whenever a reader's code does
Progress = Callable[[int, int, str], None]
Sink = Callable[[int, str, Extracted], None]  # (index of the file, content hash, its facts)

GRACE = 5.0  # seconds past the per-file time limit before the parent kills the worker
POLL = 0.1  # seconds between two looks at the workers' memory and clocks
MEMORY_MB_DEFAULT = 1024
DATA_LIMIT_FACTOR = 2  # RLIMIT_DATA = this × the memory budget: one huge allocation fails at once


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "credit-check"


def check_cache_dir(cache: Path, root: Path) -> str | None:
    """Why `cache` may not be used for an audit of `root`, or None. The paths are resolved with
    their links (a cache that is a link into the tree, or lies under a folder that is one, is
    inside it); a cache that does not exist yet is judged by where it would be created."""
    try:
        where = cache.resolve()
        tree = root.resolve()
    except (OSError, RuntimeError) as exc:  # a link loop
        return f"缓存目录无法解析 / cannot resolve the cache folder {cache}: {exc}"
    if where == tree or where.is_relative_to(tree):
        return (f"缓存目录位于材料目录内 / the cache folder is inside the evidence folder: {cache} → {where}; "
                "use --cache-dir elsewhere or --no-cache")
    return None


def memory_budget(options: ExtractOptions) -> int:
    # ExtractOptions.max_memory_mb (a setting; the default when an older ExtractOptions lacks it)
    return max(0, int(getattr(options, "max_memory_mb", MEMORY_MB_DEFAULT)))


# ------------------------------------------------------------------------------------- reading
def _open_regular(path: Path) -> int:
    """A descriptor on `path` if it is a regular file. Opened without blocking, so a FIFO or a
    device put in the file's place after discovery cannot hang the worker."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file / 不是普通文件")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with os.fdopen(_open_regular(path), "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _options_key(options: ExtractOptions) -> str:
    """The settings that change what an extractor returns (the time limit does not: timeouts
    are never cached). With OCR on, which engine reads (`ocr_identity`): results read without one
    ("OCR unavailable") or by another version are not taken for this engine's."""
    reader = f"1.{ocr_identity()}" if options.ocr else "0"
    return f"{reader}-{options.max_bytes}-{options.max_pages}-{memory_budget(options)}"


@functools.cache
def ocr_identity() -> str:
    """A short name for the OCR this process would use — its package and version and
    onnxruntime's, "none" when no engine is installed — read from the installed packages'
    metadata, without loading them (~1 ms)."""
    from importlib import metadata

    name = ocr.installed()
    if name is None:
        return "none"
    versions = []
    for package in (name, "onnxruntime"):
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=-")
    return hashlib.blake2b(";".join(versions).encode(), digest_size=4).hexdigest()


def _entry(cache_dir: str, sha: str, options: ExtractOptions, key: bytes) -> Path:
    """An entry's path: content hash, tool version, reader settings and which pseudonymisation key
    made it (entries made under another key are never mixed in)."""
    key_id = hashlib.sha256(b"credit-check key id" + key).hexdigest()[:8]
    return Path(cache_dir) / sha[:2] / f"{sha}-{CACHE_VERSION}-{_options_key(options)}-{key_id}.json"


def open_cached(path: Path) -> BinaryIO | None:
    """A cache file opened for reading, never through a link (neither the file nor its folder);
    None when it is missing or unreadable."""
    if path.parent.is_symlink():
        return None
    try:
        return os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb")
    except OSError:
        return None


def _load(entry: Path) -> Extracted | None:
    fh = open_cached(entry)
    if fh is None:
        return None
    try:
        with fh:
            return Extracted.model_validate_json(fh.read())
    except (OSError, ValueError):
        return None  # a damaged cache entry is simply rebuilt


def read_file(abs_path: str, options: ExtractOptions, cache_dir: str | None,
              key: bytes | None = None) -> tuple[str, Extracted, bool]:
    """Hash a file and extract its facts (cleaned: text hygiene, personal data pseudonymised with
    `key`; with the text's sketch, `credit_check.sketch`), or take them from the cache. (sha, facts,
    came from the cache). Runs in a worker: the sketch is made where the facts are, not in the
    process that collects every file's."""
    from credit_check.sketch import with_sketch
    from credit_check.textclean import clean_extracted

    path = Path(abs_path)
    try:
        sha = _sha256(path)
    except OSError as exc:
        return "", Extracted.failed(Kind.OTHER, ErrorKind.UNREADABLE, str(exc.strerror or exc)), False
    key = key if key is not None else os.urandom(32)
    if cache_dir is not None:
        hit = _load(_entry(cache_dir, sha, options, key))
        if hit is not None:
            return sha, hit, True
    return sha, with_sketch(clean_extracted(extract(path, options), key)), False


def read_and_store(abs_path: str, options: ExtractOptions, cache_dir: str | None,
                   key: bytes | None = None) -> tuple[str, Extracted, bool]:
    """`read_file`, and facts read now put in the cache (`store`) by the worker that read them:
    the entry's JSON is made where the facts are, not in the process that collects every file's.
    An entry is written whole or not at all (a temporary file, then a rename)."""
    sha, result, hit = read_file(abs_path, options, cache_dir, key)
    if cache_dir is not None and key is not None and not hit:
        store(cache_dir, sha, options, result, key)
    return sha, result, hit


def _cacheable(result: Extracted) -> bool:
    return result.error_kind is None or result.error_kind.cacheable


def store(cache_dir: str, sha: str, options: ExtractOptions, result: Extracted, key: bytes) -> None:
    """Write one cache entry: folders 0700, the file 0600, through a temporary file and an atomic
    rename; never through a sub-folder that is a link. An unwritable cache only costs speed."""
    if not sha or not _cacheable(result):
        return
    entry = _entry(cache_dir, sha, options, key)
    write_private(Path(cache_dir), entry, result.model_dump_json().encode("utf-8"))


def write_private(cache_dir: Path, path: Path, data: bytes) -> None:
    """Write `data` to `path` under `cache_dir`: folders 0700, the file 0600, through a temporary
    file and an atomic rename, never through a link. An unwritable cache only costs speed: errors
    are swallowed."""
    write_private_stream(cache_dir, path, (data,))


def write_private_stream(cache_dir: Path, path: Path, chunks: Iterable[bytes], *,
                         reopen: bool = False) -> BinaryIO | None:
    """`write_private` of the bytes of `chunks`, written as they come. With `reopen` (POSIX), the
    file written is returned open for reading — opened before the rename, so it is this file
    whatever another audit renames there next. None when nothing could be written (or on reopen
    where an open file cannot be renamed)."""
    reader: BinaryIO | None = None
    try:
        _private_dir(cache_dir, link_ok=True)
        _private_dir(path.parent)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        nofollow = getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | nofollow, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
            if reopen and os.name != "nt":
                reader = os.fdopen(os.open(tmp, os.O_RDONLY | nofollow), "rb")
            os.replace(tmp, path)
        except BaseException:
            if reader is not None:
                reader.close()
                reader = None
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except (OSError, ValueError):
        pass
    return reader


def _private_dir(folder: Path, *, link_ok: bool = False) -> None:
    """Create `folder` (0700) or make it 0700. A link is refused unless `link_ok` (the cache root
    itself, which the caller has resolved and checked against the evidence tree)."""
    try:
        st = folder.lstat()
    except FileNotFoundError:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.lstat()
    if stat.S_ISLNK(st.st_mode) and not link_ok:
        raise OSError(0, f"cache sub-folder is a link: {folder}")
    st = os.stat(folder)
    if not stat.S_ISDIR(st.st_mode):
        raise OSError(0, f"not a folder: {folder}")
    if stat.S_IMODE(st.st_mode) != 0o700:
        os.chmod(folder, 0o700)


def cache_key(cache_dir: Path) -> bytes:
    """The cache's pseudonymisation key (32 random bytes in `key`, 0600), made on first use: the
    same number gets the same substitute in every entry of this cache, so files read on different
    runs still agree. Without a usable cache folder, a key for this run only."""
    path = cache_dir / "key"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            key = fh.read(64)
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = os.urandom(32)
    try:
        _private_dir(cache_dir, link_ok=True)
        tmp = cache_dir / f".key.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        os.replace(tmp, path)
    except OSError:
        pass
    return key


def prepare_cache(cache_dir: Path) -> None:
    """Make the cache private (0700) and remove entries of other tool versions once: they are
    never read again, and older versions kept text unmasked."""
    try:
        _private_dir(cache_dir, link_ok=True)
        marker = cache_dir / "VERSION"
        if marker.is_file() and not marker.is_symlink() and marker.read_text(encoding="utf-8").strip() == CACHE_VERSION:
            return
        for sub in cache_dir.iterdir():
            if sub.is_symlink() or not sub.is_dir() or len(sub.name) != 2:
                continue
            for entry in sub.iterdir():
                if entry.suffix in (".json", ".tmp") and CACHE_VERSION not in entry.name:
                    entry.unlink()
                elif entry.is_file() and not entry.is_symlink():
                    os.chmod(entry, 0o600)
            os.chmod(sub, 0o700)
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(CACHE_VERSION + "\n")
    except OSError:
        pass


def facts_job(abs_path: str, options: ExtractOptions, cache_dir: str | None) -> tuple[str, Extracted]:
    """Hash a file and extract its facts through the cache, in this process (no budgets: for
    tools that read one trusted file; audits use `extract_all`)."""
    key = cache_key(Path(cache_dir)) if cache_dir is not None else None
    sha, result, _ = read_and_store(abs_path, options, cache_dir, key)
    return sha, result


# ------------------------------------------------------------------------------------- workers
def _limit_memory(memory_mb: int) -> None:
    if memory_mb <= 0:
        return
    try:
        import resource
    except ImportError:  # not on Windows
        return
    limit = memory_mb * DATA_LIMIT_FACTOR * 1024 * 1024
    for name in ("RLIMIT_DATA",):
        which = getattr(resource, name, None)
        if which is None:
            continue
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (limit, hard))


def _worker(conn: Connection, threads: int, memory_mb: int) -> None:
    """A worker's life: take a job (a module-level function and its arguments), run it, send the
    result back; until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _limit_memory(memory_mb)
    ocr.configure(threads)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        function, args = job
        try:
            reply: Any = (True, function(*args))
        except MemoryError:
            reply = (False, None)
        try:
            conn.send(reply)
        except (OSError, ValueError, MemoryError):
            return


def _context() -> multiprocessing.context.BaseContext:
    """Workers start from a clean process (forkserver; spawn elsewhere), never a fork of this
    one: forking a process that holds OCR or other native threads can deadlock."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["credit_check.facts.runner"])
        return ctx
    return multiprocessing.get_context("spawn")


def rss_mb(pid: int) -> float | None:
    """Resident memory of process `pid` in MB (Linux /proc), None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


@dataclass
class _Slot:
    """One worker process and the file it is reading."""

    proc: Any
    conn: Connection
    index: int | None = None
    started: float = 0.0

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
        if self.proc.is_alive():
            with contextlib.suppress(Exception):
                self.proc.kill()
        self.proc.join(timeout=2)


class _Workers:
    def __init__(self, count: int, memory_mb: int) -> None:
        self.ctx = _context()
        self.threads = max(1, (os.cpu_count() or 1) // max(1, count))
        self.memory_mb = memory_mb
        self.slots = [self.spawn() for _ in range(count)]

    def spawn(self) -> _Slot:
        parent, child = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=_worker, args=(child, self.threads, self.memory_mb), daemon=True,  # type: ignore[attr-defined]
                                name="credit-check-reader")
        # Ctrl-C in a terminal signals the whole process group. A worker (or the forkserver) still
        # importing would print a KeyboardInterrupt traceback, so they start with SIGINT blocked
        # (the mask is inherited); the parent's own Ctrl-C stays pending and arrives right after.
        # (multiprocessing's resource tracker unblocks SIGINT after starting itself: start it first.)
        block = getattr(signal, "pthread_sigmask", None)
        if block is not None:
            with contextlib.suppress(Exception):
                from multiprocessing import resource_tracker

                resource_tracker.ensure_running()
            block(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            proc.start()
        finally:
            if block is not None:
                block(signal.SIG_UNBLOCK, {signal.SIGINT})
        child.close()
        return _Slot(proc=proc, conn=parent)

    def replace(self, slot: _Slot) -> _Slot:
        slot.kill()
        fresh = self.spawn()
        self.slots[self.slots.index(slot)] = fresh
        return fresh

    def close(self) -> None:
        """Stop every worker now (Ctrl-C, an error) or after its current file (normal end)."""
        for slot in self.slots:
            if slot.index is None:
                with contextlib.suppress(Exception):
                    slot.conn.send(None)
        for slot in self.slots:
            if slot.index is not None:
                slot.kill()
        for slot in self.slots:
            slot.proc.join(timeout=1)
            slot.kill()


class Failure(Enum):
    """Why a job gave no result (`run_jobs`)."""

    CRASHED = "crashed"  # its worker died, twice: once among others, once alone
    TIMEOUT = "timeout"  # still running after the time limit
    OVER_BUDGET = "over-budget"  # its worker's resident memory passed the budget
    OUT_OF_MEMORY = "out-of-memory"  # an allocation failed inside the worker (RLIMIT_DATA)


Job = tuple[Callable[..., Any], tuple[Any, ...]]


class Jobs(Sequence[Job]):
    """`count` jobs, each made by `make(i)` when it is sent to a worker (and again if it is sent
    again) and let go once sent: a tree's jobs — a path and the settings for each of 10,000 files,
    the photos of each group of pairs — are not all held at once."""

    def __init__(self, count: int, make: Callable[[int], Job]) -> None:
        self._size, self._make = count, make

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, i: int) -> Job: ...
    @overload
    def __getitem__(self, i: slice) -> list[Job]: ...

    def __getitem__(self, i: int | slice) -> Job | list[Job]:
        if isinstance(i, slice):
            return [self._make(k) for k in range(*i.indices(self._size))]
        if not -self._size <= i < self._size:
            raise IndexError(i)
        return self._make(i % self._size)


@contextlib.contextmanager
def spilled(job: Job) -> Iterator[Job]:
    """`job` as it is best sent when its arguments hold large arrays: the arrays' memory is
    written to a temporary file (the system's temporary folder, 0600) and the worker reads it back
    (`_unspill`). Sending a job pickles it whole in this process — each array copied once into
    the pickle and again as it grows: ~7 MB at once for the 3 MB of a 10,000-file tree's photo
    hashes. Written from the arrays themselves (pickle protocol 5, out-of-band buffers), they cost
    nothing here. Without a temporary file (none can be made, or the disk is full) the job is
    sent as it is. The file is removed when the block ends."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(job, protocol=5, buffer_callback=buffers.append)
    if not buffers:
        yield job
        return
    try:
        fh = tempfile.NamedTemporaryFile(prefix="credit-check-", delete=False)  # noqa: SIM115 (closed below)
    except OSError:
        yield job
        return
    sent = job
    try:
        with fh:
            sizes = []
            for buffer in buffers:
                view = buffer.raw()
                fh.write(view)
                sizes.append(view.nbytes)
        sent = (_unspill, (fh.name, head, tuple(sizes)))
    except OSError:
        pass  # a full disk: sent as it is
    del buffers
    try:
        yield sent
    finally:
        with contextlib.suppress(OSError):
            os.unlink(fh.name)


def _unspill(path: str, head: bytes, sizes: tuple[int, ...]) -> Any:
    """Run a job `spilled` wrote: its arrays read back from `path`, then the job."""
    buffers = []
    with open(path, "rb") as fh:
        for size in sizes:
            buffer = bytearray(size)
            if fh.readinto(buffer) != size:  # a buffered file reads until full or at its end
                raise OSError("the job's file is shorter than what was written to it")
            buffers.append(buffer)
    function, args = pickle.loads(head, buffers=buffers)
    return function(*args)


def run_jobs(jobs: Sequence[Job], count: int, memory_mb: int, limit: float | None,
             done: Callable[[int, Any, Failure | None], None]) -> None:
    """Run every job (a module-level function and its arguments) in worker processes under the
    budgets of the module docstring, `count` at a time; `done(i, result, None)` or
    `done(i, None, failure)` is called once for each, in the order they finish. A job whose worker
    dies is run once more alone before it is a `CRASHED` failure; Ctrl-C kills the workers before
    `KeyboardInterrupt` propagates."""
    if not jobs:
        return
    pending: deque[int] = deque(range(len(jobs)))
    workers = _Workers(min(max(1, count), len(jobs)), memory_mb)
    suspects: deque[int] = deque()
    retried: set[int] = set()
    try:
        while pending or suspects or any(s.index is not None for s in workers.slots):
            busy = [s for s in workers.slots if s.index is not None]
            if suspects:  # alone: wait until nothing else is in flight
                if not busy:
                    _dispatch(workers.slots[0], suspects.popleft(), jobs)
            else:
                for slot in workers.slots:
                    if slot.index is None and pending:
                        _dispatch(slot, pending.popleft(), jobs)
            busy = [s for s in workers.slots if s.index is not None]
            ready = wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout=POLL)
            now = time.monotonic()
            for slot in busy:
                i = slot.index
                assert i is not None
                if slot.conn in ready or slot.proc.sentinel in ready:
                    reply = _receive(slot)
                    if reply is not None:
                        slot.index = None
                        ok, result = reply
                        if ok:
                            done(i, result, None)
                        else:
                            done(i, None, Failure.OUT_OF_MEMORY)
                        continue
                    # the worker died on its own: run the job again alone, once
                    workers.replace(slot)
                    if i in retried:
                        done(i, None, Failure.CRASHED)
                    else:
                        retried.add(i)
                        suspects.append(i)
                    continue
                if limit is not None and now - slot.started > limit:
                    workers.replace(slot)
                    done(i, None, Failure.TIMEOUT)
                    continue
                used = rss_mb(slot.proc.pid) if memory_mb > 0 else None
                if used is not None and used > memory_mb:
                    workers.replace(slot)
                    done(i, None, Failure.OVER_BUDGET)
    except BaseException:
        for slot in workers.slots:
            slot.kill()
        raise
    workers.close()


def extract_all(items: Sequence[Discovered], options: ExtractOptions, cache_dir: Path | None, jobs: int,
                progress: Progress | None = None, sink: Sink | None = None) -> list[tuple[str, Extracted]]:
    """Facts of every file, in order, read by worker processes under the time and memory budgets
    (module docstring, `run_jobs`). A file that kills its worker is read once more alone, then
    recorded as `crashed`. With `sink`, each file's result is handed to it as it arrives,
    `sink(index, sha, result)`, and not kept: the list returned is then empty."""
    cache = str(cache_dir) if cache_dir else None
    key = os.urandom(32)
    if cache_dir is not None:
        prepare_cache(cache_dir)
        key = cache_key(cache_dir)
    total = len(items)
    results: list[tuple[str, Extracted] | None] = [None] * total
    done = 0

    def finish(i: int, sha: str, result: Extracted) -> None:
        nonlocal done
        if sink is not None:
            sink(i, sha, result)
        else:
            results[i] = (sha, result)
        done += 1
        if progress:
            progress(done, total, items[i].path)

    pending: list[int] = []
    for n, item in enumerate(items):
        if item.outside:  # never opened, never hashed
            finish(n, "", Extracted.failed(Kind.OTHER, ErrorKind.OUTSIDE))
        else:
            pending.append(n)
    memory_mb = memory_budget(options)

    def read(j: int, reply: tuple[str, Extracted, bool] | None, failure: Failure | None) -> None:
        i = pending[j]
        if reply is not None:
            sha, result, _ = reply  # in the cache already (`read_and_store`)
            finish(i, sha, result)
        elif failure is Failure.OUT_OF_MEMORY:
            finish(i, "", Extracted.failed(Kind.OTHER, ErrorKind.TOO_LARGE, "out of memory"))
        elif failure is Failure.TIMEOUT:
            finish(i, "", Extracted.failed(_kind(items[i]), ErrorKind.TIMEOUT, f"> {options.timeout} s"))
        elif failure is Failure.OVER_BUDGET:
            finish(i, "", Extracted.failed(_kind(items[i]), ErrorKind.TOO_LARGE, f"more than {memory_mb} MB of memory"))
        else:
            finish(i, "", Extracted.failed(_kind(items[i]), ErrorKind.CRASHED))

    limit = options.timeout + GRACE if options.timeout > 0 else None
    run_jobs(Jobs(len(pending), lambda j: (read_and_store, (items[pending[j]].location, options, cache, key))),  # no Path a file
             jobs or os.cpu_count() or 1, memory_mb, limit, read)
    if sink is not None:
        return []  # each result went to the sink
    return [r if r is not None else _crashed() for r in results]


def extract_one(path: Path, options: ExtractOptions) -> tuple[str, Extracted]:
    """One file read by a worker under the same budgets as an audit (for `inspect`)."""
    item = Discovered(path=path.name, abs_path=path, size=0, task=None)
    return extract_all([item], options, None, 1)[0]


def _dispatch(slot: _Slot, i: int, jobs: Sequence[Job]) -> None:
    slot.index = i
    slot.started = time.monotonic()
    with contextlib.suppress(OSError, ValueError):  # a dead worker: its sentinel says so next
        slot.conn.send(jobs[i])


def _receive(slot: _Slot) -> tuple[bool, Any] | None:
    """The worker's reply — (True, the job's result) or (False, None) when an allocation failed —
    or None when it died without one."""
    try:
        if slot.conn.poll():
            reply: tuple[bool, Any] = slot.conn.recv()
            return reply
    except (EOFError, OSError):
        return None
    return None


def _kind(item: Discovered) -> Kind:
    from credit_check.facts import kind_for_suffix

    return kind_for_suffix(Path(item.path).suffix)


def _crashed() -> tuple[str, Extracted]:
    return "", Extracted.failed(Kind.OTHER, ErrorKind.CRASHED)
