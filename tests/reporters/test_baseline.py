"""Baselines (`--baseline OLD.json`, `credit_check.baseline`): findings marked new or unchanged,
the old findings that are gone, the score change, `--fail-on-new`; through the JSON contract and
the CLI on a real tree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner

from credit_check.baseline import BaselineError, compare, load_baseline, new_findings, parse_baseline
from credit_check.cli import app
from credit_check.model import Finding, Report, Severity
from credit_check.reporters import html, markdown, terminal
from credit_check.reporters import json as json_report
from tests.builders.reports import build_report

runner = CliRunner()


def _old_json(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json_report.render(report))
    return data


def _scenario() -> tuple[Report, Report]:
    """An old report and a new one: the seal was fixed, a new photo finding appeared, the rest
    stayed (one of them reworded and re-scored, which must not make it new)."""
    old = build_report()
    seal = next(f for f in old.findings if f.check == "seal")
    fresh = Finding(rule="D7", check="no-stamp", severity=Severity.ERROR, path="5.1 宣传月/活动照片 (2).jpg",
                    task="5.1", message="照片无水印时间", deduction=-0.5)
    kept = [f.model_copy(update={"message": f.message + "（措辞调整）", "deduction": 0.0}) if f.check == "junk-name" else f
            for f in old.findings if f is not seal]
    new = old.model_copy(update={"findings": (*kept, fresh),
                                 "score": old.score.model_copy(update={"total": old.score.total + 0.5})})
    return old, new


def test_new_unchanged_and_fixed() -> None:
    old, new = _scenario()
    compared = compare(new, parse_baseline(_old_json(old), "old.json"))
    marks = {f.path or f.message: f.baseline for f in compared.findings}
    assert marks["5.1 宣传月/活动照片 (2).jpg"] == "new"
    assert sum(1 for mark in marks.values() if mark == "new") == 1
    assert all(f.baseline == "unchanged" for f in compared.findings if f.path != "5.1 宣传月/活动照片 (2).jpg")
    assert compared.baseline is not None and compared.baseline.source == "old.json"
    assert [f.check for f in compared.baseline.fixed] == ["seal"]
    assert compared.baseline.score == old.score.total
    assert [f.path for f in new_findings(compared)] == ["5.1 宣传月/活动照片 (2).jpg"]


def test_json_contract() -> None:
    old, new = _scenario()
    data = json.loads(json_report.render(compare(new, parse_baseline(_old_json(old), "old.json"))))
    assert {f["baseline"] for f in data["findings"]} == {"new", "unchanged"}
    assert all(len(f["fingerprint"]) == 32 for f in data["findings"])
    assert [f["check"] for f in data["baseline_fixed"]] == ["seal"]
    assert data["baseline"]["score_change"] == 0.5 and data["baseline"]["source"] == "old.json"
    plain = json.loads(json_report.render(new))
    assert plain["baseline"] is None and plain["baseline_fixed"] == []
    assert all(f["baseline"] is None for f in plain["findings"])


def test_a_baseline_without_fingerprints_still_compares() -> None:
    """Reports written before fingerprints existed: computed afresh from the findings' fields."""
    old, new = _scenario()
    data = _old_json(old)
    for entry in data["findings"]:
        del entry["fingerprint"], entry["baseline"], entry["evidence"]
    compared = compare(new, parse_baseline(data, "2024.json"))
    assert sum(1 for f in compared.findings if f.baseline == "new") == 1
    assert compared.baseline is not None and len(compared.baseline.fixed) == 1


