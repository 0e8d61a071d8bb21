"""Fabricated records (D1): the same substance under another date, with boilerplate that never counts."""

from __future__ import annotations

import datetime as dt
import random

from credit_check.checks import copying
from credit_check.model import EvidenceFile, Finding, Severity
from tests.builders.sheets import check_context, chinese_text, doc_file
from tests.fraud.records import fabricated, ledger, minutes, summary

QUARTER_DAYS = (dt.date(2024, 3, 15), dt.date(2024, 6, 14), dt.date(2024, 9, 20), dt.date(2024, 12, 13))
FOLDER = "1.4 领导小组会议"


def _record(path: str, text: str, day: dt.date | None) -> EvidenceFile:
    return doc_file(path, [text], task=path.split(" ")[0].split("/")[0]).model_copy(update={"date": day})


def _run(files: list[EvidenceFile]) -> list[Finding]:
    return list(copying.check(files, check_context()))


def _series(seed: int, n_items: int = 8) -> list[EvidenceFile]:
    rng = random.Random(seed)
    return [_record(f"{FOLDER}/{d:%Y-%m-%d} 会议纪要.docx", minutes(rng, d, n_items), d) for d in QUARTER_DAYS]


def test_honest_minutes_on_one_template_are_not_fraud() -> None:
    assert _run(_series(1)) == []


def test_minutes_copied_with_the_dates_changed_are_fabricated() -> None:
    series = _series(2)
    copy = fabricated(series[0].text, random.Random(3), QUARTER_DAYS[1], touch=0.2)
    files = [series[0], _record(f"{FOLDER}/2024-06-14 会议纪要.docx", copy, QUARTER_DAYS[1]), *series[2:]]
    [finding] = _run(files)
    assert (finding.rule, finding.check, finding.severity) == ("D1", "fabricated", Severity.ERROR)
    assert {finding.path, *finding.related} == {series[0].path, files[1].path}
    assert finding.evidence["date_a"] == "2024-03-15" and finding.evidence["date_b"] == "2024-06-14"
    assert float(finding.evidence["similarity"]) >= check_context().catalogue.settings.similarity_threshold
    assert float(finding.evidence["boilerplate_removed_a"]) > 0.2  # the template did not count


def test_every_quarter_copied_is_still_found() -> None:
    """Four copies of one record share all their text: near-copies count once, so it is not boilerplate."""
    first = _series(4)[0]
    rng = random.Random(5)
    files = [first, *(_record(f"{FOLDER}/{d:%Y-%m-%d} 会议纪要.docx", fabricated(first.text, rng, d), d)
                      for d in QUARTER_DAYS[1:])]
    found = _run(files)
    assert found and all(f.check == "fabricated" and f.severity is Severity.ERROR for f in found)
    assert {p for f in found for p in (f.path, *f.related)} == {f.path for f in files}


def test_template_dominated_records_with_other_substance_are_not_errors() -> None:
    """Short minutes (two items each) on a long template: most of the text is shared, the substance is not."""
    rng = random.Random(6)
    files = [_record(f"{FOLDER}/{d:%Y-%m-%d} 会议纪要.docx", minutes(rng, d, 2), d) for d in QUARTER_DAYS]
    files += [_record(f"1.2 月度台账/{m}月台账.docx", ledger(rng, dt.date(2024, m, 28)), dt.date(2024, m, 28))
              for m in range(1, 7)]
    assert [f for f in _run(files) if f.severity is Severity.ERROR] == []


def test_a_revised_draft_is_a_duplicate_version_not_fraud() -> None:
    text = summary(random.Random(7), dt.date(2024, 6, 30), 10)
    draft = _record("5.1 宣传月/宣传月活动总结.docx", text, dt.date(2024, 6, 30))
    revised = _record("5.1 宣传月/宣传月活动总结（修改稿）.docx", text.replace("下一步", "今后"), dt.date(2024, 7, 2))
    [finding] = _run([draft, revised])
    assert (finding.rule, finding.check, finding.severity) == ("D5", "duplicate-version", Severity.WARNING)
    plan = _record("5.1 宣传月/活动方案.docx", text, dt.date(2024, 5, 20))  # not a record of a series
    plan2 = _record("5.1 宣传月/活动方案（定稿）.docx", text, None)
    assert [f.check for f in _run([plan, plan2])] == ["duplicate-version"]
    v1 = _record("5.1 宣传月/总结v1.docx", text, dt.date(2024, 6, 30))
    v2 = _record("5.1 宣传月/总结v2.docx", text, dt.date(2024, 7, 1))
    assert [f.check for f in _run([v1, v2])] == ["duplicate-version"]


def test_undated_notice_and_summary_of_one_activity_are_not_compared() -> None:
    text = summary(random.Random(8), dt.date(2024, 6, 30), 10)
    files = [_record("5.1 宣传月/通知.docx", text, None), _record("5.1 宣传月/总结.docx", text + "完。", None)]
    assert _run(files) == []


def test_the_catalogues_wording_is_not_substance() -> None:
    """Two records that mostly quote the catalogue's task texts, each with a little of its own."""
    from credit_check.catalogue import load_catalogue

    quote = "".join(t.text for t in load_catalogue().tasks[:6])
    rng = random.Random(9)
    files = [_record(f"{FOLDER}/{d:%Y-%m-%d} 学习记录.docx", quote + chinese_text(rng, 150), d) for d in QUARTER_DAYS[:2]]
    assert _run(files) == []


def test_an_activitys_notice_and_summary_are_not_a_series() -> None:
    """Dated differently and sharing most of their text, but a notice and a summary are not two
    records of one series: not fabricated."""
    text = summary(random.Random(10), dt.date(2024, 6, 1), 10)
    notice = _record("5.1 宣传月/关于开展宣传月活动的通知.docx", text, dt.date(2024, 6, 1))
    report = _record("5.1 宣传月/宣传月活动总结.docx", text + "活动圆满结束。", dt.date(2024, 6, 30))
    assert _run([notice, report]) == []
    again = _record("5.1 宣传月/宣传月活动总结（七月）.docx", text, dt.date(2024, 7, 30))
    assert [f.check for f in _run([report, again])] == ["fabricated"]
