"""The faster walk (`discover.discover`: one scandir per folder, an explicit stack, children's
Paths built without re-parsing, ASCII names passed through) lists exactly what the plain
recursive walk listed, in the same order, with the same Paths — on a hostile tree — and walks a
tree deeper than Python's recursion limit."""

from __future__ import annotations

import os
import sys
from collections.abc import Collection, Mapping
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit_check.discover import (
    _LITTER_DIRS,
    Discovered,
    Tree,
    _decoded_name,
    _within,
    discover,
    display_name,
    is_litter,
    task_id_of,
)
from credit_check.textclean import visible_name
from tests.hostile import corpus
from tests.hostile.test_hygiene import FUZZ

KNOWN = {"1.1", "1.4", "2.1", "4.1", "B1"}


def _reference(root: Path, known_ids: Collection[str], aliases: Mapping[str, str] | None = None) -> Tree:
    """The walk as it was before the speed-up (recursive, a Path parsed per entry): the oracle."""
    try:
        inside = root.resolve()
    except OSError:
        inside = root.absolute()
    files: list[Discovered] = []
    folders: list[str] = []
    unreadable: list[str] = []
    task_folders: dict[str, str] = {}

    def walk(directory: Path, rel: str, task: str | None) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            unreadable.append(rel or ".")
            return
        for entry in entries:
            shown, encoding = visible_name(_decoded_name(entry.name)[0]), _decoded_name(entry.name)[1]
            child_rel = f"{rel}/{shown}" if rel else shown
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name.lower() in _LITTER_DIRS:
                        continue
                    folders.append(child_rel)
                    own_id = task_id_of(shown, known_ids, aliases)
                    if own_id:
                        task_folders.setdefault(own_id, child_rel)
                    walk(Path(entry.path), child_rel, own_id or task)
                    continue
                if not entry.is_file() or is_litter(shown):
                    continue
                outside = entry.is_symlink() and not _within(Path(entry.path), inside)
                size = 0 if outside else entry.stat().st_size
            except OSError:
                unreadable.append(child_rel)
                continue
            own = task_id_of(shown, known_ids, aliases) if task is None else None
            files.append(Discovered(path=child_rel, abs_path=Path(entry.path), size=size,
                                    task=task or own, name_encoding=encoding, outside=outside))

    walk(root, "", None)
    return Tree(root=root, files=tuple(files), folders=tuple(folders), unreadable=tuple(unreadable),
                task_folders=task_folders)


def _hostile_tree(root: Path) -> None:
    corpus.special_files(root / "1.1 领导小组" / "特殊", root.parent / "outside")
    (root / "1.4 会议" / "第一季度").mkdir(parents=True)
    (root / "1.4 会议" / "第一季度" / "纪要.pdf").write_bytes(b"%PDF-1.4 x")
    (root / "1.4 会议" / "Thumbs.db").write_bytes(b"x")
    (root / "1.4 会议" / "~$纪要.docx").write_bytes(b"x")
    (root / "1.4 会议" / "2.1 nested" / ".git").mkdir(parents=True)
    (root / "1.4 会议" / "2.1 nested" / ".git" / "HEAD").write_bytes(b"x")
    (root / "1.4 会议" / "2.1 nested" / "a b.pdf").write_bytes(b"xx")
    (root / "ÐÅÓÃ½»Í¨").mkdir()
    (root / "ÐÅÓÃ½»Í¨" / "Café.pdf").write_bytes(b"xyz")
    (root / "名字\x1b[31m红.txt").write_bytes(b"x")
    (root / "B1 加分").mkdir()
    (root / "B1 加分" / "inside-link.pdf").symlink_to(root / "1.4 会议" / "第一季度" / "纪要.pdf")
    (root / "4.1 承诺.pdf").write_bytes(b"%PDF")
    (root / "loose.txt").write_bytes(b"abc")
    (root / ".DS_Store").write_bytes(b"x")
    gbk = os.fsencode(str(root / "1.1 领导小组")) + b"/" + "信用承诺书.pdf".encode("gbk")
    with open(gbk, "wb") as fh:
        fh.write(b"%PDF-1.4")
    os.mkdir(os.fsencode(str(root)) + b"/" + "旧文件夹".encode("gbk"))
    with open(os.fsencode(str(root)) + b"/" + "旧文件夹".encode("gbk") + b"/\xff\xfe.pdf", "wb") as fh:
        fh.write(b"x")


