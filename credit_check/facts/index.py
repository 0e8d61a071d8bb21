"""The warm path: a file index like git's, so an unchanged tree is not read again.

For every file of an audited tree the index keeps what `os.stat` said when the file was last
read — size, modification and change times (nanoseconds), inode and device — with the content
hash and the facts read then. On the next audit of the same tree a file whose stat is unchanged
takes its facts from the index: it is not opened, not hashed, and no worker process is started
for it. Only files whose stat changed (or that are new) go to the readers, which hash them and
look in the content cache first (`facts/runner.py`): a renamed or copied file is hashed, not read.

**Racy entries** (git's "racy clean" problem): a file changed again within the same tick of the
clock as the stat taken of it would keep its old stat. An entry whose modification time is less
than `RACY_SECONDS` older than the moment its stat was taken is trusted only after its content
hash has been checked again on the next audit (the stat is taken before the file is read).

**Where and what.** One index per evidence folder, reader settings and cache key, inside the
cache folder and under its rules (0700 folders, 0600 files, atomic writes, never through a link):
`XX/<name>-<cache version>-index<format>-<settings>.json`, a name `credit-check cache clear`
deletes and `cache info` counts with the cache's entries, and that a new tool version's cache
clean-up removes, as it does the content entries. It holds no path and no personal data in the
clear: files are keyed by a keyed hash (BLAKE2b with the cache's pseudonymisation key) of their
path, the root is in the name only through that hash, and the facts are those of the content
cache (pseudonymised by the readers). Text sketches (`credit_check/sketch.py`) are kept with the
facts, so cross-file checks do not hash every document again.

**Layout**: a line naming the version and the number of rows, one line of JSON per file, then
the results (JSON, one after another) that the rows point into. The rows are read and written
one at a time, the results only when asked for: memory holds one small entry per file.

Stat fields on network shares can be unstable (inode numbers made up at mount time): the files
are then hashed again, which costs time, never correctness.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import itertools
import json
import os
import re
import struct
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from credit_check.discover import Discovered
from credit_check.facts import ExtractOptions
from credit_check.facttypes import ErrorKind
from credit_check.model import Extracted, Kind

if TYPE_CHECKING:
    from credit_check.executors import Executor

INDEX_FORMAT = 3  # 3: one line of JSON per file (2: one table for the tree)
MEMO_FORMAT = 3  # 3: a table of spans, then the values (2: one JSON object)
RACY_SECONDS = 2.0  # FAT and some shares keep modification times to 2 s
Progress = Callable[[int, int, str], None]


class _Blob:
    """The results part of a loaded index file, read where asked. The file stays open, so what is
    read is what the table was read with, whatever another audit writes there meanwhile."""

    __slots__ = ("base", "fh", "size")

    def __init__(self, fh: BinaryIO, base: int, size: int) -> None:
        self.fh, self.base, self.size = fh, base, size

    def read(self, start: int, end: int) -> bytes:
        self.fh.seek(self.base + start)
        data = self.fh.read(end - start)
        if len(data) != end - start:
            raise ValueError("the index file is shorter than its table says")
        return data

    def close(self) -> None:
        self.fh.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.fh.close()


def _open_table(path: Path) -> tuple[bytes, _Blob] | None:
    """A file of the index's layout — one line of JSON (its table), then the bytes it points
    into — opened without following a link: the table's line and the rest, kept open; None when
    it is missing or unreadable."""
    from credit_check.facts.runner import open_cached

    fh = open_cached(path)
    if fh is None:
        return None
    try:
        line = fh.readline()
        base = fh.tell()
        return line, _Blob(fh, base, os.fstat(fh.fileno()).st_size - base)
    except (OSError, ValueError):
        fh.close()
        return None


@dataclass(frozen=True, slots=True)
class Stored:
    """A result kept in the index, read and parsed only when it is asked for (`load`): an unchanged
    file whose record nobody needs costs neither memory nor parsing. What the records stage needs
    without the facts — kind, read error, the date the content states — is kept beside it."""

    raw: bytes | _Blob  # the result's JSON, or the index file it is in (at `span`)
    kind: Kind
    error: str | None = None
    error_kind: ErrorKind | None = None
    content_date: dt.date | None = None
    content_date_source: str | None = None
    span: int = 0  # where in `raw`, when it is a file: `_span(start, end)`, one int

    def data(self) -> bytes:
        raw = self.raw
        return raw if isinstance(raw, bytes) else raw.read(*_unspan(self.span))

    def load(self) -> Extracted:
        return Extracted.model_validate_json(self.data())

    def keep(self, blob: _Blob) -> None:
        """Hold the JSON in memory if it is in `blob` (an index file about to be replaced)."""
        if self.raw is blob:
            object.__setattr__(self, "raw", self.data())

    def length(self) -> int:
        raw = self.raw
        return len(raw) if isinstance(raw, bytes) else _span_length(self.span)

    def end(self) -> int:
        """Where the JSON ends in its file (0 when it is in memory)."""
        return 0 if isinstance(self.raw, bytes) else _unspan(self.span)[1]

    def point(self, blob: _Blob, start: int, end: int) -> None:
        """Read the JSON from now on at `start`:`end` of `blob` (the index file just written)."""
        object.__setattr__(self, "span", _span(start, end))
        object.__setattr__(self, "raw", blob)

    @classmethod
    def of(cls, result: Extracted) -> Stored:
        day, source = result.content_date, result.content_date_source
        return cls(raw=result.model_dump_json().encode("utf-8"), kind=result.kind, error=result.error,
                   error_kind=result.error_kind, content_date=_day(day.isoformat()) if day is not None else None,
                   content_date_source=sys.intern(source) if source is not None else None)  # one object per day and source


_STAT = struct.Struct("<qqqQQ")  # size, mtime_ns, ctime_ns, inode, device


def _packed_stat(size: int, mtime_ns: int, ctime_ns: int, ino: int, dev: int) -> bytes | tuple[int, ...]:
    """A file's stat as 40 bytes (one object, not five ints: a 10,000-file index holds ~1.3 MB
    less); as the tuple when a value does not fit 64 bits (ReFS file ids are 128)."""
    try:
        return _STAT.pack(size, mtime_ns, ctime_ns, ino, dev)
    except struct.error:
        return (size, mtime_ns, ctime_ns, ino, dev)


@functools.lru_cache(maxsize=4096)
def _day(text: str) -> dt.date:
    """A date kept in the index: one object per day, not one per file."""
    return dt.date.fromisoformat(text)


@dataclass(slots=True)
class _Entry:
    stat: bytes | tuple[int, ...]  # `_packed_stat`
    sha: str
    racy: bool  # modified too close to when its stat was taken: check the hash next time
    result: Stored
    present: bool = False  # its file was looked up (or put) in this run: kept at the save

    def row(self, start: int, end: int) -> list[object]:
        r = self.result
        stat = _STAT.unpack(self.stat) if isinstance(self.stat, bytes) else self.stat
        return [*stat, self.sha, self.racy, start, end,
                r.kind.value, r.error, r.error_kind.value if r.error_kind else None,
                r.content_date.isoformat() if r.content_date else None, r.content_date_source]

    @classmethod
    def of_row(cls, row: list[Any], blob: _Blob) -> _Entry:
        size, mtime_ns, ctime_ns, ino, dev, sha, racy, start, end, kind, error, error_kind, day, day_source = row
        if not all(isinstance(v, int) for v in (size, mtime_ns, ctime_ns, ino, dev, start, end)) or not (
                isinstance(sha, str) and 0 <= start <= end <= blob.size):
            raise ValueError("damaged index row")
        stored = Stored(raw=blob, span=_span(start, end), kind=Kind(kind), error=error,
                        error_kind=ErrorKind(error_kind) if error_kind else None,
                        content_date=_day(day) if day else None,
                        content_date_source=sys.intern(day_source) if isinstance(day_source, str) else day_source)
        return cls(stat=_packed_stat(size, mtime_ns, ctime_ns, ino, dev), sha=sha, racy=bool(racy), result=stored)


@dataclass(frozen=True, slots=True)
class Stat:
    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int
    dev: int

    @classmethod
    def of(cls, path: str | Path) -> Stat | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(size=st.st_size, mtime_ns=st.st_mtime_ns, ctime_ns=st.st_ctime_ns, ino=st.st_ino, dev=st.st_dev)

    def packed(self) -> bytes | tuple[int, ...]:
        return _packed_stat(self.size, self.mtime_ns, self.ctime_ns, self.ino, self.dev)

    def matches(self, entry: _Entry) -> bool:
        return self.packed() == entry.stat


def _code_digest() -> str:
    """What else decides an entry's content beside the readers (the cache version covers them):
    this module and the text sketch."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for source in (Path(__file__), package / "sketch.py", package / "textsim.py"):
        with contextlib.suppress(OSError):
            digest.update(source.read_bytes())
    return digest.hexdigest()[:8]


