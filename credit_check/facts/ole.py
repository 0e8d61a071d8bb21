"""OLE compound files (Word 97 `.doc`, Kingsoft `.wps`, `.xls`, `.et`): open safely, tell what they
hold, and read the file's own metadata from the `SummaryInformation` property set.

olefile reads the container. The property sets are parsed here, not with `olefile.get_metadata`,
because Kingsoft writes them in code page 1200 (UTF-16), which olefile decodes as bytes with the
zero bytes dropped (garbage such as 'W P S ...'). Times are FILETIME values, which the format
defines as UTC; they are returned timezone-aware.
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass
from typing import IO

import olefile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Property ids of the SummaryInformation set ([MS-OLEPS] PIDSI_*).
_PID_CODEPAGE = 1
_PID_TITLE = 2
_PID_AUTHOR = 4
_PID_CREATED = 12
_PID_SAVED = 13
_PID_PAGES = 14
_PID_APPNAME = 18
_VT_I2, _VT_I4, _VT_LPSTR, _VT_LPWSTR, _VT_FILETIME = 2, 3, 0x1E, 0x1F, 0x40
_FILETIME_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)
_MAX_STRING = 4096


class OleError(Exception):
    """The container cannot be read; the message says why, in English, for the error detail."""


@dataclass(frozen=True)
class Summary:
    """What the SummaryInformation property set says about the file."""

    title: str | None = None
    author: str | None = None
    created: dt.datetime | None = None
    modified: dt.datetime | None = None  # last saved
    pages: int | None = None
    application: str | None = None


def open_ole(source: str | IO[bytes]) -> olefile.OleFileIO:
    """The OLE container, or `OleError` with a precise reason (not OLE, truncated, broken FAT …)."""
    try:
        return olefile.OleFileIO(source)
    except olefile.olefile.NotOleFileError as exc:
        raise OleError("not an OLE compound file") from exc
    except (OSError, ValueError, IndexError, struct.error, RecursionError) as exc:
        raise OleError(f"broken OLE container: {exc}") from exc


def stream_names(ole: olefile.OleFileIO) -> set[str]:
    """Names of the streams and storages at the root (`WordDocument`, `Workbook`, `Macros` …)."""
    try:
        return {entry[0] for entry in ole.listdir(streams=True, storages=True) if entry}
    except Exception:  # a broken directory: nothing can be listed
        return set()


def describe_streams(names: set[str]) -> str:
    """What an OLE container without a Word stream holds, for an error message."""
    if {"Workbook", "Book"} & names:
        return "an Excel/WPS spreadsheet (Workbook stream)"
    if "PowerPoint Document" in names:
        return "a PowerPoint presentation"
    if "EncryptedPackage" in names:
        return "a password-protected Office Open XML file"
    if "VisioDocument" in names:
        return "a Visio drawing"
    if "__properties_version1.0" in names:
        return "an Outlook message"
    shown = ", ".join(sorted(n for n in names if n.isprintable())[:6])
    return f"an OLE container with no WordDocument stream ({shown or 'no streams'})"


def _filetime(raw: int) -> dt.datetime | None:
    if raw <= 0:
        return None
    try:
        when = _FILETIME_EPOCH + dt.timedelta(microseconds=raw // 10)
    except OverflowError:
        return None
    return when if 1980 <= when.year <= 2100 else None  # zero, a duration or junk: no date


def _string(data: bytes, offset: int, vt: int, codepage: int) -> str | None:
    (count,) = struct.unpack_from("<I", data, offset + 4)
    if vt == _VT_LPWSTR:
        raw = data[offset + 8: offset + 8 + min(count, _MAX_STRING) * 2]
        text = raw.decode("utf-16-le", "replace")
    elif codepage == 1200:  # Kingsoft: UTF-16 text under VT_LPSTR; the count is not reliable
        raw = data[offset + 8: offset + 8 + min(count * 2, _MAX_STRING * 2)]
        text = raw[: len(raw) // 2 * 2].decode("utf-16-le", "replace")
    else:
        raw = data[offset + 8: offset + 8 + min(count, _MAX_STRING)]
        encoding = {936: "gb18030", 65001: "utf-8", 950: "big5"}.get(codepage, f"cp{codepage}")
        try:
            text = raw.decode(encoding, "replace")
        except LookupError:
            text = raw.decode("cp1252", "replace")
    text = text.split("\x00", 1)[0].strip()
    return text or None


def parse_summary(data: bytes) -> Summary:
    """The SummaryInformation property set ([MS-OLEPS] 2.21) from its stream bytes. Damaged or
    missing properties are left out; this never raises for bad bytes."""
    try:
        (sections,) = struct.unpack_from("<I", data, 24)
        if sections < 1:
            return Summary()
        (section,) = struct.unpack_from("<I", data, 44)
        _, count = struct.unpack_from("<II", data, section)
        entries = [struct.unpack_from("<II", data, section + 8 + 8 * i) for i in range(min(count, 256))]
    except struct.error:
        return Summary()
    codepage = 1252
    values: dict[int, object] = {}
    for pid, offset in sorted(entries, key=lambda e: e[0] != _PID_CODEPAGE):  # code page first
        at = section + offset
        try:
            (vt,) = struct.unpack_from("<H", data, at)
            if vt == _VT_I2:
                short: int = struct.unpack_from("<h", data, at + 4)[0]
                value: object = short
                if pid == _PID_CODEPAGE:
                    codepage = short & 0xFFFF
            elif vt == _VT_I4:
                value = struct.unpack_from("<i", data, at + 4)[0]
            elif vt in (_VT_LPSTR, _VT_LPWSTR):
                value = _string(data, at, vt, codepage)
            elif vt == _VT_FILETIME:
                value = _filetime(struct.unpack_from("<q", data, at + 4)[0])
            else:
                continue
        except struct.error:
            continue
        values[pid] = value

    def text(pid: int) -> str | None:
        v = values.get(pid)
        return v if isinstance(v, str) else None

    def when(pid: int) -> dt.datetime | None:
        v = values.get(pid)
        return v if isinstance(v, dt.datetime) else None

    pages = values.get(_PID_PAGES)
    return Summary(title=text(_PID_TITLE), author=text(_PID_AUTHOR), created=when(_PID_CREATED),
                   modified=when(_PID_SAVED), application=text(_PID_APPNAME),
                   pages=pages if isinstance(pages, int) and 0 < pages < 100_000 else None)


def summary(ole: olefile.OleFileIO) -> Summary:
    """The file's SummaryInformation, empty when the stream is missing or unreadable."""
    try:
        if not ole.exists("\x05SummaryInformation"):
            return Summary()
        data = ole.openstream("\x05SummaryInformation").read(256 * 1024)
    except Exception:  # a broken chain in the metadata must not lose the document
        return Summary()
    return parse_summary(data)
