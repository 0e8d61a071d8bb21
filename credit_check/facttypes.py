"""Typed facts: one frozen record per kind of file, the contract between the readers and the checks.

Readers (`credit_check/facts/`) build these records; checks read their attributes. Each record
carries a `record` tag (document, photo, image, sheet, video, other) so a cached or reported
record reads back as the same type. The JSON report prints a record's fields under
`files[].facts` with the names below (docs/report-schema.md): add fields, never rename them.

Fields typed `EvidenceText` hold text that came from the evidence (a title, stamp text, a quoted
passage, a reason quoting a page): personal data in them is masked before any of it leaves the
tool (`mask_facts`). Hashes, ids, numbers, dates and our own labels are never masked: masking a
perceptual hash whose hex digits happen to look like a mobile number would corrupt it.

Error kinds (`ErrorKind`) say why a file could not be read. The `read-error` check takes its
sub-check id, its messages in both languages and its fix from the kind, and the facts cache
keeps a result unless its kind may change on the next run (a time-out, a crash, an I/O error).
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class _Evidence:
    """Marks a field whose text came from the evidence: masked before it leaves the tool."""

    def __repr__(self) -> str:
        return "EVIDENCE"


EVIDENCE = _Evidence()
EvidenceText = Annotated[str, EVIDENCE]

Box = tuple[float, float, float, float]  # left, top, right, bottom as fractions of the page


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ------------------------------------------------------------------------------- error kinds
class ErrorKind(StrEnum):
    """Why a file could not be read. The value is the `read-error` sub-check id."""

    EMPTY = "empty"
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    UNSUPPORTED = "unsupported"  # a format the tool cannot read (or needs an optional extra for)
    TOO_LARGE = "too-large"
    TIMEOUT = "timeout"
    MISLABELLED = "mislabelled"  # the content is not what the extension says, and unreadable as either
    UNREADABLE = "unreadable"  # the operating system refused to open or read it
    CRASHED = "crashed"  # the reader process died on it
    OUTSIDE = "link-outside"  # a link whose target lies outside the evidence tree: not opened

    @property
    def cacheable(self) -> bool:
        """False when the same file may read fine next time (more time, a fixed share, a retry)."""
        return self not in (ErrorKind.TIMEOUT, ErrorKind.CRASHED, ErrorKind.UNREADABLE)


# kind: (problem zh, problem en, fix zh, fix en)
ERROR_TEXT: dict[ErrorKind, tuple[str, str, str, str]] = {
    ErrorKind.EMPTY: ("空文件（0 字节）", "empty file (0 bytes)",
                      "文件为空，请替换为原文件", "the file is empty: replace it with the original"),
    ErrorKind.CORRUPT: ("文件已损坏或无法解析", "corrupt or unreadable",
                        "用原软件打开并重新导出，或替换为原文件", "re-export the file from its source, or replace it"),
    ErrorKind.ENCRYPTED: ("文件已加密（设有密码）", "encrypted (password-protected)",
                          "去除文件密码后重新提交", "remove the password and resubmit"),
    ErrorKind.UNSUPPORTED: ("该格式无法自动检查", "a format the tool cannot read",
                            "另存为 PDF 或 DOCX 后重新提交", "save it as PDF or DOCX"),
    ErrorKind.TOO_LARGE: ("文件过大，未读取", "file too large, not read",
                          "压缩或拆分文件后重新提交", "compress or split the file"),
    ErrorKind.TIMEOUT: ("读取超时，文件可能已损坏或过于复杂", "reading took too long",
                        "用原软件重新导出（如另存为 PDF）后重新提交", "re-export the file (e.g. save as PDF) and resubmit"),
    ErrorKind.MISLABELLED: ("文件内容与扩展名不符或已损坏", "content does not match the extension, or is corrupt",
                            "按实际格式修改扩展名，或用原软件重新导出", "rename the file to its real format or re-export it"),
    ErrorKind.UNREADABLE: ("无法打开文件", "cannot open the file",
                           "检查共享盘权限后重新运行", "check the share's permissions and run again"),
    ErrorKind.CRASHED: ("解析该文件时进程崩溃，文件可能已损坏", "the reader crashed on this file",
                        "用原软件打开并重新导出，或替换为原文件", "re-export the file from its source, or replace it"),
    ErrorKind.OUTSIDE: ("链接指向材料目录以外，未读取", "a link to a target outside the evidence tree, not read",
                        "把链接替换为文件本身", "replace the link with the file itself"),
}


def error_text(kind: ErrorKind, detail: str | None = None) -> str:
    """The public `error` string of a file: Chinese / English, then the detail (an exception text,
    a size). Built from the kind, so every reader says the same thing for the same problem."""
    zh, en, _, _ = ERROR_TEXT[kind]
    text = f"{zh} / {en}"
    return f"{text}: {detail}"[:300] if detail else text


# ------------------------------------------------------------------------------------ records
class _Base(_Frozen):
    """Facts every record may carry."""

    format: str | None = None  # the file's format when it differs from what its kind suggests (doc, xls …)
    mislabelled: str | None = None  # ".pdf → jpeg": the extension says one thing, the bytes another
    name_encoding: str | None = None  # the name was recovered from GBK bytes or mojibake
    encrypted: bool | None = None


class Ledger(_Frozen):
    """Where a 双公示 ledger's columns are: the sheet, its header row (1-based) and the header of
    each role found (decision_date, publication_date, document_number, category, subject)."""

    kind: str  # licence | penalty | mixed
    sheet: EvidenceText
    header_row: int
    columns: dict[str, EvidenceText] = Field(default_factory=dict)


class Signature(_Frozen):
    """One electronic signature or e-seal (OFD SES seal, PDF signature field).

    `digest_ok`: the signed content still hashes to what was signed (False → changed after
    signing); `signature_ok`: the signature value verifies with the signer's public key;
    `trust`: whether the signer's certificate chains to a configured root (`not-established`
    unless the user gave trusted roots). None = could not be checked (the reason is in `problem`).
    `format`: the structure of the signature value (OFD: "GB/T 38540 v4", "GM/T 0031 v1",
    "PKCS#7", "SM2（裸签名值）"); `notes`: what the checks found worth knowing that is no problem
    (a vendor's way of hashing, a signature list updated by a later seal). For OFD,
    `covers_whole_file` says the signed references include the document root and every page.
    """

    kind: Literal["ofd-ses", "ofd-sign", "pdf"]
    signer: EvidenceText | None = None
    seal_name: EvidenceText | None = None
    signed_at: dt.datetime | None = None
    algorithm: str | None = None
    digest_ok: bool | None = None
    signature_ok: bool | None = None
    trust: Literal["trusted", "untrusted", "not-established"] = "not-established"
    visible: bool | None = None  # has an appearance (a seal picture) on a page
    page: int | None = None
    covers_whole_file: bool | None = None  # PDF: nothing was appended after this signature
    problem: EvidenceText | None = None
    format: str | None = None
    notes: tuple[EvidenceText, ...] = ()
    # PDF, the last signature only: what was appended after it. None = nothing (or not judged: an
    # earlier signature of a multi-signature file); "validation" = only validation data (DSS,
    # certificates, OCSP/CRL), normal for long-term signatures; "metadata" = document properties
    # only; "other" = objects that leave the pages as signed; "content" = a page looks different
    # from what was signed; "unknown" = could not tell (the problem says so).
    appended: Literal["validation", "metadata", "other", "content", "unknown"] | None = None
    timestamp: bool = False  # PDF: a document timestamp (/DocTimeStamp, RFC 3161), not a person's signature


class DocumentFacts(_Base):
    """A document: PDF, DOCX, DOC/WPS, OFD, text and web pages (and pictures of paper pages).

    The three D6 elements each have a value (True found, False looked and not there, None could
    not tell), a reason, a page and, where the reader knows it, a box.
    """

    record: Literal["document"] = "document"
    pages: int | None = None  # page count (more than were read, for long documents)
    scanned: bool | None = None
    title: EvidenceText | None = None
    red_header: bool | None = None
    red_header_reason: EvidenceText | None = None
    red_header_page: int | None = None
    red_header_box: Box | None = None
    doc_number: EvidenceText | None = None
    doc_number_canonical: EvidenceText | None = None
    doc_number_status: Literal["found", "missing", "undetermined"] | None = None
    doc_number_reason: EvidenceText | None = None
    doc_number_issue: EvidenceText | None = None
    doc_number_issues: tuple[Literal["format", "year"], ...] = ()
    seal: bool | None = None
    seal_reason: EvidenceText | None = None
    seal_page: int | None = None
    seal_box: Box | None = None
    seal_blank: bool | None = None
    seal_kind: Literal["printed", "electronic"] | None = None
    signatures: tuple[Signature, ...] = ()
    issued_on: dt.date | None = None  # 成文日期
    ocr: bool | Literal["unavailable"] = False  # OCR read some pages / could not (extra missing)
    ocr_pages: tuple[int, ...] = ()
    notes: tuple[EvidenceText, ...] = ()
    url: EvidenceText | None = None  # .url shortcuts
    issued: bool | None = None  # an issued document (出台文件), decided with the catalogue (classify)
    paper_picture: bool = False  # a phone photo or picture of a printed page (judged from its pixels)
    # The file's own metadata (PDF Info/XMP, DOCX core properties, OLE SummaryInformation, OFD DocInfo).
    created: dt.datetime | None = None
    modified: dt.datetime | None = None
    producer: EvidenceText | None = None


class PhotoFacts(_Base):
    """A camera photo (JPEG, HEIC): EXIF, the watermark stamp, perceptual hashes."""

    record: Literal["photo"] = "photo"
    taken: dt.datetime | None = None
    camera: EvidenceText | None = None
    software: EvidenceText | None = None
    gps: tuple[float, float] | None = None
    orientation: int | None = None
    modified: dt.datetime | None = None
    exif: bool = False
    exif_note: EvidenceText | None = None
    stamp: bool | None = None  # a watermark-camera stamp: found / not there / could not tell
    stamp_reason: EvidenceText | None = None
    stamp_time: str | None = None  # ISO datetime when the date was read, else "HH:MM"
    stamp_text: EvidenceText | None = None
    phash: str | None = None  # 64-bit DCT hash, 16 hex digits
    phash_zoom: tuple[str, ...] = ()  # hashes of the centre 90 % and 80 % (light crops)
    phash_middle: str | None = None  # hash of the middle rows, where no app stamps (re-stamped copies)
    phash_mirror: str | None = None  # hash of the mirror image (copies flipped left to right)
    phash_windows: tuple[str, ...] = ()  # 48 window hashes (copies cropped off-centre), facts/phash.py
    stamp_box: Box | None = None  # where the stamp is, as fractions of the upright picture (masked when comparing)
    stamp_code: str | None = None  # the anti-counterfeit code (防伪码) the app printed, as read
    stamp_place: EvidenceText | None = None  # the place the stamp names (地点：…)
    stamp_coords: tuple[float, float] | None = None  # latitude, longitude printed in the stamp (GCJ-02 as the apps print)
    width: int | None = None
    height: int | None = None


class ImageFacts(_Base):
    """A screenshot or scan saved as a picture (PNG, BMP, GIF, TIFF, WEBP); its text by OCR."""

    record: Literal["image"] = "image"
    width: int | None = None
    height: int | None = None
    phash: str | None = None
    ocr_note: EvidenceText | None = None


class SheetFacts(_Base):
    """A spreadsheet or CSV: sheet and row counts, and the 双公示 ledger when one is found."""

    record: Literal["sheet"] = "sheet"
    sheets: int = 0
    rows: int = 0
    truncated: tuple[EvidenceText, ...] = ()  # names of the sheets cut at the row limit
    encoding: str | None = None
    ledger: Ledger | None = None


class VideoFacts(_Base):
    """A video (MP4, MOV …)."""

    record: Literal["video"] = "video"
    video: bool = True
    taken: dt.datetime | None = None
    duration_s: float | None = None


class OtherFacts(_Base):
    """Any other file: nothing read beyond its bytes' format."""

    record: Literal["other"] = "other"


Facts = Annotated[DocumentFacts | PhotoFacts | ImageFacts | SheetFacts | VideoFacts | OtherFacts,
                  Field(discriminator="record")]
FactRecord = DocumentFacts | PhotoFacts | ImageFacts | SheetFacts | VideoFacts | OtherFacts

_RECORD_OF_KIND = {"document": "document", "photo": "photo", "image": "image", "spreadsheet": "sheet",
                   "other": "other", "video": "video"}


def tag_facts(data: Any) -> Any:
    """Model input where `facts` is a plain dict without its `record` tag gets the tag of the
    file's kind (so `EvidenceFile(kind=Kind.PHOTO, facts={"stamp": True})` reads as PhotoFacts)."""
    if isinstance(data, dict) and isinstance(data.get("facts"), dict) and "record" not in data["facts"]:
        kind = str(data.get("kind") or "other")
        data = {**data, "facts": {"record": _RECORD_OF_KIND.get(kind, "other"), **data["facts"]}}
    return data


def empty_facts(kind: str) -> FactRecord:
    """The empty record for a file kind (`Kind` value)."""
    record = _RECORD_OF_KIND.get(kind, "other")
    types: dict[str, type[FactRecord]] = {"document": DocumentFacts, "photo": PhotoFacts, "image": ImageFacts,
                                          "sheet": SheetFacts, "video": VideoFacts, "other": OtherFacts}
    return types[record]()


# ------------------------------------------------------------------------------------ masking
M = TypeVar("M", bound=BaseModel)


def _mentions_evidence(annotation: Any) -> bool:
    if any(m is EVIDENCE for m in getattr(annotation, "__metadata__", ())):
        return True
    return any(_mentions_evidence(arg) for arg in typing.get_args(annotation))


@functools.cache
def _evidence_fields(cls: type[BaseModel]) -> frozenset[str]:
    """Names of the fields of `cls` whose type mentions `EvidenceText` (optional, in a tuple …)."""
    hints = typing.get_type_hints(cls, include_extras=True)
    return frozenset(name for name in cls.model_fields if _mentions_evidence(hints.get(name)))


def _mask_any(value: Any, mask: Callable[[str], str], evidence: bool) -> Any:
    if isinstance(value, BaseModel):
        return mask_facts(value, mask)
    if isinstance(value, str):
        return mask(value) if evidence else value
    if isinstance(value, tuple):
        return tuple(_mask_any(v, mask, evidence) for v in value)
    if isinstance(value, dict):
        return {k: _mask_any(v, mask, evidence) for k, v in value.items()}
    return value


def _mentions_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_mentions_model(arg) for arg in typing.get_args(annotation))


@functools.cache
def _maskable_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields `mask_facts` can change: evidence text, or records that may hold some. The others
    (hashes, numbers, labels: most of a record) are not even looked at."""
    hints = typing.get_type_hints(cls, include_extras=True)
    evidence = _evidence_fields(cls)
    return tuple(name for name in cls.model_fields if name in evidence or _mentions_model(hints.get(name)))


def mask_facts(record: M, mask: Callable[[str], str]) -> M:
    """`record` with `mask` applied to every evidence-text field (nested records included).
    Hashes, ids, numbers and labels are left exactly as they are."""
    update: dict[str, Any] = {}
    evidence_fields = _evidence_fields(type(record))
    for name in _maskable_fields(type(record)):
        value = getattr(record, name)
        evidence = name in evidence_fields
        if isinstance(value, str | tuple | dict | BaseModel):
            masked = _mask_any(value, mask, evidence)
            if masked != value:
                update[name] = masked
    return record.model_copy(update=update) if update else record
