"""Task checks: for each task (and bonus item), which evidence requirements are met, by which
files, and what is missing.

A requirement counts the task's files whose material and keywords fit (`classify`):
- `once`: at least `count` such files; files dated outside the period do not count.
- `quarterly` / `monthly`: at least `count` *dated* files in each quarter / month of the period.
- `per_domain`: files naming at least `count` different 重点领域 or 细分领域.
A requirement is `met`, `partial` (some periods covered), `missing` (nothing), or `unknown` when
undated files could fill the gaps but their dates cannot be read — the tool does not guess; the
finding then names those files in `related`.

Evidence strength for meetings: a quarter or month with no minutes but a stamped, dated activity
photo of the task (the watermark camera's stamp, or EXIF, dating it inside the period) is
*partly* evidenced — half credit for that period, the requirement `partial`, and the to-do asks
for the minutes of that period. It is never `met` on photos alone: a photo shows that people met,
not what they decided.
A task is `met` when all its requirements are, `missing` when none has any evidence, `unknown`
when any requirement is unknown, else `partial`.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import weakref
from collections.abc import MutableSequence, Sequence
from typing import Any

from credit_check.catalogue.models import Bonus, Cadence, Catalogue, Material, Requirement, Task
from credit_check.classify import haystack, materials, title_of
from credit_check.facttypes import PhotoFacts
from credit_check.model import (
    EvidenceFile,
    Finding,
    Kind,
    Period,
    RequirementResult,
    Severity,
    Status,
    TaskResult,
)

_QUARTER_CN = ("第一季度", "第二季度", "第三季度", "第四季度")


def buckets(period: Period, cadence: Cadence) -> list[tuple[str, dt.date, dt.date]]:
    """Calendar quarters or months overlapping the period, clipped to it, with Chinese labels."""
    out: list[tuple[str, dt.date, dt.date]] = []
    year, month = period.start.year, period.start.month
    if cadence is Cadence.QUARTERLY:
        month = 3 * ((month - 1) // 3) + 1
    step = 3 if cadence is Cadence.QUARTERLY else 1
    while dt.date(year, month, 1) <= period.end:
        first = dt.date(year, month, 1)
        nxt = dt.date(year + (month + step - 1) // 12, (month + step - 1) % 12 + 1, 1)
        last = nxt - dt.timedelta(days=1)
        label = f"{year}年{_QUARTER_CN[(month - 1) // 3]}" if step == 3 else f"{year}年{month}月"
        out.append((label, max(first, period.start), min(last, period.end)))
        year, month = nxt.year, nxt.month
    return out


class TaskFiles:
    """The files of one audit grouped by task, each file classified once (its materials, the words
    its keywords are matched in, the text its domains are looked for in): what `evaluate` asks of
    a file, worked out once for all tasks and requirements instead of once per task and
    requirement. Build it once (`TaskFiles(files)`) and pass it to every `evaluate` call; a
    caller that does not is served by the grouping of the last sequence seen, while that sequence
    lives and is unchanged."""

    def __init__(self, files: Sequence[EvidenceFile]) -> None:
        self.files: tuple[EvidenceFile, ...] = tuple(files)
        self.by_task: dict[str | None, list[EvidenceFile]] = {}
        for f in self.files:
            self.by_task.setdefault(f.task, []).append(f)
        # by id(): every file is held by `files`, so an id is never reused while this lives
        self._materials: dict[int, frozenset[Material]] = {}
        self._words: dict[int, str] = {}
        self._domain_text: dict[int, str] = {}

    def of(self, task_id: str) -> list[EvidenceFile]:
        return self.by_task.get(task_id, [])

    def holds(self, files: Sequence[EvidenceFile]) -> bool:
        """`files` are the files grouped here, in the same order."""
        return len(files) == len(self.files) and all(map(operator.is_, files, self.files))

    def materials(self, f: EvidenceFile) -> frozenset[Material]:
        found = self._materials.get(id(f))
        if found is None:
            found = self._materials[id(f)] = materials(f)
        return found

    def matches(self, f: EvidenceFile, keywords: tuple[str, ...]) -> bool:
        """`classify.matches_keywords`, with the file's words worked out once."""
        if not keywords:
            return True
        words = self._words.get(id(f))
        if words is None:
            words = self._words[id(f)] = haystack(f)
        return any(k in words for k in keywords)

    def forget(self, files: Sequence[EvidenceFile]) -> None:
        """Let go of what was worked out for `files` (one task's, once it is judged: no other task
        looks at them, so a tree's classifications are never all held at once)."""
        for f in files:
            key = id(f)
            self._materials.pop(key, None)
            self._words.pop(key, None)
            self._domain_text.pop(key, None)

    def domain_text(self, f: EvidenceFile) -> str:
        """Where a file's 重点领域 / 细分领域 are looked for: path, title and the start of the text."""
        text = self._domain_text.get(id(f))
        if text is None:
            text = self._domain_text[id(f)] = f"{f.path} {title_of(f)} {f.text[:2000]}"
        return text


_LAST: list[tuple[weakref.ref[Sequence[EvidenceFile]], TaskFiles]] = []


