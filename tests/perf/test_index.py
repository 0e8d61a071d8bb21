"""The warm-path index (credit_check/facts/index.py): unchanged files are not read again, changed
ones are, and the index keeps no path or personal data in the clear."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from credit_check.catalogue import load_catalogue
from credit_check.discover import Discovered, discover
from credit_check.executors import LocalExecutor
from credit_check.facts import ExtractOptions
from credit_check.facts import index as index_module
from credit_check.facts.index import FileIndex, read_all
from credit_check.facts.runner import Sink, cache_key
from credit_check.model import Extracted, Period
from credit_check.pipeline import AuditOptions, run_audit
from credit_check.reporters import json as json_report
from tests.builders.sheets import resident_id
from tests.conftest import REPO_ROOT

OPTIONS = ExtractOptions(ocr=False)
OLD = 1_600_000_000  # a modification time long before any test runs (not racy)


class Counting:
    """The local executor, counting the files it is asked to read."""

    def __init__(self) -> None:
        self.read_paths: list[str] = []

    def read(self, items: Sequence[Discovered], options: ExtractOptions, cache_dir: Path | None,
             progress: object = None, sink: Sink | None = None) -> list[tuple[str, Extracted]]:
        self.read_paths += [i.path for i in items]
        return LocalExecutor(1).read(items, options, cache_dir, None, sink)


def _tree(root: Path) -> list[Discovered]:
    (root / "1.1 领导小组").mkdir(parents=True)
    for n in range(3):
        path = root / "1.1 领导小组" / f"记录{n}.txt"
        path.write_text(f"第{n}次会议记录。联系人身份证号 {resident_id()}。" * 20, encoding="utf-8")
        os.utime(path, (OLD, OLD))
    return list(discover(root, {"1.1"}).files)


def _read(items: list[Discovered], root: Path, cache: Path) -> tuple[list[tuple[str, Extracted]], list[str]]:
    executor = Counting()
    got = read_all(items, OPTIONS, cache, root, executor)
    return got, executor.read_paths


def test_unchanged_files_come_from_the_index(tmp_path: Path) -> None:
    items = _tree(tmp_path / "tree")
    cold, read = _read(items, tmp_path / "tree", tmp_path / "cache")
    assert len(read) == 3
    warm, read = _read(items, tmp_path / "tree", tmp_path / "cache")
    assert read == []  # nothing opened, no worker started
    assert warm == cold


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    items = _tree(root)
    _read(items, root, tmp_path / "cache")
    changed = root / "1.1 领导小组" / "记录1.txt"
    changed.write_text("第1次会议记录，内容已改。" * 20, encoding="utf-8")
    os.utime(changed, (OLD + 60, OLD + 60))
    got, read = _read(items, root, tmp_path / "cache")
    assert read == [items[1].path]
    assert "内容已改" in got[1][1].pages[0]


def test_same_size_and_time_but_another_inode_is_read_again(tmp_path: Path) -> None:
    """A file replaced by a copy keeping size and times (cp -p, a restore) has a new inode."""
    root = tmp_path / "tree"
    items = _tree(root)
    _read(items, root, tmp_path / "cache")
    target = root / "1.1 领导小组" / "记录2.txt"
    shutil.copy2(target, tmp_path / "copy.txt")
    target.unlink()
    shutil.copy2(tmp_path / "copy.txt", target)
    _, read = _read(items, root, tmp_path / "cache")
    assert read == [items[2].path]


def test_racy_entries_are_checked_once_more(tmp_path: Path) -> None:
    """A file modified just before its stat was taken may change again within the same clock tick:
    its entry is not trusted until a later run has read it again."""
    root = tmp_path / "tree"
    items = _tree(root)
    fresh = root / "1.1 领导小组" / "记录0.txt"
    os.utime(fresh, None)  # modified now
    _read(items, root, tmp_path / "cache")
    _, read = _read(items, root, tmp_path / "cache")
    assert read == [items[0].path]  # racy: read again (the content cache makes it cheap)
    os.utime(fresh, (OLD, OLD))
    _read(items, root, tmp_path / "cache")
    _, read = _read(items, root, tmp_path / "cache")
    assert read == []


def test_index_holds_no_paths_or_numbers_in_the_clear(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    items = _tree(root)
    number = resident_id()
    named = root / "1.1 领导小组" / f"{number}.txt"
    named.write_text("材料" * 100, encoding="utf-8")
    items = list(discover(root, {"1.1"}).files)
    _read(items, root, tmp_path / "cache")
    index_files = [p for p in (tmp_path / "cache").rglob("*.json") if "-index" in p.name]
    assert len(index_files) == 1
    data = index_files[0].read_bytes()
    assert number.encode() not in data
    assert "领导小组".encode() not in data and str(root).encode() not in data
    assert oct(index_files[0].stat().st_mode & 0o777) == "0o600"


def test_deleted_files_leave_the_index(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    items = _tree(root)
    _read(items, root, tmp_path / "cache")
    (root / "1.1 领导小组" / "记录0.txt").unlink()
    _read(items[1:], root, tmp_path / "cache")
    index = FileIndex(tmp_path / "cache", root, OPTIONS, cache_key(tmp_path / "cache"))
    index.load()
    assert len(index.entries) == 2


def test_another_tool_version_starts_a_new_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "tree"
    items = _tree(root)
    _read(items, root, tmp_path / "cache")
    monkeypatch.setattr(index_module, "INDEX_FORMAT", index_module.INDEX_FORMAT + 1)
    _, read = _read(items, root, tmp_path / "cache")
    assert len(read) == 3


def test_damaged_index_is_rebuilt(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    items = _tree(root)
    _read(items, root, tmp_path / "cache")
    index_file = next(p for p in (tmp_path / "cache").rglob("*.json") if "-index" in p.name)
    index_file.write_bytes(b"{not json")
    cold, read = _read(items, root, tmp_path / "cache")
    assert len(read) == 3 and len(cold) == 3


def test_warm_report_is_the_cold_report(tmp_path: Path) -> None:
    """The sample tree audited cold (cache empty), warm, and with --jobs 1: one JSON report."""
    cat = load_catalogue()
    tree = tmp_path / "evidence"
    shutil.copytree(REPO_ROOT / "samples" / "evidence", tree)
    reports = []
    for jobs in (2, 2, 1):
        options = AuditOptions(root=tree, catalogue=cat, period=Period(start=cat.settings.period_start,
                                                                        end=cat.settings.period_end),
                               audit_date=dt.date(2025, 1, 15), jobs=jobs, ocr=False, cache_dir=tmp_path / "cache")
        reports.append(json_report.render(run_audit(options)))
    uncached = AuditOptions(root=tree, catalogue=cat, period=Period(start=cat.settings.period_start,
                                                                     end=cat.settings.period_end),
                            audit_date=dt.date(2025, 1, 15), jobs=1, ocr=False)
    reports.append(json_report.render(run_audit(uncached)))
    assert reports[0] == reports[1] == reports[2] == reports[3]


def test_photo_verdicts_are_kept_for_the_next_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The verification stage opens a candidate pair's two files once; the next audit of the same
    bytes takes the verdict from the cache."""
    pytest.importorskip("cv2")
    from credit_check import verify
    from credit_check.facts import verify as pixels
    from credit_check.records import build_records
    from tests.builders.photos import PhotoSpec, make_photo, resized

    root = tmp_path / "tree"
    make_photo(root / "5.1 宣传月" / "a" / "IMG_1.jpg", PhotoSpec(seed=4, taken=dt.datetime(2024, 5, 1, 9)))
    resized(root / "5.1 宣传月" / "a" / "IMG_1.jpg", root / "5.2 诚信典范" / "b" / "IMG_1_small.jpg", 0.7)
    cat = load_catalogue()
    tree = discover(root, {t.id for t in cat.tasks})
    files = build_records(tree, read_all(tree.files, OPTIONS, tmp_path / "cache", root, LocalExecutor(1)), cat)
    first = verify.verify_photos(files, cat, cache_dir=tmp_path / "cache")
    assert first and all(v.verdict != "unverified" for v in first.values())

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("a remembered pair was opened again")

    monkeypatch.setattr(pixels, "prepare_file", refuse)
    assert verify.verify_photos(files, cat, cache_dir=tmp_path / "cache") == first


