"""The to-do model (`credit_check.reporters.todo`) and how the terminal and HTML reports show it:
a finding shared by two units appears once, naming both; a unit's view is a filter."""

from __future__ import annotations

import json
import re

from credit_check.model import Finding, Report, Severity, Status
from credit_check.reporters import html, terminal, todo
from tests.builders.reports import build_report

BUREAU, BRIGADE = "区交通运输局", "区交通执法大队"
SHARED = "联合检查记录缺少检查人员签名"


def _shared_report() -> Report:
    """The realistic report plus a task owned by two units and an error finding about it."""
    report = build_report()
    finding = Finding(rule="D6", check="seal", severity=Severity.ERROR, path="3.1 联合检查/检查记录.pdf", task="3.1",
                      message=SHARED, fix="补签后重新扫描", message_en="Joint inspection record is unsigned",
                      deduction=-1)
    return report.model_copy(update={
        "findings": (*report.findings, finding),
        "units": (*report.units, BUREAU, BRIGADE),
        "unit_of_task": {**report.unit_of_task, "3.1": (BUREAU, BRIGADE)},
    })


def _items_about(items: todo.Todo, message: str) -> list[todo.Item]:
    return [item for item in items if item.finding is not None and item.finding.message == message]


def test_a_shared_finding_is_one_item_with_all_its_units() -> None:
    report = _shared_report()
    items = todo.build(report)
    [shared] = _items_about(items, SHARED)
    assert shared.units == (BUREAU, BRIGADE)
    assert shared.severity is Severity.ERROR and shared.task_id == "3.1" and shared.waived is None
    assert len(todo.findings_of(items)) == len(report.findings)
    assert [item.finding for item in todo.findings_of(items)].count(shared.finding) == 1


def test_units_resolve_from_task_then_rule() -> None:
    report = build_report()
    items = todo.build(report)
    [seal] = _items_about(items, "文件未加盖公章")
    assert seal.units == ("法规科", "综合科")  # task 1.1's units
    [junk] = _items_about(items, "文件名无意义：<新建>")
    assert junk.finding is not None and junk.finding.task is None
    assert junk.units == report.unit_of_task["D5"]  # no task: the deduction rule's units
    [stray] = _items_about(items, "路径过长，Windows 可能无法打开")
    assert stray.units == ()


def test_order_errors_first_then_incomplete_tasks() -> None:
    report = build_report()
    items = todo.build(report)
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    findings = todo.findings_of(items)
    assert items[:len(findings)] == findings, "findings come before task items"
    ranks = [rank[item.finding.severity] for item in findings if item.finding is not None]
    assert ranks == sorted(ranks) and len(set(ranks)) == 3
    same = [item.finding for item in findings if item.severity is Severity.WARNING]
    assert same == [f for f in report.findings if f.severity is Severity.WARNING], "report order within a severity"
    tasks = todo.tasks_of(items)
    spoken = {f.task for f in report.findings}
    assert [item.task for item in tasks] == [t for t in report.tasks if t.status is not Status.MET and t.id not in spoken]
    assert tasks and all(item.severity is None and item.units == item.task.units for item in tasks if item.task)


def test_for_unit_is_a_filter_of_the_one_list() -> None:
    report = _shared_report()
    items = todo.build(report)
    for unit in (BUREAU, BRIGADE):
        view = todo.for_unit(items, unit)
        assert _items_about(view, SHARED) == _items_about(items, SHARED)
        assert all(unit in item.units for item in view)
    assert not _items_about(todo.for_unit(items, "综合科"), SHARED)
    nobody = todo.for_unit(items, todo.NO_UNIT)
    assert [item.finding.message for item in nobody if item.finding] == ["路径过长，Windows 可能无法打开"]
    order = todo.units_in_order(report, items)
    assert order == (*[u for u in report.units if todo.for_unit(items, u)], todo.NO_UNIT)
    # Every item is in some unit's view, in the list's order; the views overlap only where units share.
    for unit in order:
        view = todo.for_unit(items, unit)
        assert list(view) == [item for item in items if item in view]
    assert {id(item) for unit in order for item in todo.for_unit(items, unit)} == {id(item) for item in items}
    assert todo.for_unit(items, "不存在的单位") == ()


def test_units_the_catalogue_does_not_list_come_after_its_units() -> None:
    report = _shared_report().model_copy(update={"units": build_report().units})
    order = todo.units_in_order(report, todo.build(report))
    assert order[-3:] == (BUREAU, BRIGADE, todo.NO_UNIT)


