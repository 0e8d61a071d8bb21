"""D1 — the same photo used as evidence of different tasks.

(Not built yet.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.model import EvidenceFile, Finding

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "photo-reuse"


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    yield from ()