def _forget(ref: weakref.ref[Sequence[EvidenceFile]]) -> None:
    if _LAST and _LAST[0][0] is ref:
        _LAST.clear()


def task_files(files: Sequence[EvidenceFile]) -> TaskFiles:
    """The grouping of `files`: the one made for the same sequence on an earlier call when that
    sequence is still alive and unchanged (kept no longer than the sequence itself: a weak
    reference), else a new one. A list or tuple cannot be referred to weakly: grouped anew."""
    if _LAST:
        ref, grouped = _LAST[0]
        if ref() is files and (grouped.holds(files) if isinstance(files, MutableSequence)
                               else len(files) == len(grouped.files)):
            return grouped
    grouped = TaskFiles(files)
    try:
        ref = weakref.ref(files, _forget)
    except TypeError:
        return grouped
    _LAST[:] = [(ref, grouped)]
    return grouped


def _evaluate_requirement(req: Requirement, files: Sequence[EvidenceFile], period: Period,
                          catalogue: Catalogue, known: TaskFiles) -> RequirementResult:
    wanted = set(req.material)
    # (both tests are pure: the cheaper one, the keywords, first)
    fitting = [f for f in files if f.error is None and known.matches(f, req.keywords) and wanted & known.materials(f)]
    in_period = [f for f in fitting if f.date is not None and period.contains(f.date)]
    undated = [f for f in fitting if f.date is None]
    base: dict[str, Any] = {"id": req.id, "label": req.label}

    if req.cadence is Cadence.ONCE:
        usable = in_period + undated
        got = min(len(usable), req.count)
        status = Status.MET if got >= req.count else (Status.PARTIAL if got else Status.MISSING)
        return RequirementResult(**base, status=status, files=tuple(f.path for f in usable), satisfied=got,
                                 required=req.count, missing=() if status is Status.MET else (req.label,))

    if req.cadence is Cadence.PER_DOMAIN:
        names = catalogue.all_subdomains()
        seen: dict[str, list[str]] = {}
        for f in in_period + undated:
            text = known.domain_text(f)
            for name in names:
                if name in text:
                    seen.setdefault(name, []).append(f.path)
        got = min(len(seen), req.count)
        status = Status.MET if got >= req.count else (
            Status.UNKNOWN if (in_period or undated) else Status.MISSING)
        used = tuple(dict.fromkeys(p for paths in seen.values() for p in paths))
        return RequirementResult(**base, status=status, files=used, satisfied=got, required=req.count,
                                 missing=() if status is Status.MET else (f"{req.label}（未识别出所属领域）",))

    slots = buckets(period, req.cadence)
    covered: list[str] = []
    gaps: list[str] = []
    partial: list[str] = []
    used_files: list[str] = []
    photos = _activity_photos(req, files, period)
    for label, first, last in slots:
        inside = [f for f in in_period if f.date is not None and first <= f.date <= last]
        if len(inside) >= req.count:
            covered.append(label)
        else:
            gaps.append(label)
            counted = {id(f) for f in inside}  # by identity: two records of one tree are never equal
            shots = [f for f in photos if f.date is not None and first <= f.date <= last and id(f) not in counted]
            if shots:
                partial.append(label)
                used_files.extend(f.path for f in shots)
        used_files.extend(f.path for f in inside)
    if not gaps:
        status = Status.MET
    elif undated:
        status = Status.UNKNOWN
    elif covered or partial:
        status = Status.PARTIAL
    else:
        status = Status.MISSING
    return RequirementResult(**base, status=status, files=tuple(used_files + [f.path for f in undated]),
                             satisfied=len(covered), required=len(slots), missing=tuple(gaps),
                             partial=tuple(partial), undated=tuple(f.path for f in undated))


def _activity_photos(req: Requirement, files: Sequence[EvidenceFile], period: Period) -> list[EvidenceFile]:
    """Stamped, dated photos of the task inside the period: partial evidence of a meeting in their
    period, for requirements that ask for meeting records (and do not accept photos outright)."""
    if Material.MEETING not in req.material or Material.PHOTO in req.material:
        return []
    return [f for f in files if f.error is None and f.kind is Kind.PHOTO and isinstance(f.facts, PhotoFacts)
            and f.facts.stamp is True and f.date is not None and period.contains(f.date)]


def _combine(results: Sequence[RequirementResult]) -> Status:
    statuses = {r.status for r in results}
    if not results or statuses == {Status.MET}:
        return Status.MET if results else Status.UNKNOWN
    if statuses == {Status.MISSING}:
        return Status.MISSING
    if Status.UNKNOWN in statuses:
        return Status.UNKNOWN
    return Status.PARTIAL


PARTIAL_CREDIT = 0.5  # a period evidenced only by stamped activity photos


def _fraction(r: RequirementResult) -> float:
    if r.status is Status.MISSING:
        return 0.0
    return min(1.0, (r.satisfied + PARTIAL_CREDIT * len(r.partial)) / max(1, r.required))


