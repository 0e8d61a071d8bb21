"""The multi-index search finds exactly the pairs that comparing all pairs finds."""

from __future__ import annotations

import numpy as np
import pytest

from credit_check import hamming
from credit_check.nearphotos import close_pairs


def _clustered(rng: np.random.Generator, n: int) -> np.ndarray:
    """Groups of hashes a few bits apart (near copies), as perceptual hashes of photos are."""
    out = []
    for base in rng.integers(0, 2**63, size=n // 4, dtype=np.uint64):
        out.append(base)
        for _ in range(3):
            value = int(base)
            for bit in rng.choice(64, size=int(rng.integers(0, 14)), replace=False):
                value ^= 1 << int(bit)
            out.append(np.uint64(value))
    return np.array(out, dtype=np.uint64)


def _all_pairs(q: np.ndarray, t: np.ndarray, d: int, self_join: bool) -> list[tuple[int, int, int]]:
    """Every pair within `d`, once each, in (query, target) order: what `near_pairs` returns."""
    dist = hamming.popcount(q[:, None] ^ t[None, :])
    rows, cols = np.nonzero(dist <= d)
    return [(r, c, int(dist[r, c])) for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
            if not self_join or r < c]


def _force_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index even on a small set (comparing all pairs would be cheaper there)."""
    monkeypatch.setattr(hamming, "BRUTE_PAIRS", 0)
    monkeypatch.setattr(hamming, "NS_PAIR", 10**9)


def _got(found: tuple[np.ndarray, np.ndarray, np.ndarray]) -> list[tuple[int, int, int]]:
    assert all(a.dtype == np.int64 for a in found)
    return list(zip(*(a.tolist() for a in found), strict=True))


@pytest.mark.parametrize("distance", [0, 3, 6, 10, 12])
def test_index_equals_all_pairs(monkeypatch: pytest.MonkeyPatch, distance: int) -> None:
    _force_index(monkeypatch)
    rng = np.random.default_rng(distance)
    q = _clustered(rng, 1200)
    t = _clustered(rng, 800)
    assert hamming._plan(len(q), len(t), distance) is not None
    got = hamming.near_pairs(q, t, distance)
    assert _got(got) == _all_pairs(q, t, distance, False)
    got = hamming.near_pairs(q, None, distance)
    assert _got(got) == _all_pairs(q, q, distance, True)


@pytest.mark.parametrize("block", [1, 7, 100])
def test_candidates_compared_a_block_at_a_time_are_all_found(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    """Crowded buckets are expanded a bounded number of candidates at a time (`CANDIDATE_BLOCK`),
    whole queries per block: the pairs are the same whatever the block."""
    _force_index(monkeypatch)
    monkeypatch.setattr(hamming, "CANDIDATE_BLOCK", block)
    rng = np.random.default_rng(21)
    q = _clustered(rng, 900)
    t = np.concatenate([_clustered(rng, 600), np.repeat(q[:5], 40)])  # a few very crowded buckets
    got = hamming.near_pairs(q, t, 10)
    assert _got(got) == _all_pairs(q, t, 10, False)


def test_wide_chunks_use_sorted_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    _force_index(monkeypatch)
    monkeypatch.setattr(hamming, "TABLE_BITS", 4)  # every chunk wider than the table: searchsorted
    rng = np.random.default_rng(5)
    q = _clustered(rng, 600)
    got = hamming.near_pairs(q, None, 8)
    assert _got(got) == _all_pairs(q, q, 8, True)


def test_close_pairs_unchanged_by_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(9)
    values = [f"{int(v):016x}" for v in _clustered(rng, 400)]
    items = [values[i:i + 3] for i in range(0, len(values), 3)]
    expected = close_pairs([[h[0]] for h in items], items, 10)
    _force_index(monkeypatch)
    assert close_pairs([[h[0]] for h in items], items, 10) == expected
    assert expected  # the clusters give matches to compare


def test_radius_too_large_for_an_index_compares_all() -> None:
    q = np.array([0, 2**64 - 1, 5], dtype=np.uint64)
    rows, cols, dist = hamming.near_pairs(q, None, 64)
    assert list(zip(rows.tolist(), cols.tolist(), dist.tolist(), strict=True)) == [(0, 1, 64), (0, 2, 2), (1, 2, 62)]


@pytest.mark.parametrize("block", [1, 5, 64, 1 << 16])
def test_buckets_are_a_stable_sort_made_a_block_at_a_time(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    """The targets' buckets (`_buckets`, a counting sort `KEY_BLOCK` targets at a time) list the
    same targets in the same order as a stable sort of all their keys, with the same bucket starts;
    and the search finds the same pairs whatever the block."""
    monkeypatch.setattr(hamming, "KEY_BLOCK", block)
    rng = np.random.default_rng(block)
    t = np.concatenate([_clustered(rng, 400), np.repeat(rng.integers(0, 2**63, size=3, dtype=np.uint64), 30)])
    for shift, width in ((0, 8), (8, 13), (51, 13)):
        keys = ((t >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.int64)
        order, starts = hamming._buckets(t, shift, width)
        assert order.dtype == np.int32 and starts.dtype == np.int32
        assert np.array_equal(order, np.argsort(keys, kind="stable"))
        assert np.array_equal(starts[1:], np.cumsum(np.bincount(keys, minlength=1 << width)))
        assert np.array_equal(hamming._keys(t, shift, width), keys)
    _force_index(monkeypatch)
    q = _clustered(rng, 300)
    assert _got(hamming.near_pairs(q, t, 9)) == _all_pairs(q, t, 9, False)


def test_plan_prefers_small_tables_to_binary_search() -> None:
    """A tree's photo search (2 query and 51 target hashes a photo, 12 bits) is planned with
    chunks a table of bucket starts indexes: a binary search per lookup cost a 20,000-file tree
    ~250 s where 16-bit tables take ~25 s."""
    for photos in (3_600, 7_300, 14_600, 30_000):
        m = hamming._plan(2 * photos, 51 * photos, 12)
        assert m is not None and all(width <= hamming.TABLE_BITS for _, width in hamming._chunks(m))
