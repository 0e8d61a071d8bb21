from __future__ import annotations

import copy
import os
import pickle
from pathlib import Path

import pytest

from credit_check.catalogue import load_catalogue
from credit_check.discover import discover, display_name, task_id_of

KNOWN = {t.id for t in load_catalogue().tasks} | {f"B{i}" for i in range(1, 8)}


@pytest.mark.parametrize(("name", "task"), [
    ("1.1", "1.1"), ("1.1 成立领导小组", "1.1"), ("1.1、领导小组", "1.1"), ("1-1", "1.1"), ("01.1", "1.1"),
    ("1．1 全角", "1.1"), ("一、1", "1.1"), ("六、1 学习", "6.1"), ("七（二）1 试点", "7.4"), ("B1", "B1"),
    ("加分项1", "B1"), ("加分项（3）", "B3"), ("4.5修复", "4.5"), ("1.1.领导小组", "1.1"),
    ("2024.5.12 会议", None), ("1.10", None), ("8.1", None), ("新建文件夹", None), ("一、制度建设", None),
])
def test_task_ids_from_names(name: str, task: str | None) -> None:
    assert task_id_of(name, KNOWN) == task


def test_walk_maps_nearest_task_folder_and_skips_litter(tmp_path: Path) -> None:
    (tmp_path / "一、制度建设" / "1.4 会议" / "第一季度").mkdir(parents=True)
    (tmp_path / "一、制度建设" / "1.4 会议" / "第一季度" / "纪要.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "一、制度建设" / "1.4 会议" / "Thumbs.db").write_bytes(b"x")
    (tmp_path / "一、制度建设" / "1.4 会议" / "~$纪要.docx").write_bytes(b"x")
    (tmp_path / "一、制度建设" / "1.4 会议" / "2.1 nested").mkdir()
    (tmp_path / "一、制度建设" / "1.4 会议" / "2.1 nested" / "a.pdf").write_bytes(b"x")
    (tmp_path / "loose.pdf").write_bytes(b"x")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    tree = discover(tmp_path, KNOWN)
    got = {f.path: f.task for f in tree.files}
    assert got == {"一、制度建设/1.4 会议/第一季度/纪要.pdf": "1.4", "一、制度建设/1.4 会议/2.1 nested/a.pdf": "2.1",
                   "loose.pdf": None}


def test_gbk_named_files_are_recovered(tmp_path: Path) -> None:
    raw = "信用承诺书.pdf".encode("gbk")
    folder = os.fsencode(str(tmp_path / "4.1 承诺"))
    os.mkdir(folder)
    with open(os.path.join(folder, raw), "wb") as fh:
        fh.write(b"%PDF-1.4")
    tree = discover(tmp_path, KNOWN)
    assert [(f.path, f.task, f.name_encoding) for f in tree.files] == [("4.1 承诺/信用承诺书.pdf", "4.1", "gbk")]
    assert tree.files[0].abs_path.is_file()  # still opened by its real (GBK) name


@pytest.mark.parametrize("root", [".", "evidence", "ABSOLUTE"])
def test_each_file_is_found_where_the_walk_listed_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     root: str) -> None:
    monkeypatch.chdir(tmp_path)
    top = tmp_path / "evidence"
    (top / "1.1 领导小组").mkdir(parents=True)
    (top / "1.1 领导小组" / "通知.pdf").write_bytes(b"plain")
    (top / "1.1 领导小组" / "cafe\u0301.pdf").write_bytes(b"nfd")  # shown as NFC, listed as NFD
    os.symlink("通知.pdf", top / "1.1 领导小组" / "link.pdf")
    where = top if root == "ABSOLUTE" else Path(root) if root == "evidence" else Path(".")
    if root == ".":
        monkeypatch.chdir(top)
    tree = discover(where, KNOWN)
    got = {f.path: f for f in tree.files}
    assert set(got) == {"1.1 领导小组/通知.pdf", "1.1 领导小组/café.pdf", "1.1 领导小组/link.pdf"}
    assert got["1.1 领导小组/café.pdf"].abs_path.read_bytes() == b"nfd"
    assert got["1.1 领导小组/通知.pdf"].abs_path.read_bytes() == b"plain"
    for f in tree.files:  # the same string as the Path the walk listed it by
        listed = where.joinpath(*f.abs_path.relative_to(where).parts)
        assert f.location == str(listed) and f.abs_path == listed
    # A name shown as listed keeps no second copy of its path; the NFD one keeps its own.
    assert got["1.1 领导小组/通知.pdf"]._location is None and got["1.1 领导小组/café.pdf"]._location is not None
    assert got["1.1 领导小组/通知.pdf"] == type(got["1.1 领导小组/通知.pdf"])(
        path="1.1 领导小组/通知.pdf", abs_path=where / "1.1 领导小组" / "通知.pdf", size=5, task="1.1")
    for f in tree.files:  # sent to a worker (pickled) or copied, it is the same file
        again = pickle.loads(pickle.dumps(f))
        assert again == f == copy.copy(f) and again.abs_path == f.abs_path


def test_mojibake_names() -> None:
    assert display_name("ÐÅÓÃ½»Í¨.pdf") == ("信用交通.pdf", "gbk")
    assert display_name("report.pdf") == ("report.pdf", None)
    assert display_name("Café.pdf") == ("Café.pdf", None)
