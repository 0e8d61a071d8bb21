"""Facts of image files (not built yet)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from credit_check.model import Extracted, Kind

if TYPE_CHECKING:
    from credit_check.facts import ExtractOptions


def extract(path: Path, options: ExtractOptions) -> Extracted:
    return Extracted(kind=Kind.OTHER)
