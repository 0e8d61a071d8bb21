"""html report (being built)."""

from __future__ import annotations

from credit_check.model import Report


def render(report: Report, lang: str = "zh") -> str:
    raise NotImplementedError
