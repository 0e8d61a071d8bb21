from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from credit_check.catalogue import load_catalogue
from credit_check.cli import app
from credit_check.model import Finding, Severity
from credit_check.scoring import score, stamp_deductions
from credit_check.waivers import Waiver, WaiverError, apply_waivers, load_waivers
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
