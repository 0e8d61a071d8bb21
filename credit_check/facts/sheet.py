"""Facts of spreadsheets: XLSX/XLSM (openpyxl), XLS and Kingsoft ET (xlrd), CSV.

A Kingsoft `.et` is a BIFF8 workbook like `.xls` (plus an `ETExtData` stream xlrd ignores); both
are read by xlrd, whose date cells (number cells with a date format) are turned into dates with
the workbook's date system (1900 or 1904). A `.et` saved as a zip is read as XLSX.

Cells become text: dates as ISO strings (``2024-05-06``, or ``2024-05-06 09:30:00`` with a time),
whole numbers without ``.0``, empty cells as ``""``. Row i of `Sheet.rows` is spreadsheet row i+1
(empty rows are kept so that row numbers in findings match what Excel shows). CSV files are read
as UTF-8 (with or without BOM), UTF-16 (with BOM), else GB18030 (a superset of GBK); the delimiter
(comma, tab, semicolon, bar) is sniffed.

Public facts keys:
- ``sheets`` (int): number of worksheets read (1 for CSV).
- ``rows`` (int): total rows read over all sheets.
- ``truncated`` (list of str): sheets cut at `MAX_ROWS` rows (present only when any was cut).
- ``encoding`` (str): CSV only — ``utf-8``, ``utf-8-sig``, ``utf-16`` or ``gb18030``.
- ``ledger`` (null or dict): the first sheet that looks like a 双公示 ledger:
  ``{"kind": "licence"|"penalty"|"mixed", "sheet": name, "header_row": n,
  "columns": {"decision_date": header, "publication_date": header, "document_number": header,
  "category": header, "subject": header}}`` (roles whose column is absent are left out).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credit_check.facts.limits import MAX_COLS, read_capped, zip_problem
from credit_check.facttypes import ErrorKind, Ledger, SheetFacts
from credit_check.model import Extracted, Kind, Sheet

if TYPE_CHECKING:
    from credit_check.facts import ExtractOptions

MAX_ROWS = 200_000  # per sheet; a ledger export is far smaller, a runaway file is not read whole
HEADER_SCAN_ROWS = 15

_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
XLS_UNREADABLE = "XLS 无法读取，请另存为 XLSX / XLS files cannot be read here: save the file as XLSX"

# Column roles of a 双公示 ledger, tried in order; the first matching header wins.
_ROLES: dict[str, re.Pattern[str]] = {
    "publication_date": re.compile(r"(公示|上网|公开|发布|报送|上报)(日期|时间)"),
    "decision_date": re.compile(r"决定.{0,4}(日期|时间)|(许可|处罚|作出)(决定)?(日期|时间)"),
    "document_number": re.compile(r"文书号|文号|决定书号|决定书编号|许可证号|许可证编号|许可编号|证书编号|编号"),
    "category": re.compile(r"类别|类型|种类"),
    "subject": re.compile(r"相对人|当事人|对象名称|名称"),
}


@dataclass(frozen=True)
class LedgerColumns:
    """Where a ledger's columns are: 0-based header row and column indexes by role."""

    header_row: int
    columns: dict[str, int]
    headers: dict[str, str]
    kind: str


def _clean_header(text: str) -> str:
    return re.sub(r"\s+", "", text)


def ledger_columns(sheet: Sheet) -> LedgerColumns | None:
    """The 双公示 ledger layout of `sheet`: a header row with a decision date and a publication
    date or document number column; None when the sheet is not such a ledger."""
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for c, cell in enumerate(row):
            header = _clean_header(cell)
            if not header or len(header) > 30:
                continue
            for role, pattern in _ROLES.items():
                if role not in columns and pattern.search(header):
                    columns[role] = c
                    break
        if "decision_date" in columns and ({"publication_date", "document_number"} & columns.keys()):
            headers = {role: _clean_header(row[c]) for role, c in columns.items()}
            return LedgerColumns(header_row=r, columns=columns, headers=headers, kind=_ledger_kind(sheet, r, columns))
    return None


def _ledger_kind(sheet: Sheet, header_row: int, columns: dict[str, int]) -> str:
    text = sheet.name + "".join(sheet.rows[header_row])
    if "category" in columns:
        c = columns["category"]
        text += "".join(row[c] for row in sheet.rows[header_row + 1:header_row + 500] if c < len(row))
    licence, penalty = "许可" in text, "处罚" in text
    if licence and not penalty:
        return "licence"
    if penalty and not licence:
        return "penalty"
    return "mixed"


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).strip()


