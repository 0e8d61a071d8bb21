"""The audit, end to end: discover → facts → checks → task results → scoring → report.

Facts are extracted in worker processes (one per core) and cached by file content outside the
evidence tree, so a second run over an unchanged snapshot only hashes files. Nothing here
writes into the evidence tree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from credit_check import __version__
from credit_check.catalogue.models import Catalogue
from credit_check.checks import CheckContext, run_checks
from credit_check.dates import date_from_name, month_from_name
from credit_check.discover import Discovered, Tree, discover, display_name
from credit_check.evaluate import evaluate
from credit_check.facts import ExtractOptions, extract, ocr
from credit_check.model import EvidenceFile, Extracted, Finding, Kind, Period, Report
from credit_check.scoring import score, stamp_deductions
from credit_check.waivers import Waiver, apply_waivers

CACHE_VERSION = f"{__version__}-2"  # bump whenever an extractor changes what it produces
Progress = Callable[[int, int, str], None]


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


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "credit-check"


# --------------------------------------------------------------------------------------- facts
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _options_key(options: ExtractOptions) -> str:
    """The settings that change what an extractor returns (the time limit does not: timeouts
    are never cached)."""
    return f"{int(options.ocr)}-{options.max_bytes}-{options.max_pages}"


def _facts_job(abs_path: str, options: ExtractOptions, cache_dir: str | None) -> tuple[str, Extracted]:
    """Hash a file and extract its facts, through the cache. Runs in a worker process."""
    path = Path(abs_path)
    try:
        sha = _sha256(path)
    except OSError as exc:
        return "", Extracted(kind=Kind.OTHER, error=f"无法读取文件 / cannot read: {exc.strerror or exc}")
    cached = Path(cache_dir) / sha[:2] / f"{sha}-{CACHE_VERSION}-{_options_key(options)}.json" if cache_dir else None
    if cached is not None and cached.is_file():
        try:
            return sha, Extracted.model_validate_json(cached.read_bytes())
        except (OSError, ValueError):
            pass  # a damaged cache entry is simply rebuilt
    result = extract(path, options)
    timed_out = result.error is not None and "took longer" in result.error  # may succeed with more time
    if cached is not None and not timed_out:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(result.model_dump_json(), encoding="utf-8")
            os.replace(tmp, cached)
        except OSError:
            pass  # an unwritable cache only costs speed
    return sha, result


def _pool_context() -> multiprocessing.context.BaseContext:
    """Workers start from a clean process (forkserver; spawn on Windows), never a fork of this
    one: forking a process that holds OCR or other native threads can deadlock."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["credit_check.pipeline"])
        return ctx
    return multiprocessing.get_context("spawn")


def _crashed(item: Discovered) -> tuple[str, Extracted]:
    return "", Extracted(kind=Kind.OTHER, error="解析该文件时进程崩溃，文件可能已损坏 / the reader crashed on this file")


def extract_all(items: Sequence[Discovered], options: ExtractOptions, cache_dir: Path | None, jobs: int,
                progress: Progress | None = None) -> list[tuple[str, Extracted]]:
    """Facts of every file, in order. A worker that dies takes down only the file it was reading."""
    cache = str(cache_dir) if cache_dir else None
    total = len(items)
    results: list[tuple[str, Extracted] | None] = [None] * total
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or total < 4:
        for i, item in enumerate(items):
            results[i] = _facts_job(str(item.abs_path), options, cache)
            if progress:
                progress(i + 1, total, item.path)
        return [r for r in results if r is not None]

    pending = list(range(total))
    done = 0
    while pending:
        workers = min(jobs, len(pending))
        threads = max(1, (os.cpu_count() or 1) // workers)
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=ocr.configure,
                                 initargs=(threads,)) as pool:
            futures: dict[Future[tuple[str, Extracted]], int] = {
                pool.submit(_facts_job, str(items[i].abs_path), options, cache): i for i in pending}
            broken: list[int] = []
            for future, i in futures.items():
                try:
                    results[i] = future.result()
                except BrokenProcessPool:
                    broken.append(i)
                    continue
                except Exception:
                    results[i] = _crashed(items[i])
                done += 1
                if progress:
                    progress(done, total, items[i].path)
        if broken and len(broken) == len(pending) and len(pending) == 1:
            results[broken[0]] = _crashed(items[broken[0]])
            break
        # Retry the survivors of a crashed pool one by one so the culprit is isolated.
        if broken and jobs > 1:
            jobs = 1
        pending = broken
    return [r if r is not None else _crashed(items[i]) for i, r in enumerate(results)]


# ------------------------------------------------------------------------------------ records
def _date_of(item: Discovered, facts: Extracted) -> tuple[dt.date | None, str | None]:
    """The date a file evidences: stated content, then file name, then folder name. Never mtime."""
    if facts.content_date is not None:
        return facts.content_date, facts.content_date_source or "text"
    name = item.path.rsplit("/", 1)[-1]
    if day := date_from_name(name):
        return day, "filename"
    if ym := month_from_name(name):
        return dt.date(ym[0], ym[1], 1), "filename"
    for folder in reversed(item.path.split("/")[:-1]):
        if day := date_from_name(folder):
            return day, "folder"
        if ym := month_from_name(folder):
            return dt.date(ym[0], ym[1], 1), "folder"
    return None, None


