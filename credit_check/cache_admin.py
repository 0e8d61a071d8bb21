"""`credit-check cache info|clear`: look at and empty the facts cache.

The cache (`facts/runner.py`: one JSON file per content hash, tool version and reader settings,
under two-letter sub-folders, plus a `VERSION` marker and the pseudonymisation `key`) only saves time: clearing it is always
safe, the next audit reads every file again.

`clear` deletes only what the cache itself writes — `XX/<sha256>-….json`, its temporary files,
`VERSION` and `key` (a new key is made on the next audit) — and then the folders left empty. Anything else found there (a `--cache-dir`
pointed at the wrong folder by mistake) is left alone and counted, and links are never followed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_SUBDIR = re.compile(r"[0-9a-f]{2}")
_ENTRY = re.compile(r"\.?(?P<sha>[0-9a-f]{64})-(?P<rest>.+?)\.(?:json|(?:\d+\.)?tmp)")
MARKER = "VERSION"
_TOP = re.compile(r"VERSION|key|\.key\.\d+\.tmp")  # the cache's own files beside the sub-folders


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    exists: bool
    entries: int = 0  # cache files (.json)
    current: int = 0  # of those, written by this version of the tool
    temporary: int = 0  # leftovers of interrupted writes
    size: int = 0  # bytes of all cache files
    other: int = 0  # files that are not the cache's (never touched)
    private: bool | None = None  # folder mode 0700 (None when it does not exist or on Windows)
    newest: dt.datetime | None = None

    def render(self, lang: str = "zh") -> str:
        mb = self.size / (1024 * 1024)
        if lang == "en":
            lines = [f"cache folder: {self.path}"]
            if not self.exists:
                return "\n".join([*lines, "empty (the folder does not exist yet)"]) + "\n"
            lines.append(f"entries: {self.entries} ({self.current} of this version), {mb:.1f} MB")
            if self.temporary:
                lines.append(f"unfinished writes: {self.temporary}")
            if self.newest:
                lines.append(f"last written: {self.newest:%Y-%m-%d %H:%M}")
            if self.private is not None:
                lines.append("private to this user (0700)" if self.private else
                             "WARNING: readable by other users; run `credit-check cache clear`")
            if self.other:
                lines.append(f"{self.other} other files that are not the cache's (left alone)")
            return "\n".join(lines) + "\n"
        lines = [f"缓存目录：{self.path}"]
        if not self.exists:
            return "\n".join([*lines, "空（目录尚未创建）"]) + "\n"
        lines.append(f"缓存条目：{self.entries} 个（当前版本 {self.current} 个），共 {mb:.1f} MB")
        if self.temporary:
            lines.append(f"未写完的临时文件：{self.temporary} 个")
        if self.newest:
            lines.append(f"最近写入：{self.newest:%Y-%m-%d %H:%M}")
        if self.private is not None:
            lines.append("仅本用户可读（0700）" if self.private else
                         "警告：其他用户可读，请运行 credit-check cache clear")
        if self.other:
            lines.append(f"另有 {self.other} 个非缓存文件（不会删除）")
        return "\n".join(lines) + "\n"


def _walk(folder: Path) -> Iterator[tuple[Path, os.stat_result, bool]]:
    """(path, lstat, is a cache file) for every file under `folder`, links not followed."""
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        in_subdir = here.parent == folder and _SUBDIR.fullmatch(here.name) is not None
        dirnames[:] = [d for d in dirnames if not (here / d).is_symlink()]
        for name in filenames:
            path = here / name
            try:
                st = path.lstat()
            except OSError:
                continue
            ours = stat.S_ISREG(st.st_mode) and (
                (in_subdir and _ENTRY.fullmatch(name) is not None) or (here == folder and _TOP.fullmatch(name) is not None))
            yield path, st, ours


def info(folder: Path, version: str | None = None) -> CacheInfo:
    """What the cache at `folder` holds; `version` is the current cache version (to count stale entries)."""
    if not folder.is_dir():
        return CacheInfo(path=folder, exists=False)
    entries = current = temporary = size = other = 0
    newest: float | None = None
    for path, st, ours in _walk(folder):
        if not ours:
            other += 1
            continue
        if path.parent == folder:  # VERSION, key
            continue
        size += st.st_size
        if path.name.endswith(".tmp"):
            temporary += 1
            continue
        entries += 1
        if version and f"-{version}-" in path.name:
            current += 1
        newest = st.st_mtime if newest is None else max(newest, st.st_mtime)
    private = None if os.name == "nt" else stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0
    return CacheInfo(path=folder, exists=True, entries=entries, current=current, temporary=temporary, size=size,
                     other=other, private=private,
                     newest=dt.datetime.fromtimestamp(newest) if newest is not None else None)


def clear(folder: Path) -> tuple[int, int]:
    """Delete the cache's own files under `folder` and the folders left empty.
    Returns (files deleted, other files left alone)."""
    if not folder.is_dir() or folder.is_symlink():
        return 0, 0
    removed = kept = 0
    for path, _st, ours in list(_walk(folder)):
        if not ours:
            kept += 1
            continue
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
    for sub in sorted(folder.iterdir()):
        if _SUBDIR.fullmatch(sub.name) and sub.is_dir() and not sub.is_symlink():
            with contextlib.suppress(OSError):
                sub.rmdir()  # only when empty
    with contextlib.suppress(OSError):
        folder.rmdir()
    return removed, kept
