"""Freed memory given back to the system between the audit's stages.

A stage that made and freed many small arrays (the photo search, the checks over every
document) leaves the C heap with free holes between blocks still in use. glibc keeps those
pages: the process stays as large as the stage's peak, and the next stage's own working set comes
on top of it. `give_back` asks glibc to return the free pages it holds (`malloc_trim(0)`: a walk
over the heap, ~1 ms a 100 MB), so each stage starts from what is live. Elsewhere (Windows,
macOS, musl) it does nothing: their allocators give memory back by themselves, or keep it.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)  # glibc only
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


def give_back() -> bool:
    """Return the heap's free pages to the system; whether there was a way to ask."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
