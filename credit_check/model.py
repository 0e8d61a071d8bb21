"""The records that flow between the stages: files with their facts, findings, results.

All records are frozen pydantic models built with keyword arguments. Field names that reach the
JSON report are public (see docs/report-schema.md): add fields, never rename them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, SkipValidation, model_validator

from credit_check.facttypes import ErrorKind, FactRecord, Facts, OtherFacts, error_text, tag_facts


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Kind(StrEnum):
    DOCUMENT = "document"  # PDF, DOCX, DOC, WPS, TXT
    PHOTO = "photo"  # camera pictures: JPEG, HEIC
    SPREADSHEET = "spreadsheet"  # XLSX, XLS, CSV, ET
    IMAGE = "image"  # screenshots and scans: PNG, BMP, GIF, TIFF
    VIDEO = "video"  # MP4, MOV, 3GP, AVI …: activity evidence, dated by the container's capture time
    OTHER = "other"


class Status(StrEnum):
    MET = "met"
    PARTIAL = "partial"
    MISSING = "missing"
    UNKNOWN = "unknown"  # a check could not decide (e.g. no OCR available)


class Sheet(Frozen):
    """One worksheet (or a CSV file) as text cells; dates are ISO strings."""

    name: str
    rows: tuple[tuple[str, ...], ...]


class TextSketch(Frozen):
    """A document's text as MinHash values (`credit_check/sketch.py`): compared without the text."""

    minhash: str  # base64 of 192 little-endian uint32 values
    shingles: int  # distinct 5-character passages of the normalised text


class Extracted(Frozen):
    """What a facts extractor read from one file. `facts` is public; `pages`/`sheets` are not."""

    kind: Kind
    facts: Facts = Field(default_factory=OtherFacts)
    pages: tuple[str, ...] = ()  # text per page (documents, OCR of images)
    sheets: tuple[Sheet, ...] = ()
    error: str | None = None  # why the file could not be read (a read-error finding follows)
    error_kind: ErrorKind | None = None  # what kind of problem `error` is
    # The date the content itself states (成文日期, EXIF time, stamp date), with its source.
    content_date: dt.date | None = None
    content_date_source: str | None = None
    text_sketch: TextSketch | None = None  # documents with enough text (`sketch.with_sketch`)

    @model_validator(mode="before")
    @classmethod
    def _tag(cls, data: Any) -> Any:
        return tag_facts(data)

    @classmethod
    def failed(cls, kind: Kind, error: ErrorKind, detail: str | None = None,
               facts: FactRecord | None = None) -> Extracted:
        """A file that could not be read: its error text comes from the error kind."""
        from credit_check.facttypes import empty_facts

        return cls(kind=kind, facts=facts if facts is not None else empty_facts(kind.value),
                   error=error_text(error, detail), error_kind=error)


class EvidenceFile(Frozen):
    """One file of the evidence tree, with everything the checks may look at."""

    path: str  # relative to the root, "/" separators, Unicode NFC
    abs_path: Path
    size: int
    task: str | None  # task or bonus id this file supports, None when unfiled
    kind: Kind
    date: dt.date | None = None
    date_source: str | None = None  # text | filename | exif | stamp | None
    facts: Facts = Field(default_factory=OtherFacts)
    error: str | None = None
    error_kind: ErrorKind | None = None
    pages: tuple[str, ...] = ()
    sheets: tuple[Sheet, ...] = ()
    sha256: str = ""
    text_sketch: TextSketch | None = None  # the text as MinHash values (documents; `credit_check/sketch.py`)

    @model_validator(mode="before")
    @classmethod
    def _tag(cls, data: Any) -> Any:
        return tag_facts(data)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


class Finding(Frozen):
    """One problem found. `rule` is D1..D7 for the seed's deductions, else a plain id."""

    rule: str
    check: str
    severity: Severity
    source: str = ""  # id of the check that produced it (`credit-check explain SOURCE`), stamped by the engine
    path: str | None = None
    page: int | None = None
    task: str | None = None
    message: str  # Simplified Chinese
    fix: str = ""
    message_en: str = ""
    fix_en: str = ""
    deduction: float = 0.0  # <= 0, stamped by scoring
    related: tuple[str, ...] = ()  # other paths involved (pairs of copies, reused photos)
    waived: str | None = None  # a person cleared it (--waivers): the reason; deducts nothing
    # What the verdict rests on, for a person to check (dates compared, hashes, matched features …):
    # plain values only, no personal data.
    evidence: dict[str, str | int | float | bool] = Field(default_factory=dict)
    # Stable identity across runs (`credit_check/fingerprint.py`, set by the pipeline): rule, check,
    # place and evidence, never the message wording. "" on findings built outside the pipeline.
    fingerprint: str = ""
    # Against an earlier report (`--baseline OLD.json`): "new" or "unchanged"; None without a baseline.
    baseline: str | None = None

    # A report holds thousands of findings, and the pipeline copies each a few times (scoring,
    # masking, fingerprints). pydantic gives every instance its own set of the fields given
    # (`model_fields_set`, ~730 bytes for 17 names) — more than the rest of a finding. Findings
    # with the same fields given share one set instead; nothing here reads it except pydantic's
    # `exclude_unset`, which sees the same names either way. `model_copy` copies the set before
    # adding the updated names, so a shared one is never changed.
    def model_post_init(self, context: Any, /) -> None:
        _share_fields_set(self)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Finding:
        copied = super().model_copy(update=update, deep=deep)
        _share_fields_set(copied)
        return copied


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def _share_fields_set(model: BaseModel) -> None:
    given = model.__pydantic_fields_set__
    shared = _FIELDS_SETS.setdefault(frozenset(given), given)
    if shared is not given:
        object.__setattr__(model, "__pydantic_fields_set__", shared)