def _issued(path: str, facts: dict[str, Any], text: str, task_id: str | None, catalogue: Catalogue) -> bool:
    from credit_check.facts.issued import decide_issued

    return decide_issued(path=path, title=str(facts.get("title") or ""), text=text, facts=facts,
                         task=catalogue.task(task_id) if task_id else None, catalogue=catalogue)


def _mask_value(value: Any) -> Any:
    """Facts with personal data masked in every string (a document may be titled with an ID number)."""
    if isinstance(value, str):
        return _mask(value)
    if isinstance(value, list):
        return [_mask_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_value(v) for k, v in value.items()}
    return value


def build_records(tree: Tree, extracted: Sequence[tuple[str, Extracted]], catalogue: Catalogue) -> list[EvidenceFile]:
    records: list[EvidenceFile] = []
    for item, (sha, ex) in zip(tree.files, extracted, strict=True):
        facts = dict(ex.facts)
        if item.name_encoding:
            facts["name_encoding"] = item.name_encoding
        text = "\n".join(ex.pages)
        if ex.kind is Kind.DOCUMENT and ex.error is None:
            facts["issued"] = _issued(item.path, facts, text, item.task, catalogue)
        day, source = _date_of(item, ex)
        records.append(EvidenceFile(
            path=_mask(item.path), abs_path=item.abs_path, size=item.size, task=item.task, kind=ex.kind, date=day,
            date_source=source, facts=_mask_value(facts), error=ex.error, pages=ex.pages, sheets=ex.sheets, sha256=sha,
        ))
    return records


# ------------------------------------------------------------------------------------- masking
def _mask(text: str) -> str:
    from credit_check.pii import mask_text

    return mask_text(text)


def mask_messages(findings: Sequence[Finding]) -> list[Finding]:
    """Mask personal data in every message that leaves the tool. A last safety net: checks mask
    what they quote, and file paths are masked when records are built (a file may be *named*
    after a person's ID number)."""
    return [f.model_copy(update={"message": _mask(f.message), "message_en": _mask(f.message_en),
                                 "path": _mask(f.path) if f.path else None}) for f in findings]


# --------------------------------------------------------------------------------------- audit
def run_audit(options: AuditOptions, progress: Progress | None = None) -> Report:
    catalogue = options.catalogue
    known = {t.id for t in catalogue.tasks} | {b.id for b in catalogue.bonus}
    tree = discover(options.root, known)
    extract_opts = dataclasses.replace(options.extract, ocr=options.ocr)  # every other setting as given
    extracted = extract_all(tree.files, extract_opts, options.cache_dir, options.jobs, progress)
    files = build_records(tree, extracted, catalogue)

    reference: list[EvidenceFile] = []
    if options.reference is not None:
        ref_tree = discover(options.reference, known)
        ref_tree = Tree(root=ref_tree.root, files=tuple(
            Discovered(path=f.path, abs_path=f.abs_path, size=f.size, task=None) for f in ref_tree.files),
            folders=(), unreadable=())
        ref_facts = extract_all(ref_tree.files, extract_opts, options.cache_dir, options.jobs)
        reference = build_records(ref_tree, ref_facts, catalogue)

    ctx = CheckContext(catalogue=catalogue, period=options.period, audit_date=options.audit_date,
                       folders=tuple(_mask(p) for p in tree.folders), unreadable=tree.unreadable, reference=tuple(reference))
    findings = run_checks(files, ctx, options.checks)

    task_results = []
    for task in catalogue.tasks:
        folder = tree.task_folders.get(task.id)
        result, evidence = evaluate(task, files, options.period, catalogue, folder=_mask(folder) if folder else None)
        task_results.append(result)
        findings.extend(evidence)
    bonus_results = [evaluate(b, files, options.period, catalogue, bonus=True, folder=tree.task_folders.get(b.id))[0]
                     for b in catalogue.bonus]

    stamped = stamp_deductions(apply_waivers(findings, options.waivers, options.audit_date), catalogue)
    total = score(task_results, bonus_results, stamped, catalogue)
    masked_findings = mask_messages(stamped)
    report_files = [f.model_copy(update={"pages": (), "sheets": ()}) for f in files]
    unit_of_task = {t.id: t.units for t in catalogue.scored_items()}
    unit_of_task.update({d.id: d.units for d in catalogue.deductions})
    return Report(
        tool_version=__version__, root=display_name(str(options.root))[0], period=options.period,
        audit_date=options.audit_date, score=total, tasks=tuple(task_results), bonus=tuple(bonus_results),
        findings=tuple(masked_findings), files=tuple(report_files), units=catalogue.units,
        unit_of_task=unit_of_task,
    )
