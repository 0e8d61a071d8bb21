"""HTML output (`--html FILE`, `--format html`): one self-contained page to read, filter, print or mail.

From top to bottom: the root, period and audit date; a contents list; a red banner when the
result is disqualified; the score (total/max, pass mark, verdict, the task, bonus and deduction
parts, and what changed since the baseline); the deductions by item (扣分项, each linked to the
to-do list filtered to it); a table by primary indicator and task (status in colour,
score/points, reasons, what each requirement still lacks; the title links to the task's folder);
the bonus items; the to-do list (`todo`): how many distinct findings are open, each finding once
(severity, rule, file linked, page, message, fix, deduction, all its responsible units, "new"
against a baseline, and the pictures of its evidence), errors first, then the incomplete tasks
no finding speaks about; the waived findings (已豁免); the findings fixed since the baseline; the
files that could not be read.

**Filters.** Every to-do entry carries its units (`data-units`, a JSON list), task, rule,
severity and baseline state; a small inline script (ES5, no CSS `:has()`) behind the unit, task
and rule selectors, the severity tick boxes and "new only" hides the others and says how many
are shown, so a unit can read or print its own list. Without JavaScript the controls stay
hidden and every entry shows.

**Pictures** come with the report (`Report.previews`, keyed by finding fingerprint, built by
`credit_check/previews.py`): downscaled JPEG/PNG data URIs inside a collapsed `<details>` per
finding, `loading="lazy"` with their size given, so a page of 5,000 findings opens without
decoding any of them; D1 findings show theirs open, side by side (`side_by_side`), with the
waiver lines that would clear the finding once a person has checked it (`waiver_entry`).

**Links** to the evidence files are relative: `link_base` (the CLI passes the root as seen
from the folder the report is written to) followed by the percent-encoded path. Nothing is
fetched: no fonts, scripts or stylesheets from elsewhere.

**Print**: contents, filters and closed pictures are left out; headings keep with what follows;
table headers repeat; entries and pictures are not split across pages.

`lang="zh"` (default) writes Chinese labels; `lang="en"` English labels and each finding's
English text where it has one (Chinese otherwise). The skeleton and CSS are
`templates/report.html`; fragments are ElementTree elements, so every text from the evidence is
escaped by the serializer.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from pathlib import PurePosixPath, PureWindowsPath
from string import Template
from urllib.parse import quote

from credit_check.fingerprint import all_of
from credit_check.model import Finding, Preview, PreviewPane, Report, Severity, TaskResult
from credit_check.reporters import _labels, todo

WORDS = {
    "zh": {
        "title": "信用交通县创建佐证材料自查报告", "root": "材料目录", "period": "考核期", "audit_date": "自查日期",
        "score": "得分", "pass_mark": "合格线", "passed": "达到合格线", "failed": "未达合格线",
        "tasks_pts": "任务得分", "bonus_pts": "加分", "deductions": "扣分", "tasks": "创建任务", "bonus": "加分项",
        "task": "任务", "name": "名称", "units": "责任单位", "status": "状态", "points": "得分/分值", "note": "说明",
        "todo": "待办事项", "no_unit": "未指定责任单位", "incomplete": "其他未达标的任务（无具体问题）",
        "findings": "需整改的问题", "fix": "修改建议：", "deduction": "扣分", "related": "相关文件：",
        "unreadable": "无法读取的文件", "file": "文件", "reason": "原因", "none": "无",
        "show": "级别：", "no_file": "不涉及具体文件", "footer": "由 {tool} {version} 生成（报告格式 {schema}）",
        "counts": "共 {files} 个文件，{findings} 条问题", "units_of": "责任单位：",
        "summary": "共 {findings} 条问题需处理", "summary_tasks": "，另有 {tasks} 项任务未达标",
        "summary_waived": "（另有 {waived} 条已核实豁免）",
        "unit_filter": "责任单位：", "all_units": "全部责任单位", "shown": "显示 {shown} / {total} 条",
        "task_filter": "任务：", "all_tasks": "全部任务", "no_task": "不属于任务",
        "rule_filter": "规则：", "all_rules": "全部规则", "only_new": "只看新问题",
        "contents": "目录", "deductions_heading": "扣分项", "item": "扣分项", "item_title": "名称",
        "open": "问题数", "waived_n": "已豁免", "waived": "已豁免的问题", "waived_reason": "豁免理由：",
        "fixed": "已解决的问题（与基线相比）", "evidence": "查看材料", "compare": "对比材料",
        "waiver_hint": "经人工核实确无问题的，可将以下内容加入豁免清单（--waivers）：",
        "waiver_reason": "请填写核实情况：谁、何时、核实了什么",
        "folder": "打开文件夹", "grounds": "依据：",
    },
    "en": {
        "title": "Credit Transportation County evidence self-assessment", "root": "Evidence folder",
        "period": "Assessment period", "audit_date": "Audit date", "score": "Score", "pass_mark": "pass mark",
        "passed": "passed", "failed": "below the pass mark", "tasks_pts": "tasks", "bonus_pts": "bonus",
        "deductions": "deductions", "tasks": "Creation tasks", "bonus": "Bonus items", "task": "Task",
        "name": "Title", "units": "Units", "status": "Status", "points": "Score/Points", "note": "Notes",
        "todo": "To-do", "no_unit": "No unit named", "incomplete": "Other incomplete tasks (no particular finding)",
        "findings": "Findings to fix", "fix": "Fix: ", "deduction": "deduction", "related": "Related files: ",
        "unreadable": "Files that could not be read", "file": "File", "reason": "Reason",
        "none": "none", "show": "Severity: ", "no_file": "no particular file",
        "footer": "Generated by {tool} {version} (report format {schema})",
        "counts": "{files} files, {findings} findings", "units_of": "Units: ",
        "summary": "{findings} findings to deal with", "summary_tasks": ", {tasks} more incomplete tasks",
        "summary_waived": " ({waived} more waived)",
        "unit_filter": "Unit: ", "all_units": "All units", "shown": "Showing {shown} of {total}",
        "task_filter": "Task: ", "all_tasks": "All tasks", "no_task": "No task",
        "rule_filter": "Rule: ", "all_rules": "All rules", "only_new": "New only",
        "contents": "Contents", "deductions_heading": "Deductions by item", "item": "Item", "item_title": "Title",
        "open": "Findings", "waived_n": "Waived", "waived": "Waived findings", "waived_reason": "Reason: ",
        "fixed": "Fixed since the baseline", "evidence": "Show the evidence", "compare": "Compare the evidence",
        "waiver_hint": "Once a person has checked this and found it fine, add these lines to the waivers file (--waivers):",
        "waiver_reason": "who checked what, and when",
        "folder": "open the folder", "grounds": "Grounds: ",
    },
}


CHUNK = 50  # findings per list element (see `_Page.todo_list`)


@cache
def _template() -> Template:
    return Template(files("credit_check.reporters").joinpath("templates/report.html").read_text(encoding="utf-8"))


def default_link_base(root: str) -> str:
    """Where the evidence files are, as a URL prefix, when the caller says nothing: the root as a
    `file:` URI when it is absolute, else the root as given (right for a report written to the
    folder the audit ran in)."""
    windows = PureWindowsPath(root)
    if windows.drive and windows.is_absolute():
        return windows.as_uri().rstrip("/") + "/"
    if root.startswith("/"):
        return "file://" + quote(root.rstrip("/"), safe="/") + "/"
    relative = root.replace("\\", "/").rstrip("/")
    return quote(relative, safe="/") + "/" if relative and relative != "." else ""


def href(link_base: str, path: str) -> str:
    """The link to an evidence file: the base and the percent-encoded path (RFC 3986)."""
    return link_base + _labels.quote_path(path)


def render(report: Report, lang: str = "zh", *, link_base: str | None = None) -> str:
    lang = _labels.check_lang(lang)
    w = WORDS[lang]
    base = default_link_base(report.root) if link_base is None else link_base
    items = todo.build(report)
    page = _Page(report, lang, base)
    count, unread = _labels.files_summary(report)  # the only pass over the files
    waived = todo.waived_items(items)
    fixed = report.baseline.fixed if report.baseline is not None else ()
    fragments = {
        "meta": _meta(report, w),
        "contents": _html(_contents(report, items, lang, unread=len(unread))),
        "banner": _html(_el("div", _labels.DISQUALIFIED[lang], cls="banner", role="alert"))
        if report.score.disqualified else "",
        "score": _score(report, lang, files=count),
        "deductions": _html(_deductions(report, lang)),
        "tasks": _task_table(report.tasks, lang, base, grouped=True),
        "bonus": _task_table(report.bonus, lang, base, grouped=False) if report.bonus else _html(_el("p", w["none"])),
        "todo": "\n".join(_html(part) for part in page.todo_list(todo.open_items(items), len(waived))),
        "waived": _html(page.waived(waived)) if waived else "",
        "fixed": _html(page.fixed(fixed)) if fixed else "",
        "unreadable": _unreadable(unread, w, base),
    }
    texts = {
        "lang": "en" if lang == "en" else "zh-CN",
        "generator": f"{report.tool_name} {report.tool_version}",
        "title": w["title"],
        # The folder's name in the browser tab tells several open reports apart.
        "page_title": f"{w['title']} — {_folder_name(report.root)}",
        "deductions_heading": w["deductions_heading"],
        "tasks_heading": w["tasks"],
        "bonus_heading": w["bonus"],
        "todo_heading": w["todo"],
        "unreadable_heading": w["unreadable"],
        "footer": w["footer"].format(tool=report.tool_name, version=report.tool_version, schema=report.schema_id),
    }
    return _template().substitute(fragments, **{key: html.escape(_labels.xml_text(value)) for key, value in texts.items()})


def _folder_name(root: str) -> str:
    return PureWindowsPath(root).name if "\\" in root else PurePosixPath(root).name or root


def _el(tag: str, text: str | None = None, *, cls: str | None = None, **attrs: str) -> ET.Element:
    element = ET.Element(tag, {"class": cls} if cls else {}, **attrs)
    element.text = text
    return element


def _add(parent: ET.Element, tag: str, text: str | None = None, *, cls: str | None = None, **attrs: str) -> ET.Element:
    element = _el(tag, text, cls=cls, **attrs)
    parent.append(element)
    return element


def _html(element: ET.Element) -> str:
    return ET.tostring(_labels.clean_tree(element), encoding="unicode", method="html")


def _meta(report: Report, w: dict[str, str]) -> str:
    meta = _el("dl", cls="meta")
    rows = ((w["root"], report.root), (w["period"], f"{report.period.start} – {report.period.end}"),
            (w["audit_date"], report.audit_date.isoformat()))
    for term, value in rows:
        _add(meta, "dt", term)
        _add(meta, "dd", value)
    return _html(meta)


def _contents(report: Report, items: todo.Todo, lang: str, *, unread: int) -> ET.Element:
    w = WORDS[lang]
    nav = _el("nav", cls="contents", **{"aria-label": w["contents"]})
    _add(nav, "strong", w["contents"])
    listing = _add(nav, "ol")
    open_findings = len(todo.findings_of(todo.open_items(items)))
    waived = len(todo.waived_items(items))
    entries = [("score", w["score"]), ("deductions", w["deductions_heading"]), ("tasks", w["tasks"]),
               ("bonus", w["bonus"]), ("todo", f"{w['todo']} ({open_findings})")]
    if waived:
        entries.append(("waived", f"{w['waived']} ({waived})"))
    if report.baseline is not None and report.baseline.fixed:
        entries.append(("fixed", f"{w['fixed']} ({len(report.baseline.fixed)})"))
    entries.append(("unreadable", f"{w['unreadable']} ({unread})"))
    for anchor, label in entries:
        _add(_add(listing, "li"), "a", label, href=f"#{anchor}")
    return nav


def _score(report: Report, lang: str, *, files: int) -> str:
    w, s, p = WORDS[lang], report.score, _labels.points
    box = _el("div", cls="score")
    total = _add(box, "div", p(s.total), cls="total")
    _add(total, "small", f" / {p(s.max)}")
    verdict = _add(box, "div")
    _add(verdict, "span", w["passed"] if s.passed else w["failed"], cls="verdict " + ("passed" if s.passed else "failed"))
    _add(verdict, "div", f"{w['pass_mark']} {p(s.pass_mark)}", cls="muted")
    figures = _add(box, "ul", cls="figures")
    _add(figures, "li", f"{w['tasks_pts']} {p(s.tasks)}")
    _add(figures, "li", f"{w['bonus_pts']} +{p(s.bonus)}")
    _add(figures, "li", f"{w['deductions']} {p(s.deductions)}")
    _add(figures, "li", w["counts"].format(files=files, findings=len(report.findings)))
    severities = _add(box, "ul", cls="figures")
    for severity in Severity:
        count = sum(1 for f in report.findings if f.severity is severity)
        item = _add(severities, "li")
        _add(item, "span", _labels.SEVERITY[lang][severity], cls=f"badge sev-{severity}")
        _add(item, "span", f" {count}", cls=f"count-{severity}")
    out = _html(box)
    lines = _labels.baseline_summary(report, lang)
    if lines:
        note = _el("div", cls="baseline", id="baseline-summary")
        for line in lines:
            _add(note, "div", line)
        out += "\n" + _html(note)
    return out


def _deductions(report: Report, lang: str) -> ET.Element:
    """One row per deduction item: its open and waived findings and the points it costs; the
    item links to the to-do list filtered to its rule."""
    w = WORDS[lang]
    table = _el("table", cls="deductions")
    head = _add(_add(table, "thead"), "tr")
    for key in ("item", "item_title", "open", "waived_n", "deduction"):
        _add(head, "th", w[key] if key != "deduction" else w["deductions"], scope="col")
    body = _add(table, "tbody")
    for row in _labels.deduction_rows(report):
        tr = _add(body, "tr", id=f"item-{row.rule}", cls=None if row.findings or row.waived else "zero")
        cell = _add(tr, "td")
        if row.findings:
            _add(cell, "a", row.rule, href="#todo", **{"data-rule": row.rule})
        else:
            cell.text = row.rule
        _add(tr, "td", _labels.rule_title(row.rule, lang))
        _add(tr, "td", str(row.findings), cls="num")
        _add(tr, "td", str(row.waived), cls="num")
        _add(tr, "td", _labels.points(row.points), cls="num deduction" if row.points else "num")
    return table


def _task_table(tasks: tuple[TaskResult, ...], lang: str, base: str, *, grouped: bool) -> str:
    w = WORDS[lang]
    table = _el("table")
    head = _add(_add(table, "thead"), "tr")
    for key in ("task", "name", "units", "status", "points", "note"):
        _add(head, "th", w[key], scope="col")
    groups = _labels.by_primary(tasks) if grouped else {"": list(tasks)}
    for group in groups.values():
        body = _add(table, "tbody", cls="indicator")  # one per primary indicator: printed together
        if grouped:
            _add(_add(body, "tr", cls="group"), "th", _labels.primary_label(group[0], lang), colspan="6")
        for task in group:
            row = _add(body, "tr", id=f"task-{task.id}")
            _add(row, "td", task.id)
            title = _add(row, "td")
            if task.folder:
                _add(title, "a", _labels.task_title(task, lang), href=href(base, task.folder), cls="file",
                     title=w["folder"])
            else:
                title.text = _labels.task_title(task, lang)
            _add(row, "td", "、".join(task.units))
            _add(_add(row, "td"), "span", _labels.STATUS[lang][task.status], cls=f"badge status-{task.status}")
            _add(row, "td", f"{_labels.points(task.score)}/{_labels.points(task.points)}", cls="num")
            _notes(_add(row, "td"), task, lang)
    return _html(table)


def _notes(cell: ET.Element, task: TaskResult, lang: str) -> None:
    lines = _labels.notes(task, lang)
    if lines:
        items = _add(cell, "ul")
        for line in lines:
            _add(items, "li", line)


def _option(select: ET.Element, label: str, value: object, lang: str, count: int | None = None) -> None:
    if count is not None:
        label = f"{label}（{count}）" if lang == "zh" else f"{label} ({count})"
    attrs = {"selected": "selected"} if value is None else {}
    _add(select, "option", label, value=json.dumps(value, ensure_ascii=False), **attrs)


def waiver_entry(finding: Finding, lang: str = "zh") -> str | None:
    """The lines of a waivers file (`--waivers`, see `credit_check/waivers.py`) that clear exactly
    this finding: its rule, sub-check and path (glob characters escaped, YAML-quoted), and a
    reason to fill in. None for a finding without a path (a waiver without one would clear
    every finding of the rule)."""
    if not finding.path:
        return None
    glob = "".join(f"[{ch}]" if ch in "[]*?" else ch for ch in finding.path)
    lines = [f"- rule: {json.dumps(finding.rule, ensure_ascii=False)}"]
    if finding.check and finding.check != finding.rule:
        lines.append(f"  check: {json.dumps(finding.check, ensure_ascii=False)}")
    lines.append(f"  path: {json.dumps(glob, ensure_ascii=False)}")
    lines.append(f"  reason: {json.dumps(WORDS[lang]['waiver_reason'], ensure_ascii=False)}")
    return "\n".join(lines)


def side_by_side(panes: Sequence[PreviewPane], lang: str = "zh", *, waiver: str | None = None,
                 link_base: str | None = None, paths: Sequence[str | None] = ()) -> ET.Element:
    """The evidence component: one or more pictures or text excerpts side by side (a reused
    photo and its twin; a copied passage marked in both documents), each with what it shows and
    what was found on it, then the waiver lines that would clear the finding. Pictures load
    lazily, with their size reserved. `paths[i]` (with `link_base`) links pane i to its file."""
    box = _el("div", cls="panes")
    for index, pane in enumerate(panes):
        figure = _add(box, "figure", cls="pane text" if pane.text is not None else "pane")
        if pane.image is not None:
            attrs = {"loading": "lazy", "decoding": "async", "alt": pane.label, "src": pane.image}
            if pane.width and pane.height:
                attrs.update(width=str(pane.width), height=str(pane.height))
            _add(figure, "img", **attrs)
        if pane.text is not None:
            quote_ = _add(figure, "blockquote")
            _marked(quote_, pane.text, pane.highlight)
        caption = _add(figure, "figcaption")
        path = paths[index] if index < len(paths) else None
        if path and link_base is not None:
            _add(caption, "a", pane.label, href=href(link_base, path), cls="file path")
        else:
            _add(caption, "span", pane.label, cls="path")
        words = pane.caption_en if lang == "en" and pane.caption_en else pane.caption
        if words:
            _add(caption, "div", words)
    if waiver is None:
        return box
    wrapper = _el("div", cls="compare")
    wrapper.append(box)
    _add(wrapper, "div", WORDS[lang]["waiver_hint"], cls="muted")
    _add(wrapper, "pre", waiver, cls="waiver")
    return wrapper


def _marked(parent: ET.Element, text: str, highlight: str | None) -> None:
    """`text` into `parent`, with the first occurrence of `highlight` in a <mark>."""
    at = text.find(highlight) if highlight else -1
    if at < 0 or not highlight:
        parent.text = text
        return
    parent.text = text[:at]
    mark = _add(parent, "mark", highlight)
    mark.tail = text[at + len(highlight):]


class _Page:
    """The parts of the page that list findings: they share the links, previews and fingerprints."""

    def __init__(self, report: Report, lang: str, link_base: str) -> None:
        self.report, self.lang, self.base, self.w = report, lang, link_base, WORDS[lang]
        self.prints = {id(f): fp for f, fp in zip(report.findings, all_of(report.findings), strict=True)}

    def preview(self, finding: Finding) -> Preview | None:
        if not self.report.previews:
            return None
        return self.report.previews.get(self.prints.get(id(finding), ""))

    def filters(self, items: todo.Todo) -> ET.Element:
        """Unit, task and rule selectors, severity tick boxes and (with a baseline) "new only".
        Hidden until the page's script shows them: without JavaScript everything shows."""
        w, lang, report = self.w, self.lang, self.report
        box = _el("div", cls="filters", id="todo-filters", hidden="hidden")
        # Option values are JSON: null = every item, "" = items with no unit/task, else the name or id.
        select = _add(_add(box, "label", w["unit_filter"]), "select", id="unit-filter")
        _option(select, w["all_units"], None, lang, len(items))
        for unit in todo.units_in_order(report, items):
            _option(select, unit or w["no_unit"], unit, lang, len(todo.for_unit(items, unit)))
        select = _add(_add(box, "label", w["task_filter"]), "select", id="task-filter")
        _option(select, w["all_tasks"], None, lang)
        titles = {t.id: t.title for t in (*report.tasks, *report.bonus)}
        counts: dict[str, int] = {}
        for item in items:
            counts[item.task_id or ""] = counts.get(item.task_id or "", 0) + 1
        order = [t.id for t in (*report.tasks, *report.bonus) if t.id in counts]
        order += sorted(k for k in counts if k not in order and k)
        for task_id in order:
            _option(select, f"{task_id} {titles.get(task_id, '')}".strip(), task_id, lang, counts[task_id])
        if "" in counts:
            _option(select, w["no_task"], "", lang, counts[""])
        select = _add(_add(box, "label", w["rule_filter"]), "select", id="rule-filter")
        _option(select, w["all_rules"], None, lang)
        rules: dict[str, int] = {}
        for item in items:
            if item.finding is not None:
                rules[item.finding.rule] = rules.get(item.finding.rule, 0) + 1
        for rule in sorted(rules, key=_rule_order):
            title = _labels.rule_title(rule, lang)
            _option(select, f"{rule} {title}".strip(), rule, lang, rules[rule])
        shown = _add(box, "span", w["show"], cls="severities")
        for severity in Severity:
            tick = _add(shown, "label")
            _add(tick, "input", type="checkbox", name="severity", id=f"show-{severity}", value=str(severity),
                 checked="checked")
            _add(tick, "span", _labels.SEVERITY[lang][severity], cls=f"badge sev-{severity}")
        if report.baseline is not None:
            tick = _add(box, "label")
            _add(tick, "input", type="checkbox", id="only-new", value="new")
            _add(tick, "span", w["only_new"])
        return box

    def todo_list(self, items: todo.Todo, waived: int = 0) -> list[ET.Element]:
        """The open to-do list (see `todo`): a count of distinct findings, each finding once with all
        its units, then the incomplete tasks no finding speaks about; `waived` findings are said
        to be elsewhere."""
        w = self.w
        if not items:
            return [_el("p", w["none"])]
        findings, tasks = todo.findings_of(items), todo.tasks_of(items)
        summary = w["summary"].format(findings=len(findings))
        if tasks:
            summary += w["summary_tasks"].format(tasks=len(tasks))
        if waived:
            summary += w["summary_waived"].format(waived=waived)
        parts = [_el("p", summary, cls="summary"), self.filters(items),
                 _el("p", cls="muted", id="todo-shown", **{"data-format": w["shown"]})]
        if findings:
            parts.append(_el("h3", w["findings"]))
            # Numbered lists of CHUNK entries each: the browser skips laying out the chunks out of
            # view (content-visibility), so a long list opens and filters quickly.
            listing = _el("div", id="todo-findings")
            for start in range(0, len(findings), CHUNK):
                chunk = _add(listing, "ol", cls="todo chunk", start=str(start + 1))
                for item in findings[start:start + CHUNK]:
                    assert item.finding is not None
                    self.finding(self.entry(chunk, item, f"finding-{item.finding.severity}"), item)
            parts.append(listing)
        if tasks:
            parts.append(_el("h3", w["incomplete"]))
            listing = _el("ul", cls="todo", id="todo-tasks")
            for item in tasks:
                assert item.task is not None
                entry = self.entry(listing, item, "task")
                _add(entry, "a", f"{item.task.id} {_labels.task_title(item.task, self.lang)}",
                     href=f"#task-{item.task.id}")
                _add(entry, "span", f" — {_labels.STATUS[self.lang][item.task.status]}", cls="muted")
                self.units(entry, item)
            parts.append(listing)
        return parts

    def entry(self, listing: ET.Element, item: todo.Item, cls: str) -> ET.Element:
        attrs = {"data-units": json.dumps(list(item.units), ensure_ascii=False), "data-task": item.task_id or ""}
        if item.finding is not None:
            attrs["data-severity"] = str(item.finding.severity)
            attrs["data-rule"] = item.finding.rule
            if item.finding.baseline:
                attrs["data-baseline"] = item.finding.baseline
            attrs["id"] = "f-" + self.prints.get(id(item.finding), "")[:16]
        return _add(listing, "li", cls=cls, **attrs)

    def units(self, entry: ET.Element, item: todo.Item) -> None:
        names = _labels.LIST_SEPARATOR[self.lang].join(item.units) if item.units else self.w["no_unit"]
        _add(entry, "div", self.w["units_of"] + names, cls="units")

    def where(self, entry: ET.Element, finding: Finding) -> ET.Element:
        if finding.path:
            where = _add(entry, "a", finding.path, cls="path file", href=href(self.base, finding.path))
        else:
            where = _add(entry, "span", self.w["no_file"], cls="muted")
        place = _labels.place(finding, self.lang)
        if place:
            where.tail = f" {place}"
        return where

    def finding(self, entry: ET.Element, item: todo.Item) -> None:
        w, lang, finding = self.w, self.lang, item.finding
        assert finding is not None
        _add(entry, "span", _labels.SEVERITY[lang][finding.severity], cls=f"badge sev-{finding.severity}")
        entry.append(_el("code", f" {_labels.rule_id(finding)} "))
        where = self.where(entry, finding)
        if finding.baseline == "new":
            where.tail = (where.tail or "") + " "
            _add(entry, "span", _labels.BASELINE[lang]["new"], cls="badge new")
        _add(entry, "div", _labels.message(finding, lang))
        fix = _labels.fix(finding, lang)
        if fix:
            _add(entry, "div", f"{w['fix']}{fix}", cls="fix")
        if finding.deduction:
            _add(entry, "div", f"{w['deduction']} {_labels.points(finding.deduction)}", cls="deduction")
        if finding.related:
            related = _add(entry, "div", w["related"], cls="muted")
            for index, path in enumerate(finding.related):
                link = _add(related, "a", path, cls="path file", href=href(self.base, path))
                if index < len(finding.related) - 1:
                    link.tail = "；"
        if finding.evidence:  # what the verdict rests on (dates compared, hashes, matches …)
            _add(entry, "div", w["grounds"] + "; ".join(f"{k} = {_value(v, lang)}" for k, v in finding.evidence.items()),
                 cls="muted grounds")
        self.units(entry, item)
        self.evidence(entry, finding)

    def evidence(self, entry: ET.Element, finding: Finding) -> None:
        """The finding's pictures in a collapsed <details> (open for D1: a person must look), with
        the waiver lines for D1 findings."""
        preview = self.preview(finding)
        fraud = finding.rule == "D1" and finding.waived is None
        waiver = waiver_entry(finding, self.lang) if fraud else None
        if preview is None and waiver is None:
            return
        label = self.w["compare"] if preview is not None and len(preview.panes) > 1 else self.w["evidence"]
        details = _add(entry, "details", cls="evidence", **({"open": "open"} if fraud else {}))
        _add(details, "summary", label)
        paths = [finding.path, *finding.related]
        details.append(side_by_side(preview.panes if preview else (), self.lang, waiver=waiver, link_base=self.base,
                                    paths=paths))

    def waived(self, items: todo.Todo) -> ET.Element:
        """The findings a person cleared (已豁免), with the reason: out of the to-do list, still shown."""
        w = self.w
        section = _el("section", id="waived")
        _add(section, "h2", f"{w['waived']} ({len(items)})")
        listing = _add(section, "ol", cls="todo")
        for item in items:
            finding = item.finding
            if finding is None:
                continue
            entry = _add(listing, "li", cls="waived")
            _add(entry, "span", _labels.SEVERITY[self.lang][finding.severity], cls=f"badge sev-{finding.severity}")
            entry.append(_el("code", f" {_labels.rule_id(finding)} "))
            self.where(entry, finding)
            message = finding.message_en if self.lang == "en" and finding.message_en else finding.message
            _add(entry, "div", message)
            _add(entry, "div", w["waived_reason"] + (finding.waived or ""), cls="fix")
            self.units(entry, item)
        return section

    def fixed(self, findings: Sequence[Finding]) -> ET.Element:
        """The baseline's findings that are gone."""
        w = self.w
        section = _el("section", id="fixed")
        _add(section, "h2", f"{w['fixed']} ({len(findings)})")
        listing = _add(section, "ol", cls="todo")
        for finding in findings:
            entry = _add(listing, "li", cls="fixed")
            badge = _add(entry, "span", _labels.BASELINE[self.lang]["fixed"], cls="badge fixed")
            badge.tail = " "
            entry.append(_el("code", f"{_labels.rule_id(finding)} "))
            _add(entry, "span", finding.path or self.w["no_file"], cls="path" if finding.path else "muted")
            _add(entry, "div", _labels.message(finding, self.lang), cls="muted")
        return section


def _value(value: object, lang: str) -> str:
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("是" if value else "否")
    return _labels.points(value) if isinstance(value, float) else str(value)


def _rule_order(rule: str) -> tuple[int, int, str]:
    if rule.startswith("D") and rule[1:].isdigit():
        return (0, int(rule[1:]), rule)
    return (1, 0, rule)


def _unreadable(rows: list[tuple[str, str]], w: dict[str, str], base: str) -> str:
    if not rows:
        return _html(_el("p", w["none"]))
    table = _el("table")
    head = _add(_add(table, "thead"), "tr")
    _add(head, "th", w["file"], scope="col")
    _add(head, "th", w["reason"], scope="col")
    body = _add(table, "tbody")
    for path, reason in rows:
        row = _add(body, "tr")
        _add(_add(row, "td"), "a", path, cls="path file", href=href(base, path))
        _add(row, "td", reason)
    return _html(table)
