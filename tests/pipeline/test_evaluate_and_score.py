from __future__ import annotations

import datetime as dt
from pathlib import Path

from credit_check.catalogue import load_catalogue
from credit_check.evaluate import buckets, evaluate
from credit_check.model import EvidenceFile, Finding, Kind, Period, Severity, Status
from credit_check.scoring import score, stamp_deductions

CAT = load_catalogue()
YEAR = Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))


def doc(path: str, task: str, day: dt.date | None = None, **facts: object) -> EvidenceFile:
    return EvidenceFile(path=path, abs_path=Path("/nonexistent") / path, size=1, task=task, kind=Kind.DOCUMENT,
                        date=day, date_source="filename" if day else None, facts=dict(facts))


def test_buckets_follow_the_period() -> None:
    assert [b[0] for b in buckets(YEAR, CAT.tasks[3].requirements[0].cadence)] == [
        "2024年第一季度", "2024年第二季度", "2024年第三季度", "2024年第四季度"]
    half = Period(start=dt.date(2024, 2, 15), end=dt.date(2024, 5, 10))
    months = buckets(half, CAT.tasks[1].requirements[1].cadence)
    assert [m[0] for m in months] == ["2024年2月", "2024年3月", "2024年4月", "2024年5月"]
    assert months[0][1] == dt.date(2024, 2, 15) and months[-1][2] == dt.date(2024, 5, 10)


def test_quarterly_meetings_met_partial_missing_unknown() -> None:
    task = CAT.task("1.4")
    assert task is not None
    all_q = [doc(f"1.4/2024-{m:02d}-10 领导小组会议纪要.pdf", "1.4", dt.date(2024, m, 10)) for m in (1, 4, 7, 10)]
    result, findings = evaluate(task, all_q, YEAR, CAT)
    assert result.status is Status.MET and result.score == task.points and not findings

    three = all_q[:2] + all_q[3:]
    result, findings = evaluate(task, three, YEAR, CAT)
    assert result.status is Status.PARTIAL
    assert result.score == round(task.points * 3 / 4, 2)
    assert "2024年第三季度" in result.reasons[0]
    assert findings[0].severity is Severity.WARNING and "第三季度" in findings[0].message
    assert "2024 Q3" in result.reasons_en[0] and "2024 Q3" in findings[0].message_en

    out_of_period = [doc("1.4/2023-03-01 会议纪要.pdf", "1.4", dt.date(2023, 3, 1))]
    result, findings = evaluate(task, out_of_period, YEAR, CAT)
    assert result.status is Status.MISSING and result.score == 0 and findings[0].severity is Severity.ERROR

    undated = [*three, doc("1.4/会议纪要.pdf", "1.4")]
    result, findings = evaluate(task, undated, YEAR, CAT)
    assert result.status is Status.UNKNOWN
    assert findings[0].severity is Severity.INFO and "无法确定日期" in findings[0].message


def test_issued_requirement_needs_the_issued_fact() -> None:
    task = CAT.task("1.3")
    assert task is not None
    plan = doc("1.3/2024年工作要点.pdf", "1.3", dt.date(2024, 2, 1), issued=True)
    assert evaluate(task, [plan], YEAR, CAT)[0].status is Status.MET
    other_task = doc("1.2/2024年工作要点.pdf", "1.2", dt.date(2024, 2, 1), issued=True)
    assert evaluate(task, [other_task], YEAR, CAT)[0].status is Status.MISSING


def test_unreadable_files_are_not_evidence() -> None:
    task = CAT.task("1.3")
    assert task is not None
    broken = doc("1.3/2024年工作要点.pdf", "1.3", dt.date(2024, 2, 1)).model_copy(update={"error": "corrupt"})
    assert evaluate(task, [broken], YEAR, CAT)[0].status is Status.MISSING


def _finding(rule: str, severity: Severity = Severity.ERROR, path: str = "a.pdf") -> Finding:
    return Finding(rule=rule, check="x", severity=severity, path=path, message="m")


def test_deductions_are_capped_per_item_and_only_for_deduction_rules() -> None:
    d6 = CAT.deduction("D6")
    assert d6 is not None
    many = [_finding("D6", path=f"{i}.pdf") for i in range(int(d6.cap / d6.points) + 5)]
    stamped = stamp_deductions([*many, _finding("read-error"), _finding("D6", Severity.INFO)], CAT)
    assert sum(f.deduction for f in stamped) == -d6.cap
    assert all(f.deduction == 0 for f in stamped if f.rule == "read-error" or f.severity is Severity.INFO)


def test_score_total_pass_and_disqualification() -> None:
    task = CAT.task("1.3")
    assert task is not None
    result, _ = evaluate(task, [doc("1.3/要点.pdf", "1.3", dt.date(2024, 2, 1), issued=True)], YEAR, CAT)
    clean = score([result], [], stamp_deductions([_finding("D5", Severity.WARNING)], CAT), CAT)
    assert clean.tasks == task.points and not clean.disqualified and not clean.passed
    fraud = score([result], [], stamp_deductions([_finding("D1")], CAT), CAT)
    assert fraud.disqualified and not fraud.passed
    assert fraud.deductions < 0 and fraud.total == max(0.0, fraud.tasks + fraud.deductions)
