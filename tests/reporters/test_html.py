from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

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


# ------------------------------------------------------------------ contents, deductions, filters
def test_contents_list_links_every_section() -> None:
    dom = _dom(build_report(disqualified=True))
    nav = next(dom.iter("nav"))
    targets = [a.attrs["href"].removeprefix("#") for a in nav.iter("a")]
    sections = {n.attrs.get("id") for n in dom.iter("section")}
    assert targets == ["score", "deductions", "tasks", "bonus", "todo", "unreadable"]
    assert set(targets) <= sections
    assert "待办事项 (10)" in nav.text and "无法读取的文件 (1)" in nav.text


def test_deductions_by_item_link_to_the_filtered_list() -> None:
    report = build_report(disqualified=True)
    table = _section(_dom(report), "deductions")
    rows = {row.attrs["id"].removeprefix("item-"): row for row in table.iter("tr") if "id" in row.attrs}
    assert list(rows) == [f"D{n}" for n in range(1, 8)]
    for rule, row in rows.items():
        cells = [cell.text for cell in row.iter("td")]
        mine = [f for f in report.findings if f.rule == rule]
        assert cells[2] == str(len(mine)) and cells[4] == f"{sum(f.deduction for f in mine):g}"
        links = list(row.iter("a"))
        assert [a.attrs.get("data-rule") for a in links] == ([rule] if mine else [])
    assert "zero" in rows["D2"].attrs.get("class", "")


def test_filters_by_unit_task_rule_and_severity() -> None:
    report = build_report()
    todo = _section(_dom(report), "todo")
    selects = {s.attrs["id"]: s for s in todo.iter("select")}
    assert set(selects) == {"unit-filter", "task-filter", "rule-filter"}
    tasks = [json.loads(o.attrs["value"]) for o in selects["task-filter"].iter("option")]
    assert tasks[0] is None and tasks[-1] == "" and "1.1" in tasks and "6.2" in tasks
    rules = [json.loads(o.attrs["value"]) for o in selects["rule-filter"].iter("option")]
    assert rules[:5] == [None, "D4", "D5", "D6", "D7"] and "read-error" in rules
    entries = [li for li in todo.iter("li") if "data-units" in li.attrs]
    for li in entries:
        if li.attrs["class"].startswith("finding-"):
            assert li.attrs["data-rule"] and li.attrs["data-severity"] and li.attrs["id"].startswith("f-")
        else:
            assert "data-rule" not in li.attrs and li.attrs["data-task"]
    assert 'id="only-new"' not in html.render(report), "no baseline, no new-only box"


def test_links_to_the_files_are_relative_to_where_the_report_is() -> None:
    report = build_report()
    page = html.render(report, link_base="../证据/")
    dom = _dom(report)
    assert 'href="../证据/1.1%20%E6%88%90' in page
    files = [a.attrs["href"] for a in dom.iter("a") if "file" in a.attrs.get("class", "").split()]
    assert files and all(href.startswith("file:///srv/") for href in files)
    assert html.default_link_base("evidence") == "evidence/"
    assert html.default_link_base("D:\\材料\\2024") == "file:///D:/%E6%9D%90%E6%96%99/2024/"
    assert html.href("", "a #1/b%.pdf") == "a%20%231/b%25.pdf"


def test_render_output_links_from_the_report_folder(tmp_path: Path) -> None:
    from credit_check.reporters import link_base

    root = tmp_path / "材料" / "2024"
    assert link_base(root, tmp_path / "reports" / "r.html") == "../%E6%9D%90%E6%96%99/2024/"
    assert link_base(root, tmp_path / "r.html") == "%E6%9D%90%E6%96%99/2024/"


def test_waived_findings_leave_the_todo_for_their_own_section() -> None:
    report = build_report()
    cleared = report.model_copy(update={"findings": tuple(
        f.model_copy(update={"waived": "原件已核实盖章"}) if f.check == "seal" else f for f in report.findings)})
    dom = _dom(cleared)
    assert "文件未加盖公章" not in _section(dom, "todo").text
    assert "另有 1 条已核实豁免" in _section(dom, "todo").text
    waived = _section(dom, "waived")
    assert "文件未加盖公章" in waived.text and "豁免理由：原件已核实盖章" in waived.text


