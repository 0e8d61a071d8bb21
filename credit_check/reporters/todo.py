"""The to-do list: one model of "what must be done, and by whom", shared by every reporter.

`build(report)` turns a `Report` into one ordered tuple of `Item`s. An item is either

- one finding (`item.finding`), or
- one incomplete task that no finding speaks about (`item.task` without `item.finding`): most
  incomplete tasks already have findings saying what is missing, so only the others get an
  item of their own, and nothing is said twice.

Each item appears exactly once, however many units (责任单位) share it: `item.units` names them
all, resolved once here — a finding's task's units, else its deduction rule's units (the pipeline
puts both in `Report.unit_of_task`); an incomplete task's own units. An item nobody is named for
has `units == ()`.

A unit's to-do list is a filter of the one list, never a copy: `for_unit(todo, unit)` keeps the
items the unit shares, in the same order; `for_unit(todo, NO_UNIT)` the items with no unit.
`units_in_order(report, todo)` gives the units that have something to do: catalogue order, then
units only the results name, then `NO_UNIT` last when some item has no unit. So counting
distinct findings is `len(findings_of(todo))`, whichever view is shown.

Order: findings first, errors before warnings before notes (errors cost points and can
disqualify), in report order within a severity; then the incomplete tasks in task order.

Waived findings (a person cleared them, `--waivers`) are items of the list like the others;
`item.waived` holds the reason (None when open), and every reporter that shows a to-do list
splits them with `open_items`/`waived_items`: the open items are the list, the waived ones an
已豁免 section of their own.

Pure functions over the `Report`: no I/O, no wording (the reporters choose the words).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from credit_check.model import Finding, Report, Severity, Status, TaskResult

NO_UNIT = ""  # the bucket of items no unit is named for
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Item:
    """One thing to do: a finding, or an incomplete task without findings, with all its units."""

    units: tuple[str, ...]  # every responsible unit, as the catalogue lists them; () for none
    finding: Finding | None = None  # set for a finding
    task: TaskResult | None = None  # the incomplete task (task items); a finding's task when the report has it
    waived: str | None = None  # the finding was cleared by a person: the reason; None when still open

    @property
    def is_finding(self) -> bool:
        return self.finding is not None

    @property
    def severity(self) -> Severity | None:
        """The finding's severity; None for an incomplete task."""
        return self.finding.severity if self.finding is not None else None

    @property
    def task_id(self) -> str | None:
        if self.finding is not None:
            return self.finding.task
        return self.task.id if self.task is not None else None


Todo = tuple[Item, ...]


def units_of(report: Report, finding: Finding) -> tuple[str, ...]:
    """Who must act on a finding: its task's units, else its deduction rule's units; () for nobody."""
    units = (report.unit_of_task.get(finding.task) if finding.task else None) or report.unit_of_task.get(finding.rule)
    return tuple(dict.fromkeys(units or ()))


def build(report: Report) -> Todo:
    """The report's to-do list: each finding once, then each incomplete task without findings."""
    tasks = {t.id: t for t in (*report.tasks, *report.bonus)}
    ranked = sorted(enumerate(report.findings), key=lambda pair: (_RANK[pair[1].severity], pair[0]))
    items = [Item(units=units_of(report, f), finding=f, task=tasks.get(f.task or ""), waived=f.waived)
             for _, f in ranked]
    spoken = {f.task for f in report.findings if f.task}
    for task in report.tasks:
        if task.status is not Status.MET and task.id not in spoken:
            units = task.units or report.unit_of_task.get(task.id) or ()
            items.append(Item(units=tuple(dict.fromkeys(units)), task=task))
    return tuple(items)


def for_unit(todo: Iterable[Item], unit: str) -> Todo:
    """The items `unit` shares, in list order; `NO_UNIT` gives the items no unit is named for."""
    if unit == NO_UNIT:
        return tuple(item for item in todo if not item.units)
    return tuple(item for item in todo if unit in item.units)


def units_in_order(report: Report, todo: Sequence[Item]) -> tuple[str, ...]:
    """Units with something to do: catalogue order, then units only the results name (in list
    order), then `NO_UNIT` when some item has no unit."""
    named = dict.fromkeys(unit for item in todo for unit in item.units)
    order = [unit for unit in report.units if unit in named]
    order += [unit for unit in named if unit not in order]
    if any(not item.units for item in todo):
        order.append(NO_UNIT)
    return tuple(order)


def findings_of(todo: Iterable[Item]) -> Todo:
    """The finding items (each a distinct finding)."""
    return tuple(item for item in todo if item.finding is not None)


def tasks_of(todo: Iterable[Item]) -> Todo:
    """The incomplete-task items (tasks no finding speaks about)."""
    return tuple(item for item in todo if item.finding is None)


def open_items(todo: Iterable[Item]) -> Todo:
    """Items still to be done (not waived)."""
    return tuple(item for item in todo if item.waived is None)


def waived_items(todo: Iterable[Item]) -> Todo:
    """Findings a person has cleared (the 已豁免 sections)."""
    return tuple(item for item in todo if item.waived is not None)
