"""Stage 4: checks. Each check is a small module with an `ID` and a `check(files, ctx)` generator.

A check is a pure function over the facts of all files (most look at one file at a time; the
duplicate and reuse checks compare files). The module docstring is the check's user
documentation (`credit-check explain CHECK-ID` prints it). Checks never open evidence files:
everything they need is in `EvidenceFile.facts`, `.pages` and `.sheets`.

The registry below is explicit: add a module here to run it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from credit_check.catalogue import Catalogue
from credit_check.checks import (
    copying,
    doc_elements,
    esign,
    gb9704,
    layout,
    measures,
    personal_data,
    photos,
    provenance,
    publication,
    read_error,
    reuse,
    stamp_place,
)
from credit_check.checks.memo import CheckMemo, read_date, watch
from credit_check.facts.verify import PairVerdict
from credit_check.model import EvidenceFile, Finding, Period


@dataclass(frozen=True)
class CheckContext:
    catalogue: Catalogue
    period: Period
    audit_date: dt.date
    folders: tuple[str, ...] = ()  # every folder of the tree, display paths
    unreadable: tuple[str, ...] = ()  # folders that could not be listed
    # Material from elsewhere (--reference DIR) that copied text is compared against.
    reference: tuple[EvidenceFile, ...] = field(default=())
    # Candidate pairs of photos compared pixel by pixel (`credit_check.verify`), keyed by their two
    # paths in sorted order: the photo-reuse check's evidence. Empty when the stage did not run.
    photo_pairs: Mapping[tuple[str, str], PairVerdict] = field(default_factory=dict)


EVIDENCE_SOURCE = "evidence"  # findings of the task evaluation (`credit_check.evaluate`), not of a check


class Check(Protocol):
    ID: str

    def check(self, files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterable[Finding]: ...


CHECKS: dict[str, Check] = {
    read_error.ID: read_error,
    layout.ID: layout,
    doc_elements.ID: doc_elements,
    gb9704.ID: gb9704,
    photos.ID: photos,
    reuse.ID: reuse,
    stamp_place.ID: stamp_place,
    provenance.ID: provenance,
    esign.ID: esign,
    personal_data.ID: personal_data,
    copying.ID: copying,
    publication.ID: publication,
    measures.ID: measures,
}


def run_checks(files: Sequence[EvidenceFile], ctx: CheckContext, only: Iterable[str] | None = None,
               memo: CheckMemo | None = None) -> list[Finding]:
    """Run the registered checks (or `only` those ids) and collect their findings. With `memo`
    (`checks/memo.py`), a check whose inputs are unchanged since a run kept there is not run again:
    its findings are read back (the caller saves the memo)."""
    wanted = set(only) if only is not None else None
    found: list[Finding] = []
    for check_id, module in CHECKS.items():
        if wanted is not None and check_id not in wanted:
            continue
        if memo is not None and (kept := memo.get(check_id)) is not None:
            found.extend(kept)
            continue
        seen = watch(ctx) if memo is not None else ctx
        new = [f.model_copy(update={"source": check_id}) for f in module.check(files, seen)]
        if memo is not None:
            memo.put(check_id, new, read_date(seen))
        found.extend(new)
    return found