def _trim(rows: list[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    while rows and not any(rows[-1]):
        rows.pop()
    return tuple(rows)


def _row(values: Any) -> tuple[str, ...]:
    cells = [cell_text(v) for v in values]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def _read_xlsx(path: Path) -> tuple[list[Sheet], list[str]]:
    import openpyxl

    sheets: list[Sheet] = []
    truncated: list[str] = []
    fh = path.open("rb")  # a file object: openpyxl would refuse names like 台账.XLSX.bak by extension
    wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # exporters often write a wrong <dimension>; read what is there
            rows: list[tuple[str, ...]] = []
            for values in ws.iter_rows(values_only=True, max_col=MAX_COLS):  # a cell in XFD: 16,384 per row
                if len(rows) >= MAX_ROWS:
                    truncated.append(ws.title)
                    break
                rows.append(_row(values))
            sheets.append(Sheet(name=ws.title, rows=_trim(rows)))
    finally:
        wb.close()
        fh.close()
    return sheets, truncated


def xls_date(value: float, datemode: int) -> dt.datetime | dt.time | float:
    """An XLS date cell's serial number as a datetime (a time for serials below 1, the number
    itself when it is no valid date, e.g. negative or beyond 9999)."""
    import xlrd

    if value < 0:
        return value
    try:
        when: dt.datetime = xlrd.xldate.xldate_as_datetime(value, datemode)
    except (xlrd.xldate.XLDateError, OverflowError, ValueError):
        return value
    return when.time() if 0 <= value < 1 else when


def _read_xls(path: Path) -> tuple[list[Sheet], list[str]]:
    import xlrd

    book = xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO())
    sheets: list[Sheet] = []
    truncated: list[str] = []
    try:
        for ws in book.sheets():
            rows: list[tuple[str, ...]] = []
            for r in range(min(ws.nrows, MAX_ROWS)):
                values: list[Any] = []
                for cell in ws.row(r):
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        values.append(xls_date(cell.value, book.datemode))
                    else:
                        values.append(cell.value)
                rows.append(_row(values))
            if ws.nrows > MAX_ROWS:
                truncated.append(ws.name)
            sheets.append(Sheet(name=ws.name, rows=_trim(rows)))
    finally:
        book.release_resources()
    return sheets, truncated


def decode_csv(data: bytes) -> tuple[str, str]:
    """Text and encoding of CSV bytes: UTF-8 with BOM, UTF-8, else GB18030 (covers GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace"), "gb18030"


def _read_csv(path: Path) -> tuple[list[Sheet], list[str], str]:
    text, encoding = decode_csv(read_capped(path)[0])  # a one-line 100 MB CSV is cut (facts/limits.py)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    rows: list[tuple[str, ...]] = []
    truncated: list[str] = []
    for record in csv.reader(io.StringIO(text, newline=""), dialect):
        if len(rows) >= MAX_ROWS:
            truncated.append(path.stem)
            break
        rows.append(_row(cell.strip() for cell in record))
    return [Sheet(name=path.stem, rows=_trim(rows))], truncated, encoding


def _ole(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(64 * 1024)


def extract(path: Path, options: ExtractOptions) -> Extracted:
    """Read every sheet of `path`; unreadable, encrypted or old-format files give an `error`."""
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(8)
    encoding: str | None = None
    fmt: str | None = None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        fmt = "et" if suffix == ".et" else "xls"
        if _ENCRYPTED in _ole(path):
            return Extracted.failed(Kind.SPREADSHEET, ErrorKind.ENCRYPTED, facts=SheetFacts(encrypted=True))
        try:
            sheets, truncated = _read_xls(path)
        except ImportError:
            return Extracted.failed(Kind.SPREADSHEET, ErrorKind.UNSUPPORTED, XLS_UNREADABLE,
                                    facts=SheetFacts(format=suffix.lstrip(".")))
        except Exception as exc:
            if "encrypt" in str(exc).lower():
                return Extracted.failed(Kind.SPREADSHEET, ErrorKind.ENCRYPTED, facts=SheetFacts(encrypted=True))
            return Extracted.failed(Kind.SPREADSHEET, ErrorKind.CORRUPT, f"XLS: {exc}")
    elif head.startswith(b"PK\x03\x04"):
        if (bomb := zip_problem(path)) is not None:
            return Extracted.failed(Kind.SPREADSHEET, ErrorKind.TOO_LARGE, bomb)
        try:
            sheets, truncated = _read_xlsx(path)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            return Extracted.failed(Kind.SPREADSHEET, ErrorKind.CORRUPT, f"XLSX: {type(exc).__name__}")
    else:
        sheets, truncated, encoding = _read_csv(path)
    ledger: Ledger | None = None
    for sheet in sheets:
        found = ledger_columns(sheet)
        if found is not None:
            ledger = Ledger(kind=found.kind, sheet=sheet.name, header_row=found.header_row + 1, columns=found.headers)
            break
    facts = SheetFacts(sheets=len(sheets), rows=sum(len(s.rows) for s in sheets), truncated=tuple(truncated),
                       encoding=encoding, ledger=ledger, format=fmt)
    return Extracted(kind=Kind.SPREADSHEET, facts=facts, sheets=tuple(sheets))
