"""Stage between facts and checks: candidate pairs of photos compared pixel by pixel.

Checks never open evidence files, and a perceptual hash cannot tell one picture from another
picture of the same room taken from the same seat. So after the facts are read, the photo-reuse
check's candidate pairs (`checks.reuse.candidates`: close hashes, or the same stamp code, across
two folders) are handed to this stage, which has the two files of each pair opened read-only
(`facts.verify`: ORB features, a similarity transform fitted with RANSAC, then the pixels, with
the stamps masked) and passes the verdicts to the checks in `CheckContext.photo_pairs`. Only
candidate pairs are opened — a handful in a normal tree — and each photo once per group of pairs
while it is still needed (a small cache of prepared photos, `facts.pairs`). In an audit the groups
run in the readers' worker processes (`Workers`, `facts.runner.run_jobs`): the pictures and OpenCV
stay out of the main process, and a group whose worker fails leaves its pairs `unverified`.

Why a stage and not features in the facts: 1 500 ORB descriptors are 48 KB a photo; stored in the
facts they would travel through the cache and into every JSON report, for the few photos that
ever meet a candidate (docs/fraud.md).

Without OpenCV, or when a file cannot be opened again, a pair's verdict is `unverified`: the
reuse check then reports a warning that asks a person to look, never an error.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credit_check.catalogue.models import Catalogue
from credit_check.checks import reuse
from credit_check.facts import verify
from credit_check.facts.pairs import UNAVAILABLE, Photo, compare_group
from credit_check.facts.runner import GRACE, Failure, Jobs, run_jobs, spilled
from credit_check.facts.verify import PairVerdict
from credit_check.facttypes import PhotoFacts
from credit_check.model import EvidenceFile
from credit_check.nearphotos import Found, Runs, run_here

if TYPE_CHECKING:
    from credit_check.facts.index import Memo

MAX_PIXELS = 120_000_000  # as the photo reader: larger pictures are not decoded


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def verify_photos(files: Sequence[EvidenceFile], catalogue: Catalogue,
                  only: Iterable[str] | None = None, cache_dir: Path | None = None,
                  workers: Workers | None = None) -> dict[tuple[str, str], PairVerdict]:
    """Verdicts for the photo-reuse check's candidate pairs (nothing when that check does not run).
    With `cache_dir`, a pair's verdict is kept (`facts.index.Memo`, keyed by the two content hashes
    and stamp boxes) and the next audit does not open the two files again. With `workers`, the
    pairs are compared in worker processes (`verify_pairs`)."""
    if only is not None and reuse.ID not in set(only):
        return {}
    run = searcher(workers)
    if cache_dir is None:
        return verify_pairs([(c.a, c.b) for c in reuse.candidates(files, catalogue.settings.photo, run=run)],
                            workers=workers)
    from credit_check.facts.index import Memo, code_digest

    close = Memo(cache_dir, "photo-candidates", code_digest("credit_check.nearphotos", "credit_check.hamming"))
    try:
        pairs = [(c.a, c.b) for c in reuse.candidates(files, catalogue.settings.photo, close, run)]
    finally:
        close.save()
    if not pairs:
        return {}
    memo = _pair_memo(cache_dir)
    try:
        return verify_pairs(pairs, memo, workers)
    finally:
        memo.save()


SEARCH_IN_WORKER = 1_000  # photos: the hash search of this many or more runs in a worker process


def searcher(workers: Workers | None) -> Runs:
    """Where the photo-hash search runs (`nearphotos.Runs`): with `workers`, a search over
    `SEARCH_IN_WORKER` photos or more runs in one worker process, under the readers' memory budget.
    Its working set — the index of ~50 hashes a photo, the candidates compared a block at a time:
    ~10 MB for 7,000 photos, and the heap it leaves fragmented — is then never the main process's,
    whose memory stays what the tree's records need. Fewer photos are searched here: starting a
    process (~0.3 s) would cost more than the few MB it saves. A search whose worker fails is run
    here instead, so the pairs never depend on where it ran."""
    if workers is None:
        return run_here

    def run(job: Callable[..., Found], args: tuple[Any, ...], photos: int) -> Found:
        if photos < SEARCH_IN_WORKER:
            return job(*args)
        got: list[Found] = []

        def done(_i: int, result: Found | None, failure: Failure | None) -> None:
            if failure is None and result is not None:
                got.append(result)

        with spilled((job, args)) as sent:  # the hash arrays go by a temporary file, not copied here
            run_jobs([sent], 1, workers.memory_mb, None, done)
        return got[0] if got else job(*args)

    return run


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


@dataclass(frozen=True)
class Workers:
    """Where pairs are compared: `count` worker processes (`facts.runner.run_jobs`) with the
    readers' memory budget, and `seconds` per pair before a group of pairs is given up."""

    count: int
    memory_mb: int = 0
    seconds: float | None = None


