"""Records of unchanged files are built only when needed (credit_check/records.py `LazyFile`), and
what they show before being built is what the built record says."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from credit_check.catalogue import load_catalogue
from credit_check.catalogue.models import Catalogue
from credit_check.discover import Tree, discover
from credit_check.executors import LocalExecutor
from credit_check.facts import ExtractOptions
from credit_check.facts.index import Stored, read_all
from credit_check.model import Period
from credit_check.pipeline import AuditOptions, run_audit
from credit_check.records import LazyFile, Records, build_record, build_records
from tests.conftest import REPO_ROOT

OPTIONS = ExtractOptions(ocr=False)
OLD = 1_600_000_000
SLIM = ("path", "abs_path", "size", "task", "kind", "date", "date_source", "error", "error_kind", "sha256", "name")


def _old_samples(tmp_path: Path) -> tuple[Path, Tree, Catalogue]:
    """A copy of the sample tree whose files are old enough to be trusted from the index, found."""
    root = tmp_path / "evidence"
    shutil.copytree(REPO_ROOT / "samples" / "evidence", root)
    for path in root.rglob("*"):
        os.utime(path, (OLD, OLD))
    cat = load_catalogue()
    return root, discover(root, {t.id for t in cat.tasks}), cat


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("lazy")
    root = base / "evidence"
    shutil.copytree(REPO_ROOT / "samples" / "evidence", root)
    (root / "一、制度建设" / "坏文件.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<<")  # a read error, kept in the index
    for path in root.rglob("*"):
        os.utime(path, (OLD, OLD))  # not racy: trusted from the index on the next run
    cat = load_catalogue()
    tree = discover(root, {t.id for t in cat.tasks})
    read_all(tree.files, OPTIONS, base / "cache", root, LocalExecutor(1))  # fills the index
    return root, base / "cache"


def test_lazy_records_show_what_the_built_record_says(warm: tuple[Path, Path]) -> None:
    root, cache = warm
    cat = load_catalogue()
    tree = discover(root, {t.id for t in cat.tasks})
    got = read_all(tree.files, OPTIONS, cache, root, LocalExecutor(1), lazy=True)
    assert all(isinstance(ex, Stored) for _, ex in got)  # nothing read, nothing parsed
    records = build_records(tree, got, cat)
    assert records.built() == 0
    eager = [build_record(item, sha, ex.load() if isinstance(ex, Stored) else ex, cat)
             for item, (sha, ex) in zip(tree.files, got, strict=True)]
    assert any(e.error for e in eager) and any(e.date for e in eager)
    for lazy, built in zip(records, eager, strict=True):
        assert isinstance(lazy, LazyFile)
        for name in SLIM:
            assert getattr(lazy, name) == getattr(built, name), name
    assert records.built() == 0  # reading those built nothing
    assert [f.facts for f in records] == [e.facts for e in eager]  # the facts build each record, once
    assert records.built() == len(records)
    assert list(records) == eager and records[1:3] == tuple(eager[1:3])


def test_report_without_text_keeps_facts_drops_pages(warm: tuple[Path, Path]) -> None:
    root, cache = warm
    cat = load_catalogue()
    tree = discover(root, {t.id for t in cat.tasks})
    records = build_records(tree, read_all(tree.files, OPTIONS, cache, root, LocalExecutor(1), lazy=True), cat)
    bare = records.without_text()
    assert isinstance(bare, Records) and len(bare) == len(records)
    assert any(f.pages for f in records)
    assert not any(f.pages or f.sheets for f in bare)
    assert [f.facts for f in bare] == [f.facts for f in records]


def test_warm_audit_is_the_cold_audit(warm: tuple[Path, Path]) -> None:
    root, cache = warm
    cat = load_catalogue()
    options = AuditOptions(root=root, catalogue=cat, audit_date=dt.date(2025, 1, 15), jobs=1, ocr=False,
                           cache_dir=cache, period=Period(start=cat.settings.period_start, end=cat.settings.period_end))
    first, second = run_audit(options), run_audit(options)
    uncached = run_audit(AuditOptions(**{**options.__dict__, "cache_dir": None}))
    for report in (second, uncached):
        assert report.findings == first.findings and report.tasks == first.tasks and report.score == first.score
        assert list(report.files) == list(first.files)
        assert report.model_dump_json() == first.model_dump_json()  # stored records serialise as built ones


def test_warm_json_report_builds_no_record_and_keeps_no_path(warm: tuple[Path, Path], tmp_path: Path) -> None:
    """The second audit of an unchanged tree writes the same JSON report without building any
    record: checks, evaluation and verification are remembered, each file's line is read back."""
    from credit_check.reporters import json as json_report

    root, _ = warm
    cat = load_catalogue()
    options = AuditOptions(root=root, catalogue=cat, audit_date=dt.date(2025, 1, 15), jobs=1, ocr=False,
                           cache_dir=tmp_path / "cache", period=Period(start=cat.settings.period_start,
                                                                       end=cat.settings.period_end))
    first = run_audit(options)
    cold = json_report.render(first)
    assert isinstance(first.files, Records)
    second = run_audit(options)
    assert json_report.render(second) == cold == json_report.render(run_audit(options))
    assert isinstance(second.files, Records) and second.files.built() == 0
    kept = [p for p in (tmp_path / "cache").rglob("*.json") if "-lines" in p.name]
    assert len(kept) == 1 and oct(kept[0].stat().st_mode & 0o777) == "0o600"
    data = kept[0].read_bytes()
    assert not any(p.name.encode() in data for p in root.iterdir() if p.is_dir())
    kept[0].write_bytes(b"{damaged\n" + data[:100])  # a damaged file is rebuilt, the report unchanged
    assert json_report.render(run_audit(options)) == cold


