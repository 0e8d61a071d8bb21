from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from credit_check.model import Severity, Status
from credit_check.reporters import junit
from tests.builders.reports import build_report, with_odd_names

OUTCOMES = ("failure", "error", "skipped")


def _parse(**variant: Any) -> ET.Element:
    lang = variant.pop("lang", "zh")
    return ET.fromstring(junit.render(build_report(**variant), lang))


def _outcome(case: ET.Element) -> str:
    found = [tag for tag in OUTCOMES if case.find(tag) is not None]
    assert len(found) <= 1, "a testcase carries at most one outcome element"
    return found[0] if found else "pass"


def _suite(root: ET.Element, classname: str) -> list[ET.Element]:
    return [case for case in root.iter("testcase") if case.get("classname") == classname]


@pytest.mark.parametrize("variant", [{}, {"disqualified": True}, {"pass_mark": 0}, {"lang": "en"}])
def test_counts_in_attributes_match_the_testcases(variant: dict[str, Any]) -> None:
    root = _parse(**variant)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(cases)
        for attribute, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
            assert int(suite.get(attribute, "-1")) == sum(1 for c in cases if _outcome(c) == tag)
    for attribute in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(attribute, "-1")) == sum(int(s.get(attribute, "0")) for s in suites)
    assert int(root.get("tests", "0")) == len(list(root.iter("testcase")))


def test_tasks_become_testcases_by_status() -> None:
    report = build_report()
    root = _parse()
    cases = {case.get("name", "").split(" ", 1)[0]: case for case in root.iter("testcase")
             if (case.get("classname") or "").startswith("credit_check.tasks.")}
    assert set(cases) == {task.id for task in report.tasks}
    expected = {Status.MET: "pass", Status.PARTIAL: "failure", Status.MISSING: "failure", Status.UNKNOWN: "skipped"}
    for task in report.tasks:
        case = cases[task.id]
        assert _outcome(case) == expected[task.status], task.id
        assert case.get("classname") == f"credit_check.tasks.indicator_{task.id.split('.')[0]}"
        if task.status is not Status.MET:
            body = "".join(case.itertext())
            assert all(reason in body for reason in task.reasons)
    # One suite per primary indicator present in the report.
    primaries = {task.id.split(".")[0] for task in report.tasks}
    task_suites = {suite.get("name") for suite in root.findall("testsuite") for case in suite.findall("testcase")
                   if (case.get("classname") or "").startswith("credit_check.tasks.")}
    assert len(task_suites) == len(primaries)


def test_unclaimed_bonus_is_skipped_not_failed() -> None:
    report = build_report()
    cases = _suite(_parse(), "credit_check.bonus")
    assert len(cases) == len(report.bonus)
    for bonus, case in zip(report.bonus, cases, strict=True):
        assert case.get("name", "").startswith(bonus.id)
        assert _outcome(case) == ("pass" if bonus.status is Status.MET else "skipped")


def test_findings_one_testcase_per_file() -> None:
    report = build_report()
    cases = _suite(_parse(), "credit_check.findings")
    paths = {f.path for f in report.findings if f.path} | {f.path for f in report.files if f.error}
    pathless_tasks = {f.task for f in report.findings if f.path is None}
    assert len(pathless_tasks) >= 2
    assert len(cases) == len(paths) + len(pathless_tasks)
    for task in pathless_tasks:
        case = next(c for c in cases if c.get("file") is None and (c.get("name") or "").startswith(f"{task} "))
        expected = "failure" if any(f.severity is Severity.ERROR for f in report.findings
                                    if f.path is None and f.task == task) else "pass"
        assert _outcome(case) == expected
    unreadable = {f.path: f.error for f in report.files if f.error}
    with_errors = {f.path for f in report.findings if f.severity is Severity.ERROR}
    by_file = {case.get("file"): case for case in cases}
    for path in paths:
        case = by_file[path]
        if path in unreadable:
            error = case.find("error")
            assert error is not None
            assert unreadable[path] in error.get("message", "")
        elif path in with_errors:
            assert _outcome(case) == "failure"
        else:
            assert _outcome(case) == "pass"
        assert case.get("name") == path
        texts = "".join(case.itertext())
        assert all(f.message in texts for f in report.findings if f.path == path)


def test_score_suite_reflects_pass_and_disqualification() -> None:
    failing = _suite(_parse(), "credit_check.score")
    assert [_outcome(c) for c in failing] == ["failure", "pass"]
    passing = _suite(_parse(pass_mark=0), "credit_check.score")
    assert [_outcome(c) for c in passing] == ["pass", "pass"]
    disqualified = _suite(_parse(disqualified=True), "credit_check.score")
    assert [_outcome(c) for c in disqualified] == ["failure", "failure"]
    props = {p.get("name"): p.get("value") for p in _parse(disqualified=True).iter("property")}
    assert props["disqualified"] == "true"
    assert float(props["total"] or "nan") == build_report(disqualified=True).score.total


def test_markup_in_text_round_trips() -> None:
    root = _parse()
    texts = "".join(root.itertext())
    assert "文件名无意义：<新建>" in texts
    assert "无按时公示的证明 & 台账不全" in texts


def test_english_labels_and_messages() -> None:
    report = build_report()
    root = _parse(lang="en")
    names = [s.get("name") for s in root.findall("testsuite")]
    assert names[0] == "score" and names[-1] == "findings"
    texts = "".join(root.itertext())
    for finding in report.findings:
        assert (finding.message_en or finding.message) in texts


def test_stable_testcase_names_across_scores() -> None:
    low, high = _parse(), _parse(pass_mark=0)
    assert [c.get("name") for c in low.iter("testcase")] == [c.get("name") for c in high.iter("testcase")]


def test_control_characters_do_not_break_the_xml() -> None:
    root = ET.fromstring(junit.render(with_odd_names(build_report())))
    names = [case.get("name") or "" for case in root.iter("testcase")]
    assert "其他材料/铃\\x07声\\x1b[31m.txt" in names


def test_xml_declaration_and_testsuites_root() -> None:
    text = junit.render(build_report())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')


def test_a_test_case_per_deduction_item() -> None:
    report = build_report(disqualified=True)
    cases = {case.get("name", "").split()[0]: case for case in _suite(_parse(disqualified=True), "credit_check.deductions")}
    assert list(cases) == [f"D{n}" for n in range(1, 8)]
    for rule, case in cases.items():
        mine = [f for f in report.findings if f.rule == rule and f.waived is None]
        fails = any(f.deduction or f.severity is Severity.ERROR for f in mine)
        assert _outcome(case) == ("failure" if fails else "pass"), rule
    failure = cases["D1"].find("failure")
    assert failure is not None and failure.get("type") == "D1" and failure.get("message") == "1 条问题，扣 5 分"
    assert "会议记录与其他县材料雷同" in (failure.text or "")
    assert cases["D4"].findtext("system-out", "").startswith("[提示] D4/late")  # notes only: passes, listed
    # A waived finding does not fail its item.
    cleared = report.model_copy(update={"findings": tuple(
        f.model_copy(update={"waived": "已核实", "deduction": 0.0}) if f.rule == "D1" else f for f in report.findings)})
    root = ET.fromstring(junit.render(cleared))
    d1 = next(c for c in _suite(root, "credit_check.deductions") if c.get("name", "").startswith("D1"))
    assert _outcome(d1) == "pass"
