"""The verification stage on a warm run: remembered verdicts need no OpenCV import (0.2 s), the
verdicts are versioned by the comparison (`facts/verify.py`) alone, verdicts kept under the
previous version are read once more, and without OpenCV every pair is unverified as before."""

from __future__ import annotations

import datetime as dt
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from credit_check import verify
from credit_check.catalogue import load_catalogue
from credit_check.discover import discover
from credit_check.executors import LocalExecutor
from credit_check.facts import ExtractOptions
from credit_check.facts.index import code_digest, read_all
from credit_check.model import EvidenceFile
from credit_check.records import build_records
from tests.builders.photos import PhotoSpec, make_photo, resized
from tests.conftest import REPO_ROOT

OPTIONS = ExtractOptions(ocr=False)


def _tree(tmp_path: Path) -> tuple[Path, list[EvidenceFile]]:
    root = tmp_path / "tree"
    make_photo(root / "5.1 宣传月" / "a" / "IMG_1.jpg", PhotoSpec(seed=4, taken=dt.datetime(2024, 5, 1, 9)))
    resized(root / "5.1 宣传月" / "a" / "IMG_1.jpg", root / "5.2 诚信典范" / "b" / "IMG_1_small.jpg", 0.7)
    cat = load_catalogue()
    tree = discover(root, {t.id for t in cat.tasks})
    return root, list(build_records(tree, read_all(tree.files, OPTIONS, tmp_path / "cache", root, LocalExecutor(1)), cat))


_SECOND_RUN = """
import pickle, sys
from pathlib import Path
from credit_check import verify
from credit_check.catalogue import load_catalogue
from credit_check.discover import discover
from credit_check.executors import LocalExecutor
from credit_check.facts import ExtractOptions
from credit_check.facts.index import read_all
from credit_check.records import build_records
root, cache = Path(sys.argv[1]), Path(sys.argv[2])
cat = load_catalogue()
tree = discover(root, {t.id for t in cat.tasks})
files = build_records(tree, read_all(tree.files, ExtractOptions(ocr=False), cache, root, LocalExecutor(1)), cat)
out = verify.verify_photos(files, cat, cache_dir=cache)
sys.stdout.buffer.write(pickle.dumps((sorted(out.items()), "cv2" in sys.modules)))
"""


def test_remembered_verdicts_do_not_import_opencv(tmp_path: Path) -> None:
    pytest.importorskip("cv2")
    root, files = _tree(tmp_path)
    first = verify.verify_photos(files, load_catalogue(), cache_dir=tmp_path / "cache")
    assert first and all(v.verdict != "unverified" for v in first.values())
    run = subprocess.run([sys.executable, "-c", _SECOND_RUN, str(root), str(tmp_path / "cache")],
                         capture_output=True, check=True, cwd=REPO_ROOT)
    again, imported = pickle.loads(run.stdout)
    assert again == sorted(first.items())
    assert not imported


