"""Markdown summary (`--markdown FILE`): score, deductions by item, tasks not met, findings; every
text from the evidence escaped so it cannot break a table or inject HTML or links."""

from __future__ import annotations

import re

import pytest

from credit_check.model import Finding, Severity, Status
from credit_check.reporters import markdown
from tests.builders.reports import build_report, with_odd_names


def _section(text: str, heading: str) -> str:
    start = text.index(f"### {heading}")
    end = text.find("\n### ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def _table_rows(section: str) -> list[list[str]]:
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    # Split on unescaped pipes only.
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows[2:]]


def test_score_verdict_and_disqualification() -> None:
    report = build_report(disqualified=True)
    text = markdown.render(report)
    assert text.startswith("## 信用交通县创建材料自查 — /srv/评估材料/莱芜区 2024\n")
    assert f"**得分 {report.score.total:g} / {report.score.max:g}** · 合格线 12 · ❌ 未达合格线" in text
    assert "> **⛔ 存在弄虚作假（D1）嫌疑" in text
    assert "⛔" not in markdown.render(build_report())
    assert "✅ 达到合格线" in markdown.render(build_report(pass_mark=0))


def test_deductions_by_item() -> None:
    report = build_report(disqualified=True)
    rows = _table_rows(_section(markdown.render(report), "扣分项"))
    assert [row[0] for row in rows] == [f"D{n}" for n in range(1, 8)]
    by_item = {row[0]: row for row in rows}
    for rule in ("D1", "D5", "D6", "D7"):
        mine = [f for f in report.findings if f.rule == rule]
        assert by_item[rule][2] == str(len(mine))
        assert by_item[rule][4] == f"{sum(f.deduction for f in mine):g}"
    assert by_item["D2"][2:] == ["0", "0", "0"]


def test_tasks_not_met_and_findings_errors_first() -> None:
    report = build_report()
    text = markdown.render(report)
    unmet = _table_rows(_section(text, "未达标的任务"))
    assert [row[0] for row in unmet] == [t.id for t in report.tasks if t.status is not Status.MET]
    rows = _table_rows(_section(text, "需整改的问题"))
    assert len(rows) == len(report.findings)
    severities = [row[0].split()[-1] for row in rows]
    order = {"错误": 0, "警告": 1, "提示": 2}
    assert [order[s] for s in severities] == sorted(order[s] for s in severities)
    seal = next(row for row in rows if row[1] == "D6/seal")
    assert seal[2] == "1.1 成立领导小组/关于成立领导小组的通知 \\#2.pdf" and seal[3] == "第2页" and seal[6] == "-1"
    assert seal[7] == "法规科、综合科"
    no_file = next(row for row in rows if row[1] == "evidence/missing:commitment")
    assert no_file[2] == "任务 4.1"


def test_evidence_text_cannot_break_tables_or_inject() -> None:
    hostile = Finding(rule="D5", check="junk-name", severity=Severity.ERROR, path="a|b/<script>x</script>[l](http://e).pdf",
                      message="第一行\n第二行 | **粗** `code`", fix="<img src=x onerror=alert(1)>")
    report = with_odd_names(build_report())
    report = report.model_copy(update={"findings": (*report.findings, hostile)})
    text = markdown.render(report)
    assert "<script>" not in text and "<img" not in text
    assert "[l](http" not in text and "\\[l\\](http" in text  # no link, the brackets shown
    rows = _table_rows(_section(text, "需整改的问题"))
    assert all(len(row) == 8 for row in rows), "a pipe in a name split a cell"
    row = next(row for row in rows if "第一行" in row[4])
    assert row[4] == "第一行<br>第二行 \\| \\*\\*粗\\*\\* \\`code\\`"
    assert "\x07" not in text and "\\x07" in text


def test_long_lists_are_cut_and_counted() -> None:
    report = build_report()
    many = tuple(Finding(rule="D5", check="junk-name", severity=Severity.WARNING, path=f"杂项/文件{i}.docx",
                         message="文件名无意义") for i in range(30))
    text = markdown.render(report.model_copy(update={"findings": many}), max_findings=10)
    assert len(_table_rows(_section(text, "需整改的问题"))) == 10
    assert "另有 20 条问题未列出" in text


def test_waived_findings_are_listed_apart() -> None:
    report = build_report()
    cleared = report.model_copy(update={"findings": tuple(
        f.model_copy(update={"waived": "原件已核实盖章"}) if f.check == "seal" else f for f in report.findings)})
    text = markdown.render(cleared)
    assert "D6/seal" not in _section(text, "需整改的问题")
    waived = _table_rows(_section(text, "已豁免"))
    assert waived == [["D6/seal", "1.1 成立领导小组/关于成立领导小组的通知 \\#2.pdf", "文件未加盖公章", "原件已核实盖章"]]


def test_english() -> None:
    text = markdown.render(build_report(), "en")
    assert "### Deductions by item" in text and "Photo has no time watermark" in text
    assert "照片无水印时间" not in text
    with pytest.raises(ValueError, match="language"):
        markdown.render(build_report(), "de")
