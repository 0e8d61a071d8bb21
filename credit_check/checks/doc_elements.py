"""D6 — issued documents must bear 红头、文号、公章.

(Not built yet.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.model import EvidenceFile, Finding

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "doc-elements"


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    yield from ()
