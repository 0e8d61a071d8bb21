"""Remembered check results: the warm path of stage 4.

A check is a pure function of the records, the context and the code. When none of them has
changed since the last audit kept in this cache, its findings are taken from a `facts.index.Memo`
(same rules: a keyed name, 0600 in a 0700 folder, written atomically, removed with the cache)
instead of being computed again. An unchanged 10,000-file tree then spends no time in the checks.

**What the key covers.** The check's id; the source of the whole package (a check's helpers —
text normalisation, the calendar, the personal-data patterns — change its output as much as its
own module does); the reader settings and reader version that made the facts; the context
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
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credit_check.model import EvidenceFile, Finding

if TYPE_CHECKING:
    from credit_check.checks import CheckContext
    from credit_check.facts.index import Memo

MEMO_NAME = "check-results"
_TOKEN = re.compile("\x00(\\d+)\x00")
_TEXTS = ("message", "message_en", "fix", "fix_en")


def package_digest() -> str:
    """A digest of every module of the package (sorted by name)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        with contextlib.suppress(OSError):
            digest.update(str(source.relative_to(package)).encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def identity(f: EvidenceFile) -> tuple[str, ...]:
    """What makes a record what it is, given the reader settings and the catalogue."""
    return (f.path, f.task or "", f.kind.value, f.sha256, f.error_kind.value if f.error_kind else "", f.error or "",
            f.date.isoformat() if f.date else "", f.date_source or "", f.facts.name_encoding or "")


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
    for (a, b), verdict in sorted(ctx.photo_pairs.items()):
        yield f"{a}\x1e{b}\x1e{verdict!r}"  # a frozen dataclass: its repr names every field


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


class CheckMemo:
    """The remembered findings of each check for one set of inputs (see the module docstring)."""

    def __init__(self, cache_dir: Path, files: Sequence[EvidenceFile], ctx: CheckContext, settings: str) -> None:
        from credit_check.facts.index import Memo

        self.paths: list[str] = [f.path for f in files] + list(ctx.folders) + list(ctx.unreadable)
        self.paths += [f.path for f in ctx.reference]
        self.position = {p: i for i, p in reversed(list(enumerate(self.paths)))}
        self.base = _digest([package_digest(), settings, *_context_parts(ctx), "files",
                             *("\x1e".join(identity(f)) for f in files)])
        self.audit_date = ctx.audit_date.isoformat()
        self.memo: Memo = Memo(cache_dir, MEMO_NAME, "1")

    def _key(self, check_id: str) -> str:
        return _digest([self.base, check_id])

    def get(self, check_id: str) -> list[Finding] | None:
        entry = self.memo.get(self._key(check_id))
        if not isinstance(entry, dict) or not isinstance(entry.get("findings"), list):
            return None
        if entry.get("date") not in (None, self.audit_date):
            return None
        try:
            return [self._decode(d) for d in entry["findings"]]
        except (ValueError, TypeError, KeyError, IndexError):
            return None  # a damaged entry is computed again

    def put(self, check_id: str, findings: Sequence[Finding], read_audit_date: bool) -> None:
        self.memo.put(self._key(check_id), {"date": self.audit_date if read_audit_date else None,
                                            "findings": [self._encode(f) for f in findings]})

    def save(self) -> None:
        self.memo.save()

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
        return Finding.model_validate(data)