class FileIndex:
    """The index of one tree for one set of reader settings (see the module docstring)."""

    def __init__(self, cache_dir: Path, root: Path, options: ExtractOptions, key: bytes) -> None:
        from credit_check.facts.runner import CACHE_VERSION, _options_key

        self.cache_dir = cache_dir
        self.key = key
        self.version = f"{CACHE_VERSION}-{INDEX_FORMAT}-{_code_digest()}-{_options_key(options)}"
        name = hashlib.blake2b(os.fsencode(str(root.absolute())), key=key[:64], digest_size=32,
                               person=b"cc-index-root").hexdigest()
        self.path = cache_dir / name[:2] / f"{name}-{CACHE_VERSION}-index{INDEX_FORMAT}-{_options_key(options)}.json"
        self.entries: dict[str, _Entry] = {}
        self.blob: _Blob | None = None
        self.spool: _Blob | None = None  # results put in this run, until they are in the saved index
        self.changed = False

    def file_key(self, path: str | Path) -> str:
        return hashlib.blake2b(os.fsencode(os.fspath(path)), key=self.key[:64], digest_size=16,
                               person=b"cc-index-file").hexdigest()

    def load(self) -> None:
        """Read the index's table — a line of JSON naming its version and how many rows follow,
        then one line per file: its key, stat, content hash, where its result is in the file, and
        what the records stage needs without it (read a row at a time: no parsed table of the whole
        tree). The results after the rows are read when asked for (`Stored`), from the file kept
        open."""
        from credit_check.facts.runner import open_cached

        fh = open_cached(self.path)
        if fh is None:
            return
        try:
            head = json.loads(fh.readline())
            if not isinstance(head, dict) or head.get("version") != self.version or not isinstance(head.get("rows"), int):
                raise ValueError("another version's index")
            size = os.fstat(fh.fileno()).st_size
            blob = _Blob(fh, 0, size)  # its base and size are set once the rows are read
            entries: dict[str, _Entry] = {}
            for _ in range(head["rows"]):  # one row a line: no table of the whole tree parsed at once
                key, *row = json.loads(fh.readline())
                entries[str(key)] = _Entry.of_row(row, blob)
            blob.base = fh.tell()
            blob.size = size - blob.base
            if any(e.result.end() > blob.size for e in entries.values()):
                raise ValueError("the index file is shorter than its rows say")
        except (OSError, ValueError, TypeError, KeyError):
            fh.close()
            return  # a damaged index is rebuilt
        self.entries, self.blob = entries, blob

    def lookup(self, key: str, st: Stat | None) -> _Entry | None:
        """The entry of the file `key` if its stat `st` is the one kept (the file is noted as
        present either way: its entry is not forgotten at the save)."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        entry.present = True
        if st is None or entry.racy or not st.matches(entry):
            return None
        return entry

    def put(self, key: str, st: Stat, taken_ns: int, sha: str, result: Extracted) -> Stored:
        """Keep `result` for the file `key`: written at once to a spool file in the cache (so a cold
        audit does not hold a tree's results in memory until `save`), read back when asked for."""
        racy = st.mtime_ns > taken_ns - int(RACY_SECONDS * 1e9)
        stored = Stored.of(result)
        with contextlib.suppress(OSError):
            stored.point(*self._spooled(stored.data()))
        self.entries[key] = _Entry(stat=st.packed(), sha=sha, racy=racy, result=stored, present=True)
        self.changed = True
        return stored

    def _spooled(self, data: bytes) -> tuple[_Blob, int, int]:
        """`data` appended to the spool: an unnamed file in the cache folder (0600; on POSIX
        removed from the folder at once, elsewhere when closed), kept until the index is saved."""
        if self.spool is None:
            import tempfile

            fh = tempfile.TemporaryFile(dir=self.cache_dir, prefix=".spool-")  # noqa: SIM115 (closed by save)
            self.spool = _Blob(fh, 0, 0)
        spool = self.spool
        spool.fh.seek(0, os.SEEK_END)
        start = spool.fh.tell()
        spool.fh.write(data)
        spool.fh.flush()  # a full disk fails here, and this result stays in memory
        spool.size = start + len(data)
        return spool, start, spool.size

    def keep_present(self) -> None:
        """Forget files that are no longer in the tree (not looked up, nor put, in this run)."""
        gone = [k for k, e in self.entries.items() if not e.present]
        for k in gone:
            del self.entries[k]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        """Write the index (0600, atomic, never through a link); an unwritable cache only costs speed.
        The results — from the index loaded, or from the spool for those put in this run — are
        written as a stream, then read from the new file when asked for (`Stored` points there):
        none is held in memory. Where an open file cannot be replaced (Windows), the results still
        in the old index file are taken into memory first, and those of this run stay in the spool."""
        if not self.changed:
            return
        from credit_check.facts.runner import write_private_stream

        entries = list(self.entries.values())
        head = json.dumps({"version": self.version, "rows": len(entries)}).encode("utf-8") + b"\n"
        table_size = len(head)

        def rows() -> Iterator[bytes]:  # one line a file, a thousand at a time
            nonlocal table_size
            at = 0
            items = iter(self.entries.items())
            while batch := list(itertools.islice(items, 1000)):
                lines = []
                for key, entry in batch:
                    end = at + entry.result.length()
                    lines.append(json.dumps([key, *entry.row(at, end)], ensure_ascii=False))
                    at = end
                chunk = ("\n".join(lines) + "\n").encode("utf-8")
                table_size += len(chunk)
                yield chunk

        if os.name == "nt" and self.blob is not None:
            for entry in entries:
                entry.result.keep(self.blob)
            self.blob.close()
            self.blob = None
        written = write_private_stream(self.cache_dir, self.path,
                                       itertools.chain((head,), rows(), (e.result.data() for e in entries)), reopen=True)
        if written is None:
            return  # results stay where they are (the spool is kept open while anything points there)
        blob = _Blob(written, table_size, sum(e.result.length() for e in entries))
        at = 0
        for entry in entries:
            end = at + entry.result.length()
            entry.result.point(blob, at, end)
            at = end
        for old in (self.blob, self.spool):
            if old is not None:
                old.close()
        self.blob, self.spool = blob, None


def _cacheable(sha: str, result: Extracted) -> bool:
    """As the content cache: a result that may differ next time (a time-out, a crash, a budget) is
    not kept (facts/runner.py)."""
    return bool(sha) and (result.error_kind is None or result.error_kind.cacheable)


def read_all(items: Sequence[Discovered], options: ExtractOptions, cache_dir: Path | None, root: Path,
             executor: Executor, progress: Progress | None = None, *,
             lazy: bool = False) -> list[tuple[str, Extracted | Stored]]:
    """(content hash, facts) of every file, in order: from the index when the file's stat is
    unchanged, else read by `executor` (through the content cache); text sketches added. With
    `lazy`, a result kept in the index — taken from it, or read now and put there — is returned
    as `Stored`, parsed only when loaded: a file's facts are not held in memory as they arrive,
    and once the index is saved they are read from its file."""
    from credit_check.sketch import with_sketch

    total = len(items)
    results: list[tuple[str, Extracted | Stored] | None] = [None] * total
    done = 0

    def tick(i: int) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, items[i].path)

    index: FileIndex | None = None
    if cache_dir is not None:
        from credit_check.facts.runner import cache_key, prepare_cache

        prepare_cache(cache_dir)
        index = FileIndex(cache_dir, root, options, cache_key(cache_dir))
        index.load()
    keys: dict[int, str] = {}  # of the files to read
    stats: dict[int, Stat] = {}  # of the files to read
    taken_ns = time.time_ns()  # stats are taken before any file is read
    misses: list[int] = []
    for i, item in enumerate(items):
        if item.outside:  # a link out of the tree: never opened, never hashed
            results[i] = ("", Extracted.failed(Kind.OTHER, ErrorKind.OUTSIDE))
            tick(i)
            continue
        if index is not None:
            key = index.file_key(item.location)
            st = Stat.of(item.location)
            entry = index.lookup(key, st)
            if entry is not None:
                results[i] = (entry.sha, entry.result if lazy else entry.result.load())
                tick(i)
                continue
            if st is not None:
                keys[i], stats[i] = key, st
        misses.append(i)

    if misses:
        offset = done

        def relay(n: int, _total: int, path: str) -> None:
            if progress:
                progress(offset + n, total, path)

        def take(j: int, sha: str, result: Extracted) -> None:
            i = misses[j]
            result = with_sketch(result)
            st = stats.get(i)
            if index is not None and st is not None and _cacheable(sha, result):
                stored = index.put(keys[i], st, taken_ns, sha, result)
                results[i] = (sha, stored if lazy else result)  # lazy: the facts wait in the index
            else:
                results[i] = (sha, result)

        executor.read([items[i] for i in misses], options, cache_dir, relay, take)
    if index is not None:
        index.keep_present()
        index.save()
    return [r if r is not None else ("", Extracted.failed(Kind.OTHER, ErrorKind.CRASHED)) for r in results]


