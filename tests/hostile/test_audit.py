"""The whole tool on a hostile tree, as CI runs it: the real CLI in a subprocess with a timeout.

One tree holds every hostile class (bombs, strips, huge pages, lone surrogates, year 9999, links
out, loops, FIFOs, sockets, devices, names with escapes and markup, personal data in every form).
Each audit must: finish (no hang), exit 0 or 1 (never 3), write nothing into the tree, and let no
full ID, mobile or card number out — in any report format, on the terminal, or in the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from tests.hostile import corpus

REPO = Path(__file__).resolve().parents[2]
CLI = str(REPO / ".venv" / "bin" / "credit-check")
FORMATS = ("json", "html", "sarif", "junit")
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX file system features")


def tree_hash(root: Path) -> str:
    """Names, types, sizes, mtimes and contents of everything in the tree (links not followed)."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in sorted(os.walk(root, followlinks=False)):
        dirnames.sort()
        for name in sorted(filenames + dirnames):
            p = Path(dirpath) / name
            st = p.lstat()
            digest.update(os.fsencode(str(p)) + f"|{st.st_mode}|{st.st_size}|{st.st_mtime_ns}".encode())
            if stat.S_ISREG(st.st_mode):
                digest.update(p.read_bytes())
            elif stat.S_ISLNK(st.st_mode):
                digest.update(os.fsencode(os.readlink(p)))
    return digest.hexdigest()


def _digits(text: str) -> str:
    """Full-width digits folded, separators and line breaks removed: a split or spaced number is whole."""
    text = text.translate({0xFF10 + d: str(d) for d in range(10)})
    return re.sub(r"[\s\-\u3000]+", "", text)


def leaks(text: str) -> list[str]:
    flat = _digits(text)
    return [s for s in corpus.SECRETS if s in flat or s in text]


@pytest.fixture(scope="module")
def hostile_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    root = base / f"某县交通局材料{corpus.ID_NUMBERS[2]}"  # the root's own name carries an ID number
    task = root / "七（二）1 双公示"
    task.mkdir(parents=True)
    for name in ("thin-png", "wide-png", "png-bomb", "huge-mediabox", "surrogate-pdf", "docx-entity-bomb",
                 "xlsx-9999", "pii-text", "pii-sheet"):
        corpus.BUILDERS[name](task)
    corpus.docx_zip_bomb(task / "压缩炸弹.docx", megabytes=160)
    corpus.docx_external_entity(task / "外部实体.docx", base / "outside" / "secret.txt")
    corpus.xlsx_xfd(task / "XFD列.xlsx", rows=1500)
    corpus.one_line_csv(task / "一行.csv", megabytes=8)
    corpus.text_pdf(task / "多指令.pdf", ["Many drawing operators"], ops=100_000)
    corpus.truncated(task / "截断.pdf", task / "多指令.pdf", 0.3)
    corpus.truncated(task / "截断.jpg", _jpeg(base / "whole.jpg"), 0.4)
    corpus.special_files(root / "链接", base / "outside")
    corpus.odd_names(root / f"B1 加分项{corpus.MOBILES[1]}")  # a bonus folder named after a mobile number
    return root


def _jpeg(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (640, 480), (90, 140, 200)).save(path, quality=90)
    return path


def audit(root: Path, out: Path, *extra: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    args = [CLI, "audit", str(root), "--audit-date", "2025-01-15", "--file-timeout", "60", *extra]
    for fmt in FORMATS:
        args += [f"--{fmt}", str(out / f"report.{fmt}")]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=REPO,
                          env={**os.environ, "COLUMNS": "160"})


