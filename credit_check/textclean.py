"""Text hygiene: what the evidence says, made safe to match, cache, print and report.

- `clean_text`: extracted text (pages, cells) as the checks see it — lone surrogates (a PDF ToUnicode map can
  produce them; they break JSON and the cache) replaced, NFKC-normalised (full-width letters and
  digits, Kangxi radicals and compatibility ideographs from PDF fonts become the ordinary
  characters the checks' patterns are written for), control characters other than tab and line
  breaks dropped, and the length capped.
- `clean_extracted`: a reader's whole result cleaned (pages and cells NFKC; evidence-text facts,
  sheet names and the error text keep their characters as written) and its personal data pseudonymised (`pii.pseudonymise`) before it leaves the worker, so
  that neither the cache nor any later stage holds a full ID, mobile or card number, while the
  personal-data check (D2) still finds each one, of the same kind, at the same place.
- `safe_text`: a name or message for a terminal — escape sequences (CSI, OSC: window titles,
  clipboard writes) and every other control character removed, bidirectional overrides too.
- `visible_name`: a file or folder name for display: control characters shown as their Unicode
  control pictures (␛, ␇), so a name cannot act on the terminal or break an XML report but stays
  recognisable.
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Any

from pydantic import BaseModel

from credit_check.facttypes import mask_facts
from credit_check.model import Extracted, Sheet

MAX_TEXT_CHARS = 4_000_000  # characters of page text kept per file (a 200-page document has ~200,000)
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_CELLS = 2_000_000  # cells kept per file, over all sheets

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls except tab, LF, CR; DEL; C1 controls. Zero-width and bidi controls are format characters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Terminal escape sequences: CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), other ESC X,
# and their 8-bit forms (CSI U+009B, OSC U+009D).
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1bP|\x90)[^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]?"
)


def fix_surrogates(text: str) -> str:
    """Surrogate pairs joined into their characters, lone surrogates replaced by U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_text(text: str, limit: int = MAX_TEXT_CHARS, *, nfkc: bool = True) -> str:
    """Extracted text for matching: surrogates fixed, NFKC (unless `nfkc` is False: text shown as
    written, such as a quoted title), controls (not tab/newline) dropped, capped at `limit`."""
    if len(text) > limit:
        text = text[:limit]
    text = fix_surrogates(text)
    if nfkc and not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _CONTROL.sub("", text)


def safe_text(text: str) -> str:
    """`text` safe to print on a terminal: escape sequences, control characters (line breaks
    become spaces) and bidirectional overrides removed, lone surrogates replaced."""
    text = fix_surrogates(text)
    text = _ESCAPE.sub("", text)
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return _BIDI.sub("", _CONTROL.sub("", text))


def visible_name(name: str) -> str:
    """A file or folder name for display: C0 controls as control pictures (ESC → ␛), DEL → ␡,
    C1 controls and bidi overrides → U+FFFD, lone surrogates → U+FFFD."""
    name = fix_surrogates(name)
    if name.isprintable():
        return name
    out = []
    for ch in name:
        code = ord(ch)
        if code < 0x20:
            out.append(chr(0x2400 + code))
        elif code == 0x7F:
            out.append("\u2421")
        elif 0x80 <= code <= 0x9F or _BIDI.match(ch):
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def _clean_value(value: Any, key: bytes) -> Any:
    from credit_check.pii import pseudonymise

    if isinstance(value, str):
        return pseudonymise(clean_text(value, MAX_CELL_CHARS, nfkc=False), key)
    return value


def _header_row(rows: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The column context the personal-data check uses: the first row with two or more filled
    cells among the first 15 (checks/personal_data.py)."""
    for row in rows[:15]:
        if sum(1 for c in row if c) >= 2:
            return row
    return ()


def _clean_sheet(sheet: Sheet, key: bytes, budget: int) -> Sheet:
    from credit_check.pii import pseudonymise

    rows: list[tuple[str, ...]] = []
    raw = tuple(tuple(clean_text(c, MAX_CELL_CHARS) for c in row) for row in sheet.rows)
    header = _header_row(raw)
    for row in raw:
        if budget <= 0:
            break
        row = row[:budget]
        budget -= max(1, len(row))
        rows.append(tuple(pseudonymise(c, key, header[j] if j < len(header) else "") if len(c) >= 11 else c
                          for j, c in enumerate(row)))
    return Sheet(name=pseudonymise(clean_text(sheet.name, 200, nfkc=False), key), rows=tuple(rows))


def clean_extracted(result: Extracted, key: bytes | None = None) -> Extracted:
    """A reader's result made safe to cache and check: text hygiene on pages, cells and
    evidence-text facts; personal data pseudonymised with `key` (a random one when None);
    pages and cells capped (`MAX_TEXT_CHARS`, `MAX_CELLS`)."""
    from credit_check.pii import mask_text, pseudonymise

    key = key if key is not None else os.urandom(32)
    pages: list[str] = []
    budget = MAX_TEXT_CHARS
    for page in result.pages:
        text = clean_text(page, max(0, budget))
        budget -= len(text)
        pages.append(pseudonymise(text, key))
    sheets: list[Sheet] = []
    cells = MAX_CELLS
    for sheet in result.sheets:
        cleaned = _clean_sheet(sheet, key, cells)
        cells -= sum(max(1, len(r)) for r in cleaned.rows)
        sheets.append(cleaned)
    facts = mask_facts(result.facts, lambda s: _clean_value(s, key))
    error = mask_text(clean_text(result.error, 2000, nfkc=False)) if result.error else None
    update: dict[str, Any] = {"pages": tuple(pages), "sheets": tuple(sheets), "facts": facts, "error": error}
    return result.model_copy(update=update)


def safe_model(model: Any) -> Any:
    """`model` (a report or any record) with `safe_text` applied to every string in it."""
    if isinstance(model, str):
        return safe_text(model)
    if isinstance(model, tuple):
        return tuple(safe_model(v) for v in model)
    if isinstance(model, list):
        return [safe_model(v) for v in model]
    if isinstance(model, dict):
        return {safe_model(k) if isinstance(k, str) else k: safe_model(v) for k, v in model.items()}
    if isinstance(model, BaseModel):
        update = {}
        for name in type(model).model_fields:
            value = getattr(model, name)
            cleaned = safe_model(value)
            if cleaned is not value and cleaned != value:
                update[name] = cleaned
        return model.model_copy(update=update) if update else model
    return model