class Memo:
    """A small persistent map beside the index, under the same rules (keyed name, 0600, atomic,
    removed with the cache): results derived from file contents that a later stage would compute
    again on every run (the verification stage's pair verdicts, keyed by the two content hashes;
    each check's findings). `version` names the code that made the values; entries not asked for
    in a run are dropped when it is saved, so the map stays the size of one tree's needs.

    The index's layout (a table of spans, then the values as JSON): a value is read and parsed
    when asked for and not kept; one put in this run is held as its JSON bytes until the save,
    which writes the next file as a stream. No value is held in memory as parsed objects."""

    def __init__(self, cache_dir: Path, name: str, version: str) -> None:
        from credit_check.facts.runner import CACHE_VERSION, cache_key

        self.cache_dir = cache_dir
        hexname = hashlib.blake2b(name.encode(), key=cache_key(cache_dir)[:64], digest_size=32,
                                  person=b"cc-memo").hexdigest()
        self.path = cache_dir / hexname[:2] / f"{hexname}-{CACHE_VERSION}-memo{MEMO_FORMAT}-{version}.json"
        self.spans: dict[str, int] = {}  # values in the file loaded: key -> `_span`
        self.blob: _Blob | None = None
        self.pending: dict[str, bytes] = {}  # values put in this run
        self.used: set[str] = set()
        self.changed = False
        self._load()

    def _load(self) -> None:
        self.spans, self.blob = _load_spans(self.path)

    def _raw(self, key: str) -> bytes | None:
        if key in self.pending:
            return self.pending[key]
        return _read_span(self.blob, self.spans.get(key))

    def get(self, key: str) -> object | None:
        raw = self._raw(key)
        if raw is None:
            return None
        try:
            value: object = json.loads(raw)
        except ValueError:
            return None  # damaged: the caller computes it again
        self.used.add(key)
        return value

    def keep(self, key: str) -> bool:
        """Whether `key` has a value, which is then kept at the save as if it had been read."""
        if key not in self.pending and key not in self.spans:
            return False
        self.used.add(key)
        return True

    def put(self, key: str, value: object) -> None:
        self.pending[key] = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        self.used.add(key)
        self.changed = True

    def save(self) -> None:
        if not self.changed and self.used == self.spans.keys():
            return
        from credit_check.facts.runner import write_private_stream

        keys = sorted(self.used)
        sizes = [len(self.pending[k]) if k in self.pending else _span_length(self.spans[k]) for k in keys]
        table: dict[str, tuple[int, int]] = {}
        at = 0
        for key, size in zip(keys, sizes, strict=True):
            table[key] = (at, at + size)
            at += size
        if os.name == "nt" and self.blob is not None:  # an open file cannot be replaced there
            for key in keys:
                if key not in self.pending and (raw := self._raw(key)) is not None:
                    self.pending[key] = raw
            self.blob.close()
            self.blob = None

        def values() -> Iterator[bytes]:
            for key, size in zip(keys, sizes, strict=True):
                raw = self._raw(key)
                if raw is None or len(raw) != size:
                    raise ValueError("a remembered value could not be read again")  # nothing is replaced
                yield raw

        head = json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        write_private_stream(self.cache_dir, self.path, itertools.chain((head,), values()))
        if self.blob is not None:
            self.blob.close()
        self.spans, self.blob, self.pending, self.changed = {}, None, {}, False
        self._load()
        self.used = set(self.spans)


