"""Every pair of 64-bit hashes within a Hamming distance, found through an index, not all pairs.

Multi-index hashing (Norouzi, Punjani and Fleet, 2012): the 64 bits are cut into `m` chunks; two
hashes that differ in at most `D` bits differ in at most `D // m` bits in at least one chunk (if
every chunk differed in more, the total would pass `D`). So for each chunk the targets are
indexed by the chunk's value, and each query looks up its own chunk value with every pattern of
up to `D // m` bits flipped; what it finds are candidates, and the full distance of each
candidate decides. Nothing within `D` is missed: the result is exactly that of comparing all
pairs. The number of chunks is chosen from the sizes (more targets: wider chunks, so buckets stay
small); small sets, or radii too large for an index, are compared block by block instead.

Used by the photo-reuse check (perceptual hashes within 10 bits among a county's photos) and by
`credit-check merge` (the same photo in two counties, among a province's photos).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from functools import cache

import numpy as np

BITS = 64
BRUTE_PAIRS = 4_000_000  # below this many query × target pairs, compare them all (faster than an index)
TABLE_BITS = 22  # chunks up to this wide are indexed by a table of bucket starts, wider ones by sorting
QUERY_BLOCK = 262_144  # queries looked up at a time
CANDIDATE_BLOCK = 65_536  # candidates compared at a time (bounds the candidate arrays: ~4 MB)

_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def popcount(x: np.ndarray) -> np.ndarray:
    """Set bits of each uint64 element."""
    x = np.ascontiguousarray(x, dtype=np.uint64)
    if hasattr(np, "bitwise_count"):
        return np.asarray(np.bitwise_count(x), dtype=np.int64)
    return np.asarray(_BYTE_BITS[x.view(np.uint8).reshape(*x.shape, 8)].sum(axis=-1), dtype=np.int64)


def to_array(hex_hashes: list[str]) -> np.ndarray:
    """Hex hashes (16 digits) as uint64."""
    return np.array([int(h, 16) for h in hex_hashes], dtype=np.uint64)


@cache
def _flips(width: int, radius: int) -> np.ndarray:
    """Every value of `width` bits with at most `radius` bits set."""
    out = [0]
    for k in range(1, radius + 1):
        out.extend(sum(1 << b for b in bits) for bits in itertools.combinations(range(width), k))
    return np.array(out, dtype=np.int64)


def _chunks(m: int) -> list[tuple[int, int]]:
    """(shift, width) of `m` chunks that cover the 64 bits as evenly as possible."""
    widths = [BITS // m + (1 if i < BITS % m else 0) for i in range(m)]
    shifts = [sum(widths[:i]) for i in range(m)]
    return list(zip(shifts, widths, strict=True))


def _plan(n_queries: int, n_targets: int, max_distance: int) -> int | None:
    """The number of chunks that makes the index cheapest, or None when comparing all pairs is."""
    if max_distance >= BITS // 2 or n_queries * n_targets <= BRUTE_PAIRS:
        return None
    best: tuple[float, int] | None = None
    for m in range(1, min(max_distance + 1, 16) + 1):
        radius = max_distance // m
        lookups = 0.0
        candidates = 0.0
        for _, width in _chunks(m):
            flips = sum(math.comb(width, k) for k in range(radius + 1))
            lookups += flips * n_queries
            candidates += flips * n_queries * n_targets / 2.0 ** width
        if lookups > 5e10:
            continue
        cost = 4 * lookups + 6 * candidates + 2 * m * n_targets
        if best is None or cost < best[0]:
            best = (cost, m)
    if best is None or best[0] > 6 * n_queries * n_targets:
        return None
    return best[1]


def near_pairs(queries: np.ndarray, targets: np.ndarray | None, max_distance: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query index, target index, distance) of every pair within `max_distance` bits, sorted by
    query then target index. With `targets` None the queries are matched against themselves
    (every pair once, query index < target index)."""
    q = np.ascontiguousarray(queries, dtype=np.uint64)
    self_join = targets is None
    t = q if targets is None else np.ascontiguousarray(targets, dtype=np.uint64)
    if max_distance < 0 or len(q) == 0 or len(t) == 0:
        return _empty()
    m = _plan(len(q), len(t), max_distance)
    index = _index_type(len(q), len(t))
    found = _Columns((index, index, np.uint8))
    for part in _brute(q, t, max_distance) if m is None else _indexed(q, t, max_distance, m):
        found.add(part)
    if found.size == 0:
        return _empty()
    qi, ti, dist = found.arrays()
    del found
    if self_join:
        keep = qi < ti
        qi, ti, dist = qi[keep], ti[keep], dist[keep]
    order = np.argsort(qi.astype(np.int64) * np.int64(len(t)) + ti, kind="stable")  # each pair comes once
    return qi[order].astype(np.int64), ti[order].astype(np.int64), dist[order].astype(np.int64)


