"""Facts of plain-text evidence: .txt notes, .url shortcuts, saved web pages (.html, .mht).

Text files are decoded as UTF-8, else GB18030 (Windows Chinese), else with replacement characters.
A `.url` shortcut yields its `URL=` target as fact `url`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from credit_check.facttypes import DocumentFacts
from credit_check.model import Extracted, Kind

if TYPE_CHECKING:
    from credit_check.facts import ExtractOptions

_MAX_TEXT = 5 * 1024 * 1024
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)


def decode(data: bytes) -> str:
    for codec in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def extract(path: Path, options: ExtractOptions) -> Extracted:
    with path.open("rb") as fh:
        text = decode(fh.read(_MAX_TEXT))
    url: str | None = None
    title: str | None = None
    suffix = path.suffix.lower()
    if suffix == ".url":
        m = re.search(r"^URL=(.+)$", text, re.M)
        url = m.group(1).strip() if m else None
    elif suffix in (".html", ".htm", ".mht", ".mhtml"):
        found = _TITLE.search(text)
        title = re.sub(r"\s+", " ", found.group(1)).strip() if found else None
        text = re.sub(r"[ \t\r\f\v]+", " ", _TAG.sub(" ", text))
    if title is None:
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), None)
        title = first[:80] if first else None
    return Extracted(kind=Kind.DOCUMENT, facts=DocumentFacts(url=url, title=title), pages=(text,))
