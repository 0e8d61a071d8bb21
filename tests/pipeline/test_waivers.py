from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from credit_check.catalogue import load_catalogue
from credit_check.cli import app
from credit_check.explain import known_rules
from credit_check.model import Finding, Severity
from credit_check.scoring import score, stamp_deductions
from credit_check.waivers import Waiver, WaiverError, apply_waivers, load_waivers, review_waivers
from tests.conftest import REPO_ROOT

CAT = load_catalogue()
TODAY = dt.date(2025, 1, 15)


def fraud(path: str, check: str = "reused") -> Finding:
    return Finding(rule="D1", check=check, severity=Severity.ERROR, path=path, message="疑似重复使用")


def test_waived_findings_do_not_deduct_or_disqualify() -> None:
    waivers = (Waiver(rule="D1", check="reused", path="5.4*/*.jpg", reason="联合活动，已核实"),)
    found = apply_waivers([fraud("5.4 活动/a.jpg"), fraud("6.2 培训/b.jpg"), fraud("5.4 活动/c.jpg", "edited")],
                          waivers, TODAY)
    assert [f.waived for f in found] == ["联合活动，已核实", None, None]
    stamped = stamp_deductions(found, CAT)
    assert [f.deduction for f in stamped if f.waived] == [0.0]
    assert score([], [], stamped, CAT).disqualified  # the other two are not waived
    only_waived = stamp_deductions(apply_waivers([fraud("5.4 活动/a.jpg")], waivers, TODAY), CAT)
    assert not score([], [], only_waived, CAT).disqualified


def test_expired_waiver_no_longer_applies() -> None:
    waiver = Waiver(rule="D1", reason="r", until=dt.date(2024, 12, 31))
    assert apply_waivers([fraud("x.jpg")], [waiver], TODAY)[0].waived is None
    assert apply_waivers([fraud("x.jpg")], [waiver], dt.date(2024, 6, 1))[0].waived == "r"


@pytest.mark.parametrize("text", ["- {rule: D1}\n", "- {rule: D1, reason: x, colour: red}\n", "rule: [\n"])
def test_bad_waiver_files(tmp_path: Path, text: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WaiverError, match=str(path)):
        load_waivers(path)


def test_cli_waivers_clear_the_fraud_sample(tmp_path: Path) -> None:
    runner = CliRunner()
    root = REPO_ROOT / "samples" / "fraud"
    base = ["audit", str(root), "--no-cache", "--no-ocr", "--audit-date", "2025-01-15", "--format", "json"]
    assert runner.invoke(app, base).exit_code == 1  # disqualified
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("- {rule: D1, reason: 已逐条核实}\n", encoding="utf-8")
    result = runner.invoke(app, [*base, "--waivers", str(waivers)])
    report = json.loads(result.output)
    assert result.exit_code == 0 and not report["score"]["disqualified"]
    d1 = [f for f in report["findings"] if f["rule"] == "D1"]
    assert d1 and all(f["waived"] == "已逐条核实" and f["deduction"] == 0 for f in d1)
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {rule: D1}\n", encoding="utf-8")
    assert runner.invoke(app, [*base, "--waivers", str(bad)]).exit_code == 2


# --- mistakes named in Chinese and English, entries counted from 1 ---------------------------------------

def _load(tmp_path: Path, text: str | bytes):
    path = tmp_path / "waivers.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path, lambda: load_waivers(path, known_rules(CAT))


@pytest.mark.parametrize(("text", "zh", "en"), [
    ("- {rule: D1, reason: a}\n- {rule: D9, reason: b}\n", "第 2 条（rule: D9）：未知规则 D9", "entry 2 (rule: D9): unknown rule `D9`"),
    ("- {rule: D1, reason: a, colour: red}\n", "第 1 条（rule: D1）：未知字段 colour", "entry 1 (rule: D1): unknown field `colour`"),
    ("- {rule: D1, reason: a}\n- {rule: D2}\n", "第 2 条（rule: D2）：缺少 reason", "entry 2 (rule: D2): `reason` is missing"),
    ("- {reason: a}\n", "第 1 条：缺少 rule", "entry 1: `rule` is missing"),
    ("- {rule: D1, reason: a, until: 30/06/2025}\n", "第 1 条（rule: D1）：until 应为日期", "`until` must be a date"),
    ("- D1\n", "第 1 条：应为“键: 值”形式的条目", "entry 1: must be a mapping"),
    ("rule: D1\nreason: a\n", "豁免清单应为条目列表", "must be a list of entries"),
])
def test_waiver_mistakes_name_the_entry_in_both_languages(tmp_path: Path, text: str, zh: str, en: str) -> None:
    path, load = _load(tmp_path, text)
    with pytest.raises(WaiverError) as err:
        load()
    message = str(err.value)
    assert str(path) in message and zh in message and en in message


