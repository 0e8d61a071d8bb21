"""Writing reports: whole or not at all.

Each report goes to a temporary file in the target's own folder (same file system, so the rename
is atomic), then replaces the target with `os.replace`. A Ctrl-C, a full disk or a crash while
writing leaves the previous report (or nothing) and never a half-written one; the temporary file
is removed on every failure.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write `text` as UTF-8 (or bytes as they are: the XLSX workbook) to `path`, atomically.
    Creates missing parent folders; raises `OSError` when the folder or file cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
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