_SPAN_BITS = 40  # a text's length is below 2**40 bytes


def _span(start: int, end: int) -> int:
    """(start, end) as one int: the table of a large tree keeps one object per key, not three."""
    return start << _SPAN_BITS | (end - start)


def _unspan(span: int) -> tuple[int, int]:
    start = span >> _SPAN_BITS
    return start, start + _span_length(span)


def _span_length(span: int) -> int:
    return span & ((1 << _SPAN_BITS) - 1)


_SPAN_ITEM = re.compile(rb'"([0-9A-Za-z/_.:-]*)":\[(\d+),(\d+)\]')
# The same without groups and never backtracking: the regex engine keeps no mark per item.
_PLAIN = rb'"[0-9A-Za-z/_.:-]*+":\[\d++,\d++\]'
_SPAN_TABLE = re.compile(rb"\{(?:%s(?:,%s)*+)?+\}\r?\n?" % (_PLAIN, _PLAIN))


def _span_table(line: bytes) -> dict[str, int]:
    """`{"key":[start,end],…}` as each key's `_span`. A table of plain keys (the digests this
    cache names things by) is read straight from its bytes: parsed as JSON, a 10,000-file table
    is 50,000 objects at once. Any other table is parsed as JSON."""
    if _SPAN_TABLE.fullmatch(line):
        return {m[1].decode("ascii"): _span(int(m[2]), int(m[3])) for m in _SPAN_ITEM.finditer(line)}
    return {str(k): _span(int(a), int(b)) for k, (a, b) in json.loads(line).items()}


