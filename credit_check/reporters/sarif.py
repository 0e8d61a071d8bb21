"""SARIF 2.1.0 output (`--format sarif`): findings for code-scanning viewers and CI dashboards.

One run of the tool "credit-check". Each finding is a result whose `ruleId` joins the rule and
its sub-check ("D6/seal"; just "read-error" when they coincide); the distinct ids are listed as
rules with a short description. Severity maps to `level`: error → error, warning → warning,
info → note. `message.text` is the message followed by the fix.

Locations: the file path relative to the evidence root, percent-encoded (RFC 3986), against the
base id `EVIDENCE`; `originalUriBaseIds.EVIDENCE` is the root as a file URI when the root is an
absolute path. Pages are not lines, so a page goes to `properties.page` instead of a region.
Findings without a path have no location. Files that could not be read are listed, like a
scanner's skipped files, as tool execution notifications (as well as their `read-error`
results). The score, period and root are in `run.properties`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from credit_check.model import Finding, Report, Severity
from credit_check.reporters import _labels

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
BASE_ID = "EVIDENCE"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_RANK = {"note": 0, "warning": 1, "error": 2}
FIX_LABEL = {"zh": "修改建议：", "en": "Fix: "}


def render(report: Report, lang: str = "zh") -> str:
    lang = _labels.check_lang(lang)
    rules = _rules(report.findings, lang)
    rule_index = {rule["id"]: i for i, rule in enumerate(rules)}
    artifact_index = {f.path: i for i, f in enumerate(report.files)}
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
                        "message": {"text": reason},
                        "locations": [_location(path, artifact_index)],
                        "descriptor": {"id": "read-error"},
                    }
                    for path, reason in _labels.unreadable(report)
                ],
            }
        ],
        "language": "en-US" if lang == "en" else "zh-CN",
        "artifacts": [
            {
                "location": _artifact_location(f.path, artifact_index),
                "length": f.size,
                **({"hashes": {"sha-256": f.sha256}} if f.sha256 else {}),
                "properties": {"kind": str(f.kind), "task": f.task, "date": _iso(f.date),
                               "dateSource": f.date_source, "error": f.error},
            }
            for f in report.files
        ],
        "results": [_result(f, lang, rule_index, artifact_index) for f in report.findings],
        "properties": _run_properties(report),
    }
    base = _root_uri(report.root)
    if base is not None:
        run["originalUriBaseIds"] = {BASE_ID: {"uri": base}}
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _rules(findings: tuple[Finding, ...], lang: str) -> list[dict[str, Any]]:
    """One descriptor per distinct rule id, sorted; default level = the most severe level seen."""
    levels: dict[str, str] = {}
    for finding in findings:
        rid, level = _labels.rule_id(finding), LEVEL[finding.severity]
        current = levels.get(rid)
        if current is None or _RANK[level] > _RANK[current]:
            levels[rid] = level
    rules = []
    for rid in sorted(levels):
        rule = rid.split("/", 1)[0]
        title = _labels.rule_title(rule, lang)
        text = f"{title} ({rid})" if title else rid
        rules.append({
            "id": rid,
            "shortDescription": {"text": text},
            "defaultConfiguration": {"level": levels[rid]},
            "properties": {"rule": rule, "check": rid.split("/", 1)[-1]},
        })
    return rules


def _result(finding: Finding, lang: str, rule_index: dict[str, int], artifacts: dict[str, int]) -> dict[str, Any]:
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
    else:  # about the tree as a whole (a task with no folder): the root, so strict viewers accept it
        result["locations"] = [{**_location("./", artifacts),
                                "logicalLocations": [{"name": finding.task or finding.rule, "kind": "module"}]}]
    if finding.related:
        result["relatedLocations"] = [
            {"id": i, **_location(path, artifacts)} for i, path in enumerate(finding.related, start=1)
        ]
    if finding.waived:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": finding.waived}]
    identity = "\x1f".join((rid, finding.path or "", str(finding.page), finding.message))
    result["fingerprints"] = {"credit-check/v1": hashlib.sha256(identity.encode()).hexdigest()}
    properties: dict[str, Any] = {"task": finding.task, "deduction": finding.deduction}
    if finding.page is not None:
        properties["page"] = finding.page
    result["properties"] = properties
    return result


def _location(path: str, artifacts: dict[str, int]) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": _artifact_location(path, artifacts)}}


def _artifact_location(path: str, artifacts: dict[str, int]) -> dict[str, Any]:
    location: dict[str, Any] = {"uri": quote(path, safe="/"), "uriBaseId": BASE_ID}
    if path in artifacts:
        location["index"] = artifacts[path]
    return location


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
