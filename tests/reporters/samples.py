"""The bundled sample trees audited once per test session, as the README's first command does
(`--audit-date 2025-01-15`, OCR when installed), for the reporter tests that need real files."""

from __future__ import annotations

import datetime as dt
import importlib.util
from functools import cache

from credit_check.catalogue import load_catalogue
from credit_check.model import Period, Report
from tests.conftest import REPO_ROOT

HAS_OCR = importlib.util.find_spec("rapidocr_onnxruntime") is not None
AUDIT_DATE = dt.date(2025, 1, 15)


@cache
def sample_report(name: str) -> Report:
    from credit_check.pipeline import AuditOptions, run_audit

    catalogue = load_catalogue()
    options = AuditOptions(root=REPO_ROOT / "samples" / name, catalogue=catalogue,
                           period=Period(start=catalogue.settings.period_start, end=catalogue.settings.period_end),
                           audit_date=AUDIT_DATE, jobs=2, ocr=HAS_OCR)
    return run_audit(options)