def test_a_waivers_file_that_is_not_utf8_gets_the_save_as_hint(tmp_path: Path) -> None:
    for encoded in ("- {rule: D1, reason: 已核实}\n".encode("gbk"), "- {rule: D1, reason: 已核实}\n".encode("utf-16")):
        _path, load = _load(tmp_path, encoded)
        with pytest.raises(WaiverError, match=r"另存为.*save the file as UTF-8"):
            load()
    _path, load = _load(tmp_path, "\ufeff- {rule: D1, reason: 已核实}\n".encode())  # Notepad's BOM is fine
    assert load()[0].reason == "已核实"


def test_every_rule_of_the_sample_reports_can_be_waived() -> None:
    rules = set()
    for sample in ("evidence", "fraud"):
        result = CliRunner().invoke(app, ["audit", str(REPO_ROOT / "samples" / sample), "--no-cache", "--no-ocr",
                                          "--audit-date", "2025-01-15", "--format", "json"])
        rules |= {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert {"D1", "D5", "evidence", "read-error"} <= rules
    assert rules <= known_rules(CAT)


def test_expired_and_unused_waivers_are_reported() -> None:
    findings = [fraud("5.4 活动/a.jpg"), fraud("6.2 培训/b.jpg")]
    waivers = (Waiver(rule="D1", check="reused", path="5.4*", reason="ok"),
               Waiver(rule="D1", reason="old", until=dt.date(2024, 12, 31)),
               Waiver(rule="D7", reason="nothing left"),
               Waiver(rule="D1", check="edited", reason="wrong check"))
    notes = review_waivers(waivers, findings, TODAY)
    assert [(n.entry, n.kind, n.matched) for n in notes] == [(2, "expired", 2), (3, "unused", 0), (4, "unused", 0)]
    assert "第 2 条（D1）已于 2024-12-31 过期，它豁免的 2 条问题重新计入" in notes[0].text("zh")
    assert "waiver 3 (D7) matches no finding" in notes[1].text("en")
    assert review_waivers(waivers[:1], findings, TODAY) == ()


def test_cli_reports_stale_waivers_and_no_waivers_overrides_them(tmp_path: Path) -> None:
    runner = CliRunner()
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("- {rule: D1, reason: 已逐条核实}\n- {rule: D7, reason: 旧的, until: 2024-06-30}\n"
                       "- {rule: D3, path: '9.9*', reason: 没有这个}\n", encoding="utf-8")
    base = ["audit", str(REPO_ROOT / "samples" / "fraud"), "--no-cache", "--no-ocr", "--audit-date", "2025-01-15",
            "--format", "json", "--waivers", str(waivers)]
    cleared = runner.invoke(app, base)
    assert cleared.exit_code == 0, cleared.stderr
    assert "豁免清单第 2 条（D7）已于 2024-06-30 过期" in cleared.stderr
    assert "豁免清单第 3 条（D3 9.9*）没有匹配任何问题" in cleared.stderr
    assert "waiver 3 (D3 9.9*) matches no finding" in runner.invoke(app, [*base, "--lang", "en"]).stderr
    ci = runner.invoke(app, [*base, "--no-waivers"])
    report = json.loads(ci.stdout)
    assert ci.exit_code == 1 and report["score"]["disqualified"]
    assert not [f for f in report["findings"] if f["waived"]]
    assert "--no-waivers" in ci.stderr and "过期" not in ci.stderr  # the file is not even read


def test_waived_findings_leave_the_to_do_list_for_the_waived_section(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("- {rule: D1, check: reused, reason: 联合活动已核实}\n", encoding="utf-8")
    base = ["audit", str(REPO_ROOT / "samples" / "fraud"), "--no-cache", "--no-ocr", "--audit-date", "2025-01-15",
            "--waivers", str(waivers)]
    text = CliRunner().invoke(app, base).stdout
    todo_part, _, waived_part = text.partition("已豁免（")
    assert waived_part and "D1/reused" in waived_part and "联合活动已核实" in waived_part
    assert "D1/reused" not in todo_part.split("待办")[1]
    html = tmp_path / "r.html"
    CliRunner().invoke(app, [*base, "--html", str(html), "-q"])
    assert "联合活动已核实" in html.read_text(encoding="utf-8")
