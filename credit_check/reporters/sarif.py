"""SARIF 2.1.0 output (`--sarif FILE`, `--format sarif`): findings for code scanning (GitHub,
GitLab, the VS Code SARIF viewer) and CI dashboards.

One run of the tool "credit-check". Each finding is a result whose `ruleId` joins the rule and
its sub-check ("D6/seal"; just "read-error" when they coincide). Every rule id that occurs is a
rule with a `name` ("D6-seal"), a short description (the deduction item's title and the id), a
full description (what the sub-check finds, from its check's documentation) and `help` as text
and Markdown (the check's whole documentation, as `credit-check explain` prints it), its default
level the most severe seen. Severity maps to `level`: error → error, warning → warning, info →
note. `message.text` is the message followed by the fix.

Identity: `partialFingerprints["credit-check/v1"]` and `fingerprints["credit-check/v2"]` hold
the finding's fingerprint (`credit_check.fingerprint`: rule, check, place and evidence, never the
wording), so code scanning keeps an alert's history across uploads.

Locations: the file path relative to the evidence root, percent-encoded (RFC 3986), against the
base id `EVIDENCE`, which `originalUriBaseIds` always declares: the root as a `file:` URI when it
is known (`root_uri`, given by the CLI, or the root itself when absolute), else a description of
it. Pages are not lines, so a page goes to `properties.page` instead of a region. A finding about
a task as a whole is located at the task's folder, or at the root when the task has no folder,
and names the task in `logicalLocations`. Files that could not be read are also tool execution
notifications. The score, period and root are in `run.properties`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, TextIO
from urllib.parse import quote

from credit_check.fingerprint import all_of
from credit_check.model import Finding, Report, Severity
from credit_check.reporters import _indent, _labels

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
BASE_ID = "EVIDENCE"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_RANK = {"note": 0, "warning": 1, "error": 2}
FIX_LABEL = {"zh": "修改建议：", "en": "Fix: "}
BASE_LABEL = {"zh": "材料目录", "en": "evidence folder"}
EXPLAIN = {"zh": "详细说明", "en": "More"}


def render(report: Report, lang: str = "zh", *, root_uri: str | None = None) -> str:
    """The SARIF log; `root_uri` is the evidence root as an absolute `file:` URI when the caller
    knows it (the report's root may be relative)."""
    out = io.StringIO()
    write(report, out, lang, root_uri=root_uri)
    return out.getvalue()


def write(report: Report, out: TextIO, lang: str = "zh", *, root_uri: str | None = None) -> None:
    """`render`'s text written to `out` as it is made (`json.dumps(indent=2)`'s text, through
    `_indent`): the artifacts and results are never all built at once. `report.files` is
    iterated once."""
    lang = _labels.check_lang(lang)
    rules = _rules(report.findings, lang)
    folders = {t.id: t.folder for t in (*report.tasks, *report.bonus) if t.folder}
    prints = all_of(report.findings)
    rule_index = {rule["id"]: i for i, rule in enumerate(rules)}
    # One pass over the files: what the artifacts, their index and the read errors need.
    files = [(f.path, f.size, f.sha256, str(f.kind), f.task, f.date, f.date_source, f.error) for f in report.files]
    artifact_index = {path: i for i, (path, *_) in enumerate(files)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": report.tool_name,
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "rules": rules,
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {
                        "level": "warning",
                        "message": {"text": error},
                        "locations": [_location(path, artifact_index)],
                        "descriptor": {"id": "read-error"},
                    }
                    for path, *_, error in files if error is not None
                ],
            }
        ],
        "language": "en-US" if lang == "en" else "zh-CN",
        "artifacts": _indent.Items(
            {
                "location": _artifact_location(path, artifact_index),
                "length": size,
                **({"hashes": {"sha-256": sha256}} if sha256 else {}),
                "properties": {"kind": kind, "task": task, "date": _iso(date), "dateSource": date_source,
                               "error": error},
            }
            for path, size, sha256, kind, task, date, date_source, error in files
        ),
        "results": _indent.Items(_result(f, fp, lang, rule_index, artifact_index, folders)
                                 for f, fp in zip(report.findings, prints, strict=True)),
        "properties": _run_properties(report),
    }
    base = root_uri or _root_uri(report.root)
    described = {"description": {"text": f"{BASE_LABEL[lang]}: {report.root}"}}
    run["originalUriBaseIds"] = {BASE_ID: {"uri": _slash(base), **described} if base else described}
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    _indent.dump(document, out)
    out.write("\n")