def test_verdicts_are_versioned_by_the_comparison_alone(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("cv2")
    _root, files = _tree(tmp_path)
    cache = tmp_path / "cache"
    cat = load_catalogue()
    first = verify.verify_photos(files, cat, cache_dir=cache)
    current = verify._pair_memo(cache)
    assert current.spans and code_digest("credit_check.facts.verify") in current.path.name
    assert code_digest("credit_check.verify") not in current.path.name.rsplit("-memo", 1)[1]
    from credit_check.facts import verify as pixels

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("a remembered pair was opened again")

    monkeypatch.setattr(pixels, "prepare_file", refuse)
    assert verify.verify_photos(files, cat, cache_dir=cache) == first


def test_without_opencv_every_pair_is_unverified_even_when_remembered(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("cv2")
    _root, files = _tree(tmp_path)
    cat = load_catalogue()
    first = verify.verify_photos(files, cat, cache_dir=tmp_path / "cache")
    monkeypatch.setitem(sys.modules, "cv2", None)  # what an uninstalled OpenCV looks like to an import
    gone = verify.verify_photos(files, cat, cache_dir=tmp_path / "cache")
    assert gone.keys() == first.keys()
    assert all(v.verdict == "unverified" and v.reason == verify.UNAVAILABLE for v in gone.values())


def test_remembered_verdicts_are_parsed_only_when_looked_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("cv2")
    from credit_check.checks import memo

    _root, files = _tree(tmp_path)
    cat, cache = load_catalogue(), tmp_path / "cache"
    computed = []

    def compute() -> dict[tuple[str, str], verify.PairVerdict]:
        computed.append(1)
        return verify.verify_photos(files, cat)

    first = memo.remembered_verdicts(cache, files, "salt", None, compute)
    assert computed == [1] and len(first) == 1 and first.digest == memo.pairs_digest(dict(first))
    parsed = []
    real = memo._verdict_of
    monkeypatch.setattr(memo, "_verdict_of", lambda row: parsed.append(row) or real(row))
    again = memo.remembered_verdicts(cache, files, "salt", None, compute)
    assert again.digest == first.digest and parsed == [] and computed == [1]  # named, not parsed
    assert dict(again) == dict(first) and len(parsed) == 1 and computed == [1]  # parsed when looked at
    assert memo.remembered_verdicts(cache, files, "salt", None, compute).digest == first.digest  # still kept

    monkeypatch.setattr(memo, "_verdict_of", lambda row: real([*row[:-1], "changed since"]))
    damaged = memo.remembered_verdicts(cache, files, "salt", None, compute)
    assert dict(damaged) == dict(first) and computed == [1, 1]  # what no longer matches its digest is computed again


def test_an_unchanged_tree_with_remembered_checks_never_parses_its_verdicts(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("cv2")
    from credit_check.checks import memo
    from credit_check.model import Period
    from credit_check.pipeline import AuditOptions, run_audit

    root, _files = _tree(tmp_path)
    cat = load_catalogue()
    options = AuditOptions(root=root, catalogue=cat, audit_date=dt.date(2025, 1, 15), jobs=1, ocr=False,
                           cache_dir=tmp_path / "cache",
                           period=Period(start=cat.settings.period_start, end=cat.settings.period_end))
    cold = run_audit(options)
    assert any(f.check.startswith("reuse") or f.source == "reuse" for f in cold.findings)

    def refuse(row: object) -> object:
        raise AssertionError("a remembered verdict was parsed")

    monkeypatch.setattr(memo, "_verdict_of", refuse)
    assert run_audit(options).findings == cold.findings


def test_worker_jobs_are_made_when_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The groups of pairs sent to the workers list their photos when a job is sent
    (`runner.Jobs`), not all before the first is: each job is the group `_group` makes of its
    pairs, and the verdicts are those of the groups made at once."""
    from credit_check.facts.runner import Jobs

    _, files = _tree(tmp_path)
    chunks = [[(files[0], files[1])], [(files[1], files[0])]]
    made: list[int] = []

    def make(g: int) -> tuple[object, tuple[object, ...]]:
        made.append(g)
        return verify.compare_group, verify._group(chunks[g])

    jobs = Jobs(len(chunks), make)
    assert len(jobs) == 2 and made == []
    fn, (photos, indices) = jobs[1]
    assert fn is verify.compare_group and made == [1] and indices == [(0, 1)]
    assert [p.path for p in photos] == [str(files[1].abs_path), str(files[0].abs_path)]
    assert [job[1] for job in jobs[0:2]] == [verify._group(c) for c in chunks] and made == [1, 0, 1]
    assert jobs[-1][1] == jobs[1][1]
    with pytest.raises(IndexError):
        jobs[2]
    workers = verify.Workers(2, 1024, 60)
    pairs = [(files[0], files[1])]
    assert verify.verify_pairs(pairs, workers=workers) == verify.verify_pairs(pairs)