# ---------------------------------------------------------------------------- evidence pictures
PIXEL = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q=="


def _with_previews(report: Report) -> Report:
    from credit_check.fingerprint import all_of
    from credit_check.model import Preview, PreviewPane

    prints = all_of(report.findings)
    previews = {}
    for finding, fp in zip(report.findings, prints, strict=True):
        if finding.check == "seal":
            previews[fp] = Preview(panes=(PreviewPane(label=f"{finding.path} · 第2页", image=PIXEL, width=1, height=1,
                                                      caption="公章：缺少", caption_en="seal: missing"),))
        if finding.rule == "D1":
            previews[fp] = Preview(panes=(
                PreviewPane(label=finding.path or "", text="甲乙丙共同段落丁戊", highlight="共同段落"),
                PreviewPane(label=finding.related[0], text="己庚共同段落辛", highlight="共同段落")))
    return report.model_copy(update={"previews": previews})


def test_pictures_are_lazy_and_collapsed_except_for_fraud() -> None:
    report = _with_previews(build_report(disqualified=True))
    dom = _dom(report)
    images = list(dom.iter("img"))
    assert len(images) == 1
    assert images[0].attrs["loading"] == "lazy" and images[0].attrs["width"] == "1" and images[0].attrs["src"] == PIXEL
    details = list(dom.iter("details"))
    seal = next(d for d in details if list(d.iter("img")))
    assert "open" not in seal.attrs and "公章：缺少" in seal.text
    fraud = next(d for d in details if list(d.iter("mark")))
    assert fraud.attrs.get("open") == "open"
    marks = [m.text for m in fraud.iter("mark")]
    assert marks == ["共同段落", "共同段落"]
    assert "甲乙丙共同段落丁戊" in fraud.text  # the text around the passage is kept
    assert "经人工核实确无问题的" in fraud.text


def test_the_waiver_lines_clear_exactly_that_finding(tmp_path: Path) -> None:
    import datetime as dt

    from credit_check.model import Finding, Severity
    from credit_check.waivers import apply_waivers, load_waivers

    odd = Finding(rule="D1", check="reused", severity=Severity.ERROR, path="5.1 宣传月/[草稿] 活动*现场?.jpg",
                  message="同一张照片", related=("5.4/b.jpg",))
    other = odd.model_copy(update={"path": "5.1 宣传月/草 活动x现场1.jpg"})
    entry = html.waiver_entry(odd)
    assert entry is not None
    path = tmp_path / "waivers.yaml"
    path.write_text(entry.replace("请填写核实情况：谁、何时、核实了什么", "联合活动，已核实"), encoding="utf-8")
    [waiver] = load_waivers(path)
    cleared = apply_waivers([odd, other], [waiver], dt.date(2025, 1, 15))
    assert [f.waived for f in cleared] == ["联合活动，已核实", None]
    assert html.waiver_entry(odd.model_copy(update={"path": None})) is None


def test_side_by_side_is_a_reusable_component() -> None:
    from credit_check.model import PreviewPane

    box = html.side_by_side([PreviewPane(label="a.jpg", image=PIXEL, width=1, height=1),
                             PreviewPane(label="b.jpg", image=PIXEL, width=1, height=1)], "en",
                            waiver="- rule: D1", link_base="../t/", paths=["a.jpg", "b.jpg"])
    text = html._html(box)
    assert text.count("<figure") == 2 and text.count('loading="lazy"') == 2
    assert 'href="../t/a.jpg"' in text and "<pre class=\"waiver\">- rule: D1</pre>" in text


def test_the_grounds_of_a_finding_are_shown() -> None:
    report = build_report()
    grounded = report.model_copy(update={"findings": tuple(
        f.model_copy(update={"evidence": {"claimed": "2024-03-05", "days_late": 41, "similarity": 0.94, "exif": False}})
        if f.check == "seal" else f for f in report.findings)})
    entry = next(li for li in _section(_dom(grounded), "todo").iter("li") if "文件未加盖公章" in li.text)
    [line] = list(entry.iter(cls="grounds"))
    assert line.text == "依据：claimed = 2024-03-05; days_late = 41; similarity = 0.94; exif = 否"
    assert not list(_section(_dom(report), "todo").iter(cls="grounds"))
