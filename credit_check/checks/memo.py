"""Remembered check results: the warm path of stage 4.

A check is a pure function of the records, the context and the code. When none of them has
changed since the last audit kept in this cache, its findings are taken from a `facts.index.Memo`
(same rules: a keyed name, 0600 in a 0700 folder, written atomically, removed with the cache)
instead of being computed again. An unchanged 10,000-file tree then spends no time in the checks.

**What the key covers.** The check's id; the source of the whole package (a check's helpers —
text normalisation, the calendar, the personal-data patterns — change its output as much as its
own module does) and the versions of the libraries whose answers it holds (chinese-calendar,
OpenCV, numpy); the reader settings and reader version that made the facts; the context
(catalogue, period, folders, unreadable folders, reference material, photo verdicts); and every
record's identity in order: path, task, kind, content hash, read error, the date it evidences and
where that came from, and a recovered name's encoding. Everything else a record holds follows from
those (the facts from the content hash and the reader settings; the issued decision from the text,
the path and the catalogue).

**The audit date is not in the key**: a nightly run has a new one, and most checks never look at
it. The check is handed a context that notices when `audit_date` is read; such a check's entry
keeps the date and is reused only on that date.

**No paths in the clear.** A finding's path and related paths are stored as positions in the run's
list of paths (records, folders, reference files — the list is part of the key, so positions are
stable), and where a message quotes them the quote is a position too. Findings hold no personal
data (checks mask what they quote).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import itertools
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credit_check.model import EvidenceFile, Finding, TaskResult

if TYPE_CHECKING:
    from credit_check.catalogue.models import Catalogue
    from credit_check.checks import CheckContext
    from credit_check.facts.index import Memo
    from credit_check.facts.verify import PairVerdict

MEMO_NAME = "check-results"
_TOKEN = re.compile("\x00(\\d+)\x00")
_TEXTS = ("message", "message_en", "fix", "fix_en")
# A finding's text fields, stored as positions in its entry's table of distinct texts: a check's
# thousands of findings repeat a few dozen of them.
_TABLED = ("rule", "check", "severity", "source", "task", *_TEXTS)


@functools.cache
def package_digest() -> str:
    """A digest of every module of the package (sorted by name)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        with contextlib.suppress(OSError):
            digest.update(str(source.relative_to(package)).encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def identity(f: EvidenceFile) -> tuple[str, ...]:
    """What makes a record what it is, given the reader settings and the catalogue (read without
    building a stored record: `records.LazyFile`)."""
    from credit_check.records import LazyFile

    encoding = f.name_encoding if isinstance(f, LazyFile) else f.facts.name_encoding
    return (f.path, f.task or "", f.kind.value, f.sha256, f.error_kind.value if f.error_kind else "", f.error or "",
            f.date.isoformat() if f.date else "", f.date_source or "", encoding or "")


def _digest(parts: Iterable[str]) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


def _context_parts(ctx: CheckContext) -> Iterable[str]:
    yield ctx.catalogue.model_dump_json()
    yield f"{ctx.period.start}..{ctx.period.end}"
    yield from ("folder", *ctx.folders, "unreadable", *ctx.unreadable, "reference")
    for f in ctx.reference:
        yield "\x1e".join(identity(f))
    yield "pairs"
    yield pairs_digest(ctx.photo_pairs)


@functools.cache
def _watched_class() -> type[CheckContext]:
    from credit_check.checks import CheckContext

    class Watched(CheckContext):
        """A context that notes in its `__dict__` when `audit_date` is read."""

        def __getattribute__(self, name: str) -> Any:
            if name == "audit_date":
                object.__getattribute__(self, "__dict__")["_read_date"] = True
            return object.__getattribute__(self, name)

    return Watched


def watch(ctx: CheckContext) -> CheckContext:
    """`ctx` as a context that notices whether `audit_date` is read (`read_date`)."""
    return _watched_class()(**{f.name: getattr(ctx, f.name) for f in dataclasses.fields(ctx)})


def read_date(ctx: CheckContext) -> bool:
    return bool(object.__getattribute__(ctx, "__dict__").get("_read_date"))


# Libraries whose answers a remembered result holds: the PRC working-day calendar (双公示 deadlines),
# OpenCV (the verification stage's verdicts), numpy (hashes and sketches).
_LIBRARIES = ("chinese-calendar", "opencv-python-headless", "numpy")


@functools.cache
def _library_versions() -> str:
    from importlib import metadata

    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return ",".join(versions)


def settings_digest(catalogue: Catalogue, settings: str) -> str:
    """The code (and the versions of the libraries whose answers results hold), the reader
    settings and the catalogue: what every derived result depends on besides its own inputs."""
    return _digest([package_digest(), _library_versions(), settings, catalogue.model_dump_json()])


def pairs_digest(pairs: Mapping[tuple[str, str], PairVerdict]) -> str:
    """A name of the verification stage's verdicts, made from every pair and every field of its
    verdict (`Verdicts` carries the one remembered with them, so they need not be read)."""
    if isinstance(pairs, Verdicts):
        return pairs.digest
    # A frozen dataclass: its repr names every field.
    return _digest(f"{a}\x1e{b}\x1e{verdict!r}" for (a, b), verdict in sorted(pairs.items()))


class Verdicts(Mapping[tuple[str, str], "PairVerdict"]):
    """The verification stage's verdicts, parsed the first time they are looked at, and `digest`
    (`pairs_digest`), which the checks' memo keys on: an unchanged tree whose checks are remembered
    never parses its thousands of verdicts."""

    def __init__(self, digest: str, load: Callable[[], dict[tuple[str, str], PairVerdict]]) -> None:
        self.digest = digest
        self._load: Callable[[], dict[tuple[str, str], PairVerdict]] | None = load
        self._pairs: dict[tuple[str, str], PairVerdict] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, pairs: dict[tuple[str, str], PairVerdict]) -> Verdicts:
        made = cls(pairs_digest(pairs), dict)
        made._pairs, made._load = pairs, None
        return made

    def _loaded(self) -> dict[tuple[str, str], PairVerdict]:
        with self._lock:
            if self._load is not None:
                self._pairs, self._load = self._load(), None
        return self._pairs

    def __getitem__(self, pair: tuple[str, str]) -> PairVerdict:
        return self._loaded()[pair]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


