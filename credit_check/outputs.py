"""Writing reports: whole or not at all.

Each report goes to a temporary file in the target's own folder (same file system, so the rename
is atomic), then replaces the target with `os.replace`. A Ctrl-C, a full disk or a crash while
writing leaves the previous report (or nothing) and never a half-written one; the temporary file
is removed on every failure.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TextIO


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A binary file whose content replaces `path` when the block ends without an exception:
    written to a temporary file in the same folder (same file system, so the rename is atomic),
    flushed to disk, given the usual permissions (umask applies) and renamed over `path`. On any
    failure, Ctrl-C included, the temporary file is removed and `path` is left as it was.
    Creates missing parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb", buffering=1 << 18) as fh:  # a report of 10,000 files is ~25 MB: 100 writes
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file 0600; a report gets the usual permissions (umask applies).
        umask = os.umask(0)
        os.umask(umask)
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_text(path: Path) -> Iterator[TextIO]:
    """`atomic_file` as UTF-8 text, line ends written as they are."""
    with atomic_file(path) as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="", write_through=False)
        try:
            yield text
            text.flush()
        finally:
            with contextlib.suppress(ValueError, OSError):
                text.detach()  # the binary file is closed (and renamed) by atomic_file


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write `text` as UTF-8 (or bytes as they are: the XLSX workbook) to `path`, atomically.
    Creates missing parent folders; raises `OSError` when the folder or file cannot be written."""
    with atomic_file(path) as fh:
        fh.write(text.encode("utf-8") if isinstance(text, str) else text)
