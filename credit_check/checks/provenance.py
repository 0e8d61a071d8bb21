"""provenance — records that look made up after the fact (疑似补做材料; D1 warnings, never errors).

A meeting record, ledger or summary says when it was made (its 成文日期, the date in its name or
folder). A word-processor file also records when it was created (DOCX core properties, the OLE
SummaryInformation of DOC/WPS files, OFD DocInfo). When the two are far apart, or when a year's
quarterly minutes were all created on one day, the records may have been written for the review
rather than kept at the time — which the acceptance treats as 弄虚作假.

| check | severity | what it means | how to fix |
|---|---|---|---|
| `created-late` | warning | the file was created more than 60 days after the date it claims (both shown) | if the record was kept at the time, submit the original file (or a scan of the signed paper record); otherwise explain the difference to the reviewer |
| `created-same-day` | warning | records for 3 or more different months or quarters were all created on the same day | as above: keep records when they happen |

Why only warnings: a file's creation time can change innocently (a template copied, a document
re-saved into a new file, a paper record typed up later). A person decides; a waiver clears it.

Not judged: PDFs and scans (their creation time is when they were exported or scanned, which is
usually the week the folder was prepared), issued documents (often re-exported), files without a
creation time, and files dated only by their folder.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.catalogue.models import Material
from credit_check.classify import materials
from credit_check.facttypes import DocumentFacts
from credit_check.model import EvidenceFile, Finding, Severity, finding

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "provenance"
RULE = "D1"
LATE_DAYS = 60
SAME_DAY_PERIODS = 3
_RECORDS = frozenset({Material.MEETING, Material.LEDGER, Material.SUMMARY})
_EDITABLE = (".docx", ".doc", ".wps", ".ofd", ".odt", ".rtf")


def _candidates(files: Sequence[EvidenceFile]) -> Iterator[tuple[EvidenceFile, dt.date]]:
    for f in files:
        facts = f.facts
        if (not isinstance(facts, DocumentFacts) or f.error or facts.created is None or facts.issued
                or f.date is None or f.date_source not in ("text", "filename")
                or not f.path.lower().endswith(_EDITABLE) or not (materials(f) & _RECORDS)):
            continue
        yield f, facts.created.date()


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    by_day: dict[dt.date, list[EvidenceFile]] = defaultdict(list)
    for f, created in _candidates(files):
        assert f.date is not None
        by_day[created].append(f)
        late = (created - f.date).days
        if late > LATE_DAYS:
            yield finding(RULE, "created-late", Severity.WARNING, f, (
                f"疑似补做材料：材料所记日期为 {f.date}，文件却创建于 {created}（晚 {late} 天），请人工核实",
                "如系当时形成的记录，请提交原始文件或签字纸质记录的扫描件；否则向评审说明情况"), (
                f"possibly made after the fact: the record is dated {f.date} but the file was created on {created} "
                f"({late} days later); please check", "submit the original file or a scan of the signed record"),
                evidence={"claimed": f.date.isoformat(), "created": created.isoformat(), "days_late": late})
    for created, group in sorted(by_day.items()):
        periods = {(f.date.year, f.date.month) for f in group if f.date is not None}
        if len(periods) < SAME_DAY_PERIODS:
            continue
        group = sorted(group, key=lambda f: f.path)
        dates = "、".join(sorted({str(f.date) for f in group}))
        yield finding(RULE, "created-same-day", Severity.WARNING, group[0], (
            f"疑似补做材料：{len(group)} 份不同时期的记录（{dates}）都创建于同一天 {created}，请人工核实",
            "记录应在活动当时形成；如系当时形成，请提交原始文件或签字纸质记录的扫描件"), (
            f"possibly made after the fact: {len(group)} records of different periods were all created on {created}",
            "keep records when they happen; submit the originals"),
            related=tuple(f.path for f in group[1:]), task=None if len({f.task for f in group}) > 1 else group[0].task,
            evidence={"created": created.isoformat(), "records": len(group)})