def _inside(spans: Iterable[int], blob: _Blob) -> bool:
    """Whether every span points inside `blob` (a damaged table does not)."""
    return all(0 <= a <= b <= blob.size for a, b in map(_unspan, spans))


def _load_spans(path: Path) -> tuple[dict[str, int], _Blob | None]:
    """A file of a table of spans (`{"key": [start, end], …}` on its first line) and the bytes
    they point into: each key's `_span` and the rest of the file, kept open; nothing when it is
    missing, unreadable or damaged (not such a table, or a span outside the file)."""
    opened = _open_table(path)
    if opened is None:
        return {}, None
    line, blob = opened
    try:
        spans = _span_table(line)
        if not _inside(spans.values(), blob):
            raise ValueError("damaged table")
    except (ValueError, TypeError, AttributeError):
        blob.close()
        return {}, None
    return spans, blob


def _read_span(blob: _Blob | None, span: int | None) -> bytes | None:
    """The bytes at `span` of `blob`; None when there is none or it cannot be read."""
    if span is None or blob is None:
        return None
    try:
        return blob.read(*_unspan(span))
    except (OSError, ValueError):
        return None


class Lines:
    """Texts kept per key from one audit to the next, like `Memo` (keyed name, 0600 in a 0700
    folder, atomic, removed with the cache) but never all in memory: each text is read from the
    file when asked for, and the next version is written as a stream while the caller goes through
    its keys (`writer`). Used for the JSON report's line per file.

    The table is read when first needed, and kept as its line while the keys are asked for in its
    order (an unchanged tree's): the first key asked out of order makes it a dict (`spans`)."""

    def __init__(self, cache_dir: Path, name: str) -> None:
        from credit_check.facts.runner import CACHE_VERSION, cache_key

        self.cache_dir = cache_dir
        hexname = hashlib.blake2b(name.encode(), key=cache_key(cache_dir)[:64], digest_size=32,
                                  person=b"cc-lines").hexdigest()
        self.path = cache_dir / hexname[:2] / f"{hexname}-{CACHE_VERSION}-lines{INDEX_FORMAT}.json"
        self.blob: _Blob | None = None
        self._line: bytes | None = None  # the table's line, while no key was asked out of order
        self._spans: dict[str, int] | None = None  # key -> _span(start, end): one int a file
        self._cursor: Iterator[tuple[str, int]] | None = None  # `get`'s place in the table's order
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        opened = _open_table(self.path)
        if opened is None:
            return
        line, blob = opened
        try:
            if _SPAN_TABLE.fullmatch(line):
                self._line = line
            else:
                self._spans = _span_table(line)
            if not _inside((span for _, span in self.in_order()), blob):
                raise ValueError("damaged table")
        except (ValueError, TypeError, AttributeError):
            blob.close()
            self._line = self._spans = None
            return
        self.blob = blob

    def in_order(self) -> Iterator[tuple[str, int]]:
        """(key, span) of every text kept, in the file's order, without a table of them."""
        self._load()
        if self._line is not None:
            return ((m[1].decode("ascii"), _span(int(m[2]), int(m[3]))) for m in _SPAN_ITEM.finditer(self._line))
        return iter(self.spans.items())

    @property
    def spans(self) -> dict[str, int]:
        """The table as a dict (made from the line the first time it is needed)."""
        self._load()
        if self._spans is None:
            self._spans = dict(self.in_order()) if self._line is not None else {}
            self._line = self._cursor = None
        return self._spans

    def count(self) -> int:
        self._load()
        return sum(1 for _ in self.in_order()) if self._spans is None else len(self._spans)

    def get(self, key: str) -> bytes | None:
        self._load()
        if self._line is not None:
            if self._cursor is None:
                self._cursor = self.in_order()
            following = next(self._cursor, None)
            if following is not None and following[0] == key:
                return _read_span(self.blob, following[1])
        return _read_span(self.blob, self.spans.get(key))

    def writer(self) -> LinesWriter:
        self._load()
        return LinesWriter(self)


