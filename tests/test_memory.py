"""Freed memory given back between stages (`credit_check.memory`)."""

from __future__ import annotations

import ctypes.util
import sys

import numpy as np
import pytest

from credit_check import memory


def _rss_kb() -> int:
    with open("/proc/self/status", "rb") as fh:
        for line in fh:
            if line.startswith(b"RssAnon:"):
                return int(line.split()[1])
    raise AssertionError("no RssAnon")


def test_give_back_says_whether_it_could_ask() -> None:
    glibc = sys.platform.startswith("linux") and "musl" not in (ctypes.util.find_library("c") or "")
    assert memory.give_back() is glibc
    assert memory.give_back() is glibc  # again: nothing to give, no harm


@pytest.mark.skipif(not memory.give_back(), reason="glibc only")
def test_freed_holes_are_returned() -> None:
    """Many small arrays (below glibc's mmap threshold), every other one freed, then all but the
    last: glibc keeps the holes behind the survivor at the top of the heap until asked."""
    memory.give_back()
    kept = []
    for k in range(4000):
        a = np.ones(4000, dtype=np.uint64)  # 32 KB: from the heap, not mmap
        if k % 2 or k == 3999:
            kept.append(a)
    kept = kept[-1:]  # the holes are behind the last array, which pins the top of the heap
    before = _rss_kb()
    assert memory.give_back()
    after = _rss_kb()
    assert before - after > 20_000, (before, after)  # most of the ~128 MB made is given back
    assert kept[0].sum() == 4000