def _verdict_row(a: int, b: int, verdict: PairVerdict) -> list[Any]:
    """A pair as a row: the two positions, then the verdict's fields in their order (a row, not a
    JSON object per pair: a tree's thousands of verdicts parse into a third of the objects)."""
    return [a, b, *(getattr(verdict, f.name) for f in dataclasses.fields(verdict))]


def _verdict_of(row: list[Any]) -> PairVerdict:
    from credit_check.facts.verify import PairVerdict

    names = [f.name for f in dataclasses.fields(PairVerdict)]
    if len(row) != len(names):
        raise ValueError("another layout of verdicts")
    values: dict[str, Any] = {k: tuple(v) if k in ("box_a", "box_b") and v is not None else v
                              for k, v in zip(names, row, strict=True)}
    return PairVerdict(**values)


def remembered_verdicts(cache_dir: Path, files: Sequence[EvidenceFile], salt: str, only: Iterable[str] | None,
                        compute: Callable[[], dict[tuple[str, str], PairVerdict]]) -> Verdicts:
    """The verification stage's verdicts (`credit_check.verify`) for an unchanged tree, read back
    without looking at a photo's facts — and parsed only when a check looks at them (`Verdicts`);
    `compute` when anything changed. The key: `salt` (`settings_digest`), the checks asked for and
    every record's identity; pairs are stored as positions of their two files, with their digest."""
    from credit_check.facts.index import Memo

    paths = [f.path for f in files]
    key = _digest(itertools.chain([salt, "verify", *sorted(only or ("*",))], ("\x1e".join(identity(f)) for f in files)))
    memo = Memo(cache_dir, "verification-stage", "3")
    named = memo.get(f"{key}/digest")
    if isinstance(named, str) and memo.keep(key):
        memo.save()  # drops what this tree no longer needs; the verdicts stay readable for `load`

        def load() -> dict[tuple[str, str], PairVerdict]:
            kept = memo.get(key)
            if isinstance(kept, list):
                try:
                    found = {(paths[row[0]], paths[row[1]]): _verdict_of(row[2:]) for row in kept}
                    if pairs_digest(found) == named:
                        return found
                except (ValueError, TypeError, IndexError, AttributeError):
                    pass
            return compute()  # damaged since: computed again

        return Verdicts(named, load)
    found = compute()
    verdicts = Verdicts.of(found)
    named_in = {p for pair in found for p in pair}
    position: dict[str, int] = {}  # the first position of each path a pair names
    for i, p in enumerate(paths):
        if p in named_in and p not in position:
            position[p] = i
    if all(a in position and b in position for a, b in found):
        memo.put(key, [_verdict_row(position[a], position[b], v) for (a, b), v in found.items()])
        memo.put(f"{key}/digest", verdicts.digest)
    memo.save()
    return verdicts


