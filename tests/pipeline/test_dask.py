"""`--executor dask://HOST:PORT`: the per-file extraction on a Dask cluster gives the report a local
run gives. A local scheduler with two worker processes is started for the test (the `dask`
extra; skipped without it)."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from credit_check.catalogue import load_catalogue
from credit_check.executors import DaskExecutor, ExecutorError, LocalExecutor, parse_executor
from credit_check.model import Period
from credit_check.pipeline import AuditOptions, run_audit
from credit_check.reporters import json as json_report
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           scheduler_port=0, silence_logs=50)
    try:
        host, port = cluster.scheduler_address.removeprefix("tcp://").rsplit(":", 1)
        yield f"dask://{host}:{port}"
    finally:
        cluster.close()


def _report(tree: Path, executor: str | None, cache: Path | None = None, jobs: int = 2) -> str:
    cat = load_catalogue()
    options = AuditOptions(root=tree, catalogue=cat, period=Period(start=cat.settings.period_start,
                                                                    end=cat.settings.period_end),
                           audit_date=dt.date(2025, 1, 15), jobs=jobs, ocr=False, cache_dir=cache, executor=executor)
    return json_report.render(run_audit(options))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dask") / "evidence"
    shutil.copytree(REPO_ROOT / "samples" / "evidence", root)
    return root


def test_dask_report_equals_local_report(scheduler: str, tree: Path) -> None:
    assert _report(tree, scheduler) == _report(tree, None)


def test_workers_sent_the_bytes_give_the_same_report(scheduler: str, tree: Path) -> None:
    assert _report(tree, scheduler + "?send=bytes") == _report(tree, None, jobs=1)


def test_dask_results_fill_the_local_caches(scheduler: str, tree: Path, tmp_path: Path) -> None:
    cold = _report(tree, scheduler, cache=tmp_path / "cache")
    assert list((tmp_path / "cache").rglob("*-index[0-9]*-*.json"))  # the warm-path index, written here
    assert _report(tree, None, cache=tmp_path / "cache") == cold  # a local warm run reads no file


def test_executor_specs() -> None:
    assert parse_executor(None, 3) == LocalExecutor(3)
    assert parse_executor("local") == LocalExecutor(0)
    assert parse_executor("dask://10.0.0.5:8786") == DaskExecutor(address="tcp://10.0.0.5:8786")
    assert parse_executor("tls://sched:8786?send=bytes") == DaskExecutor(address="tls://sched:8786", send="bytes")
    for bad in ("dask://nohost", "ftp://x:1", "dask://h:1?send=sometimes"):
        with pytest.raises(ExecutorError):
            parse_executor(bad)


def test_unreachable_scheduler_is_a_clear_error(tree: Path) -> None:
    from credit_check.discover import discover
    from credit_check.facts import ExtractOptions

    items = discover(tree, set()).files[:1]
    with pytest.raises(ExecutorError, match="cannot reach"):
        DaskExecutor(address="tcp://127.0.0.1:9", connect_timeout=2).read(items, ExtractOptions(ocr=False), None)


def test_base_install_does_not_import_dask() -> None:
    import subprocess

    code = ("import sys, credit_check.cli, credit_check.pipeline, credit_check.executors; "
            "print(any(m == 'dask' or m.startswith(('dask.', 'distributed')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