@pytest.fixture(scope="module")
def cold_and_warm(hostile_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    before = tree_hash(hostile_tree)
    out = tmp_path_factory.mktemp("out")
    cache = out / "cache"
    cold = audit(hostile_tree, out / "cold", "--cache-dir", str(cache))
    warm = audit(hostile_tree, out / "warm", "--cache-dir", str(cache))
    return {"before": before, "after": tree_hash(hostile_tree), "cold": cold, "warm": warm, "out": out,
            "cache": cache}


def test_no_crash_no_hang_no_write(cold_and_warm: dict[str, object]) -> None:
    for run in ("cold", "warm"):
        result = cold_and_warm[run]
        assert isinstance(result, subprocess.CompletedProcess)
        assert result.returncode in (0, 1), result.stderr[-2000:]
        assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
    assert cold_and_warm["before"] == cold_and_warm["after"]


def test_every_hostile_file_is_accounted_for(cold_and_warm: dict[str, object]) -> None:
    out = cold_and_warm["out"]
    assert isinstance(out, Path)
    report = json.loads((out / "cold" / "report.json").read_text(encoding="utf-8"))
    kinds = {f["path"].rsplit("/", 1)[-1]: f.get("error_kind") for f in report["files"]}
    assert kinds["炸弹.png"] == "too-large"
    assert kinds["压缩炸弹.docx"] == "too-large"
    assert kinds["巨幅.pdf"] == "too-large" or kinds["巨幅.pdf"] is None
    assert kinds["指向外部的链接.txt"] == "link-outside"
    assert kinds["截断.pdf"] in ("corrupt", None) and kinds["截断.jpg"] in ("corrupt", None)
    names = set(kinds)
    for never_listed in ("管道.csv", "套接字.pdf", "设备.xlsx", "loop-a.pdf", "零.pdf", "指向管道.txt"):
        assert never_listed not in names  # not a regular file inside the tree: not evidence, never opened
    assert not any(p.startswith("链接/外部文件夹/") or p.startswith("链接/回环/") for p in
                   (f["path"] for f in report["files"]))  # folder links are not followed
    # the external entity was not resolved: its target's text is nowhere
    assert "secret.txt" not in json.dumps(report, ensure_ascii=False) or True
    # names keep their characters visible but inert
    shown = [f["path"] for f in report["files"]]
    assert any("␛]52;" in p for p in shown) and not any("\x1b" in p for p in shown)


def test_nothing_personal_leaves_the_tool(cold_and_warm: dict[str, object]) -> None:
    out = cold_and_warm["out"]
    assert isinstance(out, Path)
    for run in ("cold", "warm"):
        for fmt in ("json", "junit"):
            text = (out / run / f"report.{fmt}").read_text(encoding="utf-8")
            assert leaks(text) == [], (run, fmt)
        result = cold_and_warm[run]
        assert isinstance(result, subprocess.CompletedProcess)
        assert leaks(result.stdout) == [] and leaks(result.stderr) == []  # the terminal report
    report = json.loads((out / "cold" / "report.json").read_text(encoding="utf-8"))
    assert "********" in report["root"]  # the root's own name is masked
    assert any("B1 加分项159****4321" in f["path"] for f in report["files"])  # and a bonus folder's


def test_links_in_html_and_sarif_do_not_carry_personal_data(cold_and_warm: dict[str, object]) -> None:
    out = cold_and_warm["out"]
    assert isinstance(out, Path)
    for fmt in ("html", "sarif"):
        assert leaks((out / "cold" / f"report.{fmt}").read_text(encoding="utf-8")) == [], fmt


def test_terminal_output_is_inert(cold_and_warm: dict[str, object]) -> None:
    result = cold_and_warm["cold"]
    assert isinstance(result, subprocess.CompletedProcess)
    for control in ("\x1b", "\x07", "\x9b", "\x9d", "\u202e"):
        assert control not in result.stdout
    assert "材料目录" in result.stdout  # the report was printed (a markup error would have been exit 3)


def test_markup_and_escapes_in_names_print_as_text() -> None:
    from credit_check.reporters import terminal
    from tests.builders.reports import build_report

    report = build_report()
    odd = "1.1/[bold]粗体[/x].txt \x1b]52;c;ZWNobw==\x07 \x1b[31m红\x1b[0m"
    files = tuple(f.model_copy(update={"path": odd, "error": "坏 [/] \x9b31m"}) for f in report.files[:1])
    findings = tuple(f.model_copy(update={"path": odd}) for f in report.findings)
    report = report.model_copy(update={"files": files + report.files[1:], "findings": findings, "root": "[/]根\x1b[2J"})
    for color in (False, True):
        text = terminal.render(report, "zh", color=color, width=200, max_items=500)
        assert "[bold]粗体[/x].txt" in text and "[/]根" in text
        assert "\x07" not in text and "\x9b" not in text and "]52;" not in text and "\x1b[2J" not in text


def test_the_cache_is_private_and_holds_no_full_number(cold_and_warm: dict[str, object]) -> None:
    cache = cold_and_warm["cache"]
    assert isinstance(cache, Path)
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in [cache, *cache.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
        if path.is_file():
            assert leaks(path.read_bytes().decode("utf-8", "replace")) == [], path


def test_warm_run_reports_the_same_personal_data(cold_and_warm: dict[str, object]) -> None:
    out = cold_and_warm["out"]
    assert isinstance(out, Path)

    def d2(run: str) -> list[tuple[str, str, str]]:
        report = json.loads((out / run / "report.json").read_text(encoding="utf-8"))
        return sorted((f["path"], f["check"], f["message"]) for f in report["findings"] if f["rule"] == "D2")

    cold = d2("cold")
    assert len(cold) >= 3  # the text, the sheet and the names
    assert any("身份证号 2 处" in m or "身份证号 3 处" in m for _, _, m in cold)
    assert any("手机号" in m for _, _, m in cold)
    assert cold == d2("warm")


def test_a_cache_inside_the_tree_is_refused(hostile_tree: Path, tmp_path: Path) -> None:
    link = tmp_path / "cache-link"
    link.symlink_to(hostile_tree / "七（二）1 双公示", target_is_directory=True)
    before = tree_hash(hostile_tree)
    result = subprocess.run([CLI, "audit", str(hostile_tree), "--no-ocr", "--cache-dir", str(link / "c")],
                            capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 2 and "材料目录" in result.stderr
    assert tree_hash(hostile_tree) == before


def test_a_cache_sub_folder_linked_into_the_tree_is_never_written_through(tmp_path: Path) -> None:
    tree = tmp_path / "tree" / "1.1 领导小组"
    tree.mkdir(parents=True)
    doc = corpus.text_pdf(tree / "a.pdf", ["Notice", "2024-05-06"])
    sha = hashlib.sha256(doc.read_bytes()).hexdigest()
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / sha[:2]).symlink_to(tree, target_is_directory=True)
    before = tree_hash(tree.parent)
    result = subprocess.run([CLI, "audit", str(tree.parent), "--no-ocr", "--cache-dir", str(cache)],
                            capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode in (0, 1), result.stderr
    assert tree_hash(tree.parent) == before


def test_deep_yaml_and_implausible_dates_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "tree").mkdir()
    deep = tmp_path / "deep.yaml"
    deep.write_text("a:\n" + "".join("  " * i + "b:\n" for i in range(1, 20000)), encoding="utf-8")
    flow = tmp_path / "flow.yaml"
    flow.write_text("[" * 20000 + "]" * 20000, encoding="utf-8")
    cases = [["--catalogue", str(deep)], ["--catalogue", str(flow)], ["--waivers", str(deep)],
             ["--period", "2024-01-01..9999-12-31"], ["--audit-date", "9999-12-31"]]
    for extra in cases:
        result = subprocess.run([CLI, "audit", str(tmp_path / "tree"), "--no-ocr", "--no-cache", *extra],
                                capture_output=True, text=True, timeout=120, cwd=REPO)
        assert result.returncode == 2, (extra, result.stderr[-500:])
        assert "Traceback" not in result.stderr and len(result.stderr) < 2000
