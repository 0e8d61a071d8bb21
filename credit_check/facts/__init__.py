"""Stage 3: facts. One extractor per file type; the only code that opens evidence files.

`extract(path)` sniffs the real type from the first bytes (a `.pdf` that is really a JPEG is
read as a JPEG, and says so), calls the extractor for it, and turns any exception into a
recorded `error` — a bad file never stops the audit.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from credit_check.facts.video import BRANDS_NOT_VIDEO
from credit_check.facttypes import ErrorKind, VideoFacts, empty_facts
from credit_check.model import Extracted, Kind

# Extensions by the kind of evidence they normally hold.
DOCUMENT_EXT = frozenset({".pdf", ".docx", ".doc", ".wps", ".txt", ".ofd", ".rtf", ".html", ".htm", ".mht",
                          ".mhtml", ".url", ".pptx", ".ppt"})
PHOTO_EXT = frozenset({".jpg", ".jpeg", ".heic", ".heif"})
IMAGE_EXT = frozenset({".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"})
SHEET_EXT = frozenset({".xlsx", ".xlsm", ".xls", ".csv", ".et"})
VIDEO_EXT = frozenset({".mp4", ".mov", ".avi", ".wmv", ".3gp", ".mkv", ".m4v", ".flv"})

MAX_BYTES_DEFAULT = 512 * 1024 * 1024  # files larger than this are not opened (setting: --max-file-mb)


@dataclass(frozen=True)
class ExtractOptions:
    ocr: bool = True  # use OCR where it is installed
    max_bytes: int = MAX_BYTES_DEFAULT
    max_pages: int = 200  # pages read per document; more are counted, not read
    timeout: int = 120  # seconds one file may take (Unix); a file that takes longer is reported
    max_memory_mb: int = 1024  # resident memory one reader may use (facts/runner.py kills it past this); 0 = no limit


class FileTimeout(BaseException):
    """One file took longer than `ExtractOptions.timeout`. A `BaseException`, so reader code that
    catches `Exception` to survive a bad file cannot swallow it."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise `FileTimeout` in this thread after `seconds` (where SIGALRM exists and this is the
    main thread, as in worker processes; elsewhere there is no limit)."""
    usable = seconds > 0 and hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise FileTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def kind_for_suffix(suffix: str) -> Kind:
    s = suffix.lower()
    if s in PHOTO_EXT:
        return Kind.PHOTO
    if s in IMAGE_EXT:
        return Kind.IMAGE
    if s in SHEET_EXT:
        return Kind.SPREADSHEET
    if s in DOCUMENT_EXT:
        return Kind.DOCUMENT
    if s in VIDEO_EXT:
        return Kind.VIDEO
    return Kind.OTHER


def sniff(head: bytes) -> str | None:
    """The real format from the first bytes: pdf, zip, ole, jpeg, png, heic, gif, bmp, tiff, webp."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypheim", b"ftypmsf1"):
        return "heic"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"BM"):
        return "bmp"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if b"%PDF-" in head:  # junk before %PDF is common in exports; pypdf copes with it
        return "pdf"
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip") and head[8:12] not in BRANDS_NOT_VIDEO:
        return "isobmff"  # MP4, MOV, 3GP (HEIC, also ISO BMFF, was recognised above by its brand)
    return None


_EXPECTED = {
    ".pdf": {"pdf"}, ".docx": {"zip"}, ".xlsx": {"zip"}, ".xlsm": {"zip"}, ".pptx": {"zip"},
    ".doc": {"ole"}, ".xls": {"ole"}, ".ppt": {"ole"}, ".wps": {"ole"}, ".et": {"ole"},
    ".jpg": {"jpeg"}, ".jpeg": {"jpeg"}, ".png": {"png"}, ".heic": {"heic"}, ".heif": {"heic"},
    ".gif": {"gif"}, ".bmp": {"bmp"}, ".tif": {"tiff"}, ".tiff": {"tiff"}, ".webp": {"webp"},
    ".ofd": {"zip"}, ".mp4": {"isobmff"}, ".mov": {"isobmff"}, ".3gp": {"isobmff"}, ".m4v": {"isobmff"},
}


