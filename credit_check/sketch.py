"""Text sketches: a document's text as 192 MinHash values, small enough to travel in the JSON
report, so texts can be compared later without the texts (`credit-check merge` across counties)
and the copied-text check need not hash every document again on every run.

The sketch is `textsim.minhash` over the text's 5-character passages after `textsim.normalise`
(letters only), each value cut to its low 32 bits (two different passages agree on all 32 by
chance once in four billion), stored little-endian and base64-encoded (1,024 characters), with
the number of distinct passages. The share of equal values between two sketches estimates the
Jaccard similarity of the two passage sets (±0.035 at one standard deviation for 192 values);
with the passage counts it gives how much of each text lies in the other (`containment`).

Digits are not in the normalised text, so no ID or phone number enters a sketch; and a sketch
cannot be turned back into text.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np

from credit_check import textsim
from credit_check.model import Extracted, Kind, TextSketch

MIN_CHARS = 120  # letters of normalised text below which a text is not sketched (the copied-text check's limit)
VALUES = textsim.BANDS * textsim.ROWS


def sketch_text(text: str) -> TextSketch | None:
    """The sketch of `text`, or None when it is too short to judge."""
    norm = textsim.normalise(text)
    if len(norm) < MIN_CHARS:
        return None
    passages = textsim.shingles(norm)
    return from_signature(textsim.minhash(passages), len(passages))


def from_signature(signature: np.ndarray, passages: int) -> TextSketch:
    low = np.asarray(signature).astype("<u4")  # the low 32 bits of each 64-bit value
    return TextSketch(minhash=base64.b64encode(low.tobytes()).decode("ascii"), shingles=passages)


def signature(sketch: TextSketch) -> np.ndarray:
    """The 192 values of a sketch (uint32); an empty array when it is damaged."""
    try:
        raw = base64.b64decode(sketch.minhash, validate=True)
    except ValueError:
        return np.zeros(0, dtype=np.uint32)
    if len(raw) != 4 * VALUES:
        return np.zeros(0, dtype=np.uint32)
    return np.frombuffer(raw, dtype="<u4").astype(np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the passage sets behind two signatures."""
    if len(a) != VALUES or len(b) != VALUES:
        return 0.0
    return float(np.count_nonzero(a == b)) / VALUES


def containment(j: float, passages_a: int, passages_b: int) -> float:
    """The smaller of the two shares (passages of A found in B, of B in A) implied by a Jaccard
    similarity `j` and the two passage counts: |A∩B| = j (|A|+|B|) / (1+j)."""
    if passages_a <= 0 or passages_b <= 0:
        return 0.0
    shared = j * (passages_a + passages_b) / (1 + j)
    return min(1.0, shared / max(passages_a, passages_b))


def with_sketch(result: Extracted) -> Extracted:
    """`result` with the sketch of its text set (documents with enough text; others unchanged)."""
    if result.text_sketch is not None or not result.pages or result.kind is not Kind.DOCUMENT:
        return result
    found = sketch_text("\n".join(result.pages))
    return result if found is None else result.model_copy(update={"text_sketch": found})


def band_keys(signatures: Sequence[np.ndarray]) -> np.ndarray:
    """(n, BANDS) uint64 keys, one per LSH band of each signature (equal key: the band agrees)."""
    rows = np.stack([np.asarray(s, dtype=np.uint64) for s in signatures]) if signatures else \
        np.zeros((0, VALUES), dtype=np.uint64)
    keys = np.zeros((len(rows), textsim.BANDS), dtype=np.uint64)
    for r in range(textsim.ROWS):
        keys = keys * np.uint64(0x100000001B3) ^ rows[:, r::textsim.ROWS]
        keys = _mix(keys)
    return keys


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    return np.asarray(x ^ (x >> np.uint64(33)))


def band_containment_pairs(sigs: np.ndarray, passages: np.ndarray, owners: np.ndarray, threshold: float,
                           big_bucket: int = 60) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j, share) of signatures of different `owners` whose estimated containment
    (`containment`) is at least `threshold`. Candidates are pairs that agree on a whole LSH band;
    a bucket of more than `big_bucket` (one text nearly everywhere) links its first three members
    to the rest, which is enough to group it."""
    keys = band_keys(list(sigs))
    found_a: list[np.ndarray] = []
    found_b: list[np.ndarray] = []
    for band in range(keys.shape[1]):
        column = keys[:, band]
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        ends = np.r_[starts[1:], len(ordered)]
        for s, e in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist(), strict=True):
            members = order[s:e]
            if len(np.unique(owners[members])) < 2:
                continue
            if e - s <= big_bucket:
                ii, jj = np.triu_indices(e - s, k=1)
            else:
                ii = np.repeat(np.arange(3), e - s)
                jj = np.tile(np.arange(e - s), 3)
                keep = jj > ii
                ii, jj = ii[keep], jj[keep]
            a, b = members[ii], members[jj]
            cross = owners[a] != owners[b]
            found_a.append(np.minimum(a, b)[cross])
            found_b.append(np.maximum(a, b)[cross])
    if not found_a:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    pair = np.unique(np.concatenate(found_a).astype(np.int64) * len(sigs) + np.concatenate(found_b))
    a, b = pair // len(sigs), pair % len(sigs)
    j = np.count_nonzero(sigs[a] == sigs[b], axis=1) / sigs.shape[1]
    na, nb = passages[a].astype(np.float64), passages[b].astype(np.float64)
    shared = j * (na + nb) / (1 + j)
    share = np.where((na > 0) & (nb > 0), np.minimum(1.0, shared / np.maximum(np.maximum(na, nb), 1)), 0.0)
    keep = share >= threshold
    return a[keep], b[keep], share[keep]
