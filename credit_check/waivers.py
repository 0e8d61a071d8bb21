"""Waivers: findings a person has checked and cleared (`credit-check audit --waivers FILE`).

The checks flag what *may* be a defect; the seed cancels the acceptance only once fraud is
confirmed, and a reviewer's colleague may know that a photo filed under two tasks really shows
one joint activity. A waiver records that judgement so that CI on the next snapshot does not
fail on it again. The file is YAML, kept outside the evidence tree:

    - rule: D1               # required
      check: reused          # optional: only this sub-check
      path: "5.4*/*.jpg"     # optional: fnmatch on the finding's path ("*" matches "/")
      reason: 联合活动照片，两项任务共用，已核实   # required: who checked what
      until: 2025-06-30      # optional: the waiver lapses after this date

A waived finding stays in every report, marked with its reason, but deducts nothing, does not
count for `--fail-on`, and does not disqualify.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fnmatch import fnmatch
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from credit_check.model import Finding


class WaiverError(Exception):
    """A waivers file that cannot be used; the message is complete and user-facing."""


class Waiver(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str = Field(min_length=1)
    check: str | None = None
    path: str | None = None
    reason: str = Field(min_length=1)
    until: dt.date | None = None

    def matches(self, finding: Finding, today: dt.date) -> bool:
        if self.until is not None and today > self.until:
            return False
        if finding.rule != self.rule or (self.check is not None and finding.check != self.check):
            return False
        return self.path is None or (finding.path is not None and fnmatch(finding.path, self.path))


def load_waivers(path: Path) -> tuple[Waiver, ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or []
    except OSError as exc:
        raise WaiverError(f"豁免清单无法读取 / cannot read waivers {path}: {exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise WaiverError(f"{path}: 不是有效的 UTF-8 YAML / not valid UTF-8 YAML: {exc}") from None
    try:
        return tuple(TypeAdapter(list[Waiver]).validate_python(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]) or "(top level)"
        raise WaiverError(f"{path}: {where}: {err['msg']}; each entry needs `rule` and `reason` "
                          "(optional `check`, `path`, `until`)") from None


def apply_waivers(findings: Sequence[Finding], waivers: Sequence[Waiver], today: dt.date) -> list[Finding]:
    """Findings with `waived` set to the reason of the first waiver that matches them."""
    out: list[Finding] = []
    for finding in findings:
        waiver = next((w for w in waivers if w.matches(finding, today)), None)
        out.append(finding.model_copy(update={"waived": waiver.reason}) if waiver else finding)
    return out
