from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from credit_check.model import Report, Status
from credit_check.reporters import html
from tests.builders.reports import build_report, with_odd_names

VOID = {"meta", "input", "br", "img", "hr", "link"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def iter(self, tag: str | None = None, cls: str | None = None) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and (cls is None or cls in child.attrs.get("class", "").split()):
                    yield child
                yield from child.iter(tag, cls)


class _Builder(HTMLParser):
    """A strict little DOM: every non-void element must be closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _dom(report: Report, lang: str = "zh") -> Node:
    builder = _Builder()
    builder.feed(html.render(report, lang))
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def _section(dom: Node, section_id: str) -> Node:
    return next(n for n in dom.iter("section") if n.attrs.get("id") == section_id)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_is_self_contained_and_well_formed(lang: str) -> None:
    page = html.render(build_report(), lang)
    dom = _dom(build_report(), lang)
    assert page.startswith("<!DOCTYPE html>")
    assert "${" not in page
    scripts = list(dom.iter("script"))
    assert len(scripts) == 1 and "src" not in scripts[0].attrs, "one inline script, nothing fetched"
    assert not list(dom.iter("link")) and not list(dom.iter("img"))
    assert ":has(" not in page and "import(" not in page and "fetch(" not in page
    for node in dom.iter():
        assert "src" not in node.attrs, f"external resource {node.attrs.get('src')}"
        link = node.attrs.get("href", "#")
        # In-page anchors, and links (not resources) to the evidence files under the root.
        assert link.startswith("#") or ("file" in node.attrs.get("class", "").split()
                                        and link.startswith("file:///srv/")), link
    assert next(dom.iter("html")).attrs["lang"] == ("en" if lang == "en" else "zh-CN")
    assert next(dom.iter("title")).text.endswith("莱芜区 2024")


def test_text_from_the_evidence_is_escaped() -> None:
    page = html.render(build_report())
    assert "&lt;新建&gt;" in page and "<新建>" not in page
    assert "&lt;会议&gt;" in page
    assert "台账不全" in page and " & 台账" not in page


def test_score_and_verdict() -> None:
    report = build_report()
    score = _section(_dom(report), "score")
    assert next(score.iter(cls="total")).text == f"{report.score.total:g} / {report.score.max:g}"
    assert "未达合格线" in score.text and f"合格线 {report.score.pass_mark:g}" in score.text
    for severity in ("error", "warning", "info"):
        shown = next(score.iter(cls=f"count-{severity}")).text
        assert int(shown) == sum(1 for f in report.findings if f.severity == severity)
    passing = _section(_dom(build_report(pass_mark=0)), "score")
    assert "达到合格线" in passing.text and "未达合格线" not in passing.text


def test_disqualified_banner_only_when_disqualified() -> None:
    assert not list(_dom(build_report()).iter(cls="banner"))
    banner = list(_dom(build_report(disqualified=True)).iter(cls="banner"))
    assert len(banner) == 1 and "D1" in banner[0].text


def test_task_table_by_primary_indicator() -> None:
    report = build_report()
    table = _section(_dom(report), "tasks")
    groups = [row.text for row in table.iter("tr", cls="group")]
    assert groups == list(dict.fromkeys(f"{'一二三四五六七'[int(t.id[0]) - 1]}、{t.primary}" for t in report.tasks))
    rows = {row.attrs["id"].removeprefix("task-"): row for row in table.iter("tr") if "id" in row.attrs}
    assert list(rows) == [task.id for task in report.tasks]
    labels = {Status.MET: "达标", Status.PARTIAL: "部分达标", Status.MISSING: "缺失", Status.UNKNOWN: "无法确定"}
    for task in report.tasks:
        badge = next(rows[task.id].iter(cls="badge"))
        assert badge.attrs["class"] == f"badge status-{task.status}"
        assert badge.text == labels[task.status]
        assert f"{task.score:g}/{task.points:g}" in rows[task.id].text
        assert all(reason in rows[task.id].text for reason in task.reasons)
        for requirement in task.requirements:
            assert all(gap in rows[task.id].text for gap in requirement.missing)
    bonus = _section(_dom(report), "bonus")
    assert all(b.id in bonus.text for b in report.bonus)


def test_todo_lists_each_finding_once_with_all_its_units() -> None:
    report = build_report()
    todo = _section(_dom(report), "todo")
    entries = [li for li in todo.iter("li") if "data-units" in li.attrs]
    findings = [li for li in entries if li.attrs.get("class", "").startswith("finding-")]
    assert len(findings) == len(report.findings)
    for finding in report.findings:
        owners = report.unit_of_task.get(finding.task or finding.rule) or ()
        listed = [li for li in findings if finding.message in li.text and (finding.path or "不涉及具体文件") in li.text
                  and li.attrs["class"] == f"finding-{finding.severity}"]
        assert len(listed) == 1, finding.message
        assert json.loads(listed[0].attrs["data-units"]) == list(owners)
        assert next(listed[0].iter(cls="units")).text == "责任单位：" + ("、".join(owners) or "未指定责任单位")
    # An incomplete task without findings of its own is listed once, linked to its table row; a
    # task with findings is not listed again (the list does not say the same thing twice).
    links = [a.attrs["href"] for a in todo.iter("a")]
    for task in report.tasks:
        has_finding = any(f.task == task.id for f in report.findings)
        assert links.count(f"#task-{task.id}") == (task.status is not Status.MET and not has_finding)
    assert links


def test_unit_selector_offers_each_units_view() -> None:
    report = build_report()
    todo = _section(_dom(report), "todo")
    box = next(n for n in todo.iter("div") if n.attrs.get("id") == "todo-filters")
    assert "hidden" in box.attrs, "without JavaScript the controls are hidden and everything shows"
    options = list(next(n for n in box.iter("select") if n.attrs.get("id") == "unit-filter").iter("option"))
    values = [json.loads(option.attrs["value"]) for option in options]
    assert values[0] is None and values[-1] == ""
    assert values[1:-1] == [u for u in report.units if u in values]
    entries = [json.loads(li.attrs["data-units"]) for li in todo.iter("li") if "data-units" in li.attrs]
    assert options[0].text == f"全部责任单位（{len(entries)}）"
    for option, unit in zip(options[1:], values[1:], strict=True):
        count = sum(1 for units in entries if (unit in units if unit else not units))
        assert count and option.text.endswith(f"（{count}）")


def test_finding_lines_name_page_fix_and_deduction() -> None:
    report = build_report()
    items = list(_section(_dom(report), "todo").iter("li", cls="finding-error"))
    seal = next(f for f in report.findings if f.check == "seal")
    item = next(i for i in items if seal.message in i.text)
    assert f"第{seal.page}页" in item.text and seal.fix in item.text and "D6/seal" in item.text
    assert f"扣分 {seal.deduction:g}" in item.text


def test_unreadable_files_listed_separately() -> None:
    report = build_report()
    section = _section(_dom(report), "unreadable")
    rows = [[cell.text for cell in row.iter("td")] for row in section.iter("tr") if list(row.iter("td"))]
    assert rows == [[f.path, f.error] for f in report.files if f.error]
    clean = report.model_copy(update={"files": tuple(f for f in report.files if not f.error)})
    assert not list(_section(_dom(clean), "unreadable").iter("td"))


def test_english_labels_and_fallback_to_chinese() -> None:
    report = build_report()
    dom = _dom(report, "en")
    todo = _section(dom, "todo").text
    for finding in report.findings:
        assert (finding.message_en or finding.message) in todo
        if finding.message_en:
            assert finding.message not in todo
    assert "To-do" in todo and "Units: 法规科, 综合科" in todo
    assert "partial" in _section(dom, "tasks").text


def test_unknown_language_is_an_error() -> None:
    with pytest.raises(ValueError, match="language"):
        html.render(build_report(), "de")


def test_control_characters_are_shown_not_embedded() -> None:
    page = html.render(with_odd_names(build_report()))
    assert "铃\\x07声\\x1b[31m.txt" in page
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in page)


def test_findings_listed_errors_first() -> None:
    rank = {"finding-error": 0, "finding-warning": 1, "finding-info": 2}
    todo = _section(_dom(build_report()), "todo")
    order = [rank[li.attrs["class"]] for li in todo.iter("li") if li.attrs.get("class") in rank]
    assert len(set(order)) > 1 and order == sorted(order)


def test_requirement_gaps_named_once() -> None:
    report = build_report()
    task = next(t for t in report.tasks if t.requirements)
    requirement = task.requirements[0]
    row = next(r for r in _section(_dom(report), "tasks").iter("tr") if r.attrs.get("id") == f"task-{task.id}")
    assert f"{requirement.label} {requirement.satisfied}/{requirement.required}" in row.text
    assert all(row.text.count(gap) == 1 for gap in requirement.missing)  # the reason already names them
    silent = report.model_copy(update={"tasks": tuple(t.model_copy(update={"reasons": ()}) for t in report.tasks)})
    row = next(r for r in _section(_dom(silent), "tasks").iter("tr") if r.attrs.get("id") == f"task-{task.id}")
    assert all(row.text.count(gap) == 1 for gap in requirement.missing)  # now said by the requirement line