GROUPS_PER_WORKER = 4  # groups of pairs per worker: enough to balance, few enough to keep photos prepared once
FAILED = {
    Failure.TIMEOUT: "核验超时 / verification took too long",
    Failure.OVER_BUDGET: "核验所需内存超出限制 / verification needed more memory than allowed",
    Failure.OUT_OF_MEMORY: "核验所需内存超出限制 / verification needed more memory than allowed",
    Failure.CRASHED: "核验进程异常退出 / the verification process crashed",
}


def _group(pairs: Sequence[tuple[EvidenceFile, EvidenceFile]]) -> tuple[list[Photo], list[tuple[int, int]]]:
    photos: list[Photo] = []
    at: dict[str, int] = {}
    out: list[tuple[int, int]] = []
    for pair in pairs:
        ends = []
        for f in pair:
            if f.path not in at:
                at[f.path] = len(photos)
                facts = f.facts
                too_large = isinstance(facts, PhotoFacts) and (facts.width or 0) * (facts.height or 0) > MAX_PIXELS
                photos.append(Photo(str(f.abs_path), _boxes(f), "图片像素过多，未解码 / picture too large to decode"
                                    if too_large else None))
            ends.append(at[f.path])
        out.append((ends[0], ends[1]))
    return photos, out


def verify_pairs(pairs: Sequence[tuple[EvidenceFile, EvidenceFile]], memo: Memo | None = None,
                 workers: Workers | None = None) -> dict[tuple[str, str], PairVerdict]:
    """Compare each pair's two files; the verdict of each, keyed by `pair_key` of their paths
    (taken from `memo` when it holds the pair, and kept there when the comparison ran). With
    `workers`, the pairs are compared in worker processes, in groups (`facts.pairs`); else here."""
    out: dict[tuple[str, str], PairVerdict] = {}
    if not pairs:
        return out
    # OpenCV is imported only where a pair has to be compared: a run whose verdicts are all
    # remembered does not need it. If it cannot be imported there, every pair is unverified.
    if importlib.util.find_spec("cv2") is None:
        return {pair_key(a.path, b.path): PairVerdict(verdict="unverified", reason=UNAVAILABLE) for a, b in pairs}
    todo: list[tuple[EvidenceFile, EvidenceFile]] = []
    # Pairs sharing a photo one after another, so a group prepares each photo once.
    for a, b in sorted(pairs, key=lambda p: (min(p[0].path, p[1].path), max(p[0].path, p[1].path))):
        first, second = sorted((a, b), key=lambda f: f.path)
        remembered = _memo_key(first, second) if memo is not None else None
        if memo is not None and remembered is not None and (known := _from_memo(memo.get(remembered))) is not None:
            out[pair_key(a.path, b.path)] = known
        else:
            todo.append((first, second))
    if not todo:
        return out
    if workers is None:
        chunks = [todo]
    else:
        size = max(1, -(-len(todo) // (max(1, workers.count) * GROUPS_PER_WORKER)))
        chunks = [todo[i:i + size] for i in range(0, len(todo), size)]

    # Equal verdicts are kept as one object: most of a tree's pairs are "no shared geometry" with
    # a handful of matches, and each verdict from a worker arrives as its own ~0.4 KB of objects.
    alike: dict[PairVerdict, PairVerdict] = {}

    def done(g: int, verdicts: list[tuple[PairVerdict, bool]] | None, failure: Failure | None) -> None:
        chunk = chunks[g]
        if verdicts is None:
            reason = FAILED.get(failure or Failure.CRASHED, FAILED[Failure.CRASHED])
            verdicts = [(PairVerdict(verdict="unverified", reason=reason), False)] * len(chunk)
        for (first, second), (verdict, keep) in zip(chunk, verdicts, strict=True):
            out[pair_key(first.path, second.path)] = alike.setdefault(verdict, verdict)
            remembered = _memo_key(first, second) if memo is not None else None
            if keep and memo is not None and remembered is not None:
                memo.put(remembered, dataclasses.asdict(verdict))

    if workers is None:
        for g, chunk in enumerate(chunks):
            done(g, compare_group(*_group(chunk)), None)
    else:
        # each group's photos listed (`_group`: paths and stamp boxes, from the photos' records) when
        # its job is sent: a 10,000-file tree's ~7,000 photos to compare are not all listed at once
        run_jobs(Jobs(len(chunks), lambda g: (compare_group, _group(chunks[g]))), workers.count, workers.memory_mb,
                 None if workers.seconds is None else GRACE + workers.seconds * len(chunks[0]), done)
    return out