class _Columns:
    """The matches, appended a block at a time into columns that double when full: two indices of
    4 bytes and a distance of 1 a match, in a few large buffers. Thousands of small arrays kept
    between the search's temporaries fragment the heap: the process grew ~20 MB beyond what was
    live on a 10,000-file tree's photos."""

    def __init__(self, types: tuple[type[np.generic], ...]) -> None:
        self.columns = [np.empty(1024, dtype=t) for t in types]
        self.size = 0

    def add(self, part: tuple[np.ndarray, ...]) -> None:
        end = self.size + len(part[0])
        if end > len(self.columns[0]):
            grown = max(end, 2 * len(self.columns[0]))
            self.columns = [np.concatenate([c[:self.size], np.empty(grown - self.size, dtype=c.dtype)])
                            for c in self.columns]
        for column, values in zip(self.columns, part, strict=True):
            column[self.size:end] = values
        self.size = end

    def arrays(self) -> list[np.ndarray]:
        return [c[:self.size] for c in self.columns]


def _index_type(n_queries: int, n_targets: int) -> type[np.signedinteger]:
    return np.int32 if max(n_queries, n_targets) < 2**31 else np.int64


def _empty() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)


def _brute(q: np.ndarray, t: np.ndarray, max_distance: int,
           block: int = 1024) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    for start in range(0, len(q), block):
        dist = popcount(q[start:start + block, None] ^ t[None, :])
        rows, cols = np.nonzero(dist <= max_distance)
        yield (rows.astype(np.int64) + start, cols.astype(np.int64), dist[rows, cols].astype(np.int64))


def _indexed(q: np.ndarray, t: np.ndarray, max_distance: int,
             m: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    radius = max_distance // m
    earlier: list[np.uint64] = []  # the chunks searched before: a pair within `radius` in one was found there
    for shift, width in _chunks(m):
        mask = np.uint64((1 << width) - 1)
        key_type = np.int32 if width < 32 else np.int64  # a chunk's key: half the memory when it fits
        t_key = ((t >> np.uint64(shift)) & mask).astype(key_type)
        order = np.argsort(t_key, kind="stable")
        if len(t) < 2**31:
            order = order.astype(np.int32)  # half the memory: the chunk's working set is three of these
        sorted_key: np.ndarray = np.zeros(0, key_type)
        starts = None
        if width <= TABLE_BITS:  # the table answers every lookup: the sorted keys are not needed
            starts = np.zeros((1 << width) + 1, dtype=np.int64)
            np.cumsum(np.bincount(t_key, minlength=1 << width), out=starts[1:])
        else:
            sorted_key = t_key[order]
        del t_key
        flips = _flips(width, radius)
        for begin in range(0, len(q), QUERY_BLOCK):
            block = q[begin:begin + QUERY_BLOCK]
            q_key = ((block >> np.uint64(shift)) & mask).astype(key_type)
            for flip in flips.tolist():
                probe = q_key ^ flip
                if starts is not None:
                    lo, hi = starts[probe], starts[probe + 1]
                else:
                    lo = np.searchsorted(sorted_key, probe, "left")
                    hi = np.searchsorted(sorted_key, probe, "right")
                counts = hi - lo
                hit = np.flatnonzero(counts)
                if len(hit) == 0:
                    continue
                lo, counts = lo[hit], counts[hit]
                ends = np.cumsum(counts)
                # the candidates expanded CANDIDATE_BLOCK at a time (whole queries): memory stays
                # bounded however crowded the buckets are
                cuts = np.searchsorted(ends, np.arange(CANDIDATE_BLOCK, int(ends[-1]), CANDIDATE_BLOCK), "left")
                for a, b in itertools.pairwise([0, *np.unique(cuts + 1).tolist(), len(hit)]):
                    if a >= b:
                        continue
                    yield from _expand(block, t, order, hit[a:b], lo[a:b], counts[a:b], max_distance, begin,
                                       earlier, radius)
        earlier.append(np.uint64(((1 << width) - 1) << shift))


def _expand(block: np.ndarray, t: np.ndarray, order: np.ndarray, hit: np.ndarray, lo: np.ndarray,
            counts: np.ndarray, max_distance: int, begin: int, earlier: list[np.uint64],
            radius: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The candidates of queries `hit` (bucket starts `lo`, sizes `counts`) compared in full; a
    pair is kept in the first chunk that finds it (within `radius` bits in none of the `earlier`
    chunk masks), so each pair comes once and no table of them all is needed to drop repeats."""
    total = int(counts.sum())
    qi = np.repeat(hit, counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    ti = order[np.repeat(lo, counts) + offsets].astype(np.int64, copy=False)
    del offsets
    xor = block[qi] ^ t[ti]
    dist = popcount(xor)
    keep = np.flatnonzero(dist <= max_distance)
    if len(keep) == 0:
        return
    qi, ti, xor, dist = qi[keep], ti[keep], xor[keep], dist[keep]
    first = np.ones(len(keep), dtype=bool)
    for mask in earlier:
        first &= popcount(xor & mask) > radius
    yield qi[first] + begin, ti[first], dist[first]
