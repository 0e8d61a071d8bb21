"""Remembered check results (credit_check/checks/memo.py): an unchanged tree's checks are not run
again, anything that changes their inputs runs them again, and the memo keeps no path in the clear."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from credit_check import checks as checks_module
from credit_check.catalogue import load_catalogue
from credit_check.checks import CheckContext
from credit_check.model import EvidenceFile, Finding, Period, Report
from credit_check.pipeline import AuditOptions, run_audit
from tests.conftest import REPO_ROOT

DAY = dt.date(2025, 1, 15)


class Spy:
    """Wraps a check module, counting its runs and the audit date it was seen reading."""

    def __init__(self, module: checks_module.Check) -> None:
        self.module = module
        self.ID = module.ID
        self.runs = 0

    def check(self, files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterable[Finding]:
        self.runs += 1
        return list(self.module.check(files, ctx))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "evidence"
    shutil.copytree(REPO_ROOT / "samples" / "evidence", root)
    return root


def _spies(monkeypatch: pytest.MonkeyPatch) -> dict[str, Spy]:
    spies = {k: Spy(m) for k, m in checks_module.CHECKS.items()}
    monkeypatch.setattr(checks_module, "CHECKS", spies)
    return spies


def _audit(root: Path, cache: Path | None, day: dt.date = DAY) -> Report:
    cat = load_catalogue()
    return run_audit(AuditOptions(root=root, catalogue=cat, audit_date=day, jobs=1, ocr=False, cache_dir=cache,
                                  period=Period(start=cat.settings.period_start, end=cat.settings.period_end)))


def _runs(spies: dict[str, Spy]) -> dict[str, int]:
    return {k: s.runs for k, s in spies.items()}


def test_unchanged_tree_runs_no_check_and_reports_the_same(tree: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    spies = _spies(monkeypatch)
    cold = _audit(tree, tmp_path / "cache")
    assert set(_runs(spies).values()) == {1}
    warm = _audit(tree, tmp_path / "cache")
    assert set(_runs(spies).values()) == {1}  # nothing ran again
    assert warm.findings == cold.findings and len(warm.findings) > 20
    assert warm.findings == _audit(tree, None).findings  # and it is what an uncached audit finds


def test_a_changed_file_runs_the_checks_again(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spies = _spies(monkeypatch)
    _audit(tree, tmp_path / "cache")
    victim = next(tree.rglob("*.csv"))
    victim.write_bytes(victim.read_bytes() + "限制高消费,无\n".encode())
    changed = _audit(tree, tmp_path / "cache")
    assert set(_runs(spies).values()) == {2}
    assert changed.findings == _audit(tree, None).findings


def test_only_checks_that_read_the_audit_date_run_on_a_new_day(tree: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    spies = _spies(monkeypatch)
    _audit(tree, tmp_path / "cache")
    next_day = _audit(tree, tmp_path / "cache", DAY + dt.timedelta(days=1))
    runs = _runs(spies)
    assert runs["copied-text"] == 1 and runs["personal-data"] == 1  # they never look at the date
    assert runs["double-publicity"] == 2  # 双公示 timeliness is counted up to the audit date
    assert next_day.findings == _audit(tree, None, DAY + dt.timedelta(days=1)).findings


def test_memo_keeps_no_path_in_the_clear_and_a_damaged_one_is_recomputed(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = _audit(tree, tmp_path / "cache")
    assert any(f.related for f in cold.findings)  # pairs: related paths and quoted paths are stored too
    memos = [p for p in (tmp_path / "cache").rglob("*.json") if "-memo" in p.name]
    data = b"".join(p.read_bytes() for p in memos)
    folders = {p.name for p in tree.iterdir() if p.is_dir()}
    assert folders and not any(name.encode() in data for name in folders)
    assert b"\\u0000" in data  # quoted paths are positions
    spies = _spies(monkeypatch)
    for p in memos:
        p.write_bytes(b"{damaged")
    again = _audit(tree, tmp_path / "cache")
    assert set(_runs(spies).values()) == {1} and again.findings == cold.findings


def test_another_catalogue_runs_the_checks_again(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spies = _spies(monkeypatch)
    cat = load_catalogue()
    stricter = cat.model_copy(update={"settings": cat.settings.model_copy(update={"similarity_threshold": 0.7})})
    for catalogue in (cat, stricter, stricter):
        run_audit(AuditOptions(root=tree, catalogue=catalogue, audit_date=DAY, jobs=1, ocr=False,
                               cache_dir=tmp_path / "cache",
                               period=Period(start=cat.settings.period_start, end=cat.settings.period_end)))
    assert set(_runs(spies).values()) == {2}  # once per catalogue


def test_a_checks_findings_keep_each_distinct_text_once(tree: Path, tmp_path: Path) -> None:
    from credit_check.checks.memo import CheckMemo
    from credit_check.model import Severity, finding

    cat = load_catalogue()
    ctx = CheckContext(catalogue=cat, period=Period(start=cat.settings.period_start, end=cat.settings.period_end),
                       audit_date=DAY)
    report = _audit(tree, None)
    files = list(report.files)
    made = [finding("D6", "red_header", Severity.ERROR, f, ("缺少红头（第1页）", "补红头"),
                    ("no red header", "add it"), page=1, source="doc-elements") for f in files]
    made.append(finding("D5", "x", Severity.WARNING, None, (f"另见 {files[0].path}", ""), ("see", ""),
                        related=(files[0].path,)))
    memo = CheckMemo(tmp_path / "cache", files, ctx, "settings")
    memo.put("doc-elements", made, False)
    memo.save()
    entry = memo.memo.get(memo._key("doc-elements"))
    assert isinstance(entry, dict)
    assert entry["texts"].count("缺少红头（第1页）") == 1  # once, not once per finding
    assert len(entry["texts"]) <= 12 + len({f.task for f in made}) < len(made)
    assert all("缺少红头" not in text for text in entry["findings"])
    again = CheckMemo(tmp_path / "cache", files, ctx, "settings").get("doc-elements")
    assert again == made and again is not None
    assert again[0].message is again[-2].message  # one text object, shared
