"""End-to-end: the CLI over real trees (real PDF, XLSX, JPEG files), exit codes, the JSON contract,
bad input, and the promise that the evidence tree is never written to."""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from credit_check.cli import app
from credit_check.facts.ocr import DISABLE_ENV
from tests.conftest import REPO_ROOT, sigint_deliverable

runner = CliRunner()


def simple_pdf(path: Path, lines: list[str]) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 14)
    for i, line in enumerate(lines):
        c.drawString(72, 770 - 24 * i, line)
    c.save()
    return path


def small_tree(root: Path) -> Path:
    (root / "一、制度建设" / "1.3 年度工作要点").mkdir(parents=True)
    simple_pdf(root / "一、制度建设" / "1.3 年度工作要点" / "2024年交通运输工作要点.pdf",
               ["2024年交通运输工作要点", "一、加强信用体系建设", "2024年2月1日"])
    (root / "一、制度建设" / "1.4 领导小组会议").mkdir()
    for m in (1, 4, 7):
        simple_pdf(root / "一、制度建设" / "1.4 领导小组会议" / f"2024-{m:02d}-15 领导小组会议纪要.pdf",
                   ["领导小组会议纪要", f"2024年{m}月15日"])
    (root / "五、诚信宣传" / "5.1 宣传月").mkdir(parents=True)
    Image.new("RGB", (64, 48), (120, 160, 200)).save(root / "五、诚信宣传" / "5.1 宣传月" / "活动照片.jpg")
    wb = Workbook()
    ws = wb.active
    ws.append(["月份", "进展"])
    ws.append(["2024-01", "成立专班"])
    wb.save(root / "进展台账.xlsx")
    (root / "新建文件夹").mkdir()
    (root / "一、制度建设" / "1.3 年度工作要点" / "坏文件.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (root / "一、制度建设" / "1.3 年度工作要点" / "空.docx").write_bytes(b"")
    (root / "一、制度建设" / "1.3 年度工作要点" / "其实是图片.pdf").write_bytes(
        (root / "五、诚信宣传" / "5.1 宣传月" / "活动照片.jpg").read_bytes())
    (root / "Thumbs.db").write_bytes(b"junk")
    return root


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in sorted(os.walk(root)):
        dirnames.sort()
        for name in sorted(filenames + dirnames):
            p = Path(dirpath) / name
            st = p.lstat()
            digest.update(f"{p}|{st.st_mode}|{st.st_size}|{st.st_mtime_ns}".encode("utf-8", "surrogateescape"))
            if p.is_file():
                digest.update(p.read_bytes())
    return digest.hexdigest()


def audit_json(root: Path, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    out = tmp_path / "out" / "report.json"
    result = runner.invoke(app, ["audit", str(root), "--format", "json", "--output", str(out), "--no-cache",
                                 "--no-ocr", "--audit-date", "2025-01-10", *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(out.read_text(encoding="utf-8"))


def test_json_contract_and_read_only(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "evidence")
    before = tree_hash(root)
    code, report = audit_json(root, tmp_path, "--jobs", "2")
    assert tree_hash(root) == before  # the evidence tree is byte-for-byte untouched
    assert code == 0
    assert report["schema"] == "credit-check/report@1"
    assert set(report) >= {"schema", "tool", "root", "period", "score", "tasks", "bonus", "findings", "files"}
    assert report["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert set(report["score"]) >= {"total", "max", "pass_mark", "tasks", "bonus", "deductions", "disqualified"}
    assert report["score"]["deductions"] <= 0
    assert len(report["tasks"]) == 24 and len(report["bonus"]) == 7
    for task in report["tasks"]:
        assert set(task) >= {"id", "title", "units", "points", "score", "status", "files", "reasons"}
        assert task["status"] in {"met", "partial", "missing", "unknown"}
    for f in report["findings"]:
        assert set(f) >= {"rule", "check", "severity", "path", "page", "task", "message", "fix", "deduction"}
        assert f["severity"] in {"error", "warning", "info"} and f["deduction"] <= 0
    paths = {f["path"] for f in report["files"]}
    assert "Thumbs.db" not in paths
    for p in paths:
        assert "\\" not in p and unicodedata.is_normalized("NFC", p) and not p.startswith("/")
    for f in report["files"]:
        assert set(f) >= {"path", "kind", "task", "date", "date_source", "facts", "error"}

    by_path = {f["path"]: f for f in report["files"]}
    meeting = by_path["一、制度建设/1.4 领导小组会议/2024-04-15 领导小组会议纪要.pdf"]
    assert meeting["task"] == "1.4" and meeting["date"] == "2024-04-15" and meeting["kind"] == "document"
    assert by_path["进展台账.xlsx"]["task"] is None
    tasks = {t["id"]: t for t in report["tasks"]}
    assert tasks["1.4"]["status"] == "partial"
    assert any("第四季度" in r for r in tasks["1.4"]["reasons"])

    rules = {(f["rule"], f["check"], f["path"]) for f in report["findings"]}
    assert ("D5", "unfiled", "进展台账.xlsx") in rules
    assert ("D5", "junk-folder", "新建文件夹") in rules
    errors = {f["path"]: f["check"] for f in report["findings"] if f["rule"] == "read-error"}
    assert errors.get("一、制度建设/1.3 年度工作要点/空.docx") == "empty"
    assert "一、制度建设/1.3 年度工作要点/坏文件.pdf" in errors
    assert errors.get("一、制度建设/1.3 年度工作要点/其实是图片.pdf") == "mislabelled"


def test_exit_codes(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "evidence")
    assert audit_json(root, tmp_path, "--fail-under", "99")[0] == 1
    assert audit_json(root, tmp_path, "--fail-under", "0")[0] == 0
    assert audit_json(root, tmp_path, "--fail-on", "warning")[0] == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["audit", str(empty), "--no-cache", "--fail-on", "error"])
    assert result.exit_code == 1  # every task is missing: error-level evidence findings
    assert DISABLE_ENV not in os.environ  # --no-ocr must not leak into later audits in this process


@pytest.mark.parametrize("args", [
    ["audit", "/nonexistent/folder"],
    ["audit", "{root}", "--period", "2024"],
    ["audit", "{root}", "--format", "pdf"],
    ["audit", "{root}", "--catalogue", "{bad}"],
    ["audit", "{root}", "--output", "{root}/report.json"],
    ["audit", "{root}", "--audit-date", "yesterday"],
    ["explain", "9.9"],
])
def test_usage_errors_exit_2_with_one_message(tmp_path: Path, args: list[str]) -> None:
    root = tmp_path / "ev"
    root.mkdir()
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nsettings: {}\n", encoding="utf-8")
    result = runner.invoke(app, [a.format(root=root, bad=bad) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert list(root.iterdir()) == []


def test_init_scaffold_audits_clean_of_d5_and_all_missing(tmp_path: Path) -> None:
    root = tmp_path / "new"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    for _dirpath, dirnames, _ in os.walk(root):
        for name in dirnames:
            assert len(name) <= 24 and not set(name) & set('<>:"/\\|?*')
    _code, report = audit_json(root, tmp_path)
    assert not [f for f in report["findings"] if f["rule"] == "D5"]
    assert {t["status"] for t in report["tasks"]} == {"missing"}
    assert report["files"] == []


def test_indicators_explain_and_text_report(tmp_path: Path) -> None:
    listing = runner.invoke(app, ["indicators"])
    assert listing.exit_code == 0 and "7.4" in listing.output and "D7" in listing.output
    task = runner.invoke(app, ["explain", "1.4"])
    assert task.exit_code == 0 and "每季度" in task.output and "法规科" in task.output
    rule = runner.invoke(app, ["explain", "d6"])
    assert rule.exit_code == 0 and "红头" in rule.output and "doc-elements" in rule.output
    assert "photo-reuse" in runner.invoke(app, ["explain", "D1"]).output
    check = runner.invoke(app, ["explain", "layout"])
    assert check.exit_code == 0 and "新建文件夹" in check.output
    root = small_tree(tmp_path / "evidence")
    text = runner.invoke(app, ["audit", str(root), "--no-cache", "--no-ocr"])
    assert text.exit_code == 0
    assert "得分" in text.output and "法规科" in text.output and "进展台账.xlsx" in text.output
    english = runner.invoke(app, ["audit", str(root), "--no-cache", "--no-ocr", "--lang", "en"])
    assert "Score" in english.output


def test_cache_is_reused_and_lives_outside_the_tree(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "evidence")
    cache = tmp_path / "cache"
    before = tree_hash(root)
    first = runner.invoke(app, ["audit", str(root), "--format", "json", "--cache-dir", str(cache), "--no-ocr"])
    entries = list(cache.rglob("*.json"))
    second = runner.invoke(app, ["audit", str(root), "--format", "json", "--cache-dir", str(cache), "--no-ocr"])
    assert entries and len(list(cache.rglob("*.json"))) == len(entries)
    assert json.loads(first.output)["files"] == json.loads(second.output)["files"]
    assert tree_hash(root) == before


def test_inspect_prints_facts_and_never_writes_beside_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "ev"
    folder.mkdir()
    doc = simple_pdf(folder / "2024年工作要点.pdf", ["关于印发2024年工作要点的通知", "2024年2月1日"])
    result = runner.invoke(app, ["inspect", str(doc), "--no-ocr"])
    assert result.exit_code == 0 and "document" in result.output and "2024-02-01" in result.output
    as_json = runner.invoke(app, ["inspect", str(doc), "--no-ocr", "--json"])
    assert json.loads(as_json.output)["kind"] == "document"
    out = tmp_path / "boxes.png"
    boxed = runner.invoke(app, ["inspect", str(doc), "--no-ocr", "--annotate", str(out)])
    assert boxed.exit_code == 0 and Image.open(out).size[0] > 100
    refused = runner.invoke(app, ["inspect", str(doc), "--annotate", str(folder / "boxes.png")])
    assert refused.exit_code == 2 and sorted(p.name for p in folder.iterdir()) == ["2024年工作要点.pdf"]
    assert runner.invoke(app, ["inspect", str(tmp_path / "missing.pdf")]).exit_code == 2


def test_gbk_named_root_and_files_give_utf8_reports(tmp_path: Path) -> None:
    root = Path(os.fsdecode(os.fsencode(str(tmp_path)) + b"/" + "材料".encode("gbk")))
    task = Path(os.fsdecode(os.fsencode(str(root)) + b"/" + "1.3 要点".encode("gbk")))
    task.mkdir(parents=True)
    simple_pdf(Path(os.fsdecode(os.fsencode(str(task)) + b"/" + "2024年工作要点.pdf".encode("gbk"))),
               ["2024年工作要点", "2024年2月1日"])
    _code, report = audit_json(root, tmp_path)
    assert report["root"].endswith("材料")
    assert [f["path"] for f in report["files"]] == ["1.3 要点/2024年工作要点.pdf"]
    assert ("D5", "garbled-name") in {(f["rule"], f["check"]) for f in report["findings"]}
    text = runner.invoke(app, ["audit", os.fsdecode(os.fsencode(str(root))), "--no-cache", "--no-ocr"])
    assert text.exit_code == 0 and "材料" in text.output


def test_personal_data_in_names_and_titles_is_masked_everywhere(tmp_path: Path) -> None:
    from tests.builders.sheets import resident_id

    number = resident_id("370102", dt.date(1985, 7, 9), "117")
    root = tmp_path / "ev"
    (root / "4.5 修复").mkdir(parents=True)
    simple_pdf(root / "4.5 修复" / f"张三{number}身份证复印件.pdf", [f"张三{number}信用修复申请", "2024年3月1日"])
    _code, report = audit_json(root, tmp_path)
    outputs = [json.dumps(report, ensure_ascii=False)]
    for fmt in ("text", "html", "sarif", "junit"):
        outputs.append(runner.invoke(app, ["audit", str(root), "--no-cache", "--no-ocr", "--format", fmt]).output)
    for out in outputs:
        assert number not in out and number[:6] in out  # masked, not dropped


def test_reference_folder_catches_text_copied_from_elsewhere(tmp_path: Path) -> None:
    article = ["某县交通运输局坚持把信用监管作为提升行业治理能力的重要抓手，创新推出信易行应用场景，",
               "对信用等级为AA级以上的道路运输企业在年度审验、路检路查等环节给予便利，累计减少现场检查八十余次，",
               "为企业节省成本约四十万元。下一步将持续扩大信易加应用范围，推动信用红利惠及更多经营主体，",
               "同时建立信用评价结果定期通报制度，对失信企业开展约谈提醒和重点监管，形成守信激励失信约束的良好局面。"]
    reference = tmp_path / "other-county"
    reference.mkdir()
    simple_pdf(reference / "典型案例.pdf", ["信易行典型案例", *article])
    root = tmp_path / "ev"
    (root / "7.3 报道").mkdir(parents=True)
    simple_pdf(root / "7.3 报道" / "2024-10-20 信易行案例.pdf", ["我区信易行典型案例", *article])
    _code, report = audit_json(root, tmp_path, "--reference", str(reference))
    copied = [f for f in report["findings"] if f["rule"] == "D1"]
    assert [f["check"] for f in copied] == ["copied-external"]
    assert report["score"]["disqualified"]
    _code, alone = audit_json(root, tmp_path)
    assert not [f for f in alone["findings"] if f["rule"] == "D1"]


def test_cached_facts_follow_the_size_limit(tmp_path: Path) -> None:
    root = tmp_path / "ev"
    (root / "1.3 要点").mkdir(parents=True)
    (root / "1.3 要点" / "扫描件.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(1536 * 1024))
    base = ["audit", str(root), "--format", "json", "--cache-dir", str(tmp_path / "cache"), "--no-ocr"]
    limited = json.loads(runner.invoke(app, [*base, "--max-file-mb", "1"]).output)
    assert "too large" in limited["files"][0]["error"]
    wider = json.loads(runner.invoke(app, [*base, "--max-file-mb", "2"]).output)
    assert "too large" not in wider["files"][0]["error"]  # read this time, not served from the cache


# --- any console, gates, CLI habits ---------------------------------------------------------------------

def _cli(*args: str, encoding: str | None = None, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    """The real program in a child process, its console in `encoding` (as on an English Windows
    or a CI runner), the C locale."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIOENCODING", "PYTHONUTF8"))}
    env["LANG"] = "C"
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    return subprocess.run([sys.executable, "-m", "credit_check", *args], capture_output=True, env=env,
                          cwd=cwd, timeout=300, check=False, **kwargs)


@pytest.mark.parametrize("encoding", ["cp1252", "gbk", "ascii", "utf-8"])
def test_help_and_version_work_on_any_console(encoding: str) -> None:
    for args in (["--help"], ["audit", "--help"], ["cache", "--help"], ["-V"], ["--version"]):
        done = _cli(*args, encoding=encoding)
        assert done.returncode == 0, (args, done.stderr)
        assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr
    # (click sends UTF-8 to a stream that claims plain ASCII: readable bytes either way)
    assert _cli("-V", encoding=encoding).stdout.decode(encoding, "replace").startswith("credit-check ")
    assert "show the version" in _cli("--help", encoding=encoding).stdout.decode(encoding, "replace")


def test_audit_on_a_cp1252_console_still_writes_utf8_reports(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "evidence")
    out = tmp_path / "out"
    done = _cli("audit", str(root), "--no-cache", "--no-ocr", "--audit-date", "2025-01-10", "--html",
                str(out / "r.html"), "--json", str(out / "r.json"), "--fail-under", "99", encoding="cp1252")
    assert done.returncode == 1, done.stderr
    assert "信用" in (out / "r.html").read_text(encoding="utf-8")
    assert json.loads((out / "r.json").read_text(encoding="utf-8"))["files"]
    stderr = done.stderr.decode("cp1252")
    assert "cannot show Chinese" in stderr and "--lang en" in stderr
    # The reason for exit 1 is the last line, in English since the console has no Chinese.
    assert stderr.strip().splitlines()[-1].startswith("credit-check: FAILED (exit 1): score ")
    assert "--fail-under 99" in stderr.strip().splitlines()[-1]
    english = _cli("audit", str(root), "--no-cache", "--no-ocr", "--lang", "en", encoding="cp1252")
    text = english.stdout.decode("cp1252")
    assert english.returncode == 0 and "Score" in text
    assert "+---" in text and "|" in text  # table borders the console can show, not "???"
    assert not list(out.glob(".*tmp"))


def test_gates_name_the_reason_and_the_threshold(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "evidence")
    base = ["audit", str(root), "--no-cache", "--no-ocr", "--audit-date", "2025-01-10", "--quiet"]
    under = runner.invoke(app, [*base, "--fail-under", "99.5"])
    assert under.exit_code == 1 and under.stdout == ""
    last = under.stderr.strip().splitlines()[-1]
    assert "未通过" in last and "--fail-under 99.5" in last and "得分" in last
    level = runner.invoke(app, [*base, "--fail-on", "warning", "--lang", "en"])
    last = level.stderr.strip().splitlines()[-1]
    assert level.exit_code == 1 and "--fail-on warning" in last and "warning" in last and "error" in last
    assert re.search(r"\b\d+ findings? at --fail-on warning or worse \(", last)
    passed = runner.invoke(app, [*base, "--fail-under", "0"])
    assert passed.exit_code == 0 and passed.stderr == ""


def test_disqualification_names_the_finding(tmp_path: Path) -> None:
    done = runner.invoke(app, ["audit", str(REPO_ROOT / "samples" / "fraud"), "--no-cache", "--no-ocr",
                               "--audit-date", "2025-01-15", "--quiet", "--lang", "en"])
    last = done.stderr.strip().splitlines()[-1]
    assert done.exit_code == 1 and "disqualified by D1/" in last and "--waivers" in last


def test_quiet_prints_no_report_but_writes_the_files(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "evidence")
    done = runner.invoke(app, ["audit", str(root), "--no-cache", "--no-ocr", "-q", "--html", str(tmp_path / "r.html")])
    assert done.exit_code == 0 and done.stdout == "" and done.stderr == ""
    assert (tmp_path / "r.html").stat().st_size > 1000


def test_a_report_is_written_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from credit_check import outputs

    target = tmp_path / "reports" / "report.json"
    outputs.write_atomic(target, "old report")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        outputs.write_atomic(target, "new report, half written")
    assert target.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temporary file left
    monkeypatch.undo()
    outputs.write_atomic(target, b"\x00binary")
    assert target.read_bytes() == b"\x00binary"


def _group(pgid: int) -> list[int]:
    """Live processes of a process group (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("whole_group", [True, False])
def test_ctrl_c_leaves_no_workers_and_no_report(tmp_path: Path, whole_group: bool) -> None:
    root = tmp_path / "evidence"
    for n in range(3):
        shutil.copytree(REPO_ROOT / "samples" / "evidence", root / f"copy{n}")
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "credit_check", "audit", str(root), "--no-cache", "--jobs", "2",
                             "--json", str(out / "report.json"), "--html", str(out / "report.html")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
                            preexec_fn=sigint_deliverable)
    try:
        deadline = time.monotonic() + 60
        while len(_group(proc.pid)) < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # until the workers are up and reading
        assert proc.poll() is None, "the audit ended before it could be interrupted"
        if whole_group:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        else:
            os.kill(proc.pid, signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err.decode()
    assert b"interrupted" in err and b"Traceback" not in err
    deadline = time.monotonic() + 10
    while _group(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group(proc.pid) == []  # no worker process is left behind
    assert list(out.iterdir()) == []  # no report, whole or half


def test_cache_info_and_clear(tmp_path: Path) -> None:
    root = small_tree(tmp_path / "evidence")
    cache = tmp_path / "cache"
    assert runner.invoke(app, ["audit", str(root), "--cache-dir", str(cache), "--no-ocr", "-q"]).exit_code == 0
    info = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache), "--lang", "en"])
    assert info.exit_code == 0 and str(cache) in info.stdout
    entries = int(re.search(r"entries: (\d+)", info.stdout).group(1))
    assert entries == len(list(cache.rglob("*.json"))) > 0
    if os.name != "nt":
        assert "private to this user (0700)" in info.stdout
    (cache / "my-notes.txt").write_text("not the cache's", encoding="utf-8")
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(cache)])
    removed = int(re.search(r"已删除 (\d+) 个缓存文件", cleared.stdout).group(1))
    assert cleared.exit_code == 0 and removed >= entries  # the entries, and the cache's VERSION marker
    assert "1 个非缓存文件未删除" in cleared.stdout
    assert [p.name for p in cache.rglob("*") if p.is_file()] == ["my-notes.txt"]
    after = runner.invoke(app, ["cache", "info", "--cache-dir", str(cache)])
    assert "缓存条目：0 个" in after.stdout
    gone = runner.invoke(app, ["cache", "info", "--cache-dir", str(tmp_path / "never")])
    assert gone.exit_code == 0 and "尚未创建" in gone.stdout


# --- explain and indicators ------------------------------------------------------------------------------

def _report_ids(report: dict) -> set[str]:
    ids: set[str] = set()
    for f in report["findings"]:
        ids |= {f["rule"], f["check"], f["source"], f"{f['rule']}/{f['check']}"}
        if f["task"]:
            ids.add(f["task"])
    ids |= {t["id"] for t in report["tasks"] + report["bonus"]}
    return {i for i in ids if i}


@pytest.mark.parametrize("sample", ["evidence", "fraud"])
def test_every_id_in_a_sample_report_is_explainable(tmp_path: Path, sample: str) -> None:
    _code, report = audit_json(REPO_ROOT / "samples" / sample, tmp_path)
    ids = _report_ids(report)
    assert {"evidence", "D1"} & ids and any("/" in i for i in ids)
    for ident in sorted(ids):
        for lang in ("zh", "en"):
            done = runner.invoke(app, ["explain", ident, "--lang", lang])
            assert done.exit_code == 0, (ident, lang, done.output)
            assert len(done.stdout.strip()) > 40, ident


def test_every_documented_sub_check_is_explainable() -> None:
    from credit_check.checks import CHECKS
    from credit_check.explain import _table_rules

    for module in CHECKS.values():
        for sub, rule in _table_rules(inspect.getdoc(module) or ""):
            done = runner.invoke(app, ["explain", f"{rule}/{sub}"])
            assert done.exit_code == 0 and module.ID in done.stdout, f"{rule}/{sub}"
    for ident in ("D7/no-stamp", "evidence", "evidence/missing:notice", "read-error/corrupt", "waivers"):
        assert runner.invoke(app, ["explain", ident]).exit_code == 0, ident


def test_explain_and_indicators_in_english() -> None:
    listing = runner.invoke(app, ["indicators", "--lang", "en"]).stdout
    assert "Institution building" in listing and "Set up the leading group" in listing
    assert "Legal Affairs Section" in listing and "pass mark 80" in listing
    assert not re.search(r"[\u4e00-\u9fff]", listing.split("[Bonus items]")[0].replace("红头", ""))
    task = runner.invoke(app, ["explain", "1.4", "--lang", "en"]).stdout
    assert "every quarter" in task and "leading group meeting minutes" in task and "领导小组" not in task
    rule = runner.invoke(app, ["explain", "D7/no-stamp", "--lang", "en"]).stdout
    assert "watermark camera" in rule and "photos" in rule
    need = runner.invoke(app, ["explain", "evidence/missing:notice", "--lang", "en"]).stdout
    assert "activity notice" in need and "5.1" in need
    assert "活动通知" in runner.invoke(app, ["explain", "evidence/missing:notice"]).stdout


# --- the documented CI commands --------------------------------------------------------------------------

def _documented_audits(markdown: str) -> list[str]:
    """Each `credit-check audit …` command of the fenced code blocks, its continuation lines
    (a trailing backslash, or a YAML folded block `- >`) joined."""
    commands = []
    lines = markdown.splitlines()
    for n, line in enumerate(lines):
        if "credit-check audit" not in line or line.lstrip().startswith(("#", "`", "|")):
            continue
        parts = [line[line.index("credit-check audit"):]]
        folded = n > 0 and lines[n - 1].strip() == "- >"
        indent = len(line) - len(line.lstrip())
        m = n
        while m + 1 < len(lines) and (parts[-1].rstrip().endswith("\\") or (
                folded and lines[m + 1].strip() and len(lines[m + 1]) - len(lines[m + 1].lstrip()) >= indent)):
            m += 1
            parts[-1] = parts[-1].rstrip().removesuffix("\\")
            parts.append(lines[m].strip())
        commands.append(" ".join(p.strip() for p in parts).split(";")[0].removesuffix("'''").strip())
    return commands


def test_ci_doc_commands_run(tmp_path: Path) -> None:
    import shlex

    commands = _documented_audits((REPO_ROOT / "docs" / "ci.md").read_text(encoding="utf-8"))
    assert len(commands) >= 5  # the command, GitHub, GitLab, Jenkins, local
    sample = str(REPO_ROOT / "samples" / "evidence")
    for n, command in enumerate(commands):
        work = tmp_path / str(n)
        work.mkdir()
        values = {"EVIDENCE": sample, "WORKSPACE": str(work), "BASELINE": ""}
        args = []
        for arg in shlex.split(command)[2:]:
            for name, value in values.items():
                arg = arg.replace(f"${name}", value)
            if arg in ("/evidence", "samples/evidence"):
                arg = sample
            elif arg.startswith(("reports/", "/tmp/reports/", ".credit-check-cache")):
                arg = str(work / arg.lstrip("/"))
            if arg:
                args.append(arg)
        done = runner.invoke(app, ["audit", *args, "--no-ocr", "--audit-date", "2025-01-15"])
        assert done.exit_code == 1, (command, done.output)  # the sample tree fails the documented gate
        assert "FAILED (exit 1)" in done.stderr.strip().splitlines()[-1], command
        written = [a for a in args if a.startswith(str(work)) and not a.endswith("cache")]
        assert written and all(Path(a).stat().st_size > 0 for a in written), command


def test_windows_scripts_run_the_real_commands(tmp_path: Path) -> None:
    import tomllib

    bat = (REPO_ROOT / "windows" / "credit-check.bat").read_bytes()
    bat.decode("ascii")  # any code page runs it
    assert b"\r\n" in bat and b"\n" not in bat.replace(b"\r\n", b"")
    assert b"credit-check.ps1" in bat
    raw = (REPO_ROOT / "windows" / "credit-check.ps1").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Windows PowerShell 5.1 reads Chinese only with a BOM
    script = raw.decode("utf-8-sig")
    extras = re.search(r'"\$Source\[([\w,]+)\]"', script).group(1).split(",")
    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert set(extras) <= set(declared["optional-dependencies"])
    line = next(ln for ln in script.splitlines() if ln.startswith("& $Tool audit"))
    args = line.split()[2:]
    values = {"$Folder": str(REPO_ROOT / "samples" / "evidence"), "$html": str(tmp_path / "r.html"),
              "$xlsx": str(tmp_path / "r.xlsx")}
    done = runner.invoke(app, [values.get(a, a) for a in args] + ["--no-ocr", "--no-cache"])
    assert done.exit_code in (0, 1), done.output
    assert (tmp_path / "r.html").stat().st_size > 0 and (tmp_path / "r.xlsx").stat().st_size > 0
    for code in ("0 {", "1 {", "2 {"):  # the script explains the documented exit codes
        assert code in script


_OFFLINE = r'''
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network use during an audit: " + repr(args[:2]))
socket.getaddrinfo = refuse
socket.socket.connect = refuse
socket.create_connection = refuse
from PIL import Image, ImageDraw
from credit_check.facts import ocr
engine = ocr.engine()
if engine is None:
    sys.exit(5)
img = Image.new("RGB", (640, 200), "white")
ImageDraw.Draw(img).text((20, 80), "2024-05-12 14:35", fill="black")
print(len(engine.read(img)))
'''


def test_ocr_runs_offline_and_sends_no_telemetry(tmp_path: Path) -> None:
    """The OCR models ship in the wheel and are named by path: the first use downloads nothing
    (Python-level network use raises here), and onnxruntime keeps no telemetry store (it does
    under ~/.cache/Microsoft unless told not to)."""
    env = {k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "CREDIT_CHECK_NO_OCR")}
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / ".cache"), HF_HUB_OFFLINE="1")
    done = subprocess.run([sys.executable, "-c", _OFFLINE], capture_output=True, env=env, timeout=300, check=False)
    if done.returncode == 5:
        pytest.skip("OCR is not installed")
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert not (tmp_path / ".cache" / "Microsoft").exists()
    assert not list(tmp_path.rglob("*.onnx"))  # nothing downloaded anywhere under the home folder
