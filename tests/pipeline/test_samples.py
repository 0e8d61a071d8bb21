"""Functional test over the bundled sample trees: what each one triggers (like bandit's examples).

`samples/evidence` is a tree in mid-preparation with every task state and every non-fraud
finding; `samples/fraud` holds the D1 cases. If a check changes what it finds here, update the
samples (python samples/build_samples.py) and this list together.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import Counter
from functools import cache

import pytest

from credit_check.catalogue import load_catalogue
from credit_check.model import Period, Report, Severity, Status
from credit_check.pipeline import AuditOptions, run_audit
from tests.conftest import REPO_ROOT

HAS_OCR = importlib.util.find_spec("rapidocr_onnxruntime") is not None


@cache
def audit(name: str) -> Report:
    cat = load_catalogue()
    options = AuditOptions(root=REPO_ROOT / "samples" / name, catalogue=cat,
                           period=Period(start=cat.settings.period_start, end=cat.settings.period_end),
                           audit_date=dt.date(2025, 1, 15), jobs=2, ocr=HAS_OCR)
    return run_audit(options)


def found(report: Report) -> set[tuple[str, str, str]]:
    return {(f.rule, f.check, (f.path or "").rsplit("/", 1)[-1]) for f in report.findings}


def test_evidence_tree_task_states() -> None:
    report = audit("evidence")
    status = {t.id: t.status for t in [*report.tasks, *report.bonus]}
    assert status["1.1"] is Status.MET
    assert status["1.2"] is Status.PARTIAL  # monthly ledgers stop in September
    assert status["1.4"] is Status.UNKNOWN  # the fourth meeting's minutes are undated
    assert status["2.1"] is Status.PARTIAL
    assert status["2.2"] is Status.MISSING
    assert status["3.2"] is Status.MET  # per domain: 机动车维修
    assert status["B6"] is Status.MET and status["B1"] is Status.MISSING
    assert {Status.MET, Status.PARTIAL, Status.MISSING, Status.UNKNOWN} <= set(status.values())
    assert not report.score.disqualified


@pytest.mark.parametrize("expected", [
    ("D6", "seal", "关于印发信用交通县创建工作方案的通知.pdf"),
    ("D6", "doc_number_format", "道路货运企业信用评价实施方案.pdf"),
    ("D4", "late", "2024年信用修复与双公示台账.xlsx"),
    ("D4", "unpublished", "2024年信用修复与双公示台账.xlsx"),
    ("D3", "no-basis", "联合惩戒措施清单.csv"),
    ("D3", "weak-basis", "联合惩戒措施清单.csv"),
    ("D2", "published", "道路货运企业信用评价结果公示名单.xlsx"),
    ("D2", "internal", "信用承诺书-莱芜区鹏程驾驶员培训学校.pdf"),
    ("D5", "unfiled", "进展情况汇总.xlsx"),
    ("D5", "junk-folder", "新建文件夹"),
    ("D5", "copy-name", "2024-06-12 宣传月活动现场1 - 副本.jpg"),
    ("D7", "out-of-period", "2023年宣传月照片.jpg"),
    ("read-error", "corrupt", "损坏的活动方案.pdf"),
    ("evidence", "missing:mechanism", "2.2 协调机制"),
])
def test_evidence_tree_findings(expected: tuple[str, str, str]) -> None:
    assert expected in found(audit("evidence"))


@pytest.mark.skipif(not HAS_OCR, reason="stamp detection needs the ocr extra")
def test_evidence_tree_photo_findings() -> None:
    got = found(audit("evidence"))
    assert ("D7", "no-stamp", "宣传月活动现场3.jpg") in got
    assert ("D7", "no-exif", "微信转发-宣传月活动现场4.jpg") in got
    stamped_ok = {"2024-06-12 宣传月活动现场1.jpg", "2024-06-12 宣传月活动现场2.jpg", "2024-09-20 培训现场.jpg"}
    assert not [f for f in got if f[0] == "D7" and f[2] in stamped_ok]


def test_evidence_tree_has_no_false_fraud_or_d6_on_non_issued_material() -> None:
    report = audit("evidence")
    assert not [f for f in report.findings if f.rule == "D1"]
    d6 = Counter(f.path.rsplit("/", 1)[-1] for f in report.findings if f.rule == "D6" and f.path)
    assert set(d6) == {"关于印发信用交通县创建工作方案的通知.pdf", "道路货运企业信用评价实施方案.pdf"}


def test_personal_data_never_leaves_unmasked() -> None:
    report = audit("evidence")
    text = report.model_dump_json()
    for secret in ("13869312345", "15963412378", "370102198005170"):
        assert secret not in text


def test_fraud_tree() -> None:
    report = audit("fraud")
    got = found(report)
    # One group of verified copies: the 5.1 photo, its resized copy (5.4) and its cropped, re-stamped copy (5.2).
    [reused] = [f for f in report.findings if f.check == "reused"]
    assert reused.path == "5.1 宣传月/2024-06-12 活动现场.jpg" and reused.severity is Severity.ERROR
    assert reused.related == ("5.2 诚信典范/2024-10-18 评选活动现场.jpg", "5.4 主题活动/2024-09-03 诚信春运活动.jpg")
    assert reused.evidence["pairs_verified"] == 3
    assert ("D1", "edited", "2024-09-20 培训现场.jpg") in got
    assert ("D1", "copied", "信易行典型案例.pdf") in got
    # The second quarter's minutes are the first's with the dates changed; both are named.
    [fabricated] = [f for f in report.findings if f.check == "fabricated"]
    assert {fabricated.path, *fabricated.related} == {"1.4 领导小组会议/2024-03-20 第一季度领导小组会议纪要.pdf",
                                                       "1.4 领导小组会议/2024-06-18 第二季度领导小组会议纪要.pdf"}
    # A revised draft is a duplicate version (D5), not fraud; the same room at two meetings is nothing.
    assert ("D5", "duplicate-version", "宣传月活动方案（修改稿）.pdf") in got
    assert not [f for f in report.findings if f.rule == "D1" and "会场.jpg" in (f.path or "") + "".join(f.related)]
    assert report.score.disqualified and not report.score.passed
    if HAS_OCR:
        assert ("D1", "stamp-mismatch", "2024-09-21 现场指导.jpg") in got
        # Stamped photos of joint meetings, no minutes: partial evidence in every quarter.
        liaison = next(t for t in report.tasks if t.id == "2.1")
        assert liaison.status is Status.PARTIAL and len(liaison.requirements[0].partial) == 4 and liaison.score > 0
