"""Evidence records: a discovered file plus its extracted facts, as the checks see it.

One concern: turning (`Discovered`, `Extracted`) pairs into `EvidenceFile`s —
- the date a file evidences (`date_of`): the date its content states (成文日期, EXIF, stamp),
  then a date in its name, then in its folders' names; never the file system's mtime;
- the issued-document decision (`classify.decide_issued`, catalogue logic) for documents;
- personal data masked in everything that came from the evidence: the path and the evidence-text
  fields of the facts (`facttypes.mask_facts`), never hashes or numbers.

Page texts and sheet cells arrive cleaned (`textclean.clean_extracted`, in the reader's worker):
NFKC, no lone surrogates or control characters, and every personal-data value pseudonymised —
its hidden digits replaced so that it is still found, as the same kind, at the same place, with
the same masked form, by the personal-data check, while no full number exists anywhere after the
reader. They never reach a report (the pipeline drops them) and reporters mask what findings quote.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, cast, overload

from credit_check.catalogue.models import Catalogue
from credit_check.classify import decide_issued
from credit_check.dates import date_from_name, month_from_name
from credit_check.discover import Discovered, Tree
from credit_check.facts.index import Lines, Stored
from credit_check.facttypes import DocumentFacts, mask_facts
from credit_check.model import EvidenceFile, Extracted, Finding, Sheet
from credit_check.pii import mask_text


class _Dated(Protocol):
    @property
    def content_date(self) -> dt.date | None: ...

    @property
    def content_date_source(self) -> str | None: ...


def date_of(item: Discovered, facts: _Dated) -> tuple[dt.date | None, str | None]:
    """The date a file evidences: stated content, then file name, then folder name. Never mtime."""
    if facts.content_date is not None:
        return facts.content_date, facts.content_date_source or "text"
    name = item.path.rsplit("/", 1)[-1]
    if day := date_from_name(name):
        return day, "filename"
    if ym := month_from_name(name):
        return dt.date(ym[0], ym[1], 1), "filename"
    for folder in reversed(item.path.split("/")[:-1]):
        if day := date_from_name(folder):
            return day, "folder"
        if ym := month_from_name(folder):
            return dt.date(ym[0], ym[1], 1), "folder"
    return None, None


def build_record(item: Discovered, sha: str, ex: Extracted, catalogue: Catalogue) -> EvidenceFile:
    facts = ex.facts
    if item.name_encoding:
        facts = facts.model_copy(update={"name_encoding": item.name_encoding})
    if isinstance(facts, DocumentFacts) and ex.error is None:
        issued = decide_issued(path=item.path, title=facts.title or "", text="\n".join(ex.pages),
                               doc_number=facts.doc_number, page_picture=facts.paper_picture,
                               task=catalogue.task(item.task) if item.task else None, catalogue=catalogue)
        facts = facts.model_copy(update={"issued": issued})
    day, source = date_of(item, ex)
    return EvidenceFile(
        path=mask_text(item.path), abs_path=item.abs_path, size=item.size, task=item.task, kind=ex.kind, date=day,
        date_source=source, facts=mask_facts(facts, mask_text), error=mask_text(ex.error) if ex.error else None,
        error_kind=ex.error_kind, pages=ex.pages, sheets=ex.sheets, sha256=sha, text_sketch=ex.text_sketch,
    )


_PLACEHOLDER = "\x00path\x00"  # JSON text never holds a raw NUL: an unambiguous stand-in


RECORDS_KEPT = 64  # the last records built, texts included, kept for the next question
_kept: OrderedDict[int, tuple[Stored, EvidenceFile, tuple[str, ...], tuple[Sheet, ...]]] = OrderedDict()


class LazyFile:
    """A record whose facts are stored in the index (`facts.index.Stored`): what every stage asks
    of every file — path, task, kind, content hash, read error, date, size — is at hand; the rest
    of the record is built (`build_record`) from the index whenever it is asked for. The last
    `RECORDS_KEPT` records built are at hand, so memory holds no tree's worth of facts or texts
    (building one costs ~50 µs). An unchanged tree whose checks are remembered never builds most
    records at all. Reads like an `EvidenceFile` (attributes it lacks come from the built record)."""

    __slots__ = ("_catalogue", "_item", "_sha", "_stored", "_strip", "_textless", "_was_built", "date",
                 "date_source", "error", "error_kind", "kind", "name_encoding", "path", "sha256", "size", "task")

    def __init__(self, item: Discovered, sha: str, stored: Stored, catalogue: Catalogue, *, strip: bool = False) -> None:
        self._item, self._sha, self._stored, self._catalogue, self._strip = item, sha, stored, catalogue, strip
        self._textless = strip  # known to have no texts (or asked without them)
        self._was_built = False
        self.path = mask_text(item.path)
        self.size = item.size
        self.task = item.task
        self.kind = stored.kind
        self.date, self.date_source = date_of(item, stored)
        self.error = mask_text(stored.error) if stored.error else None
        self.error_kind = stored.error_kind
        self.sha256 = sha
        self.name_encoding = item.name_encoding

    @property
    def abs_path(self) -> Path:
        return self._item.abs_path

    def without_text(self) -> LazyFile:
        bare = object.__new__(LazyFile)
        for name in self.__slots__:
            object.__setattr__(bare, name, getattr(self, name))
        bare._strip = bare._textless = True
        return bare

    def _built(self) -> tuple[Stored, EvidenceFile, tuple[str, ...], tuple[Sheet, ...]]:
        """The record without its texts, and the texts: kept, or built now."""
        key = id(self._stored)
        hit = _kept.get(key)
        if hit is not None and hit[0] is self._stored:
            _kept.move_to_end(key)
            return hit
        loaded = self._stored.load()
        built = build_record(self._item, self._sha, loaded, self._catalogue)
        entry = (self._stored, built.model_copy(update={"pages": (), "sheets": ()}), built.pages, built.sheets)
        self._was_built = True
        self._textless = self._textless or not (built.pages or built.sheets)
        _kept[key] = entry
        while len(_kept) > RECORDS_KEPT:
            _kept.popitem(last=False)
        return entry

    def _record(self) -> EvidenceFile:
        """The record without its texts."""
        return self._built()[1]

    def _texts(self) -> tuple[tuple[str, ...], tuple[Sheet, ...]]:
        if self._textless:
            return (), ()
        _, _, pages, sheets = self._built()
        return pages, sheets

    @property
    def pages(self) -> tuple[str, ...]:
        return self._texts()[0]

    @property
    def sheets(self) -> tuple[Sheet, ...]:
        return self._texts()[1]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    def record(self) -> EvidenceFile:
        """The whole record, texts included (built again each time they are not at hand)."""
        built = self._record()
        if self._textless:
            return built
        pages, sheets = self._texts()
        return built.model_copy(update={"pages": pages, "sheets": sheets})

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    def __getattr__(self, name: str) -> Any:  # facts, text_sketch, model_*
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._record(), name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyFile):
            other = other.record()
        return self.record() == other

    __hash__ = None  # type: ignore[assignment]


class Records(Sequence[EvidenceFile]):
    """Every file's record, in tree order. Records read in this run are built at once; records of
    unchanged files stay stored until something needs more than their identity (`LazyFile`)."""

    def __init__(self, items: Sequence[EvidenceFile | LazyFile], lines: Lines | None = None) -> None:
        self._items = list(items)
        self._lines = lines
        self._salt = ""
        self._bare = False  # stored records handed out without their texts (`without_text`)

    def _view(self, f: EvidenceFile | LazyFile) -> EvidenceFile:
        return cast("EvidenceFile", f.without_text() if self._bare and isinstance(f, LazyFile) else f)

    def remember_lines(self, cache_dir: Path, salt: str) -> None:
        """Keep what `encoded` makes of each record in `cache_dir` (`facts.index.Lines`), for the
        next audit: `salt` names everything the text depends on besides the record's identity (the
        code, the reader settings, the catalogue)."""
        from credit_check.facts.index import Lines

        self._lines = Lines(cache_dir, "report-lines")
        self._salt = salt

    def encoded(self, encode: Callable[[EvidenceFile], str]) -> Iterator[str]:
        """`encode` of every record (the JSON report's line per file). With `remember_lines`, a
        record whose identity is unchanged since the last audit is not built: its text is read back
        (its path stored as a placeholder, so no path is in the clear). Memory stays flat: texts are
        read one at a time and the next version is written as they go."""
        from credit_check.checks.memo import identity

        if self._lines is None:
            yield from (encode(self._view(f)) for f in self._items)
            return
        writer = self._lines.writer()
        try:
            for f in self._items:
                record = self._view(f)
                key = hashlib.blake2b("\x1e".join((self._salt, *identity(record))).encode("utf-8", "surrogatepass"),
                                      digest_size=20).hexdigest()
                quoted = json.dumps(record.path, ensure_ascii=False)
                kept = self._lines.get(key)
                if kept is not None:
                    try:
                        text = kept.decode("utf-8").replace(_PLACEHOLDER, quoted)
                    except UnicodeDecodeError:
                        kept = None
                if kept is None:
                    text = encode(record)
                writer.add(key, text.replace(quoted, _PLACEHOLDER).encode("utf-8"), unchanged=kept is not None)
                yield text
        except BaseException:
            writer.abort()
            raise
        writer.finish()

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, i: int) -> EvidenceFile: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[EvidenceFile, ...]: ...

    def __getitem__(self, i: int | slice) -> EvidenceFile | tuple[EvidenceFile, ...]:
        if isinstance(i, slice):
            return tuple(self._view(f) for f in self._items[i])
        return self._view(self._items[i])

    def __iter__(self) -> Iterator[EvidenceFile]:
        if not self._bare:
            return iter(cast("list[EvidenceFile]", self._items))
        return (self._view(f) for f in self._items)

    def without_text(self) -> Records:
        """The same records without page texts and sheet cells (what a report carries). A stored
        record is handed out bare when asked for (`LazyFile.without_text`), not copied here: the
        report holds one object per file, not two."""
        out = Records([f if isinstance(f, LazyFile) else f.model_copy(update={"pages": (), "sheets": ()})
                       for f in self._items], self._lines)
        out._salt, out._bare = self._salt, True
        return out

    def built(self) -> int:
        """How many records have been built (a measure of the warm path's laziness)."""
        return sum(1 for f in self._items if not isinstance(f, LazyFile) or f._was_built)


def build_records(tree: Tree, extracted: Sequence[tuple[str, Extracted | Stored]], catalogue: Catalogue) -> Records:
    return Records([LazyFile(item, sha, ex, catalogue) if isinstance(ex, Stored) else build_record(item, sha, ex, catalogue)
                    for item, (sha, ex) in zip(tree.files, extracted, strict=True)])


def mask_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Mask personal data in every text of a finding that leaves the tool. A last safety net:
    checks mask what they quote, and paths are masked when records are built (a file may be
    *named* after a person's ID number).

    Cheap when there is nothing to mask: every value `pii.mask_text` masks has eleven digits in
    a row, or two groups of four digits joined by a space or hyphen (full-width forms included),
    or is broken across a line; a finding whose texts (searched together, joined by a NUL that no
    value can span) show none of these is kept as it is. The others are masked text by text,
    each distinct text once."""
    import re

    may_hold = re.compile(r"\d{4}(?:\d{7}|[- \uff0d\u3000\u00a0]\d{4})|\n").search
    masked: dict[str, str] = {}

    def mask(text: str) -> str:
        done = masked.get(text)
        if done is None:
            done = masked[text] = mask_text(text)
        return done

    out: list[Finding] = []
    for f in findings:
        if f.path != "" and not may_hold("\0".join((f.message, f.message_en, f.fix, f.fix_en, f.path or "", *f.related))):
            out.append(f)  # nothing that could be personal data (and a Finding is frozen)
            continue
        out.append(f.model_copy(update={"message": mask(f.message), "message_en": mask(f.message_en),
                                        "fix": mask(f.fix), "fix_en": mask(f.fix_en),
                                        "path": mask(f.path) if f.path else None,
                                        "related": tuple(mask(p) for p in f.related)}))
    return out
