"""Gates: whether an audit fails (exit code 1), and the one line that says why.

Three things fail an audit:
- the result is disqualified: an error-level finding of a deduction item with `disqualify: true`
  (D1) that no waiver clears — always, whatever the options;
- `--fail-under N`: the total score is below N;
- `--fail-on LEVEL`: a finding at LEVEL or worse (`error`; `warning` = warnings and errors) that
  no waiver clears.

`decide` returns the exit code and every reason, each naming its threshold, in Chinese and in
English, so that the last line a CI log shows explains the red build.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from credit_check.model import Finding, Report, Severity

LEVELS: dict[str, tuple[Severity, ...]] = {
    "error": (Severity.ERROR,),
    "warning": (Severity.ERROR, Severity.WARNING),
    "never": (),
}
_SEV_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


@dataclass(frozen=True)
class Gate:
    code: int  # 0 passed, 1 failed
    reasons_zh: tuple[str, ...] = ()
    reasons_en: tuple[str, ...] = ()

    def line(self, lang: str) -> str:
        """The reasons as one line, or "" when the audit passed."""
        if not self.code:
            return ""
        if lang == "en":
            return "credit-check: FAILED (exit 1): " + "; ".join(self.reasons_en)
        return "credit-check: 未通过（退出码 1）：" + "；".join(self.reasons_zh)


def _number(value: float) -> str:
    return f"{value:g}"


def _rule_id(f: Finding) -> str:
    return f.rule if not f.check or f.check == f.rule else f"{f.rule}/{f.check}"


def decide(report: Report, *, fail_under: float | None, fail_on: str, disqualifying: Collection[str],
           counted: Sequence[Finding] | None = None, new_only: bool = False) -> Gate:
    """The exit code and its reasons. `disqualifying`: the rule ids whose error findings
    disqualify (the catalogue's `disqualify: true` items). `counted`: the findings `--fail-on`
    looks at (default: all of the report's); `new_only` says they are the findings new since a
    baseline, for the wording."""
    zh: list[str] = []
    en: list[str] = []
    if report.score.disqualified:
        culprits = [f for f in report.findings if f.severity is Severity.ERROR and f.waived is None
                    and f.rule in disqualifying]
        if culprits:
            first = culprits[0]
            where = f" {first.path}" if first.path else ""
            more_zh = f"（另有 {len(culprits) - 1} 条）" if len(culprits) > 1 else ""
            more_en = f" (and {len(culprits) - 1} more)" if len(culprits) > 1 else ""
            zh.append(f"取消验收资格：{_rule_id(first)}{where}{more_zh}，请逐条核实，确属误报的写入 --waivers")
            en.append(f"disqualified by {_rule_id(first)}{where}{more_en}; verify each, and list false alarms "
                      "in --waivers")
        else:
            zh.append("取消验收资格")
            en.append("disqualified")
    if fail_under is not None and report.score.total < fail_under:
        total, threshold = _number(report.score.total), _number(fail_under)
        zh.append(f"得分 {total} 低于 --fail-under {threshold}")
        en.append(f"score {total} is below --fail-under {threshold}")
    levels = LEVELS.get(fail_on, ())
    pool = report.findings if counted is None else counted
    hits = [f for f in pool if f.severity in levels and f.waived is None]
    if hits:
        by_level = [(sev, sum(1 for f in hits if f.severity is sev)) for sev in levels]
        parts_zh = "，".join(f"{_SEV_ZH[sev]} {n} 条" for sev, n in by_level if n)
        parts_en = ", ".join(f"{n} {sev.value}{'s' if n != 1 else ''}" for sev, n in by_level if n)
        new_zh, new_en = ("新增", "new ") if new_only else ("", "")
        zh.append(f"{len(hits)} 条{new_zh}问题达到 --fail-on {fail_on} 级别（{parts_zh}）")
        en.append(f"{len(hits)} {new_en}finding{'s' if len(hits) != 1 else ''} at --fail-on {fail_on} "
                  f"or worse ({parts_en})")
    return Gate(code=1 if zh else 0, reasons_zh=tuple(zh), reasons_en=tuple(en))
