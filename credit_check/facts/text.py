"""Facts of plain-text evidence: .txt notes, .url shortcuts, saved web pages (.html, .mht).

Text files are decoded as UTF-8, else GB18030 (Windows Chinese), else with replacement characters.
A `.url` shortcut yields its `URL=` target as fact `url`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from credit_check.facts.limits import read_capped
from credit_check.facttypes import DocumentFacts
from credit_check.model import Extracted, Kind

if TYPE_CHECKING:
    from credit_check.facts import ExtractOptions

_MAX_TEXT = 5 * 1024 * 1024
_TAG = re.compile(r"<[^<>]{0,4096}>")  # bounded: a '<' without its '>' costs nothing
_OPEN = re.compile(r"<(script|style|title)\b", re.I)


def _blocks(html: str) -> tuple[str, str | None]:
    """`html` without its script and style blocks, and the first title's text. One linear pass
    (`str.find` from the last position), never a pattern that rescans the rest of the file for
    each unclosed tag."""
    out: list[str] = []
    title: str | None = None
    pos = 0
    lower = html.lower()
    unclosed: set[str] = set()  # no closing tag after this point: none after any later one either
    for m in _OPEN.finditer(html):
        name = m.group(1).lower()
        if m.start() < pos or name in unclosed:
            continue
        end = lower.find(f"</{name}", m.end())
        if end < 0:
            unclosed.add(name)
            continue
        if name == "title":
            if title is None:
                inner = html[m.end():end]
                title = inner[inner.find(">") + 1:] if ">" in inner else inner
            continue
        out.append(html[pos:m.start()])
        close = lower.find(">", end)
        pos = len(html) if close < 0 else close + 1
    out.append(html[pos:])
    return " ".join(out), title


def decode(data: bytes) -> str:
    for codec in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def extract(path: Path, options: ExtractOptions) -> Extracted:
    data, _ = read_capped(path, _MAX_TEXT)
    text = decode(data)
    url: str | None = None
    title: str | None = None
    suffix = path.suffix.lower()
    if suffix == ".url":
        m = re.search(r"^URL=(.+)$", text, re.M)
        url = m.group(1).strip() if m else None
    elif suffix in (".html", ".htm", ".mht", ".mhtml"):
        body, found = _blocks(text)
        title = re.sub(r"\s+", " ", _TAG.sub(" ", found)).strip()[:200] if found else None
        text = re.sub(r"[ \t\r\f\v]+", " ", _TAG.sub(" ", body))
    if title is None:
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), None)
        title = first[:80] if first else None
    return Extracted(kind=Kind.DOCUMENT, facts=DocumentFacts(url=url, title=title), pages=(text,))
