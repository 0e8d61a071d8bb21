"""Waivers: findings a person has checked and cleared (`credit-check audit --waivers FILE`).

The checks flag what *may* be a defect; the seed cancels the acceptance only once fraud is
confirmed, and a reviewer's colleague may know that a photo filed under two tasks really shows
one joint activity. A waiver records that judgement so that CI on the next snapshot does not
fail on it again. The file is YAML in UTF-8, kept outside the evidence tree:

    - rule: D1               # required: a deduction item (D1…D7) or another rule of the report
      check: reused          # optional: only this sub-check
      path: "5.4*/*.jpg"     # optional: fnmatch on the finding's path ("*" matches "/")
      reason: 联合活动照片，两项任务共用，已核实   # required: who checked what
      until: 2025-06-30      # optional: the waiver lapses after this date

A waived finding stays in every report, marked with its reason and listed under 已豁免 instead
of the to-do list, but deducts nothing, does not count for `--fail-on`, and does not disqualify.

Mistakes are errors that name the entry (1-based, as a person counts them) in Chinese and
English: a key other than the five above, a missing `rule` or `reason`, a rule the tool does not
know, a date that is not YYYY-MM-DD, a file that is not UTF-8. Waivers that have expired, and
waivers that match no finding of the audit, are reported (`review_waivers`) so they get cleaned
up. `audit --no-waivers` ignores the file: for CI jobs that must not be overridden.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from credit_check.catalogue.loader import safe_yaml_load
from credit_check.model import Finding

KEYS = ("rule", "check", "path", "reason", "until")
UTF8_HINT = ("不是 UTF-8 编码，请用记事本打开后“另存为”，编码选 UTF-8 / not UTF-8 text: "
             "save the file as UTF-8 (Notepad: Save as → Encoding: UTF-8)")


class WaiverError(Exception):
    """A waivers file that cannot be used; the message is complete and user-facing."""


class Waiver(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str = Field(min_length=1)
    check: str | None = None
    path: str | None = None
    reason: str = Field(min_length=1)
    until: dt.date | None = None

    def expired(self, today: dt.date) -> bool:
        return self.until is not None and today > self.until

    def applies(self, finding: Finding) -> bool:
        """Whether the waiver names this finding (whatever its date)."""
        if finding.rule != self.rule or (self.check is not None and finding.check != self.check):
            return False
        return self.path is None or (finding.path is not None and fnmatch(finding.path, self.path))

    def matches(self, finding: Finding, today: dt.date) -> bool:
        return not self.expired(today) and self.applies(finding)


def _read(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WaiverError(f"豁免清单无法读取 / cannot read waivers {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WaiverError(f"{path}: {UTF8_HINT}") from None
    try:
        return safe_yaml_load(text, str(path))  # nesting, size and alias limits before PyYAML builds it
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: too deep or large, or a date like 2025-13-01
        mark = getattr(exc, "problem_mark", None)
        where = f" 第 {mark.line + 1} 行 / line {mark.line + 1}:" if mark else ""
        raise WaiverError(f"{path}:{where} YAML 格式错误 / invalid YAML: {getattr(exc, 'problem', None) or exc}; "
                          "检查缩进和引号 / check the indentation and quoting there") from None


def _entry_error(path: Path, n: int, entry: Any, zh: str, en: str) -> WaiverError:
    rule = entry.get("rule") if isinstance(entry, dict) else None
    which = f"（rule: {rule}）" if isinstance(rule, str) and rule else ""
    which_en = f" (rule: {rule})" if isinstance(rule, str) and rule else ""
    return WaiverError(f"{path}: 第 {n} 条{which}：{zh} / entry {n}{which_en}: {en}")


def _validate(path: Path, n: int, entry: Any, known_rules: Collection[str] | None) -> Waiver:
    if not isinstance(entry, dict):
        raise _entry_error(path, n, entry, "应为“键: 值”形式的条目",
                           "must be a mapping with `rule` and `reason` (optional `check`, `path`, `until`)")
    unknown = [str(k) for k in entry if k not in KEYS]
    if unknown:
        raise _entry_error(path, n, entry, f"未知字段 {'、'.join(unknown)}（可用字段：{'、'.join(KEYS)}）",
                           f"unknown field {', '.join(f'`{k}`' for k in unknown)} (allowed: {', '.join(KEYS)})")
    for key in ("rule", "reason"):
        if entry.get(key) in (None, ""):
            raise _entry_error(path, n, entry, f"缺少 {key}", f"`{key}` is missing")
    try:
        waiver = Waiver.model_validate(entry)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else "?"
        if key == "until":
            raise _entry_error(path, n, entry, "until 应为日期，如 2025-06-30",
                               "`until` must be a date YYYY-MM-DD") from None
        raise _entry_error(path, n, entry, f"{key} 的值无效：{err['msg']}",
                           f"bad value for `{key}`: {err['msg']}") from None
    if known_rules is not None and waiver.rule not in known_rules:
        listed = ", ".join(sorted(known_rules))
        raise _entry_error(path, n, entry, f"未知规则 {waiver.rule}（可用：{listed}）",
                           f"unknown rule `{waiver.rule}` (known rules: {listed})")
    return waiver


def load_waivers(path: Path, known_rules: Collection[str] | None = None) -> tuple[Waiver, ...]:
    """The waivers of `path`, in file order (entry n is item n - 1). `known_rules`: the rule ids a
    finding can have (`explain.known_rules`); None accepts any rule."""
    data = _read(path)
    if data is None:
        return ()
    if not isinstance(data, list):
        raise WaiverError(f"{path}: 豁免清单应为条目列表（每条以“- ”开头）/ the file must be a list of entries, "
                          "each starting with `- ` (see `credit-check explain waivers`)")
    return tuple(_validate(path, n, entry, known_rules) for n, entry in enumerate(data, start=1))


def apply_waivers(findings: Sequence[Finding], waivers: Sequence[Waiver], today: dt.date) -> list[Finding]:
    """Findings with `waived` set to the reason of the first waiver that matches them."""
    out: list[Finding] = []
    for finding in findings:
        waiver = next((w for w in waivers if w.matches(finding, today)), None)
        out.append(finding.model_copy(update={"waived": waiver.reason}) if waiver else finding)
    return out


@dataclass(frozen=True)
class WaiverNote:
    """A waiver to clean up: `expired` (its `until` has passed; `matched` findings count again)
    or `unused` (it matches no finding of this audit)."""

    entry: int  # 1-based position in the file
    waiver: Waiver
    kind: Literal["expired", "unused"]
    matched: int = 0

    def text(self, lang: str) -> str:
        w = self.waiver
        what = w.rule + (f"/{w.check}" if w.check else "") + (f" {w.path}" if w.path else "")
        if lang == "en":
            if self.kind == "expired":
                again = f"; the {self.matched} findings it named count again" if self.matched else \
                    "; it matches no finding any more"
                return f"waiver {self.entry} ({what}) expired on {w.until}{again}: renew or remove it"
            return f"waiver {self.entry} ({what}) matches no finding: remove it, or correct its rule, check or path"
        if self.kind == "expired":
            again = f"，它豁免的 {self.matched} 条问题重新计入" if self.matched else "，且已不匹配任何问题"
            return f"豁免清单第 {self.entry} 条（{what}）已于 {w.until} 过期{again}：请续期或删除"
        return f"豁免清单第 {self.entry} 条（{what}）没有匹配任何问题：请删除，或更正 rule、check、path"


def review_waivers(waivers: Sequence[Waiver], findings: Sequence[Finding], today: dt.date) -> tuple[WaiverNote, ...]:
    """The waivers that need a person's attention: expired ones, and ones matching nothing."""
    notes: list[WaiverNote] = []
    for n, waiver in enumerate(waivers, start=1):
        matched = sum(1 for f in findings if waiver.applies(f))
        if waiver.expired(today):
            notes.append(WaiverNote(entry=n, waiver=waiver, kind="expired", matched=matched))
        elif not matched:
            notes.append(WaiverNote(entry=n, waiver=waiver, kind="unused"))
    return tuple(notes)