def _reason(r: RequirementResult, cadence: Cadence, undated: int) -> str:
    if r.status is Status.MET:
        return f"已满足：{r.label}（{len(r.files)} 个文件）"
    if cadence in (Cadence.QUARTERLY, Cadence.MONTHLY):
        every = "每季度" if cadence is Cadence.QUARTERLY else "每月"
        gaps = "、".join(r.missing) if (r.satisfied or r.partial) else f"{every}均"
        text = f"{gaps}无{r.label}" if r.missing else f"缺少{r.label}"
        if r.partial:
            text += f"（其中{'、'.join(r.partial)}有带时间水印的活动照片，按部分佐证计分，请补充该期{r.label}）"
        if r.status is Status.UNKNOWN:
            text += f"（有 {undated} 个文件无法确定日期，请在文件名中注明日期）"
        return text
    if r.status is Status.UNKNOWN:
        return f"无法确定：{r.missing[0] if r.missing else r.label}"
    if r.status is Status.PARTIAL:
        return f"不足：{r.label}（{r.satisfied}/{r.required}）"
    return f"缺少：{r.label}"


def _period_en(label: str) -> str:
    """2024年第三季度 → 2024 Q3; 2024年5月 → 2024-05."""
    if m := re.fullmatch(r"(\d{4})年(第.季度)", label):
        return f"{m.group(1)} Q{_QUARTER_CN.index(m.group(2)) + 1}"
    if m := re.fullmatch(r"(\d{4})年(\d{1,2})月", label):
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    return label


def _reason_en(r: RequirementResult, label: str, cadence: Cadence) -> str:
    if r.status is Status.MET:
        return f"met: {label} ({len(r.files)} files)"
    if cadence in (Cadence.QUARTERLY, Cadence.MONTHLY) and r.missing:
        text = f"no {label} in: {', '.join(_period_en(p) for p in r.missing)}"
        if r.partial:
            text += (f" ({', '.join(_period_en(p) for p in r.partial)}: stamped activity photos only, "
                     f"counted as partial evidence; add the {label})")
        return text + (" (some files have no readable date: put the date in the file name)"
                       if r.status is Status.UNKNOWN else "")
    if r.status is Status.UNKNOWN:
        return f"could not determine: {label}"
    if r.status is Status.PARTIAL:
        return f"not enough: {label} ({r.satisfied}/{r.required})"
    return f"missing: {label}"


def evaluate(item: Task | Bonus, files: Sequence[EvidenceFile], period: Period, catalogue: Catalogue,
             *, bonus: bool = False, folder: str | None = None,
             grouped: TaskFiles | None = None) -> tuple[TaskResult, list[Finding]]:
    """The result of one task or bonus item, and the evidence findings for its to-do list.
    `grouped`: `TaskFiles(files)`, made once for all the tasks of an audit (else `task_files`)."""
    if grouped is None or not (grouped.files is files or grouped.holds(files)):
        grouped = task_files(files)
    mine = grouped.of(item.id)
    results = [_evaluate_requirement(r, mine, period, catalogue, grouped) for r in item.requirements]
    grouped.forget(mine)  # only this item looks at its folder's files
    status = _combine(results)
    fraction = sum(_fraction(r) for r in results) / len(results) if results else 0.0
    if bonus:  # a bonus item counts whole or not at all
        score = item.points if status is Status.MET else 0.0
    else:
        score = round(item.points * fraction, 2)
    reasons: list[str] = []
    reasons_en: list[str] = []
    findings: list[Finding] = []
    for req, res in zip(item.requirements, results, strict=True):
        listed = set(res.files)
        undated = sum(1 for f in mine if f.date is None and f.path in listed)
        reason = _reason(res, req.cadence, undated)
        reasons.append(reason)
        reasons_en.append(_reason_en(res, req.label_en or req.label, req.cadence))
        if res.status is Status.MET or bonus:
            continue
        severity = {Status.MISSING: Severity.ERROR, Status.PARTIAL: Severity.WARNING}.get(res.status, Severity.INFO)
        findings.append(Finding(
            rule="evidence", check=f"{res.status.value}:{req.id}", severity=severity, task=item.id, path=folder,
            source="evidence",
            message=f"{item.id} {item.title}：{reason}",
            fix=f"补充{req.label}，放入任务 {item.id} 的文件夹" + ("，文件名注明日期（如 2024-05-12）"
                                                         if req.cadence in (Cadence.QUARTERLY, Cadence.MONTHLY) else ""),
            message_en=f"{item.id}: {reasons_en[-1]}",
            fix_en=f"add {req.label_en or req.label} to the folder of task {item.id}",
            related=res.undated if res.status is Status.UNKNOWN else (),
            evidence={"partial_periods": "、".join(res.partial)} if res.partial else {},
        ))
    result = TaskResult(
        id=item.id, title=item.title, units=item.units, points=item.points, score=score, status=status,
        files=tuple(f.path for f in mine), reasons=tuple(reasons), requirements=tuple(results),
        primary=getattr(item, "primary", ""), folder=folder, reasons_en=tuple(reasons_en),
        title_en=item.title_en,
    )
    return result, findings
