"""Per-file caps the readers share, checked before the expensive step (docs/hostile.md).

The parent's time and memory budgets (`facts/runner.py`) stop any reader; these caps make the
common hostile shapes fail fast and precisely instead, with the right error kind:

- `zip_problem(path)`: an OOXML/OFD container whose members would inflate past
  `MAX_UNZIPPED_BYTES` in all or `MAX_MEMBER_BYTES` for one (a 200 MB document.xml), or with a
  compression ratio past `MAX_RATIO` (a zip bomb), or more than `MAX_MEMBERS` members — read from
  the central directory, nothing inflated. Call it before `docx.Document`/`openpyxl.load_workbook`
  and report `ErrorKind.TOO_LARGE` with its text.
- `read_capped(path, limit)`: the first `limit` bytes of a text or CSV file and whether it was cut.
- `MAX_COLS`, `MAX_ROWS`, `MAX_CELLS`: sheet shape caps (pass `max_col=MAX_COLS` to openpyxl's
  `iter_rows`; a cell in column XFD on every row otherwise makes 16,384 values per row).
- `MAX_TEXT_CHARS`: page text kept per file (`textclean` applies it to every reader's result).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from credit_check.textclean import MAX_CELLS, MAX_TEXT_CHARS

MAX_UNZIPPED_BYTES = 400 * 1024 * 1024  # all members of one OOXML/OFD file, inflated
MAX_MEMBER_BYTES = 128 * 1024 * 1024  # one member (document.xml, sheet1.xml), inflated
MAX_RATIO = 200  # inflated ÷ compressed for a member over 1 MB (text XML compresses 10–30 ×)
MAX_MEMBERS = 20_000
MAX_COLS = 256  # columns read per sheet row (a ledger has 10–40; openpyxl pads every row to this)
MAX_ROWS = 200_000  # rows read per sheet
MAX_TEXT_BYTES = 32 * 1024 * 1024  # bytes read of a text or CSV file

__all__ = ["MAX_CELLS", "MAX_COLS", "MAX_MEMBERS", "MAX_MEMBER_BYTES", "MAX_RATIO", "MAX_ROWS",
           "MAX_TEXT_BYTES", "MAX_TEXT_CHARS", "MAX_UNZIPPED_BYTES", "read_capped", "zip_problem"]


def zip_problem(path: Path) -> str | None:
    """Why the zip container at `path` must not be inflated, or None (also None for a file that
    is no valid zip: the reader reports that itself)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if len(infos) > MAX_MEMBERS:
        return f"zip: {len(infos)} members (at most {MAX_MEMBERS})"
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            return f"zip: {info.filename[:60]} inflates to {info.file_size // (1024 * 1024)} MB"
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(1, info.compress_size):
            return f"zip: {info.filename[:60]} is compressed {info.file_size // max(1, info.compress_size)}:1 (a zip bomb)"
    if total > MAX_UNZIPPED_BYTES:
        return f"zip: inflates to {total // (1024 * 1024)} MB in all"
    return None


def read_capped(path: Path, limit: int = MAX_TEXT_BYTES) -> tuple[bytes, bool]:
    """The first `limit` bytes of `path`, and True when the file is longer."""
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    return data[:limit], len(data) > limit