@pytest.mark.parametrize(("content", "needle"), [
    ("not json", "不是 JSON 报告"),
    ('{"schema": "something-else"}', "不是 credit-check 的 JSON 报告"),
    ('{"schema": "credit-check/report@1", "findings": [{"rule": "D6"}]}', "findings 第 1 条"),
    ('{"schema": "credit-check/report@1"}', "缺少 findings"),
])
def test_unusable_baselines_say_why(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "old.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError, match=needle):
        load_baseline(path)
    with pytest.raises(BaselineError, match="cannot read"):
        load_baseline(tmp_path / "missing.json")


def test_people_see_new_and_fixed() -> None:
    old, new = _scenario()
    compared = compare(new, parse_baseline(_old_json(old), "old.json"))
    page = html.render(compared)
    assert 'data-baseline="new"' in page and 'id="only-new"' in page
    assert 'id="fixed"' in page and "已解决的问题（与基线相比） (1)" in page and "文件未加盖公章" in page
    assert "新问题 1 条，未变 8 条，已解决 1 条" in page and "得分变化 +0.5（原 9）" in page
    text = terminal.render(compared)
    assert "[新] [错误] D7/no-stamp" in text and "已解决 1 条" in text
    summary = markdown.render(compared)
    assert "| 新 | 🔴 错误 | D7/no-stamp |" in summary and "### 已解决的问题（1 条，与基线相比）" in summary
    assert "~~D6/seal~~" in summary
    # Without a baseline, nothing is said about one.
    assert 'id="only-new"' not in html.render(new) and "基线" not in markdown.render(new)


# --------------------------------------------------------------------------------------- CLI
def _tree(root: Path) -> Path:
    from tests.pipeline.test_cli import small_tree

    return small_tree(root)


def test_cli_baseline_and_fail_on_new(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    out = tmp_path / "out"
    audit = ["audit", "--no-ocr", "--no-cache", "--audit-date", "2025-01-15", "-q"]
    first = runner.invoke(app, [*audit, str(root), "--json", str(out / "week1.json")])
    assert first.exit_code == 0, first.output
    # The same tree again: nothing is new, so --fail-on-new passes though the gate's findings remain.
    same = runner.invoke(app, [*audit, str(root), "--baseline", str(out / "week1.json"), "--fail-on", "warning",
                               "--fail-on-new", "--json", str(out / "same.json")])
    assert same.exit_code == 0, same.output
    assert {f["baseline"] for f in json.loads((out / "same.json").read_text(encoding="utf-8"))["findings"]} == {"unchanged"}
    plain = runner.invoke(app, [*audit, str(root), "--fail-on", "warning"])
    assert plain.exit_code == 1  # the same findings fail a gate that counts them all
    # Next week's copy of the tree with an unfiled ledger (D5 warning) and one more photo.
    shutil.copytree(root, tmp_path / "tree2")
    shutil.copy(root / "进展台账.xlsx", tmp_path / "tree2" / "进展台账（第二版）.xlsx")
    Image.new("RGB", (64, 48), (10, 160, 90)).save(tmp_path / "tree2" / "五、诚信宣传" / "5.1 宣传月" / "活动照片2.jpg")
    second = runner.invoke(app, [*audit, str(tmp_path / "tree2"), "--baseline", str(out / "week1.json"),
                                 "--fail-on", "warning", "--fail-on-new", "--markdown", str(out / "week2.md"),
                                 "--json", str(out / "week2.json")])
    data = json.loads((out / "week2.json").read_text(encoding="utf-8"))
    new = [f for f in data["findings"] if f["baseline"] == "new"]
    assert new and all("进展台账（第二版）.xlsx" in (f["path"] or "") or any("活动照片2.jpg" in p for p in f["related"])
                       for f in new), new
    assert second.exit_code == 1, second.output
    assert "新增" in second.output  # the gate's line says the findings are new ones
    assert "| 新 |" in (out / "week2.md").read_text(encoding="utf-8")
    # The photo group finding grew: the old one (one photo) is fixed, the new one (two) is new.
    assert any(f["check"] == "stamp-undetermined" for f in data["baseline_fixed"])


def test_cli_fail_on_new_needs_a_baseline(tmp_path: Path) -> None:
    root = _tree(tmp_path / "tree")
    result = runner.invoke(app, ["audit", str(root), "--no-ocr", "--fail-on-new"])
    assert result.exit_code == 2 and "--baseline" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(root), "--no-ocr", "--baseline", str(bad)])
    assert result.exit_code == 2 and "不是 credit-check 的 JSON 报告" in result.output