class CheckMemo:
    """The remembered findings of each check for one set of inputs (see the module docstring)."""

    def __init__(self, cache_dir: Path, files: Sequence[EvidenceFile], ctx: CheckContext, settings: str) -> None:
        from credit_check.facts.index import Memo

        self.paths: list[str] = [f.path for f in files] + list(ctx.folders) + list(ctx.unreadable)
        self.paths += [f.path for f in ctx.reference]
        # Findings read back share their texts: a check's thousands of findings have a few dozen
        # distinct fixes, messages and evidence names, which the JSON parser (one text per finding)
        # would make one string per finding.
        self._texts: dict[str, str] = {}
        self.salt = settings_digest(ctx.catalogue, settings)
        # Each part hashed as it is made: a tree's identities are never all in memory at once.
        self.base = _digest(itertools.chain([self.salt], _context_parts(ctx), ["files"],
                                            ("\x1e".join(identity(f)) for f in files)))
        self.audit_date = ctx.audit_date.isoformat()
        self.memo: Memo = Memo(cache_dir, MEMO_NAME, "3")

    @functools.cached_property
    def position(self) -> dict[str, int]:
        """Each path's first position: needed only to store findings (an unchanged tree reads them)."""
        return {p: i for i, p in reversed(list(enumerate(self.paths)))}

    def _key(self, check_id: str) -> str:
        return _digest([self.base, check_id])

    def get(self, check_id: str) -> list[Finding] | None:
        entry = self.memo.get(self._key(check_id))
        if not isinstance(entry, dict) or not isinstance(entry.get("findings"), list):
            return None
        if entry.get("date") not in (None, self.audit_date):
            return None
        try:
            return self._findings(entry)
        except (ValueError, TypeError, KeyError, IndexError):
            return None  # a damaged entry is computed again

    def put(self, check_id: str, findings: Sequence[Finding], read_audit_date: bool) -> None:
        self.memo.put(self._key(check_id), {"date": self.audit_date if read_audit_date else None,
                                            **self._tabled(findings)})

    def save(self) -> None:
        self.memo.save()

    def get_evaluation(self) -> tuple[list[TaskResult], list[TaskResult], list[Finding]] | None:
        """The task evaluation remembered for these inputs (`credit_check.evaluate`): task and bonus
        results and the evidence findings. It never reads the audit date."""
        entry = self.memo.get(self._key("evaluate"))
        if not isinstance(entry, dict):
            return None
        try:
            tasks = [TaskResult.model_validate(self._positions(t, decode=True)) for t in entry["tasks"]]
            bonus = [TaskResult.model_validate(self._positions(t, decode=True)) for t in entry["bonus"]]
            return tasks, bonus, self._findings(entry)
        except (ValueError, TypeError, KeyError, IndexError):
            return None

    def put_evaluation(self, tasks: Sequence[TaskResult], bonus: Sequence[TaskResult],
                       findings: Sequence[Finding]) -> None:
        self.memo.put(self._key("evaluate"), {
            "tasks": [self._positions(t.model_dump(mode="json"), decode=False) for t in tasks],
            "bonus": [self._positions(t.model_dump(mode="json"), decode=False) for t in bonus],
            **self._tabled(findings)})

    def _positions(self, value: Any, *, decode: bool) -> Any:
        """`value` with every string that is a known path as its position (or back)."""
        if isinstance(value, str):
            if decode:
                if whole := _TOKEN.fullmatch(value):  # a path: the record's own text, not a copy
                    return self.paths[int(whole.group(1))]
                return _TOKEN.sub(lambda m: self.paths[int(m.group(1))], value)
            return f"\x00{self.position[value]}\x00" if value in self.position else value
        if isinstance(value, list):
            return [self._positions(v, decode=decode) for v in value]
        if isinstance(value, dict):
            return {k: self._positions(v, decode=decode) for k, v in value.items()}
        return value

    def _tabled(self, findings: Sequence[Finding]) -> dict[str, list[str]]:
        """Findings as an entry's `texts` (each distinct text once) and `findings`: each its own JSON
        text, its text fields positions in `texts`. Read back, a check's findings parse into one
        short string each, decoded one at a time, not into a tree of dicts for all of them at once."""
        texts: dict[str, int] = {}
        encoded = []
        for f in findings:
            data = self._encode(f)
            for name in _TABLED:
                if isinstance(data.get(name), str):
                    data[name] = texts.setdefault(data[name], len(texts))
            encoded.append(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        return {"texts": list(texts), "findings": encoded}

    def _findings(self, entry: dict[str, Any]) -> list[Finding]:
        texts = [self._texts.setdefault(t, t) if isinstance(t, str) else t for t in entry["texts"]]
        found = entry["findings"]
        out = []
        for i, text in enumerate(found):
            data = json.loads(text)
            found[i] = None  # each text dies as its finding is made
            for name in _TABLED:
                at = data.get(name)
                if isinstance(at, int) and not isinstance(at, bool):
                    data[name] = texts[at]
            out.append(self._decode(data))
        return out

    def _encode(self, f: Finding) -> dict[str, Any]:
        data = f.model_dump(mode="json", exclude_defaults=True)
        quoted = sorted({p for p in (f.path, *f.related) if p and p in self.position}, key=len, reverse=True)
        for name in _TEXTS:
            text = data.get(name)
            if text:
                for p in quoted:
                    text = text.replace(p, f"\x00{self.position[p]}\x00")
                data[name] = text
        if f.path is not None and f.path in self.position:
            data["path"] = self.position[f.path]
        if f.related:
            data["related"] = [self.position.get(p, p) for p in f.related]
        return data

    def _decode(self, data: dict[str, Any]) -> Finding:
        def path(value: object) -> object:
            return self.paths[value] if isinstance(value, int) and not isinstance(value, bool) else value

        def unquote(m: re.Match[str]) -> str:
            return self.paths[int(m.group(1))]

        data = dict(data)
        if "path" in data:
            data["path"] = path(data["path"])
        if "related" in data:
            data["related"] = [path(p) for p in data["related"]]
        for name in _TEXTS:
            if isinstance(data.get(name), str):
                data[name] = _TOKEN.sub(unquote, data[name])
        share = self._texts.setdefault  # one object per distinct text, name and value
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = share(value, value)
        if isinstance(data.get("evidence"), dict):
            data["evidence"] = {share(k, k): share(v, v) if isinstance(v, str) else v for k, v in data["evidence"].items()}
        return Finding.model_validate(data)
