"""Evidence strength for cadence: stamped, dated activity photos are partial evidence of a meeting;
undated files that make a requirement unknown are named in the finding."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from credit_check.catalogue import load_catalogue
from credit_check.evaluate import PARTIAL_CREDIT, evaluate
from credit_check.model import EvidenceFile, Kind, Period, Status

CAT = load_catalogue()
PERIOD = Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
TASK = CAT.task("1.4")


def _minutes(name: str, day: dt.date | None) -> EvidenceFile:
    return EvidenceFile(path=f"1.4 领导小组会议/{name}", abs_path=Path("/nonexistent"), size=1, task="1.4",
                        kind=Kind.DOCUMENT, date=day, facts={"title": "领导小组会议纪要"})


def _photo(name: str, day: dt.date, stamp: bool | None) -> EvidenceFile:
    return EvidenceFile(path=f"1.4 领导小组会议/{name}", abs_path=Path("/nonexistent"), size=1, task="1.4",
                        kind=Kind.PHOTO, date=day, date_source="stamp" if stamp else "exif",
                        facts={"stamp": stamp, "stamp_time": f"{day.isoformat()}T09:30:00" if stamp else None})


def test_stamped_photos_are_partial_evidence_of_the_meetings() -> None:
    assert TASK is not None
    files = [_photo(f"2024-0{m}-10 联席会议.jpg", dt.date(2024, m, 10), True) for m in (2, 5, 8)]
    result, [finding] = evaluate(TASK, files, PERIOD, CAT)
    [req] = result.requirements
    assert req.status is Status.PARTIAL and req.partial == ("2024年第一季度", "2024年第二季度", "2024年第三季度")
    assert req.satisfied == 0 and "2024年第一季度" in req.missing  # the minutes are still wanted
    assert result.score == round(TASK.points * PARTIAL_CREDIT * 3 / 4, 2) > 0
    assert "部分佐证" in finding.message and "会议" in finding.message
    assert finding.evidence["partial_periods"] == "2024年第一季度、2024年第二季度、2024年第三季度"


def test_photos_without_a_stamp_count_for_nothing_and_minutes_count_whole() -> None:
    assert TASK is not None
    files = [_photo("a.jpg", dt.date(2024, 2, 10), False), _minutes("2024-05-10 会议纪要.docx", dt.date(2024, 5, 10))]
    result, _ = evaluate(TASK, files, PERIOD, CAT)
    [req] = result.requirements
    assert req.partial == () and req.satisfied == 1
    assert result.score == round(TASK.points / 4, 2)


def test_photos_never_make_a_period_met() -> None:
    assert TASK is not None
    files = [_minutes(f"2024-0{m}-10 会议纪要.docx", dt.date(2024, m, 10)) for m in (2, 5, 8)]
    files.append(_photo("2024-11-10 会议.jpg", dt.date(2024, 11, 10), True))
    result, _ = evaluate(TASK, files, PERIOD, CAT)
    assert result.status is Status.PARTIAL and result.requirements[0].partial == ("2024年第四季度",)


def test_unknown_names_the_undated_files() -> None:
    assert TASK is not None
    files = [_minutes(f"2024-0{m}-10 会议纪要.docx", dt.date(2024, m, 10)) for m in (2, 5, 8)]
    files.append(_minutes("第四次会议纪要.docx", None))
    result, [finding] = evaluate(TASK, files, PERIOD, CAT)
    assert result.status is Status.UNKNOWN
    assert finding.related == ("1.4 领导小组会议/第四次会议纪要.docx",)