def test_a_stat_beyond_64_bits_is_kept_and_compared_whole(tmp_path: Path) -> None:
    """The index keeps each stat as 40 packed bytes; a file id of 128 bits (ReFS) does not fit
    and is kept as its numbers, matched exactly, and written and read back the same."""
    items = _tree(tmp_path / "tree")
    cold, _ = _read(items, tmp_path / "tree", tmp_path / "cache")
    index = FileIndex(tmp_path / "cache", tmp_path / "tree", OPTIONS, cache_key(tmp_path / "cache"))
    index.load()
    key = index.file_key(items[0].location)
    st = index_module.Stat.of(items[0].location)
    assert st is not None and index.lookup(key, st) is not None and isinstance(index.entries[key].stat, bytes)
    huge = index_module.Stat(size=st.size, mtime_ns=st.mtime_ns, ctime_ns=st.ctime_ns, ino=2**100 + 7, dev=st.dev)
    stored = index.put(key, huge, huge.mtime_ns + 10**12, cold[0][0], cold[0][1])
    assert stored.load() == cold[0][1] and isinstance(index.entries[key].stat, tuple)
    index.save()
    again = FileIndex(tmp_path / "cache", tmp_path / "tree", OPTIONS, cache_key(tmp_path / "cache"))
    again.load()
    assert again.lookup(key, huge) is not None and again.lookup(key, st) is None  # the inode differs
    other = index_module.Stat(size=st.size, mtime_ns=st.mtime_ns, ctime_ns=st.ctime_ns, ino=2**100 + 8, dev=st.dev)
    assert again.lookup(key, other) is None
