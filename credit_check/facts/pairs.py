"""The verification stage's work on candidate pairs of photos, in the process that does it.

`credit_check.verify` chooses the pairs and remembers the verdicts; this module opens the photos
(`facts.verify.prepare_file`) and compares them (`facts.verify.compare`). An audit runs it in the
reader's worker processes (`facts.runner.run_jobs`), one group of pairs per job, so the pictures,
their features and OpenCV stay out of the main process and the groups run in parallel; a caller
without workers runs it in place. Either way the verdict of a pair depends on its two files only.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from credit_check.facts import verify
from credit_check.facts.verify import Box, PairVerdict, Prepared

CACHE = 96  # prepared photos kept in a group (about 0.6 MB each)
UNAVAILABLE = "未安装 OpenCV，无法逐点核验 / OpenCV (opencv-python-headless) is not installed: pairs not verified"


@dataclass(frozen=True)
class Photo:
    """One photo of a group: where it is, its stamp boxes (masked), and why it must not be decoded
    (None when it may)."""

    path: str
    boxes: tuple[Box, ...] = ()
    refused: str | None = None


def compare_group(photos: list[Photo], pairs: list[tuple[int, int]]) -> list[tuple[PairVerdict, bool]]:
    """The verdict of each pair (indices into `photos`), in order, and whether it may be kept
    (a comparison that ran, not a file that could not be opened). Photos are prepared once while
    they are still needed: pairs sharing a photo should come one after another."""
    if not verify.available():
        return [(PairVerdict(verdict="unverified", reason=UNAVAILABLE), False) for _ in pairs]
    cache: OrderedDict[int, Prepared | str] = OrderedDict()

    def prepared(k: int) -> Prepared | str:
        if k in cache:
            cache.move_to_end(k)
            return cache[k]
        photo = photos[k]
        if photo.refused is not None:
            value: Prepared | str = photo.refused
        else:
            try:
                value = verify.prepare_file(Path(photo.path), photo.boxes)
            except Exception as exc:  # moved, changed, unreadable since the facts were read
                value = f"无法重新打开文件 / could not open the file again: {type(exc).__name__}"[:200]
        cache[k] = value
        if len(cache) > CACHE:
            cache.popitem(last=False)
        return value

    out: list[tuple[PairVerdict, bool]] = []
    for a, b in pairs:
        pa, pb = prepared(a), prepared(b)
        if isinstance(pa, str) or isinstance(pb, str):
            out.append((PairVerdict(verdict="unverified", reason=pa if isinstance(pa, str) else str(pb)), False))
            continue
        try:
            out.append((verify.compare(pa, pb), True))
        except Exception as exc:  # a degenerate picture OpenCV refuses
            out.append((PairVerdict(verdict="unverified", reason=f"核验出错 / verification failed: {type(exc).__name__}"),
                        False))
    return out
