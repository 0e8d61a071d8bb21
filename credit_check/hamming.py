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
BRUTE_BLOCK = 262_144  # pairs compared at a time when comparing them all
TABLE_BITS = 20  # chunks up to this wide are indexed by a table of bucket starts (≤ 4 MB), wider ones by sorting
QUERY_BLOCK = 262_144  # queries looked up at a time
CANDIDATE_BLOCK = 32_768  # candidates compared at a time (bounds the candidate arrays: ~2 MB)
KEY_BLOCK = 16_384  # targets keyed and placed in their buckets at a time (bounds the temporaries: ~0.5 MB)

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


# What the steps of a search cost, in nanoseconds (numpy 2 on a 2-core x86 machine, a 10,000- and a
# 20,000-file tree's photo hashes): a lookup in a table of bucket starts that fits the CPU's cache
# (up to `SMALL_TABLE_BITS` wide), in a larger one, one halving step of a binary search in sorted
# keys (two searches a lookup), a candidate compared, a target indexed, a pair compared directly.
SMALL_TABLE_BITS = 18
NS_LOOKUP, NS_LOOKUP_LARGE, NS_SEARCH_STEP, NS_CANDIDATE, NS_TARGET, NS_PAIR = 5, 30, 10, 25, 10, 2


def _lookup_ns(width: int, n_targets: int) -> float:
    if width <= SMALL_TABLE_BITS:
        return NS_LOOKUP
    if width <= TABLE_BITS:
        return NS_LOOKUP_LARGE
    return 2 * NS_SEARCH_STEP * max(1.0, math.log2(max(2, n_targets)))


def _plan(n_queries: int, n_targets: int, max_distance: int) -> int | None:
    """The number of chunks that makes the index cheapest, or None when comparing all pairs is.
    The cost counts the lookups (a table of bucket starts for chunks up to `TABLE_BITS` wide, a
    binary search for wider ones: ~20 times dearer on a tree's photos), the candidates they find
    and the indexing of the targets."""
    if max_distance >= BITS // 2 or n_queries * n_targets <= BRUTE_PAIRS:
        return None
    best: tuple[float, int] | None = None
    for m in range(1, min(max_distance + 1, 16) + 1):
        radius = max_distance // m
        lookups = 0.0
        cost = 0.0
        for _, width in _chunks(m):
            flips = sum(math.comb(width, k) for k in range(radius + 1))
            lookups += flips * n_queries
            cost += flips * n_queries * (_lookup_ns(width, n_targets) + NS_CANDIDATE * n_targets / 2.0 ** width)
            cost += NS_TARGET * n_targets + (2.0 ** width if width <= TABLE_BITS else 0.0)
        if lookups > 5e10:
            continue
        if best is None or cost < best[0]:
            best = (cost, m)
    if best is None or best[0] > NS_PAIR * n_queries * n_targets:
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


def _brute(q: np.ndarray, t: np.ndarray, max_distance: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Every query compared with every target, `BRUTE_BLOCK` pairs at a time (~2 MB a working array)."""
    block = max(1, BRUTE_BLOCK // max(1, len(t)))
    for start in range(0, len(q), block):
        dist = popcount(q[start:start + block, None] ^ t[None, :])
        rows, cols = np.nonzero(dist <= max_distance)
        yield (rows.astype(np.int64) + start, cols.astype(np.int64), dist[rows, cols].astype(np.int64))


def _indexed(q: np.ndarray, t: np.ndarray, max_distance: int,
             m: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    radius = max_distance // m
    earlier: list[np.uint64] = []  # the chunks searched before: a pair within `radius` in one was found there
    for shift, width in _chunks(m):
        key_type = np.int32 if width < 32 else np.int64  # a chunk's key: half the memory when it fits
        sorted_key: np.ndarray = np.zeros(0, key_type)
        starts = None
        if width <= TABLE_BITS:  # the table answers every lookup: the sorted keys are not needed
            order, starts = _buckets(t, shift, width)
        else:
            t_key = _keys(t, shift, width)
            order = np.argsort(t_key, kind="stable")
            if len(t) < 2**31:
                order = order.astype(np.int32)  # half the memory
            sorted_key = t_key[order]
            del t_key
        flips = _flips(width, radius)
        for begin in range(0, len(q), QUERY_BLOCK):
            block = q[begin:begin + QUERY_BLOCK]
            q_key = _keys(block, shift, width)
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
                lo, counts = lo[hit].astype(np.int64), counts[hit].astype(np.int64)  # the table may be int32
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
        del order, starts, sorted_key  # before the next chunk's are made


def _keys(values: np.ndarray, shift: int, width: int) -> np.ndarray:
    """The chunk (`width` bits from bit `shift`) of each value, as int32 when it fits: computed
    `KEY_BLOCK` values at a time, so no full-length uint64 temporaries are made."""
    mask = np.uint64((1 << width) - 1)
    out = np.empty(len(values), dtype=np.int32 if width < 32 else np.int64)
    for start in range(0, len(values), KEY_BLOCK):
        part = values[start:start + KEY_BLOCK] >> np.uint64(shift)
        part &= mask
        out[start:start + KEY_BLOCK] = part
    return out


def _buckets(t: np.ndarray, shift: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(order, starts) of the targets by their chunk: `order` lists the targets bucket by bucket,
    each bucket in target order (what a stable sort of the keys gives), and bucket `k` is
    `order[starts[k]:starts[k + 1]]`. A counting sort made `KEY_BLOCK` targets at a time, in
    int32 when the targets are fewer than 2**31: the chunk's working set is the order and the
    table, not a key, a sort and its int64 indices for every target."""
    index_type = np.int32 if len(t) < 2**31 else np.int64
    counts = np.zeros(1 << width, dtype=np.int64)
    for start in range(0, len(t), KEY_BLOCK):
        keys, n = np.unique(_keys(t[start:start + KEY_BLOCK], shift, width), return_counts=True)
        counts[keys] += n
    starts = np.zeros((1 << width) + 1, dtype=index_type)
    np.cumsum(counts, out=starts[1:])
    del counts
    cursor = starts[:-1].copy()  # where the next target of each bucket goes
    order = np.empty(len(t), dtype=index_type)
    for start in range(0, len(t), KEY_BLOCK):
        keys = _keys(t[start:start + KEY_BLOCK], shift, width)
        local = np.argsort(keys, kind="stable")
        ordered = keys[local]
        heads = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        runs = np.diff(np.r_[heads, len(ordered)])
        rank = np.arange(len(ordered)) - np.repeat(heads, runs)  # place within its bucket in this block
        order[cursor[ordered] + rank] = local + start
        cursor[ordered[heads]] += runs.astype(index_type)
    return order, starts


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