def _same(a: Tree, b: Tree) -> None:
    assert a == b
    assert [f.abs_path.parts for f in a.files] == [f.abs_path.parts for f in b.files]
    assert [str(f.abs_path) for f in a.files] == [str(f.abs_path) for f in b.files]


def test_the_walk_lists_what_the_recursive_walk_listed(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _hostile_tree(root)
    got = discover(root, KNOWN)
    _same(got, _reference(root, KNOWN))
    listed = {f.path: f for f in got.files}
    assert listed["1.1 领导小组/特殊/指向外部的链接.txt"].outside
    assert listed["B1 加分/inside-link.pdf"].task == "B1" and not listed["B1 加分/inside-link.pdf"].outside
    assert listed["1.1 领导小组/信用承诺书.pdf"].name_encoding == "gbk"
    assert listed["信用交通/Café.pdf"].name_encoding is None and "信用交通" in got.folders
    assert all(f.abs_path.exists() or f.abs_path.is_symlink() for f in got.files)
    assert not any("管道" in p or "套接字" in p or "设备" in p or p.endswith(".git/HEAD") for p in listed)
    # relative roots and "." give the same Paths as parsing the joined names
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        _same(discover(Path("tree"), KNOWN), _reference(Path("tree"), KNOWN))
        os.chdir(root)
        _same(discover(Path("."), KNOWN), _reference(Path("."), KNOWN))
    finally:
        os.chdir(cwd)


def _chain(top: Path, depth: int, file_at: int) -> None:
    """`top/d/d/…/d` (`depth` folders) with `f.txt` in the folder `file_at` levels down, made
    through folder descriptors (the path soon becomes too long to name)."""
    fd = os.open(top, os.O_RDONLY)
    try:
        for level in range(depth):
            os.mkdir("d", dir_fd=fd)
            if level == file_at:
                with open(os.open("f.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "wb") as fh:
                    fh.write(b"x")
            nxt = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
    finally:
        os.close(fd)


def _unchain(top: Path) -> None:
    """Remove `_chain`'s folders bottom up, without recursion (shutil.rmtree recurses per level)."""
    fds = [os.open(top, os.O_RDONLY)]
    try:
        while "d" in os.listdir(fds[-1]):
            fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
        while fds:
            fd = fds.pop()
            for name in os.listdir(fd):
                if name == "f.txt":
                    os.unlink(name, dir_fd=fd)
            os.close(fd)
            if fds:
                os.rmdir("d", dir_fd=fds[-1])
    finally:
        for fd in fds:
            os.close(fd)


def test_a_tree_deeper_than_the_recursion_limit_is_walked(tmp_path: Path) -> None:
    """Deeper than recursion allows, and deeper than a path may be long: every folder is listed
    until the path is too long to list, which is reported as unreadable, never an exception."""
    top = tmp_path / "deep"
    top.mkdir()
    _chain(top, max(sys.getrecursionlimit() + 200, 2100), 600)
    try:
        tree = discover(top, KNOWN)
        assert len(tree.folders) > sys.getrecursionlimit()
        assert [f.path for f in tree.files] == ["/".join(["d"] * 600 + ["f.txt"])]
        assert tree.files[0].abs_path.read_bytes() == b"x"
        # the deepest folder listed is the first whose path is too long to list (PATH_MAX)
        assert tree.unreadable == (tree.folders[-1],)
        assert tree.folders == tuple("/".join(["d"] * n) for n in range(1, len(tree.folders) + 1))
        with pytest.raises(OSError):
            os.scandir(top / tree.folders[-1])
        with os.scandir(top / tree.folders[-2]) as listing:
            assert [e.name for e in listing] == ["d"]
    finally:
        _unchain(top)
    assert not top.exists() or not any(top.iterdir())


@FUZZ
@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_names_take_the_short_way_with_the_same_result(name: str) -> None:
    shown, encoding = _decoded_name(name)
    assert display_name(name) == (visible_name(shown), encoding)
