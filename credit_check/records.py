"""Evidence records: a discovered file plus its extracted facts, as the checks see it.

One concern: turning (`Discovered`, `Extracted`) pairs into `EvidenceFile`s —
- the date a file evidences (`date_of`): the date its content states (成文日期, EXIF, stamp),
  then a date in its name, then in its folders' names; never the file system's mtime;
- the issued-document decision (`classify.decide_issued`, catalogue logic) for documents;
- personal data masked in everything that came from the evidence: the path and the evidence-text
  fields of the facts (`facttypes.mask_facts`), never hashes or numbers.

Page texts and sheet cells arrive cleaned (`textclean.clean_extracted`, in the reader's worker):
NFKC, no lone surrogates or control characters, and every personal-data value pseudonymised —
its hidden digits replaced so that it is still found, as the same kind, at the same place, with
the same masked form, by the personal-data check, while no full number exists anywhere after the
reader. They never reach a report (the pipeline drops them) and reporters mask what findings quote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from credit_check.catalogue.models import Catalogue
from credit_check.classify import decide_issued
from credit_check.dates import date_from_name, month_from_name
from credit_check.discover import Discovered, Tree
from credit_check.facttypes import DocumentFacts, mask_facts
from credit_check.model import EvidenceFile, Extracted, Finding
from credit_check.pii import mask_text


def date_of(item: Discovered, facts: Extracted) -> tuple[dt.date | None, str | None]:
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


def build_record(item: Discovered, sha: str, ex: Extracted, catalogue: Catalogue) -> EvidenceFile:
    facts = ex.facts
    if item.name_encoding:
        facts = facts.model_copy(update={"name_encoding": item.name_encoding})
    if isinstance(facts, DocumentFacts) and ex.error is None:
        issued = decide_issued(path=item.path, title=facts.title or "", text="\n".join(ex.pages),
                               doc_number=facts.doc_number, page_picture=facts.paper_picture,
                               task=catalogue.task(item.task) if item.task else None, catalogue=catalogue)
        facts = facts.model_copy(update={"issued": issued})
    day, source = date_of(item, ex)
    return EvidenceFile(
        path=mask_text(item.path), abs_path=item.abs_path, size=item.size, task=item.task, kind=ex.kind, date=day,
        date_source=source, facts=mask_facts(facts, mask_text), error=mask_text(ex.error) if ex.error else None,
        error_kind=ex.error_kind, pages=ex.pages, sheets=ex.sheets, sha256=sha, text_sketch=ex.text_sketch,
    )


def build_records(tree: Tree, extracted: Sequence[tuple[str, Extracted]], catalogue: Catalogue) -> list[EvidenceFile]:
    return [build_record(item, sha, ex, catalogue) for item, (sha, ex) in zip(tree.files, extracted, strict=True)]


def mask_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Mask personal data in every text of a finding that leaves the tool. A last safety net:
    checks mask what they quote, and paths are masked when records are built (a file may be
    *named* after a person's ID number)."""
    return [f.model_copy(update={"message": mask_text(f.message), "message_en": mask_text(f.message_en),
                                 "fix": mask_text(f.fix), "fix_en": mask_text(f.fix_en),
                                 "path": mask_text(f.path) if f.path else None,
                                 "related": tuple(mask_text(p) for p in f.related)}) for f in findings]
