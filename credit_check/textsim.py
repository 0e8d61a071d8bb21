"""Near-duplicate text: normalisation, 5-character shingles, MinHash sketches and LSH banding.

Used by the copied-text check (D1): documents are sketched once, only pairs that share a band are
verified, and verification (`coverage`) measures how much of one text lies in the other. No
all-pairs comparison of full texts, so thousands of documents take seconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

import numpy as np

SHINGLE = 5
BANDS, ROWS = 48, 4  # 192 MinHash values; pairs from about 0.4 Jaccard up become candidates

_RNG = np.random.default_rng(20240428)  # fixed: sketches must be the same on every run
_A = _RNG.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)
_MARKERS = re.compile(
    r"(?m)^\s*(?:第[一二三四五六七八九十百零〇\d]+[条章节款项部分]|[（(]?[一二三四五六七八九十百]+[)）、．.]"
    r"|[（(]?\d+[)）、．.]|[①-⑳])"
)


def normalise(text: str) -> str:
    """Letters only: no whitespace, punctuation, digits or list markers; full-width folded."""
    text = _MARKERS.sub("", unicodedata.normalize("NFKC", text))
    return "".join(c for c in text.lower() if c.isalpha())


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the polynomial hash over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return np.asarray(x ^ (x >> np.uint64(31)))


def positional(norm: str) -> np.ndarray:
    """64-bit hash of the 5-character passage starting at each position of the text."""
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - SHINGLE + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):
        h = h * np.uint64(1_000_003) + codes[k:k + n]
    return _mix(h)


def shingles(norm: str) -> np.ndarray:
    """Sorted unique hashes of the text's 5-character passages."""
    return np.unique(positional(norm))


def coverage(norm: str, own: np.ndarray, other: np.ndarray) -> float:
    """Share of the text `norm` (counting its passages in `own`) that lies in passages of `other`."""
    pos = positional(norm)
    kept = np.isin(pos, own, assume_unique=False)
    shared = kept & np.isin(pos, other)
    counted = np.zeros(len(pos) + SHINGLE, dtype=bool)
    covered = np.zeros(len(pos) + SHINGLE, dtype=bool)
    for k in range(SHINGLE):  # a passage covers its 5 characters
        counted[k:k + len(pos)] |= kept
        covered[k:k + len(pos)] |= shared
    total = int(counted.sum())
    return int(covered.sum()) / total if total else 0.0


MINHASH_BLOCK = 256  # passages hashed at a time: the (192 × block) matrix is 0.4 MB and stays in the CPU cache (2× faster than 1,024)


def minhash(sh: np.ndarray) -> np.ndarray:
    sig = np.full(BANDS * ROWS, np.iinfo(np.uint64).max, dtype=np.uint64)
    for i in range(0, len(sh), MINHASH_BLOCK):  # blocks keep the (192 x passages) matrix small
        block = _A[:, None] * sh[None, i:i + MINHASH_BLOCK]  # each row reduced along contiguous memory: 5x faster
        block += _B[:, None]
        np.minimum(sig, block.min(axis=1), out=sig)
    return sig


def shared_passage(a: str, b: str, limit: int = 40) -> str:
    """A long passage of `a` also found in `b` (a quick scan, not the longest one)."""
    best = ""
    for i in range(0, max(1, len(a) - 12), 7):
        j = b.find(a[i:i + 12])
        if j < 0:
            continue
        k = 12
        while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k] and k < limit:
            k += 1
        if k > len(best):
            best = a[i:i + k]
            if k >= limit:
                break
    return best


def key_pairs(keys: np.ndarray, big_bucket: int = 30) -> set[tuple[int, int]]:
    """Index pairs of signatures that agree on a whole band (LSH): the only pairs worth verifying.
    `keys` holds each signature's band keys (n × BANDS, one 64-bit key a band, `sketch.band_keys`):
    384 bytes a document instead of its 1,536-byte signature. Two different bands share a key by
    chance once in 2**64; a pair that shares one is only a candidate, verified like any other."""
    pairs: set[tuple[int, int]] = set()
    for band in range(BANDS):
        buckets: dict[int, list[int]] = defaultdict(list)
        for i, key in enumerate(keys[:, band].tolist()):
            buckets[key].append(i)
        for members in buckets.values():
            if len(members) <= big_bucket:
                pairs.update((a, b) for k, a in enumerate(members) for b in members[k + 1:])
            else:  # near-identical crowd: linking each to a few is enough to report it
                pairs.update((members[k], b) for k in range(3) for b in members[k + 1:])
    return pairs
