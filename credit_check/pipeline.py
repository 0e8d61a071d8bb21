"""The audit, end to end: discover → facts → records → checks → task results → scoring → report.

Wiring only. Each stage lives in its own module: `discover` walks the tree, `facts.runner` reads
every file through the cache and the worker pool, `records` dates and masks them and decides
which are issued documents, `checks` finds problems, `evaluate` judges each task, `scoring` and
`waivers` turn findings into points. Nothing here writes into the evidence tree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from credit_check import __version__
from credit_check.catalogue.models import Catalogue
from credit_check.checks import CheckContext, run_checks
from credit_check.checks.memo import CheckMemo, remembered_verdicts, settings_digest
from credit_check.discover import Discovered, Tree, discover, display_name
from credit_check.evaluate import TaskFiles, evaluate
from credit_check.executors import parse_executor
from credit_check.facts import ExtractOptions
from credit_check.facts.index import read_all
from credit_check.facts.runner import Progress, default_cache_dir
from credit_check.fingerprint import with_fingerprints
from credit_check.memory import give_back
from credit_check.model import EvidenceFile, Finding, Period, Report, TaskResult
from credit_check.pii import mask_text
from credit_check.records import Records, build_records, mask_findings
from credit_check.scoring import score, stamp_deductions
from credit_check.verify import Workers, verify_photos
from credit_check.waivers import Waiver, apply_waivers

if TYPE_CHECKING:
    from credit_check.facts.verify import PairVerdict

__all__ = ["AuditOptions", "Progress", "default_cache_dir", "read_tree", "run_audit"]


@dataclass(frozen=True)
class AuditOptions:
    root: Path
    catalogue: Catalogue
    period: Period
    audit_date: dt.date = field(default_factory=dt.date.today)
    ocr: bool = True
    jobs: int = 0  # worker processes; 0 = one per core
    cache_dir: Path | None = None  # None = no cache
    reference: Path | None = None
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    checks: tuple[str, ...] | None = None  # run only these check ids
    waivers: tuple[Waiver, ...] = ()  # findings a person has cleared
    executor: str | None = None  # where files are read: None/"local" or "dask://HOST:PORT" (executors.py)


def _tree(root: Path, catalogue: Catalogue) -> Tree:
    known = {t.id for t in catalogue.tasks} | {b.id for b in catalogue.bonus}
    return discover(root, known, catalogue.aliases())


def read_tree(tree: Tree, options: AuditOptions, progress: Progress | None = None) -> Records:
    """Every file of `tree` as an evidence record: facts read (from the index when unchanged, else
    through the content cache, in parallel: `facts.index`, `executors`), dated, masked. Records of
    unchanged files are built only when a stage needs their facts (`records.Records`)."""
    extract_opts = dataclasses.replace(options.extract, ocr=options.ocr)  # every other setting as given
    executor = parse_executor(options.executor, options.jobs)
    extracted = read_all(tree.files, extract_opts, options.cache_dir, tree.root, executor, progress, lazy=True)
    return build_records(tree, extracted, options.catalogue)


def _reference(options: AuditOptions) -> Sequence[EvidenceFile]:
    """Material from elsewhere (--reference DIR), unfiled: only compared against."""
    if options.reference is None:
        return []
    found = _tree(options.reference, options.catalogue)
    unfiled = Tree(root=found.root, folders=(), unreadable=(), files=tuple(
        Discovered(path=f.path, abs_path=f.abs_path, size=f.size, task=None, outside=f.outside) for f in found.files))
    return read_tree(unfiled, options)


def _settings(options: AuditOptions) -> str:
    from credit_check.facts.runner import CACHE_VERSION, _options_key

    return f"{CACHE_VERSION}-{_options_key(dataclasses.replace(options.extract, ocr=options.ocr))}"


def _verify(files: Sequence[EvidenceFile], options: AuditOptions) -> Mapping[tuple[str, str], PairVerdict]:
    """Stage: candidate pairs of photos compared pixel by pixel (`credit_check/verify.py`) in worker
    processes under the readers' budgets, read back for an unchanged tree, and parsed only if a
    check looks at them (`checks.memo.remembered_verdicts`)."""
    from credit_check.facts.runner import memory_budget

    workers = Workers(options.jobs or os.cpu_count() or 1, memory_budget(options.extract),
                      options.extract.timeout if options.extract.timeout > 0 else None)

    def compute() -> dict[tuple[str, str], PairVerdict]:
        return verify_photos(files, options.catalogue, options.checks, cache_dir=options.cache_dir, workers=workers)

    if options.cache_dir is None:
        return compute()
    salt = settings_digest(options.catalogue, _settings(options))
    return remembered_verdicts(options.cache_dir, files, salt, options.checks, compute)


def _check_memo(files: Sequence[EvidenceFile], ctx: CheckContext, options: AuditOptions) -> CheckMemo | None:
    """The remembered check results of this cache (`checks/memo.py`); None without a cache."""
    if options.cache_dir is None:
        return None
    return CheckMemo(options.cache_dir, files, ctx, _settings(options))


def _evaluate(tree: Tree, files: Sequence[EvidenceFile],
              options: AuditOptions) -> tuple[list[TaskResult], list[TaskResult], list[Finding]]:
    """Every task and bonus item judged (`credit_check.evaluate`), with the evidence findings."""
    catalogue = options.catalogue
    grouped = TaskFiles(files)  # each file classified once for every task; let go when they are judged
    task_results, evidence = [], []
    for task in catalogue.tasks:
        folder = tree.task_folders.get(task.id)
        result, found = evaluate(task, files, options.period, catalogue, folder=mask_text(folder) if folder else None,
                                 grouped=grouped)
        task_results.append(result)
        evidence.extend(found)
    bonus_results = [evaluate(b, files, options.period, catalogue, bonus=True, grouped=grouped,
                              folder=mask_text(tree.task_folders[b.id]) if b.id in tree.task_folders else None)[0]
                     for b in catalogue.bonus]
    return task_results, bonus_results, evidence


def _handed_over(findings: list[Finding]) -> Iterator[Finding]:
    """The findings in order, each let go by the list as it is handed out: the step that copies
    them frees each old one as its copy is made, so two generations of a report's thousands of
    findings are never held at once."""
    findings.reverse()
    while findings:
        yield findings.pop()


def run_audit(options: AuditOptions, progress: Progress | None = None) -> Report:
    catalogue = options.catalogue
    tree = _tree(options.root, catalogue)
    files = read_tree(tree, options, progress)
    give_back()  # each stage starts from what is live, not from the last one's peak (`memory`)
    reference = tuple(_reference(options))
    photo_pairs = _verify(files, options)
    give_back()
    ctx = CheckContext(catalogue=catalogue, period=options.period, audit_date=options.audit_date,
                       folders=tuple(mask_text(p) for p in tree.folders), unreadable=tree.unreadable,
                       reference=reference, photo_pairs=photo_pairs)
    memo = _check_memo(files, ctx, options)
    if memo is not None and options.cache_dir is not None:
        files.remember_lines(options.cache_dir, memo.salt)
    findings = run_checks(files, ctx, options.checks, memo=memo)
    give_back()
    remembered = memo.get_evaluation() if memo is not None else None
    if remembered is None:
        task_results, bonus_results, evidence = _evaluate(tree, files, options)
        if memo is not None:
            memo.put_evaluation(task_results, bonus_results, evidence)
    else:
        task_results, bonus_results, evidence = remembered
    if memo is not None:
        memo.save()
    findings.extend(evidence)

    # Each step copies the findings: one name, so no earlier generation outlives the next.
    findings = stamp_deductions(apply_waivers(findings, options.waivers, options.audit_date), catalogue)
    total = score(task_results, bonus_results, findings, catalogue)
    findings = mask_findings(findings)
    findings = with_fingerprints(_handed_over(findings))
    return Report(
        tool_version=__version__, root=mask_text(display_name(str(options.root))[0]), period=options.period,
        audit_date=options.audit_date, score=total, tasks=tuple(task_results), bonus=tuple(bonus_results),
        findings=tuple(findings), files=files.without_text(),
        units=catalogue.units, unit_of_task={**{t.id: t.units for t in catalogue.scored_items()},
                                             **{d.id: d.units for d in catalogue.deductions}},
    )
