"""Stage 6: reporters. One module per format, each a pure `render(report, lang) -> str`."""

from __future__ import annotations

from collections.abc import Callable

from credit_check.model import Report
from credit_check.reporters import html, json, junit, sarif, terminal

Renderer = Callable[[Report, str], str]

FORMATS: dict[str, Renderer] = {
    "text": terminal.render,
    "json": json.render,
    "html": html.render,
    "sarif": sarif.render,
    "junit": junit.render,
}
