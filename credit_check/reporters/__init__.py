"""Stage 6: reporters. One module per format, each a pure function of the `Report`:
`render(report, lang) -> str` (text formats, `FORMATS`) or `-> bytes` (the workbook, `BINARY`).

`render_output` is what the CLI calls for each file it writes: it adds what only the place of
the output decides (the HTML report's relative links to the evidence files). `write_output`
writes one to a file atomically, the large formats (JSON, SARIF) streamed to the temporary file
rather than built as one string first.

A format's module is imported when that format is asked for, not before: writing JSON loads
neither openpyxl (the workbook) nor the HTML template.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import cast

from credit_check.model import Report
from credit_check.outputs import atomic_file, atomic_text
from credit_check.pii import mask_text

Renderer = Callable[[Report, str], str]
BinaryRenderer = Callable[[Report, str], bytes]

_MODULE = {"text": "terminal", "json": "json", "html": "html", "sarif": "sarif", "junit": "junit",
           "markdown": "markdown", "xlsx": "xlsx"}


def module(name: str) -> ModuleType:
    """The reporter module of format `name` (imported on first use)."""
    return importlib.import_module(f"credit_check.reporters.{_MODULE[name]}")


def _lazy(name: str) -> Renderer:
    def render(report: Report, lang: str) -> str:
        return cast(str, module(name).render(report, lang))

    render.__name__ = render.__qualname__ = f"{_MODULE[name]}.render"
    return render


def _lazy_binary(name: str) -> BinaryRenderer:
    def render(report: Report, lang: str) -> bytes:
        return cast(bytes, module(name).render(report, lang))

    render.__name__ = render.__qualname__ = f"{_MODULE[name]}.render"
    return render


FORMATS: dict[str, Renderer] = {name: _lazy(name) for name in ("text", "json", "html", "sarif", "junit", "markdown")}
BINARY: dict[str, BinaryRenderer] = {"xlsx": _lazy_binary("xlsx")}


def link_base(root: Path, output: Path | None) -> str:
    """The evidence root as a URL prefix relative to the folder `output` is written in (the
    current folder when None), so the HTML report's links open the files; the root as a
    `file:` URI when no relative path leads there (another drive)."""
    from credit_check.reporters import html

    folder = (output.parent if output is not None else Path()).absolute()
    try:
        relative = os.path.relpath(root.absolute(), folder)
    except ValueError:  # Windows: another drive
        return html.default_link_base(mask_text(str(root.absolute())))
    # A folder named after a person (an ID or mobile number) is masked here as everywhere: the
    # links below it then do not open, which is the price of not printing the number.
    return html.default_link_base(mask_text(relative.replace(os.sep, "/")))


def _sarif_root_uri(root: Path) -> str | None:
    absolute = root.absolute()
    masked = mask_text(str(absolute))
    return absolute.as_uri() if masked == str(absolute) else None


def render_output(name: str, report: Report, lang: str, output: Path | None = None,
                  root: Path | None = None) -> str | bytes:
    """The report in format `name` as written to `output` (None: standard output) for the
    evidence folder `root`."""
    if name in BINARY:
        return BINARY[name](report, lang)
    if name == "html" and root is not None:
        from credit_check.reporters import html

        return html.render(report, lang, link_base=link_base(root, output))
    if name == "sarif" and root is not None:
        from credit_check.reporters import sarif

        return sarif.render(report, lang, root_uri=_sarif_root_uri(root))
    return FORMATS[name](report, lang)


def write_output(name: str, report: Report, lang: str, output: Path, root: Path | None = None) -> None:
    """The report in format `name` written to the file `output`, whole or not at all (as
    `credit_check.outputs.write_atomic`): JSON and SARIF are streamed to the temporary file, the
    other formats rendered and then written. Raises `OSError` when it cannot be written."""
    if name == "json":
        from credit_check.reporters import json

        with atomic_text(output) as out:
            json.write(report, out, lang)
        return
    if name == "sarif":
        from credit_check.reporters import sarif

        with atomic_text(output) as out:
            sarif.write(report, out, lang, root_uri=_sarif_root_uri(root) if root is not None else None)
        return
    rendered = render_output(name, report, lang, output, root)
    with atomic_file(output) as fh:
        fh.write(rendered.encode("utf-8") if isinstance(rendered, str) else rendered)
