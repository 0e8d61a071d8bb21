"""Baselines: what changed since an earlier report (`credit-check audit DIR --baseline OLD.json`).

`load_baseline(path)` reads a JSON report an earlier run wrote (`--format json` or `--json`,
schema `credit-check/report@1`); `compare(report, old)` returns the report with

- each finding marked `baseline="new"` (its fingerprint is not in the old report) or
  `"unchanged"`;
- `report.baseline`: the old report's file name, audit date, total and verdict, and `fixed`,
  the old findings whose fingerprint is gone (a fixed finding, or one whose file was removed).

The old findings' fingerprints are computed afresh from their fields with today's recipe
(`credit_check.fingerprint`), so a baseline written before fingerprints existed, or with an
older recipe, still compares: the recipe uses the rule, check, path, page, task, related paths,
evidence and the locators in the message, all of which every `report@1` carries.

`--fail-on-new` (decided in `cli.exit_code`) then fails only on new findings. Pure apart from
reading the one file; errors are `BaselineError` with a complete bilingual message.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from credit_check.fingerprint import with_fingerprints
from credit_check.model import Baseline, Finding, Report

NEW = "new"
UNCHANGED = "unchanged"
SCHEMA_PREFIX = "credit-check/report@"
_FINDING_FIELDS = frozenset(Finding.model_fields) - {"fingerprint", "baseline"}


class BaselineError(Exception):
    """A baseline file that cannot be used; the message is complete and user-facing."""


@dataclass(frozen=True)
class OldReport:
    source: str
    findings: tuple[Finding, ...]  # with fingerprints computed by today's recipe
    audit_date: dt.date | None
    score: float | None
    passed: bool | None


def load_baseline(path: Path) -> OldReport:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise BaselineError(f"基线报告无法读取 / cannot read the baseline {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"{path}: 不是 JSON 报告 / not a JSON report ({exc}); "
                            "用 --format json 或 --json 生成基线 / write one with --format json or --json") from None
    return parse_baseline(data, path.name)


def parse_baseline(data: Any, source: str) -> OldReport:
    """The old report from its parsed JSON (`source` names it in messages)."""
    if not isinstance(data, dict) or not str(data.get("schema", "")).startswith(SCHEMA_PREFIX):
        raise BaselineError(f"{source}: 不是 credit-check 的 JSON 报告（缺少 \"schema\": \"{SCHEMA_PREFIX}1\"）/ "
                            "not a credit-check JSON report")
    raw = data.get("findings")
    if not isinstance(raw, list):
        raise BaselineError(f"{source}: 缺少 findings 列表 / no findings list")
    findings: list[Finding] = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise BaselineError(f"{source}: findings 第 {number} 条不是对象 / finding {number} is not an object")
        fields = {k: v for k, v in entry.items() if k in _FINDING_FIELDS}
        fields["related"] = tuple(fields.get("related") or ())
        fields["evidence"] = fields.get("evidence") or {}
        try:
            findings.append(Finding.model_validate(fields))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise BaselineError(f"{source}: findings 第 {number} 条 {where}：{err['msg']} / "
                                f"finding {number}, {where}: {err['msg']}") from None
    score = data.get("score")
    score = score if isinstance(score, dict) else {}
    total = score.get("total")
    passed = score.get("passed")
    try:
        audit_date = dt.date.fromisoformat(str(data["audit_date"])) if data.get("audit_date") else None
    except ValueError:
        audit_date = None
    return OldReport(source=source, findings=tuple(with_fingerprints(findings)), audit_date=audit_date,
                     score=float(total) if isinstance(total, int | float) else None,
                     passed=passed if isinstance(passed, bool) else None)


def compare(report: Report, old: OldReport) -> Report:
    """`report` with every finding marked new or unchanged and the old findings that are gone."""
    current = with_fingerprints(report.findings) if not all(f.fingerprint for f in report.findings) \
        else list(report.findings)
    before = {f.fingerprint for f in old.findings}
    now = {f.fingerprint for f in current}
    marked = tuple(f.model_copy(update={"baseline": UNCHANGED if f.fingerprint in before else NEW}) for f in current)
    fixed = tuple(f for f in old.findings if f.fingerprint not in now)
    return report.model_copy(update={
        "findings": marked,
        "baseline": Baseline(source=old.source, audit_date=old.audit_date, score=old.score, passed=old.passed,
                             fixed=fixed),
    })


def new_findings(report: Report) -> tuple[Finding, ...]:
    """The findings a baseline marked new (none without a baseline)."""
    return tuple(f for f in report.findings if f.baseline == NEW)
