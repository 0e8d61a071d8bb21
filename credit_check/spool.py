"""Arrays of uint64 kept in an unnamed temporary file instead of in memory.

A cross-file check that needs every document's passage hashes at once (the copied-text check:
~7,500 values, 60 KB, a document; 15 MB for the 2,000 documents of a 10,000-file tree) holds
them here and reads back the one it is looking at, or one range of values of each, so what
it holds grows with the size of one document, not with the size of the tree.

The file is made by `tempfile.TemporaryFile` in the system's temporary folder (on POSIX it has
no name from the start; elsewhere it is removed when closed), never next to the evidence. When
no such file can be made or written (a read-only or full temporary folder), the arrays stay in
memory: slower to nothing, only larger.
"""

from __future__ import annotations

import contextlib
import tempfile
from types import TracebackType
from typing import BinaryIO

import numpy as np

ITEM = 8  # bytes of one value


class ArraySpool:
    """Sorted uint64 arrays by number: `add` one, read it back whole (`get`), or a part of it
    (`part`); `replace` it with a shorter or longer one. Use as a context manager (or `close`)."""

    def __init__(self) -> None:
        self._file: BinaryIO | None = None
        self._end = 0
        self._at: list[int] = []  # where each array starts in the file (-1: held in `_held`)
        self._room: list[int] = []  # values its place in the file can take
        self.sizes: list[int] = []  # values of each array now
        self._held: dict[int, np.ndarray] = {}
        try:
            self._file = tempfile.TemporaryFile(prefix="credit-check-", buffering=0)  # noqa: SIM115 (closed by close)
        except OSError:
            self._file = None

    def __enter__(self) -> ArraySpool:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self.sizes)

    def close(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
        self._held.clear()

    def add(self, values: np.ndarray) -> int:
        """Keep `values`; the number to ask for them by."""
        k = len(self.sizes)
        self._at.append(-1)
        self._room.append(0)
        self.sizes.append(0)
        self.replace(k, values)
        return k

    def replace(self, k: int, values: np.ndarray) -> None:
        """Array `k` is `values` from now on (in its old place in the file when they fit)."""
        values = np.ascontiguousarray(values, dtype=np.uint64)
        self._held.pop(k, None)
        self.sizes[k] = len(values)
        if self._file is not None:
            fits = self._at[k] >= 0 and len(values) <= self._room[k]
            at = self._at[k] if fits else self._end
            try:
                self._write(at, values.tobytes())
            except OSError:
                pass  # the disk is full, or the file is gone: this array stays in memory
            else:
                if not fits:
                    self._at[k], self._room[k] = at, len(values)
                    self._end = at + ITEM * len(values)
                return
        self._at[k] = -1
        self._held[k] = values

    def get(self, k: int) -> np.ndarray:
        """Array `k`, whole (a new, read-only array)."""
        return self.part(k, 0, self.sizes[k])

    def part(self, k: int, start: int, stop: int) -> np.ndarray:
        """Values `start`:`stop` of array `k`."""
        stop = min(stop, self.sizes[k])
        if start >= stop:
            return np.zeros(0, dtype=np.uint64)
        held = self._held.get(k)
        if held is not None:
            return held[start:stop]
        out = np.empty(stop - start, dtype=np.uint64)
        self.part_into(k, start, out)
        out.flags.writeable = False
        return out

    def part_into(self, k: int, start: int, out: np.ndarray) -> None:
        """Values `start`:`start + len(out)` of array `k`, read into `out` (uint64): no array of
        their own is made."""
        if len(out) == 0:
            return
        if start < 0 or start + len(out) > self.sizes[k]:
            raise IndexError("past the end of the array")
        held = self._held.get(k)
        if held is not None:
            out[:] = held[start:start + len(out)]
            return
        assert self._file is not None
        self._file.seek(self._at[k] + ITEM * start)
        view = out.data.cast("B")
        while view:
            got = self._file.readinto(view)  # type: ignore[attr-defined]  # a raw file: may read less
            if not got:
                raise OSError("the temporary file is shorter than what was written to it")
            view = view[got:]

    def _write(self, at: int, data: bytes) -> None:
        assert self._file is not None
        self._file.seek(at)
        view = memoryview(data)
        while view:
            written = self._file.write(view)
            if not written:
                raise OSError("nothing written")
            view = view[written:]
