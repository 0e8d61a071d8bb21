from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from credit_check.catalogue import load_catalogue
from credit_check.checks import CheckContext, layout, read_error
from credit_check.facts import ExtractOptions, extract
from credit_check.facttypes import ERROR_TEXT, ErrorKind, error_text
from credit_check.model import EvidenceFile, Kind, Period, Severity

CAT = load_catalogue()


def ctx(folders: tuple[str, ...] = (), unreadable: tuple[str, ...] = ()) -> CheckContext:
    return CheckContext(catalogue=CAT, period=Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
                        audit_date=dt.date(2025, 1, 1), folders=folders, unreadable=unreadable)


def ef(path: str, task: str | None = "1.1", **kw: object) -> EvidenceFile:
    return EvidenceFile(path=path, abs_path=Path("/x") / path, size=1, task=task, kind=Kind.DOCUMENT, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "check"), [
    ("新建 Microsoft Word 文档.docx", "junk-name"), ("新建 XLSX 工作表.xlsx", "junk-name"),
    ("新建文本文档 (2).txt", "junk-name"), ("New Microsoft Word Document.docx", "junk-name"),
    ("会议纪要 - 副本.pdf", "copy-name"), ("会议纪要 - 副本 (2).pdf", "copy-name"), ("会议纪要(1).pdf", "copy-name"),
    ("会议纪要（1）.pdf", "copy-name"), ("会议纪要 - Copy.pdf", "copy-name"),
    ("2024-05-12 领导小组会议纪要.pdf", None), ("第（一）季度.pdf", None), ("附件1.pdf", None),
])
def test_junk_and_copy_names(name: str, check: str | None) -> None:
    found = [f.check for f in layout.check([ef(f"1.1 x/{name}")], ctx())]
    assert found == ([check] if check else [])


def test_unfiled_junk_folder_and_garbled_name() -> None:
    files = [ef("汇总.xlsx", task=None), ef("1.1 x/乱码.pdf", facts={"name_encoding": "gbk"})]
    found = list(layout.check(files, ctx(folders=("1.1 x", "新建文件夹", "新建文件夹 (2)", "1.1 x/第一季度"))))
    assert sorted((f.check, f.path) for f in found) == [
        ("garbled-name", "1.1 x/乱码.pdf"), ("junk-folder", "新建文件夹"), ("junk-folder", "新建文件夹 (2)"),
        ("unfiled", "汇总.xlsx")]
    assert all(f.rule == "D5" and f.severity is Severity.WARNING and f.message and f.fix for f in found)


@pytest.mark.parametrize("kind", list(ErrorKind))
def test_read_errors_are_classified_by_kind(kind: ErrorKind) -> None:
    found = list(read_error.check([ef("1.1 x/a.pdf", error=error_text(kind, "detail 42"), error_kind=kind)], ctx()))
    assert [(f.rule, f.check, f.severity) for f in found] == [("read-error", kind.value, Severity.ERROR)]
    zh, en, fix, fix_en = ERROR_TEXT[kind]
    assert zh in found[0].message and "detail 42" in found[0].message
    assert en in found[0].message_en and found[0].fix == fix and found[0].fix_en == fix_en


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("empty.pdf", b"", ErrorKind.EMPTY),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj <<>> garbage", ErrorKind.CORRUPT),
    ("photo.pdf", b"this is not a pdf at all", ErrorKind.MISLABELLED),
    ("slides.ppt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ErrorKind.UNSUPPORTED),
])
def test_real_files_get_the_error_kind_of_their_problem(tmp_path: Path, name: str, content: bytes,
                                                        kind: ErrorKind) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    got = extract(path)
    assert got.error_kind is kind, got.error
    found = list(read_error.check([ef(f"1.1 x/{name}", error=got.error, error_kind=got.error_kind)], ctx()))
    assert [f.check for f in found] == [kind.value]


def test_too_large_is_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"0" * 4096)
    got = extract(path, ExtractOptions(max_bytes=1024))
    assert got.error_kind is ErrorKind.TOO_LARGE


def test_mislabelled_and_unreadable_folder() -> None:
    found = list(read_error.check([ef("1.1 x/a.pdf", facts={"mislabelled": ".pdf → jpeg"})], ctx(unreadable=("2.1",))))
    assert sorted((f.check, f.severity.value) for f in found) == [("mislabelled", "warning"),
                                                                   ("unreadable-folder", "error")]


def test_timeout_is_its_own_read_error() -> None:
    found = list(read_error.check([ef("1.1 x/a.pdf", error=error_text(ErrorKind.TIMEOUT, "> 120 s"),
                                      error_kind=ErrorKind.TIMEOUT)], ctx()))
    assert [f.check for f in found] == ["timeout"]