def test_waived_findings_stay_in_place_marked_apart() -> None:
    report = build_report()
    cleared = tuple(f.model_copy(update={"waived": "原件已核实盖章"}) if f.check == "seal" else f
                    for f in report.findings)
    before, after = todo.build(report), todo.build(report.model_copy(update={"findings": cleared}))
    assert [item.finding.check for item in after if item.finding] == [
        item.finding.check for item in before if item.finding]
    [waived] = todo.waived_items(after)
    assert waived.waived == "原件已核实盖章" and waived.finding is not None and waived.finding.check == "seal"
    assert len(todo.open_items(after)) == len(after) - 1
    assert not todo.waived_items(before)


def test_terminal_shows_a_shared_finding_once_with_both_units() -> None:
    report = _shared_report()
    text = terminal.render(report, width=200)
    assert text.count(SHARED) == 1
    after = text[text.index(SHARED):].splitlines()
    assert after[1].strip() == f"责任单位：{BUREAU}、{BRIGADE}"
    tasks = len(todo.tasks_of(todo.build(report)))
    assert f"待办：{len(report.findings)} 条问题，另有 {tasks} 项任务未达标" in text
    counts = re.search(r"各责任单位条数：(.*)", text)
    assert counts and f"{BUREAU} 1 · {BRIGADE} 1" in counts.group(1)
    english = terminal.render(report, "en", width=200)
    assert english.count("Joint inspection record is unsigned") == 1
    assert f"Units: {BUREAU}, {BRIGADE}" in english and f"To-do: {len(report.findings)} findings" in english


def test_terminal_unit_view_is_a_filter() -> None:
    report = _shared_report()
    items = todo.build(report)
    text = terminal.render(report, width=200, unit=BRIGADE)
    assert text.count(SHARED) == 1 and "文件未加盖公章" not in text
    assert f"{BRIGADE} 待办：1 条问题（全部共 {len(report.findings)} 条问题）" in text
    lonely = terminal.render(report, width=200, unit=todo.NO_UNIT)
    assert "路径过长" in lonely and SHARED not in lonely and "未指定责任单位 待办：1 条问题" in lonely
    view = todo.for_unit(items, "法规科")
    shown = terminal.render(report, width=200, unit="法规科")
    assert shown.count("    责任单位：") == len(view)


def test_html_shows_a_shared_finding_once_and_counts_distinct_findings() -> None:
    report = _shared_report()
    page = html.render(report)
    section = page[page.index('<section id="todo">'):page.index('<section id="unreadable">')]
    entries = re.findall(r'<li class="finding-(?:error|warning|info)" data-units="([^"]*)"', section)
    assert len(entries) == len(report.findings)
    assert section.count(SHARED) == 1
    assert f"责任单位：{BUREAU}、{BRIGADE}" in section
    units = [json.loads(entry.replace("&quot;", '"')) for entry in entries]
    assert units.count([BUREAU, BRIGADE]) == 1
    assert f"共 {len(report.findings)} 条问题需处理" in section
    assert f'<option value="&quot;{BRIGADE}&quot;">{BRIGADE}（1）</option>' in section


def test_html_without_anything_to_do() -> None:
    report = build_report()
    done = report.model_copy(update={
        "findings": (), "tasks": tuple(t.model_copy(update={"status": Status.MET}) for t in report.tasks)})
    assert todo.build(done) == ()
    page = html.render(done)
    section = page[page.index('<section id="todo">'):page.index('<section id="unreadable">')]
    assert "<li" not in section and "unit-filter" not in section and "<p>无</p>" in section
    assert "待办" not in terminal.render(done)


def test_terminal_lists_waived_findings_after_the_todo() -> None:
    report = build_report()
    cleared = report.model_copy(update={"findings": tuple(
        f.model_copy(update={"waived": "原件已核实盖章"}) if f.check == "seal" else f for f in report.findings)})
    text = terminal.render(cleared, width=200)
    todo_part, _, waived_part = text.partition("已豁免（1 条，不扣分）")
    assert waived_part, "a waived section"
    assert "文件未加盖公章" not in todo_part and "待办：8 条问题" in todo_part
    assert "D6/seal 1.1 成立领导小组/关于成立领导小组的通知 #2.pdf：文件未加盖公章 — 豁免理由：原件已核实盖章" in waived_part
