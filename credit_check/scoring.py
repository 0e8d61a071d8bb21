"""Stage 5: scoring — pure arithmetic from task results, findings and catalogue points.

- A task scores `points × the mean of its requirements' fractions`: a met requirement counts 1,
  a partial one `satisfied / required` (e.g. 3 of 4 quarters = 0.75), a missing one 0, an
  unknown one only what was confirmed.
- A bonus item scores its points when met, else 0.
- Each finding of a deduction item (D1…D7) deducts that item's `points` (error) or
  `warning_points` (warning) until the item's `cap` is reached; info findings deduct nothing.
- An error finding of an item with `disqualify: true` (D1: 抄袭、雷同、伪造) marks the result
  `disqualified`: the seed cancels the acceptance once such fraud is confirmed, so a person must
  confirm or clear it.
- A waived finding (`--waivers`: a person checked it and cleared it) deducts nothing and does
  not disqualify.
- total = tasks + bonus + deductions, never below 0; passed = not disqualified and total ≥ pass mark.
"""

from __future__ import annotations

from collections.abc import Sequence

from credit_check.catalogue.models import Catalogue
from credit_check.model import Finding, Score, Severity, TaskResult

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def stamp_deductions(findings: Sequence[Finding], catalogue: Catalogue) -> list[Finding]:
    """Findings in report order (severity, rule, path) with `deduction` set from the catalogue."""
    ordered = sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.rule, f.path or "", f.page or 0, f.check))
    spent: dict[str, float] = {}
    out: list[Finding] = []
    for finding in ordered:
        item = catalogue.deduction(finding.rule)
        points = 0.0
        if item is not None and finding.waived is None:
            per = {Severity.ERROR: item.points, Severity.WARNING: item.warning_points}.get(finding.severity, 0.0)
            points = min(per, max(0.0, item.cap - spent.get(item.id, 0.0)))
            spent[item.id] = spent.get(item.id, 0.0) + points
        deduction = -points if points else 0.0
        # Copied only when it changes: past an item's cap its thousands of findings deduct nothing.
        out.append(finding if finding.deduction == deduction else finding.model_copy(update={"deduction": deduction}))
    return out


def score(tasks: Sequence[TaskResult], bonus: Sequence[TaskResult], findings: Sequence[Finding],
          catalogue: Catalogue) -> Score:
    task_points = round(sum(t.score for t in tasks), 2)
    bonus_points = round(sum(b.score for b in bonus), 2)
    deductions = round(sum(f.deduction for f in findings), 2)
    disqualified = any(
        f.severity is Severity.ERROR and f.waived is None
        and (item := catalogue.deduction(f.rule)) is not None and item.disqualify
        for f in findings
    )
    total = round(max(0.0, task_points + bonus_points + deductions), 2)
    pass_mark = catalogue.settings.pass_mark
    return Score(total=total, max=catalogue.max_points, pass_mark=pass_mark, tasks=task_points, bonus=bonus_points,
                 deductions=deductions, disqualified=disqualified,
                 passed=not disqualified and total >= pass_mark)