def _reader_for(fmt: str | None, suffix: str,
                path: Path | None = None) -> tuple[Callable[[Path, ExtractOptions], Extracted], Kind] | None:
    from credit_check.facts import docx, image, msword, pdf, sheet, text, video

    if fmt == "pdf":
        return pdf.extract, Kind.DOCUMENT
    if fmt in ("jpeg", "heic"):
        return image.extract, Kind.PHOTO
    if fmt in ("png", "gif", "bmp", "tiff", "webp"):
        return image.extract, Kind.IMAGE
    if fmt == "isobmff":
        return video.extract, Kind.VIDEO
    if fmt == "zip":
        from credit_check.facts import ofd

        if suffix == ".ofd":
            return ofd.extract, Kind.DOCUMENT
        if suffix in (".xlsx", ".xlsm", ".et"):
            return sheet.extract, Kind.SPREADSHEET
        if suffix == ".docx" or suffix in msword.WORD_SUFFIXES:  # WPS also saves DOCX under .wps/.doc
            return docx.extract, Kind.DOCUMENT
        if path is not None and ofd.is_ofd_zip(path):  # an OFD under another name (an OFD.xml at its root)
            return ofd.extract, Kind.DOCUMENT
        return None
    if fmt == "ole":
        if suffix in (".xls", ".et"):
            return sheet.extract, Kind.SPREADSHEET
        if suffix == ".docx":  # a password-protected OOXML file is an OLE container
            return docx.extract, Kind.DOCUMENT
        if suffix == ".xlsx":
            return sheet.extract, Kind.SPREADSHEET
        # Word 97 and Kingsoft WPS text: by extension, or by the WordDocument stream when the name says nothing
        if suffix in msword.WORD_SUFFIXES or (kind_for_suffix(suffix) is Kind.OTHER and path is not None
                                              and msword.is_word(path)):
            return msword.extract, Kind.DOCUMENT
        return None
    if suffix == ".csv":
        return sheet.extract, Kind.SPREADSHEET
    if fmt is None and suffix in msword.WORD_SUFFIXES:  # neither OLE nor ZIP: msword says what it is
        return msword.extract, Kind.DOCUMENT
    if suffix in (".txt", ".url", ".html", ".htm", ".mht", ".mhtml"):
        return text.extract, Kind.DOCUMENT
    return None


def extract(path: Path, options: ExtractOptions | None = None) -> Extracted:
    """Facts of one file. Never raises for a bad file: the problem is in `Extracted.error`."""
    options = options or ExtractOptions()
    suffix = path.suffix.lower()
    expected_kind = kind_for_suffix(suffix)
    try:
        size = path.stat().st_size
        if size == 0:
            return Extracted.failed(expected_kind, ErrorKind.EMPTY)
        if size > options.max_bytes:
            return Extracted.failed(expected_kind, ErrorKind.TOO_LARGE, f"{size // (1024 * 1024)} MB")
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        return Extracted.failed(expected_kind, ErrorKind.UNREADABLE, str(exc.strerror or exc))
    fmt = sniff(head)
    reader = _reader_for(fmt, suffix, path)
    if reader is None:
        if suffix in VIDEO_EXT:  # AVI, WMV, MKV …: a video, undated
            return Extracted(kind=Kind.VIDEO, facts=VideoFacts())
        if expected_kind in (Kind.DOCUMENT, Kind.SPREADSHEET) and suffix in (".ppt", ".pptx"):
            facts = empty_facts(expected_kind.value).model_copy(update={"format": suffix.lstrip(".")})
            return Extracted.failed(expected_kind, ErrorKind.UNSUPPORTED, suffix, facts=facts)
        if expected_kind is not Kind.OTHER:
            return Extracted.failed(expected_kind, ErrorKind.MISLABELLED, suffix)
        return Extracted(kind=Kind.OTHER)
    read, kind = reader
    try:
        with time_limit(options.timeout):
            result = read(path, options)
    except FileTimeout:
        return Extracted.failed(kind, ErrorKind.TIMEOUT, f"> {options.timeout} s")
    except MemoryError:
        return Extracted.failed(kind, ErrorKind.TOO_LARGE, "out of memory")
    except Exception as exc:  # a corrupt file must become a finding, never a traceback
        return Extracted.failed(kind, ErrorKind.CORRUPT, f"{type(exc).__name__}: {exc}")
    if result.kind is not kind:  # the sniffed format decides the kind, whatever the reader said
        result = result.model_copy(update={"kind": kind})
    if fmt is not None and suffix in _EXPECTED and fmt not in _EXPECTED[suffix]:
        facts = result.facts.model_copy(update={"mislabelled": f"{suffix} → {fmt}"})
        result = result.model_copy(update={"facts": facts})
    return result