def _rules(findings: tuple[Finding, ...], lang: str) -> list[dict[str, Any]]:
    """One descriptor per distinct rule id, sorted; default level = the most severe level seen."""
    levels: dict[str, str] = {}
    sources: dict[str, str] = {}
    for finding in findings:
        rid, level = _labels.rule_id(finding), LEVEL[finding.severity]
        current = levels.get(rid)
        if current is None or _RANK[level] > _RANK[current]:
            levels[rid] = level
        if finding.source:
            sources.setdefault(rid, finding.source)
    rules = []
    for rid in sorted(levels):
        rule, _, check = rid.partition("/")
        title = _labels.rule_title(rule, lang)
        short = f"{title} ({rid})" if title else rid
        doc = _documentation(sources.get(rid, ""), rule)
        full = _bullet(doc, check or rule) or title or rid
        text = (doc or full) + f"\n\n{EXPLAIN[lang]}: ``credit-check explain {rid}``"
        rules.append({
            "id": rid,
            "name": re.sub(r"[^A-Za-z0-9]+", "-", rid).strip("-") or "rule",
            "shortDescription": {"text": short},
            "fullDescription": {"text": _plain(full)},
            "help": {"text": _plain(text), "markdown": _markdown(text)},
            "defaultConfiguration": {"level": levels[rid]},
            "properties": {"rule": rule, "check": check or rule, "tags": [rule]},
        })
    return rules


def _documentation(source: str, rule: str) -> str:
    """The documentation of the check that produced a rule's findings (its module docstring, as
    `credit-check explain` prints it); the task evaluation's for `evidence`."""
    from credit_check import evaluate
    from credit_check.checks import CHECKS, EVIDENCE_SOURCE

    if source == EVIDENCE_SOURCE or rule == "evidence":
        return (evaluate.__doc__ or "").strip()
    module = CHECKS.get(source)
    return ((module.__doc__ if module is not None else "") or "").strip()


def _bullet(doc: str, check: str) -> str:
    """The bullet of `doc` that documents sub-check `check` ("- `seal` (error): …"), joined."""
    lines = doc.splitlines()
    head = re.compile(rf"^\s*[-*]\s+``?{re.escape(check)}``?[\s(:：]")
    for i, line in enumerate(lines):
        if head.match(line):
            indent = len(line) - len(line.lstrip())
            parts = [line.strip().lstrip("-* ").strip()]
            for more in lines[i + 1:]:
                if not more.strip() or more.lstrip().startswith(("- ", "* ")) or len(more) - len(more.lstrip()) <= indent:
                    break
                parts.append(more.strip())
            return " ".join(parts)
    return ""


def _plain(text: str) -> str:
    return text.replace("``", "").replace("`", "").replace("**", "")


def _markdown(text: str) -> str:
    """reStructuredText-ish docstrings as Markdown: ``code`` → `code`; no raw HTML."""
    return text.replace("``", "`").replace("<", "&lt;").replace(">", "&gt;")


def _result(finding: Finding, fingerprint: str, lang: str, rule_index: dict[str, int], artifacts: dict[str, int],
            folders: dict[str, str]) -> dict[str, Any]:
    rid = _labels.rule_id(finding)
    text = _labels.message(finding, lang)
    fix = _labels.fix(finding, lang)
    if fix:
        text = f"{text}\n{FIX_LABEL[lang]}{fix}"
    result: dict[str, Any] = {
        "ruleId": rid,
        "ruleIndex": rule_index[rid],
        "level": LEVEL[finding.severity],
        "message": {"text": text},
    }
    if finding.path is not None:
        result["locations"] = [_location(finding.path, artifacts)]
    else:  # about a task as a whole: its folder, else the root (strict viewers want a location)
        folder = folders.get(finding.task or "")
        where = folder.rstrip("/") + "/" if folder else "./"
        result["locations"] = [{**_location(where, artifacts),
                                "logicalLocations": [{"name": finding.task or finding.rule, "kind": "module"}]}]
    if finding.related:
        result["relatedLocations"] = [
            {"id": i, **_location(path, artifacts)} for i, path in enumerate(finding.related, start=1)
        ]
    if finding.waived:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": finding.waived}]
    result["partialFingerprints"] = {"credit-check/v1": fingerprint}
    result["fingerprints"] = {"credit-check/v2": fingerprint}
    if finding.baseline in ("new", "unchanged"):
        result["baselineState"] = finding.baseline
    properties: dict[str, Any] = {"task": finding.task, "deduction": finding.deduction}
    if finding.page is not None:
        properties["page"] = finding.page
    result["properties"] = properties
    return result


def _location(path: str, artifacts: dict[str, int]) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": _artifact_location(path, artifacts)}}


def _artifact_location(path: str, artifacts: dict[str, int]) -> dict[str, Any]:
    location: dict[str, Any] = {"uri": _labels.quote_path(path), "uriBaseId": BASE_ID}
    if path in artifacts:
        location["index"] = artifacts[path]
    return location


def _slash(uri: str) -> str:
    return uri if uri.endswith("/") else uri + "/"


def _root_uri(root: str) -> str | None:
    """The root as a file URI ending in "/", or None when it is not absolute (no honest URI)."""
    windows = PureWindowsPath(root)
    if windows.drive:
        uri = windows.as_uri() if windows.is_absolute() else None
    else:
        posix = PurePosixPath(root)
        uri = "file://" + quote(str(posix)) if posix.is_absolute() else None
    if uri is None:
        return None
    return uri if uri.endswith("/") else uri + "/"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _run_properties(report: Report) -> dict[str, Any]:
    return {
        "schema": report.schema_id,
        "root": report.root,
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "auditDate": report.audit_date.isoformat(),
        "score": report.score.model_dump(mode="json"),
    }
