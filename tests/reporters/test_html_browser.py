"""The HTML report in a real browser (headless Chromium): it shows the score and every finding, its
script runs without errors, the filters show what they say, and pictures are in place. Skipped
when no Chromium is installed (`.ci/run` installs Debian's `chromium`)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from credit_check.baseline import compare, parse_baseline
from credit_check.model import Report
from credit_check.reporters import html, todo
from credit_check.reporters import json as json_report
from tests.builders.reports import build_report
from tests.reporters import chromium
from tests.reporters.test_html import _with_previews

pytestmark = pytest.mark.skipif(chromium.find() is None, reason="no chromium on PATH (apt-get install chromium)")

PROBE = """
(function () {
  var out = {};
  function shown() {
    var n = 0, items = document.getElementById("todo-findings").getElementsByTagName("li");
    for (var i = 0; i < items.length; i++) { if (items[i].style.display !== "none") { n++; } }
    return n;
  }
  function choose(id, value) {
    var select = document.getElementById(id);
    select.value = JSON.stringify(value);
    select.onchange();
  }
  out.ready = document.body.getAttribute("data-filters");
  out.all = shown();
  choose("unit-filter", "综合科"); out.unit = shown();
  out.status = document.getElementById("todo-shown").textContent;
  choose("unit-filter", null); choose("rule-filter", "D6"); out.rule = shown();
  choose("rule-filter", null); choose("task-filter", "1.1"); out.task = shown();
  choose("task-filter", null);
  document.getElementById("show-error").click(); out.noErrors = shown();
  document.getElementById("show-error").click();
  document.getElementById("only-new").click(); out.onlyNew = shown();
  document.getElementById("only-new").click();
  document.querySelector("#item-D7 a").click(); out.linked = shown();
  out.ruleAfterLink = JSON.parse(document.getElementById("rule-filter").value);
  out.images = document.images.length;
  out.filtersVisible = !document.getElementById("todo-filters").hasAttribute("hidden");
  document.documentElement.setAttribute("data-probe", JSON.stringify(out));
})();
"""


class _Dump(HTMLParser):
    """What the test reads from Chromium's serialised DOM (lenient: HTML5 serialisation)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: dict[str, str] = {}
        self.total = ""
        self.findings = 0
        self._in_total = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        classes = found.get("class", "").split()
        if tag == "html":
            self.root = found
        if tag == "li" and any(c.startswith("finding-") for c in classes):
            self.findings += 1
        if "total" in classes:
            self._in_total = 1
        elif self._in_total and tag != "small":
            self._in_total += 1

    def handle_endtag(self, tag: str) -> None:
        if self._in_total and tag == "div":
            self._in_total = 0

    def handle_data(self, data: str) -> None:
        if self._in_total:
            self.total += data


def _report() -> Report:
    """The realistic report with pictures, a baseline (one finding new) and a waived finding."""
    base = build_report(disqualified=True)
    old = json.loads(json_report.render(base.model_copy(update={"findings": base.findings[1:]})))
    waived = base.model_copy(update={"findings": tuple(
        f.model_copy(update={"waived": "已核实"}) if f.check == "long-path" else f for f in base.findings)})
    return compare(_with_previews(waived), parse_baseline(old, "last.json"))


def _open(tmp_path: Path, page: str, probe: str = PROBE) -> tuple[_Dump, dict[str, Any]]:
    path = tmp_path / "report.html"
    path.write_text(chromium.instrument(page, probe), encoding="utf-8")
    dump = _Dump()
    dump.feed(chromium.dump_dom(path))
    probed: dict[str, Any] = json.loads(dump.root.get("data-probe", "{}") or "{}")
    return dump, probed


def test_the_page_shows_score_and_findings_with_no_script_error(tmp_path: Path) -> None:
    report = _report()
    dump, probed = _open(tmp_path, html.render(report))
    assert "data-errors" not in dump.root, dump.root.get("data-errors")
    assert dump.total.replace(" ", "") == f"{report.score.total:g}/{report.score.max:g}"
    items = todo.open_items(todo.build(report))
    open_findings = todo.findings_of(items)
    assert dump.findings == len(open_findings)
    assert probed["ready"] == "ready" and probed["filtersVisible"] is True
    assert probed["all"] == len(open_findings)
    assert probed["unit"] == len(todo.findings_of(todo.for_unit(items, "综合科")))
    assert probed["status"].startswith(f"显示 {probed['unit']} / ")
    assert probed["rule"] == sum(1 for i in open_findings if i.finding and i.finding.rule == "D6")
    assert probed["task"] == sum(1 for i in open_findings if i.task_id == "1.1")
    assert probed["noErrors"] == sum(1 for i in open_findings if i.finding and i.finding.severity != "error")
    assert probed["onlyNew"] == 1
    assert probed["linked"] == sum(1 for i in open_findings if i.finding and i.finding.rule == "D7")
    assert probed["ruleAfterLink"] == "D7"
    assert probed["images"] == 1


def test_english_page_and_a_page_without_findings(tmp_path: Path) -> None:
    report = _report()
    dump, probed = _open(tmp_path, html.render(report, "en"))
    assert "data-errors" not in dump.root and probed["all"] == dump.findings
    empty = build_report().model_copy(update={"findings": (), "tasks": (), "bonus": ()})
    probe = 'document.documentElement.setAttribute("data-probe", JSON.stringify({filters: !!document.getElementById("todo-filters")}));'
    dump, probed = _open(tmp_path, html.render(empty), probe)
    assert "data-errors" not in dump.root and probed == {"filters": False} and dump.findings == 0


def test_a_broken_script_would_be_caught(tmp_path: Path) -> None:
    """The error recorder works: a page whose script throws is reported (so a pass means something)."""
    page = html.render(build_report()).replace("(function () {\n  var box", "(function () {\n  null.x;\n  var box", 1)
    dump, _ = _open(tmp_path, page, "")
    assert "null" in dump.root.get("data-errors", "")


def test_a_long_list_in_chunks_filters_and_empties_chunks(tmp_path: Path) -> None:
    """Over `html.CHUNK` findings the list is split into lists of CHUNK; filtering hides whole
    chunks that have nothing left to show, and keeps the numbering."""
    from credit_check.model import Finding, Severity

    base = build_report()
    many = tuple(Finding(rule="D5" if i < 120 else "D6", check="x", severity=Severity.WARNING, path=f"杂项/文件{i}.pdf",
                         task="1.1" if i % 2 else "7.4", message=f"问题 {i}") for i in range(130))
    report = base.model_copy(update={"findings": many})
    probe = """(function () {
      var chunks = document.querySelectorAll("#todo-findings > ol.chunk"), out = {chunks: chunks.length, starts: []};
      for (var i = 0; i < chunks.length; i++) { out.starts.push(chunks[i].start); }
      var select = document.getElementById("rule-filter");
      select.value = JSON.stringify("D6"); select.onchange();
      out.hiddenChunks = 0;
      for (i = 0; i < chunks.length; i++) { if (chunks[i].style.display === "none") { out.hiddenChunks++; } }
      out.visible = 0;
      var items = document.querySelectorAll("#todo-findings li");
      for (i = 0; i < items.length; i++) { if (items[i].style.display !== "none") { out.visible++; } }
      document.documentElement.setAttribute("data-probe", JSON.stringify(out));
    })();"""
    dump, probed = _open(tmp_path, html.render(report), probe)
    assert "data-errors" not in dump.root
    assert probed["chunks"] == 3 and probed["starts"] == [1, 1 + html.CHUNK, 1 + 2 * html.CHUNK]
    assert probed["visible"] == 10 and probed["hiddenChunks"] == 2