class LinesWriter:
    """The next version of a `Lines`: `add` every key in order, then `finish` (or `abort`). Nothing is
    written, or held, while the keys and texts are those already kept, in their order: an
    unchanged tree's texts are neither copied to a new file nor tabled again; the first change
    writes the kept ones before it (`_catch_up`)."""

    def __init__(self, lines: Lines) -> None:
        self.lines = lines
        self.spans: dict[str, int] = {}
        self.at = 0
        self.same = True  # every text so far was read back from the kept file
        self.body: BinaryIO | None = None
        self.body_path = lines.path.with_name(f".{lines.path.name}.{os.getpid()}.body.tmp")
        self._kept_keys = (key for key, _ in lines.in_order())  # the kept file's keys, in its order
        self._following = 0  # how many keys so far were the kept file's first ones; -1 once one was not

    def add(self, key: str, data: bytes, *, unchanged: bool) -> None:
        if self.lines is None:
            return
        if self._following >= 0:
            if unchanged and next(self._kept_keys, None) == key:
                self._following += 1
                return
            self._catch_up()
        self._write(key, data, unchanged=unchanged)

    def _catch_up(self) -> None:
        """Write the kept texts of the keys that followed the kept file so far."""
        following, self._following = self._following, -1
        if self.lines is None:
            return
        for key, span in itertools.islice(self.lines.in_order(), following):
            if self.lines is None:
                return
            data = _read_span(self.lines.blob, span)
            if data is None:  # the kept file cannot be read back: nothing is kept
                self.lines = None  # type: ignore[assignment]
                return
            self._write(key, data, unchanged=True)

    def _write(self, key: str, data: bytes, *, unchanged: bool) -> None:
        if key in self.spans:
            return
        if self.body is None:
            from credit_check.facts.runner import _private_dir

            try:
                _private_dir(self.lines.cache_dir, link_ok=True)
                _private_dir(self.body_path.parent)
                fd = os.open(self.body_path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except OSError:
                self.lines = None  # type: ignore[assignment]  # an unwritable cache only costs speed
                return
            self.body = os.fdopen(fd, "w+b")
        if self.lines is None:
            return
        self.body.write(data)
        self.spans[key] = _span(self.at, self.at + len(data))
        self.same = self.same and unchanged
        self.at += len(data)

    def finish(self) -> None:
        from credit_check.facts.runner import write_private_stream

        if self.lines is not None and self._following == self.lines.count():
            self.abort()  # every kept key, in order, and nothing else
            return
        if self._following >= 0:
            self._catch_up()
        lines, body = self.lines, self.body
        if lines is None or body is None:
            self.abort()
            return
        if self.same and self.spans.keys() == lines.spans.keys():
            self.abort()  # nothing new to keep
            return
        try:
            body.seek(0)
        except OSError:
            self.abort()
            return
        if lines.blob is not None:
            lines.blob.close()
            lines.blob = None
        write_private_stream(lines.cache_dir, lines.path,
                             itertools.chain(self._head(), (b"\n",), iter(lambda: body.read(1 << 18), b"")))
        self.abort()

    def _head(self) -> Iterator[bytes]:
        """The table as one line of JSON, `{"key":[start,end],…}`, made a thousand keys at a time."""
        items = iter(self.spans.items())
        first = True
        while batch := list(itertools.islice(items, 1000)):
            text = ",".join(f"{json.dumps(k)}:[{a},{b}]" for k, span in batch for a, b in (_unspan(span),))
            yield (("{" if first else ",") + text).encode("ascii")
            first = False
        yield b"{}" if first else b"}"

    def abort(self) -> None:
        if self.body is not None:
            with contextlib.suppress(OSError):
                self.body.close()
            self.body = None
        with contextlib.suppress(OSError):
            os.unlink(self.body_path)


def code_digest(*modules: str) -> str:
    """A short digest of the source of `modules` (dotted names under credit_check), for a Memo's version."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in modules:
        source = package.joinpath(*name.split(".")[1:]).with_suffix(".py")
        with contextlib.suppress(OSError):
            digest.update(source.read_bytes())
    return digest.hexdigest()[:8]
