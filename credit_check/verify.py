"""Stage between facts and checks: candidate pairs of photos compared pixel by pixel.

Checks never open evidence files, and a perceptual hash cannot tell one picture from another
picture of the same room taken from the same seat. So after the facts are read, the photo-reuse
check's candidate pairs (`checks.reuse.candidates`: close hashes, or the same stamp code, across
two folders) are handed to this stage, which opens the two files of each pair read-only
(`facts.verify`: ORB features, a similarity transform fitted with RANSAC, then the pixels, with
the stamps masked) and passes the verdicts to the checks in `CheckContext.photo_pairs`. Only
candidate pairs are opened — a handful in a normal tree — and each photo once per run while it
is still needed (a small cache of prepared photos).

Why a stage and not features in the facts: 1 500 ORB descriptors are 48 KB a photo; stored in the
facts they would travel through the cache and into every JSON report, for the few photos that
ever meet a candidate (docs/fraud.md).

Without OpenCV, or when a file cannot be opened again, a pair's verdict is `unverified`: the
reuse check then reports a warning that asks a person to look, never an error.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credit_check.catalogue.models import Catalogue
from credit_check.checks import reuse
from credit_check.facts import verify
from credit_check.facts.verify import PairVerdict, Prepared
from credit_check.facttypes import PhotoFacts
from credit_check.model import EvidenceFile

if TYPE_CHECKING:
    from credit_check.facts.index import Memo

CACHE = 96  # prepared photos kept (about 0.6 MB each)
MAX_PIXELS = 120_000_000  # as the photo reader: larger pictures are not decoded
UNAVAILABLE = "未安装 OpenCV，无法逐点核验 / OpenCV (opencv-python-headless) is not installed: pairs not verified"


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def verify_photos(files: Sequence[EvidenceFile], catalogue: Catalogue,
                  only: Iterable[str] | None = None, cache_dir: Path | None = None) -> dict[tuple[str, str], PairVerdict]:
    """Verdicts for the photo-reuse check's candidate pairs (nothing when that check does not run).
    With `cache_dir`, a pair's verdict is kept (`facts.index.Memo`, keyed by the two content hashes
    and stamp boxes) and the next audit does not open the two files again."""
    if only is not None and reuse.ID not in set(only):
        return {}
    if cache_dir is None:
        return verify_pairs([(c.a, c.b) for c in reuse.candidates(files, catalogue.settings.photo)])
    from credit_check.facts.index import Memo, code_digest

    close = Memo(cache_dir, "photo-candidates", code_digest("credit_check.facts.phash", "credit_check.hamming"))
    try:
        pairs = [(c.a, c.b) for c in reuse.candidates(files, catalogue.settings.photo, close)]
    finally:
        close.save()
    if not pairs:
        return {}
    memo = _pair_memo(cache_dir)
    try:
        return verify_pairs(pairs, memo)
    finally:
        memo.save()


PAIR_MEMO = "photo-verdicts"


def _pair_memo(cache_dir: Path) -> Memo:
    """The remembered pair verdicts. A verdict is made by `facts.verify` alone (this module chooses
    the inputs, which are in the key), so it is versioned by that module: editing this stage does
    not throw away verdicts that cost ~170 s CPU on a 10,000-file tree."""
    from credit_check.facts.index import Memo, code_digest

    return Memo(cache_dir, PAIR_MEMO, f"2-{code_digest('credit_check.facts.verify')}")


def _memo_key(first: EvidenceFile, second: EvidenceFile) -> str | None:
    if not first.sha256 or not second.sha256:
        return None
    return f"{first.sha256}|{second.sha256}|{_boxes(first)}|{_boxes(second)}"


def _from_memo(value: object) -> PairVerdict | None:
    if not isinstance(value, dict):
        return None
    try:
        data: dict[str, Any] = {k: tuple(v) if k in ("box_a", "box_b") and v is not None else v
                                for k, v in value.items()}
        return PairVerdict(**data)
    except (TypeError, ValueError):
        return None


def _boxes(f: EvidenceFile) -> tuple[verify.Box, ...]:
    facts = f.facts
    return (facts.stamp_box,) if isinstance(facts, PhotoFacts) and facts.stamp_box is not None else ()


def verify_pairs(pairs: Sequence[tuple[EvidenceFile, EvidenceFile]],
                 memo: Memo | None = None) -> dict[tuple[str, str], PairVerdict]:
    """Compare each pair's two files; the verdict of each, keyed by `pair_key` of their paths
    (taken from `memo` when it holds the pair, and kept there when the comparison ran)."""
    out: dict[tuple[str, str], PairVerdict] = {}
    if not pairs:
        return out
    def unavailable() -> dict[tuple[str, str], PairVerdict]:
        return {pair_key(a.path, b.path): PairVerdict(verdict="unverified", reason=UNAVAILABLE) for a, b in pairs}

    # OpenCV is imported (0.2 s) only when a pair has to be compared: a run whose verdicts are all
    # remembered does not need it. If it cannot be imported then, every pair is unverified, as
    # when it cannot be found now.
    if importlib.util.find_spec("cv2") is None:
        return unavailable()
    cache: OrderedDict[str, Prepared | str] = OrderedDict()
    checked: list[bool] = []

    def prepared(f: EvidenceFile) -> Prepared | str:
        if f.path in cache:
            cache.move_to_end(f.path)
            return cache[f.path]
        facts = f.facts
        if isinstance(facts, PhotoFacts) and (facts.width or 0) * (facts.height or 0) > MAX_PIXELS:
            value: Prepared | str = "图片像素过多，未解码 / picture too large to decode"
        else:
            try:
                value = verify.prepare_file(f.abs_path, _boxes(f))
            except Exception as exc:  # moved, changed, unreadable since the facts were read
                value = f"无法重新打开文件 / could not open the file again: {type(exc).__name__}"[:200]
        cache[f.path] = value
        if len(cache) > CACHE:
            cache.popitem(last=False)
        return value

    # Pairs sharing a photo one after another, so the cache keeps what is needed next.
    for a, b in sorted(pairs, key=lambda p: (min(p[0].path, p[1].path), max(p[0].path, p[1].path))):
        first, second = sorted((a, b), key=lambda f: f.path)
        key = pair_key(a.path, b.path)
        remembered = _memo_key(first, second) if memo is not None else None
        if memo is not None and remembered is not None and (known := _from_memo(memo.get(remembered))) is not None:
            out[key] = known
            continue
        if not checked:
            checked.append(verify.available())
        if not checked[0]:
            return unavailable()
        pa, pb = prepared(first), prepared(second)
        if isinstance(pa, str) or isinstance(pb, str):
            out[key] = PairVerdict(verdict="unverified", reason=pa if isinstance(pa, str) else str(pb))
            continue
        try:
            out[key] = verify.compare(pa, pb)
            if memo is not None and remembered is not None:
                memo.put(remembered, dataclasses.asdict(out[key]))
        except Exception as exc:  # a degenerate picture OpenCV refuses
            out[key] = PairVerdict(verdict="unverified", reason=f"核验出错 / verification failed: {type(exc).__name__}")
    return out