def finding(rule: str, check: str, severity: Severity, file: EvidenceFile | None, zh: tuple[str, str],
            en: tuple[str, str], **more: Any) -> Finding:
    """The one way checks build a finding: the rule and sub-check, the file it is about (its path
    and task), the message and fix in Chinese and in English, and any other `Finding` field.
    The engine adds `source` (the check's id) and scoring adds `deduction`."""
    where: dict[str, Any] = {"path": file.path, "task": file.task} if file is not None else {}
    return Finding(rule=rule, check=check, severity=severity, message=zh[0], fix=zh[1], message_en=en[0],
                   fix_en=en[1], **{**where, **more})


class RequirementResult(Frozen):
    id: str
    label: str
    status: Status
    files: tuple[str, ...] = ()
    satisfied: int = 0  # periods / items satisfied
    required: int = 1
    missing: tuple[str, ...] = ()  # human labels of what is missing (e.g. "第三季度")
    # Periods evidenced only partly (a stamped, dated activity photo but no minutes): half credit each,
    # and still listed in `missing`, since the record itself is wanted (`credit_check.evaluate`).
    partial: tuple[str, ...] = ()
    undated: tuple[str, ...] = ()  # files that could fill a gap but have no readable date (status unknown)


class TaskResult(Frozen):
    id: str
    title: str
    units: tuple[str, ...]
    points: float
    score: float
    status: Status
    files: tuple[str, ...]
    reasons: tuple[str, ...]
    requirements: tuple[RequirementResult, ...] = ()
    primary: str = ""  # 一级指标 (empty for bonus items)
    folder: str | None = None  # the task's folder in the tree, when there is one
    reasons_en: tuple[str, ...] = ()  # the reasons in English, same order
    title_en: str = ""  # the title in English (empty: the catalogue gives none)


class Score(Frozen):
    total: float
    max: float
    pass_mark: float
    tasks: float
    bonus: float
    deductions: float  # <= 0
    disqualified: bool
    passed: bool


class Period(Frozen):
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class PreviewPane(Frozen):
    """One picture or text excerpt of the evidence behind a finding (built by `previews.py`)."""

    label: str  # what it shows: the file (masked path) and page
    image: str | None = None  # a downscaled JPEG/PNG as a data: URI
    width: int = 0  # the picture's size in pixels (lets the HTML reserve its box before it loads)
    height: int = 0
    text: str | None = None  # a text excerpt (masked), e.g. around a copied passage
    highlight: str | None = None  # the part of `text` to mark (the shared passage)
    caption: str = ""  # what was found on it, Chinese ("公章：缺少")
    caption_en: str = ""


class Preview(Frozen):
    """The evidence to look at for one finding: one pane, or two side by side (a reused photo and
    its twin, a copied passage in both documents)."""

    panes: tuple[PreviewPane, ...]


class Baseline(Frozen):
    """The comparison with an earlier report (`--baseline OLD.json`, `credit_check/baseline.py`)."""

    source: str  # the old report's file name
    audit_date: dt.date | None = None  # the old report's audit date
    score: float | None = None  # the old total
    passed: bool | None = None
    fixed: tuple[Finding, ...] = ()  # the old report's findings that are gone


def _built(f: EvidenceFile) -> EvidenceFile:
    """A record as a model, built if it is still stored (`records.LazyFile.record`)."""
    build = getattr(f, "record", None)
    return build() if callable(build) else f


class Report(Frozen):
    schema_id: str = Field(default="credit-check/report@1", serialization_alias="schema")
    tool_name: str = "credit-check"
    tool_version: str
    root: str
    period: Period
    audit_date: dt.date
    score: Score
    tasks: tuple[TaskResult, ...]
    bonus: tuple[TaskResult, ...]
    findings: tuple[Finding, ...]
    # Not validated again: the records stage built them, and a warm audit's records are built only
    # when something reads more than their identity (`records.Records`).
    files: Annotated[Sequence[EvidenceFile], SkipValidation,
                     PlainSerializer(lambda files: tuple(_built(f) for f in files), return_type=tuple[EvidenceFile, ...])]
    units: tuple[str, ...] = ()  # all responsible units, catalogue order
    unit_of_task: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # Pictures of the evidence for the HTML report, keyed by finding fingerprint (`previews.py`,
    # only when an HTML report is written); never in the JSON report.
    previews: dict[str, Preview] = Field(default_factory=dict)
    baseline: Baseline | None = None  # set by `--baseline OLD.json`
