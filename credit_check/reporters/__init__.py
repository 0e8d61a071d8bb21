"""Stage 6: reporters. One module per format, each a pure function of the `Report`:
`render(report, lang) -> str` (text formats, `FORMATS`) or `-> bytes` (the workbook, `BINARY`).

`render_output` is what the CLI calls for each file it writes: it adds what only the place of
the output decides (the HTML report's relative links to the evidence files).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from credit_check.model import Report
from credit_check.pii import mask_text
from credit_check.reporters import html, json, junit, markdown, sarif, terminal, xlsx

Renderer = Callable[[Report, str], str]
BinaryRenderer = Callable[[Report, str], bytes]

FORMATS: dict[str, Renderer] = {
    "text": terminal.render,
    "json": json.render,
    "html": html.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "markdown": markdown.render,
}
BINARY: dict[str, BinaryRenderer] = {
    "xlsx": xlsx.render,
}


def link_base(root: Path, output: Path | None) -> str:
    """The evidence root as a URL prefix relative to the folder `output` is written in (the
    current folder when None), so the HTML report's links open the files; the root as a
    `file:` URI when no relative path leads there (another drive)."""
    folder = (output.parent if output is not None else Path()).absolute()
    try:
        relative = os.path.relpath(root.absolute(), folder)
    except ValueError:  # Windows: another drive
        return html.default_link_base(mask_text(str(root.absolute())))
    # A folder named after a person (an ID or mobile number) is masked here as everywhere: the
    # links below it then do not open, which is the price of not printing the number.
    return html.default_link_base(mask_text(relative.replace(os.sep, "/")))


def render_output(name: str, report: Report, lang: str, output: Path | None = None,
                  root: Path | None = None) -> str | bytes:
    """The report in format `name` as written to `output` (None: standard output) for the
    evidence folder `root`."""
    if name in BINARY:
        return BINARY[name](report, lang)
    if name == "html" and root is not None:
        return html.render(report, lang, link_base=link_base(root, output))
    if name == "sarif" and root is not None:
        absolute = root.absolute()
        masked = mask_text(str(absolute))
        return sarif.render(report, lang, root_uri=absolute.as_uri() if masked == str(absolute) else None)
    return FORMATS[name](report, lang)