def test_cold_read_keeps_no_tree_of_facts_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold read with an index hands each result to the index as it arrives; after the index is
    saved every result is read from its file (none held as bytes or objects), records are built
    from there and only the last few are kept — with the same facts and texts as eager records."""
    from credit_check import records as records_module

    monkeypatch.setattr(records_module, "RECORDS_KEPT", 3)
    root, tree, cat = _old_samples(tmp_path)
    got = read_all(tree.files, OPTIONS, tmp_path / "cache", root, LocalExecutor(1), lazy=True)
    stored = [ex for _, ex in got if isinstance(ex, Stored)]
    assert len(stored) == len(got) > 6  # every result went to the index ...
    assert not any(isinstance(s.raw, bytes) for s in stored)  # ... and is read from its file
    records = build_records(tree, got, cat)
    eager = [build_record(item, sha, ex.load() if isinstance(ex, Stored) else ex, cat)
             for item, (sha, ex) in zip(tree.files, got, strict=True)]
    assert [(f.facts, f.pages, f.sheets) for f in records] == [(e.facts, e.pages, e.sheets) for e in eager]
    assert any(e.pages for e in eager) and any(e.sheets for e in eager)
    assert len(records_module._kept) <= 3  # the last records built, not the tree's
    assert records.built() == len(records)
    assert [f.text for f in records] == [e.text for e in eager]  # built again from the index


def test_cold_read_spools_each_result_until_the_index_is_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Results read in a cold run go to a spool file as they arrive (not held in memory until the
    index is written); the saved index reads them from its own file, the spool is gone, and no
    file is left in the cache but the index and the content entries."""
    from credit_check.facts import index as index_module

    root, tree, _ = _old_samples(tmp_path)
    seen: dict[str, object] = {}
    save = index_module.FileIndex.save

    def spy(self: index_module.FileIndex) -> None:
        raws = [e.result.raw for e in self.entries.values()]
        seen["in_spool"] = sum(r is self.spool for r in raws)
        seen["entries"] = len(raws)
        seen["spool_size"] = self.spool.size if self.spool is not None else 0
        save(self)
        seen["after"] = self.spool

    monkeypatch.setattr(index_module.FileIndex, "save", spy)
    got = read_all(tree.files, OPTIONS, tmp_path / "cache", root, LocalExecutor(1), lazy=True)
    assert seen["entries"] == seen["in_spool"] == len(got) > 6
    assert isinstance(seen["spool_size"], int) and seen["spool_size"] > 1000
    assert seen["after"] is None
    stored = [ex for _, ex in got if isinstance(ex, Stored)]
    assert len(stored) == len(got) and len({id(s.raw) for s in stored if not isinstance(s.raw, bytes)}) == 1
    assert not [p for p in (tmp_path / "cache").rglob("*") if "spool" in p.name]
    again = read_all(tree.files, OPTIONS, tmp_path / "cache", root, LocalExecutor(1), lazy=True)  # from the index
    assert [ex.load() for ex in stored] == [ex.load() for _, ex in again if isinstance(ex, Stored)]
    assert any(ex.load().pages for ex in stored)


def test_a_full_disk_under_the_spool_keeps_results_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spool that stops taking bytes (a full disk) loses nothing: the results it could not take
    stay in memory, the others are read from it, and the audit's results are those of a run
    without the fault."""
    import errno
    import tempfile

    from credit_check.facts import runner

    root, tree, _ = _old_samples(tmp_path)
    clean = read_all(tree.files, OPTIONS, tmp_path / "clean", root, LocalExecutor(1), lazy=True)

    real = tempfile.TemporaryFile

    class Full:
        """A real temporary file whose disk is full after 4,000 bytes."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            self.fh = real(*args, **kwargs)  # type: ignore[call-overload]

        def write(self, data: bytes) -> int:
            if self.fh.tell() + len(data) > 4000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return int(self.fh.write(data))

        def __getattr__(self, name: str) -> object:
            return getattr(self.fh, name)

    monkeypatch.setattr(tempfile, "TemporaryFile", Full)
    monkeypatch.setattr(runner, "write_private_stream", lambda *a, **k: None)  # the index cannot be written either
    (tmp_path / "cache").mkdir(mode=0o700)
    shutil.copy2(tmp_path / "clean" / "key", tmp_path / "cache" / "key")  # the same pseudonyms as the clean run
    got = read_all(tree.files, OPTIONS, tmp_path / "cache", root, LocalExecutor(1), lazy=True)
    stored = [ex for _, ex in got if isinstance(ex, Stored)]
    assert len(stored) == len(got)
    in_memory = [s for s in stored if isinstance(s.raw, bytes)]
    assert 0 < len(in_memory) < len(stored)  # some spooled before the disk filled, the rest kept
    assert [ex.load() for _, ex in got if isinstance(ex, Stored)] == \
        [ex.load() for _, ex in clean if isinstance(ex, Stored)]
