"""JSON report, schema `credit-check/report@1` (documented in docs/report-schema.md)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO, cast

from credit_check.fingerprint import all_of
from credit_check.model import Baseline, EvidenceFile, Finding, Report, TaskResult

SCHEMA = "credit-check/report@1"


def _task(t: TaskResult) -> dict[str, Any]:
    return {
        "id": t.id, "title": t.title, "primary": t.primary, "units": list(t.units), "points": t.points, "score": t.score,
        "status": t.status.value, "folder": t.folder, "files": list(t.files), "reasons": list(t.reasons), "reasons_en": list(t.reasons_en),
        "title_en": t.title_en,
        "requirements": [r.model_dump(mode="json") for r in t.requirements],
    }


def _finding(f: Finding, fingerprint: str = "") -> dict[str, Any]:
    return {
        "rule": f.rule, "check": f.check, "severity": f.severity.value, "path": f.path, "page": f.page,
        "task": f.task, "message": f.message, "fix": f.fix, "deduction": f.deduction,
        "message_en": f.message_en, "fix_en": f.fix_en, "related": list(f.related), "waived": f.waived,
        "source": f.source, "evidence": dict(f.evidence), "fingerprint": fingerprint or f.fingerprint,
        "baseline": f.baseline,
    }


def _file(f: EvidenceFile) -> dict[str, Any]:
    return {
        "path": f.path, "kind": f.kind.value, "task": f.task, "date": f.date.isoformat() if f.date else None,
        "date_source": f.date_source, "facts": f.facts.model_dump(mode="json"), "error": f.error,
        "error_kind": f.error_kind.value if f.error_kind else None, "size": f.size, "sha256": f.sha256,
        "text_sketch": f.text_sketch.model_dump(mode="json") if f.text_sketch else None,
    }


def to_dict(report: Report) -> dict[str, Any]:
    s = report.score
    return {
        "schema": SCHEMA,
        "tool": {"name": report.tool_name, "version": report.tool_version},
        "root": report.root,
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "audit_date": report.audit_date.isoformat(),
        "score": {"total": s.total, "max": s.max, "pass_mark": s.pass_mark, "tasks": s.tasks, "bonus": s.bonus,
                  "deductions": s.deductions, "disqualified": s.disqualified, "passed": s.passed},
        "tasks": [_task(t) for t in report.tasks],
        "bonus": [_task(b) for b in report.bonus],
        "findings": [_finding(f, fp) for f, fp in zip(report.findings, all_of(report.findings), strict=True)],
        "files": [_file(f) for f in report.files],
        "baseline": _baseline(report.baseline, s.total),
        "baseline_fixed": [_finding(f) for f in report.baseline.fixed] if report.baseline else [],
    }


def _baseline(baseline: Baseline | None, total: float) -> dict[str, Any] | None:
    if baseline is None:
        return None
    change = None if baseline.score is None else round(total - baseline.score, 4)
    return {"source": baseline.source, "audit_date": baseline.audit_date.isoformat() if baseline.audit_date else None,
            "score": baseline.score, "passed": baseline.passed, "score_change": change}


def render(report: Report, lang: str = "zh") -> str:
    """The report as JSON text (UTF-8, Chinese kept readable). `lang` does not change the contract.

    One top-level field per line, and one line per task, finding and file: a report of 10,000
    files is written three times faster than fully indented (the C encoder does each line; the
    indenting one is pure Python) and stays easy to grep and to diff, one file per line."""
    out = io.StringIO()
    write(report, out, lang)
    return out.getvalue()


def write(report: Report, out: TextIO, lang: str = "zh") -> None:
    """`render`'s text written to `out` piece by piece: one file's record exists at a time, never
    the whole report as one string (a report of 10,000 files is ~30 MB of text). `report.files`
    is iterated once."""
    encode = _encoder()
    s = report.score
    fields: Iterable[tuple[str, Any]] = (
        ("schema", SCHEMA),
        ("tool", {"name": report.tool_name, "version": report.tool_version}),
        ("root", report.root),
        ("period", {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()}),
        ("audit_date", report.audit_date.isoformat()),
        ("score", {"total": s.total, "max": s.max, "pass_mark": s.pass_mark, "tasks": s.tasks, "bonus": s.bonus,
                   "deductions": s.deductions, "disqualified": s.disqualified, "passed": s.passed}),
        ("tasks", (encode(_task(t)) for t in report.tasks)),
        ("bonus", (encode(_task(b)) for b in report.bonus)),
        ("findings", (encode(_finding(f, fp)) for f, fp in zip(report.findings, all_of(report.findings), strict=True))),
        ("files", _file_lines(report, encode)),
        ("baseline", None),  # below: needs only the score
        ("baseline_fixed", (encode(_finding(f)) for f in report.baseline.fixed) if report.baseline else ()),
    )
    out.write("{\n")
    for n, (key, value) in enumerate(fields):
        if key == "baseline":
            value = _baseline(report.baseline, s.total)
        head = (",\n" if n else "") + f"  {encode(key)}: "
        if isinstance(value, (dict, str)) or value is None:
            out.write(head + encode(value))
            continue
        out.write(head)
        _write_list(out, value)
    out.write("\n}\n")


_BATCH = 1 << 16  # characters of encoded items gathered per write (a file's line is ~2,000)


def _file_lines(report: Report, encode: Callable[[Any], str]) -> Iterator[str]:
    """Each file's line; through `report.files.encoded` when the records offer it (`records.Records`:
    the lines of unchanged files are read back from the last audit, not built)."""
    def line(f: EvidenceFile) -> str:
        return encode(_file(f))

    encoded = getattr(report.files, "encoded", None)
    if callable(encoded):
        return cast("Iterator[str]", encoded(line))
    return (line(f) for f in report.files)


def _write_list(out: TextIO, lines: Iterable[str]) -> None:
    """A list of encoded items as `[`, one per line indented by four, `]` indented by two; `[]`
    when empty."""
    batch: list[str] = []
    size = 0
    started = False
    for text in lines:
        batch.append(text)
        size += len(text)
        if size >= _BATCH:
            out.write(("[\n    " if not started else ",\n    ") + ",\n    ".join(batch))
            batch.clear()
            size = 0
            started = True
    if batch:
        out.write(("[\n    " if not started else ",\n    ") + ",\n    ".join(batch))
        started = True
    out.write("\n  ]" if started else "[]")


def _encoder() -> Callable[[Any], str]:
    """`json.JSONEncoder(ensure_ascii=False, default=str).encode`, with the C encoder made once
    rather than once per call (the same text)."""
    encoder = json.JSONEncoder(ensure_ascii=False, default=str)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: the pure-Python encoder, same output
        return encoder.encode
    one = make(None, encoder.default, json.encoder.encode_basestring, None, encoder.key_separator,
               encoder.item_separator, False, False, True)
    basestring = json.encoder.encode_basestring

    def encode(value: Any) -> str:
        if isinstance(value, str):
            return str(basestring(value))
        return "".join(one(value, 0))

    return encode
