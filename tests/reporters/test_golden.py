"""Golden files: every format of the report on `samples/evidence` (audit date 2025-01-15), compared
with `tests/golden/evidence.*` character for character.

What changes from one machine or release to the next is normalised first: the tool version
(`0.0.0-golden`) and the root (`samples/evidence`, however the tests reach it). The workbook is
compared as the text of its cells, sheet by sheet. The JSON report is compared without the
files' `facts` records and text sketches: those belong to the readers (new facts are added often, and their own
tests pin them); everything a reporter decides — findings, fingerprints, tasks, score, files —
is compared. Likewise SARIF's rule documentation (`fullDescription`, `help`) is the checks'
docstrings, pinned by `test_sarif.py`, and is replaced by a marker here. A difference fails with the first lines that
differ; when the change is intended, write the files again and review the diff:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/reporters/test_golden.py

The sample's findings depend on OCR (watermark stamps), so without the `ocr` extra these tests
are skipped rather than compared against a different audit.
"""

from __future__ import annotations

import difflib
import io
import json
import os
from collections.abc import Callable

import jsonschema
import pytest
from openpyxl import load_workbook

from credit_check.model import Report
from credit_check.reporters import html, junit, markdown, sarif, terminal, xlsx
from credit_check.reporters import json as json_report
from tests.conftest import REPO_ROOT, SARIF_SCHEMA
from tests.reporters.samples import HAS_OCR, sample_report

GOLDEN = REPO_ROOT / "tests" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN", "") not in ("", "0")
SCHEMA = SARIF_SCHEMA if SARIF_SCHEMA.is_file() else REPO_ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"

pytestmark = pytest.mark.skipif(not HAS_OCR, reason="the sample's findings need the ocr extra")


def normalised() -> Report:
    """The sample report with what differs between machines and releases fixed."""
    return sample_report("evidence").model_copy(update={"tool_version": "0.0.0-golden", "root": "samples/evidence"})


def workbook_text(data: bytes) -> str:
    """The workbook's cells as text: one block per sheet, one tab-separated line per row."""
    book = load_workbook(io.BytesIO(data))
    lines: list[str] = []
    for ws in book.worksheets:
        lines.append(f"## {ws.title}")
        for row in ws.iter_rows(values_only=True):
            lines.append("\t".join("" if v is None else str(v) for v in row).rstrip("\t"))
    return "\n".join(lines) + "\n"


def _without_facts(text: str) -> str:
    data = json.loads(text)
    for entry in data["files"]:
        entry.pop("facts")
        entry.pop("text_sketch", None)  # hashes of the readers' text: pinned by tests/pipeline/test_merge.py
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _without_rule_docs(text: str) -> str:
    data = json.loads(text)
    for rule in data["runs"][0]["tool"]["driver"]["rules"]:
        rule["fullDescription"] = {"text": "<the check's documentation>"}
        rule["help"] = {"text": "<the check's documentation>", "markdown": "<the check's documentation>"}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {
    "txt": lambda r: terminal.render(r, "zh", width=120),
    "json": lambda r: _without_facts(json_report.render(r)),
    "html": lambda r: html.render(r, "zh"),
    "sarif": lambda r: _without_rule_docs(sarif.render(r, "zh")),
    "junit.xml": lambda r: junit.render(r, "zh"),
    "md": lambda r: markdown.render(r, "zh"),
    "xlsx.txt": lambda r: workbook_text(xlsx.render(r, "zh")),
    "en.md": lambda r: markdown.render(r, "en"),
}


def _compare(name: str, text: str) -> None:
    text = text.replace(str(REPO_ROOT), "<repo>")
    path = GOLDEN / f"evidence.{name}"
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    if not path.is_file():
        pytest.fail(f"{path} is missing: write it with UPDATE_GOLDEN=1 and review it")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = list(difflib.unified_diff(expected.splitlines(), text.splitlines(), f"golden/{path.name}", "now",
                                         lineterm="", n=1))
        pytest.fail(f"{path.name} differs from the golden file ({len(diff)} diff lines; if intended, "
                    "run with UPDATE_GOLDEN=1 and review):\n" + "\n".join(diff[:60]))


@pytest.mark.parametrize("name", list(FORMATS))
def test_golden(name: str) -> None:
    _compare(name, FORMATS[name](normalised()))


def test_rendering_is_deterministic() -> None:
    report = normalised()
    for render in FORMATS.values():
        assert render(report) == render(report)
    assert xlsx.render(report) == xlsx.render(report)


def test_sample_sarif_is_schema_valid() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = json.loads(sarif.render(normalised(), root_uri=(REPO_ROOT / "samples" / "evidence").as_uri()))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    assert [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)] == []
    run = document["runs"][0]
    assert all(r.get("partialFingerprints") for r in run["results"])
    assert all(rule["help"]["text"] and rule["fullDescription"]["text"] for rule in run["tool"]["driver"]["rules"])

