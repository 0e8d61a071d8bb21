"""Which photos may be the same picture: the search over their perceptual hashes.

A photo's facts carry its hashes (`facts.phash`: full frame, zooms, middle rows, mirror image,
48 windows). Hashes only *propose* pairs (`candidates`): a pair is a candidate when the full-frame
(or mirrored) hash of one is within the distance of the full-frame, zoom or window hash of the
other, or their middle-row hashes are that close. Two photos of the same room from the same seat
are candidates too; `credit_check.facts.verify` decides. The search is exact and goes through an
index, not all pairs (`credit_check.hamming`).

The photo-reuse check (`checks.reuse`) and its verification stage (`credit_check.verify`) ask
for a tree's candidates; this module is not a reader, so changing it does not make the facts
cache read every file again.
"""

from __future__ import annotations

import array
import itertools
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np


def close_pairs(queries: Sequence[Sequence[str]], targets: Sequence[Sequence[str]] | None = None,
                max_distance: int = 10) -> dict[tuple[int, int], int]:
    """Pairs of items (i < j) where a query hash of one is within `max_distance` bits of a target
    hash of the other; with the smallest such distance.

    `queries[i]` / `targets[i]` hold the hashes of item i (targets default to the queries). The
    reuse check queries with the full-frame hash and targets full frame + zooms: comparing zoom
    with zoom as well added false matches in the benchmark. The pairs come from a multi-index
    (`credit_check.hamming`: exact, the same pairs as comparing all of them): about 0.5 s for
    20 000 photos at 10 bits, where comparing all pairs took 10–15 s. The same search as
    `candidates` on a `HashTable`, for hashes given as hex strings.
    """
    targets = queries if targets is None else targets
    return _close(_Column.of(queries), _Column.of(targets), max_distance)


class _Column:
    """Hashes of many items: each hash as uint64, and the item each belongs to — as an array, or,
    for a table of hashes added item by item, only where each item's hashes end (4 bytes a hash
    less: a tree's photos carry ~51 target hashes each)."""

    __slots__ = ("_ends", "_owner", "values")

    def __init__(self, values: np.ndarray, *, owner: np.ndarray | None = None, counts: np.ndarray | None = None) -> None:
        self.values = values
        self._owner = owner
        self._ends = None if owner is not None else np.cumsum(counts if counts is not None else [], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.values)

    @classmethod
    def of(cls, hashes: Sequence[Sequence[str]]) -> _Column:
        counts = np.array([len(hs) for hs in hashes], dtype=np.int64)
        values = np.fromiter((int(h, 16) for hs in hashes for h in hs), dtype=np.uint64, count=int(counts.sum()))
        return cls(values, counts=counts)

    def owners(self, rows: np.ndarray) -> np.ndarray:
        """The items of the hashes at `rows`."""
        if self._owner is not None:
            return np.asarray(self._owner[rows])
        assert self._ends is not None
        return np.searchsorted(self._ends, rows, side="right")

    def where(self, keep: np.ndarray, renumber: np.ndarray | None = None) -> _Column:
        """The hashes of the items `keep` (a mask over items) holds, numbered by `renumber`."""
        if self._owner is not None:
            rows = keep[self._owner] if len(self._owner) else np.zeros(0, dtype=bool)
            owner = self._owner[rows]
        else:  # without a whole column of owners: a photo's hashes are kept or not together
            assert self._ends is not None
            counts = np.diff(self._ends, prepend=0)
            rows = np.repeat(keep, counts)
            owner = np.repeat(np.flatnonzero(keep), counts[keep])
        return _Column(self.values[rows], owner=owner if renumber is None else renumber[owner])


def _close(queries: _Column, targets: _Column, max_distance: int) -> dict[tuple[int, int], int]:
    if len(queries) == 0 or len(targets) == 0:
        return {}
    from credit_check.hamming import near_pairs

    rows, cols, dist = near_pairs(queries.values, targets.values, max_distance)
    a, b = queries.owners(rows), targets.owners(cols)
    keep = a != b
    lo, hi, dist = np.minimum(a, b)[keep], np.maximum(a, b)[keep], dist[keep]
    found: dict[tuple[int, int], int] = {}
    for x, y, d in zip(lo.tolist(), hi.tolist(), dist.tolist(), strict=True):
        if d < found.get((x, y), 65):
            found[(x, y)] = d
    return found


class Hashes(Protocol):
    """What `candidates` reads of a photo's facts (PhotoFacts has all of it)."""

    @property
    def phash(self) -> str | None: ...
    @property
    def phash_zoom(self) -> tuple[str, ...]: ...
    @property
    def phash_middle(self) -> str | None: ...
    @property
    def phash_mirror(self) -> str | None: ...
    @property
    def phash_windows(self) -> tuple[str, ...]: ...


def _valid(values: Sequence[str | None]) -> list[str]:
    return [h for h in values if h is not None and len(h) == 16]


class HashTable:
    """The hashes `candidates` compares, of many photos, as arrays: 8 bytes a hash, and 4 a photo
    for how many it has of each kind, where the photos' facts (or lists of hex strings) take ~70
    bytes a hash and more; a tree's photos carry ~53 hashes each, and the search holds them all at
    once. `add` one photo at a time (in the order of the indices the pairs are given by)."""

    def __init__(self) -> None:
        # the values of the query, target and middle hashes, and how many of each a photo has
        self._values = tuple(array.array("Q") for _ in range(3))
        self._counts = tuple(array.array("i") for _ in range(3))
        self.count = 0
        self._arrays: tuple[_Column, _Column, _Column] | None = None

    def add(self, photo: Hashes) -> None:
        """The full-frame and mirror hashes (queries), the full-frame, zoom and window hashes
        (targets) and the middle-rows hash of the next photo."""
        if self._arrays is not None:
            raise RuntimeError("the table is searched already")
        for k, hashes in enumerate((_valid([photo.phash, photo.phash_mirror]),
                                    _valid([photo.phash, *photo.phash_zoom, *photo.phash_windows]),
                                    _valid([photo.phash_middle]))):
            values = self._values[k]
            for h in hashes:
                values.append(int(h, 16))
            self._counts[k].append(len(hashes))
        self.count += 1

    @classmethod
    def of(cls, photos: Sequence[Hashes] | HashTable) -> HashTable:
        if isinstance(photos, HashTable):
            return photos
        table = cls()
        for p in photos:
            table.add(p)
        return table

    def columns(self) -> tuple[_Column, _Column, _Column]:
        """Queries, targets, middles (views of the table: nothing can be added after)."""
        if self._arrays is None:
            q, t, m = (_Column(np.frombuffer(values, dtype=np.uint64) if len(values) else np.zeros(0, np.uint64),
                               counts=np.frombuffer(counts, dtype=np.int32) if len(counts) else np.zeros(0, np.int32))
                       for values, counts in zip(self._values, self._counts, strict=True))
            self._arrays = (q, t, m)
        return self._arrays


Found = tuple[np.ndarray, np.ndarray, np.ndarray]  # (i, j, distance) of pairs i < j, sorted


class Runs(Protocol):
    """Where a search runs: `run(job, args, photos)` returns `job(*args)`, computed here or in a
    worker process (`credit_check.verify` sends the searches of many photos to one, so their
    working set is never the main process's)."""

    def __call__(self, job: Callable[..., Found], args: tuple[Any, ...], photos: int) -> Found: ...


def run_here(job: Callable[..., Found], args: tuple[Any, ...], photos: int) -> Found:
    return job(*args)


def candidates(photos: Sequence[Hashes] | HashTable, max_distance: int,
               run: Runs = run_here) -> dict[tuple[int, int], int]:
    """Pairs of photos (i < j) that may be the same picture, with the smallest distance found:
    the full-frame or mirrored hash of one within `max_distance` bits of the full-frame, zoom or
    window hash of the other, or their middle-row hashes that close."""
    table = HashTable.of(photos)
    return _found(run(search, (*table.columns(), None, max_distance), table.count))


def search(queries: _Column, targets: _Column, middles: _Column, fresh: np.ndarray | None,
           max_distance: int) -> Found:
    """The pairs of the table's columns (`candidates`), or with `fresh` (a mask over photos) only
    those that involve a fresh photo, as arrays: what a worker process hands back."""
    if fresh is None:
        found = _search(queries, targets, middles, max_distance)
    else:
        found = {}
        for part in (_close(queries.where(fresh), targets, max_distance),
                     _close(queries, targets.where(fresh), max_distance),
                     _close(middles.where(fresh), middles, max_distance)):
            for pair, d in part.items():
                if d < found.get(pair, 65):
                    found[pair] = d
    pairs = sorted(found.items())
    return (np.fromiter((i for (i, _), _ in pairs), dtype=np.int64, count=len(pairs)),
            np.fromiter((j for (_, j), _ in pairs), dtype=np.int64, count=len(pairs)),
            np.fromiter((d for _, d in pairs), dtype=np.uint8, count=len(pairs)))


def _found(arrays: Found) -> dict[tuple[int, int], int]:
    return {(i, j): d for i, j, d in zip(*(a.tolist() for a in arrays), strict=True)}


def _search(queries: _Column, targets: _Column, middles: _Column, max_distance: int) -> dict[tuple[int, int], int]:
    found = _close(queries, targets, max_distance)
    for key, d in _close(middles, middles, max_distance).items():
        found[key] = min(d, found.get(key, 65))
    return found


class Remembers(Protocol):
    """Where `candidates_remembered` keeps its pairs (`facts.index.Memo`)."""

    def get(self, key: str) -> object | None: ...
    def put(self, key: str, value: object) -> None: ...


def candidates_remembered(photos: Sequence[Hashes] | HashTable, shas: Sequence[str], max_distance: int,
                          memo: Remembers, run: Runs = run_here) -> dict[tuple[int, int], int]:
    """`candidates(photos, max_distance)`, the same pairs and distances, with the pairs of photos
    an earlier run saw (by content hash) taken from `memo`: only pairs that involve a photo not
    seen then are searched for (a changed night costs its changed photos, not the whole tree)."""
    table = HashTable.of(photos)
    if not all(shas):
        return candidates(table, max_distance, run)
    key = f"candidates-{max_distance}"
    known_shas, known_pairs = _remembered(memo.get(key))
    seen = set(known_shas)
    by_sha: dict[str, list[int]] = {}
    for i, sha in enumerate(shas):
        by_sha.setdefault(sha, []).append(i)
    found: dict[tuple[int, int], int] = {}

    def add(i: int, j: int, d: int) -> None:
        pair = (min(i, j), max(i, j))
        if i != j and d < found.get(pair, 65):
            found[pair] = d

    for a, b, d in zip(known_pairs[::3], known_pairs[1::3], known_pairs[2::3], strict=True):
        for i in by_sha.get(known_shas[a], ()):
            for j in by_sha.get(known_shas[b], ()):
                add(i, j, d)
    fresh = np.fromiter((sha not in seen for sha in shas), dtype=bool, count=len(shas))
    queries, targets, middles = table.columns()
    if fresh.any():  # the pairs of photos not seen before; none seen (a cold audit): the whole table, as it is
        job = (queries, targets, middles, None if fresh.all() else fresh, max_distance)
        for i, j, d in zip(*(a.tolist() for a in run(search, job, table.count)), strict=True):
            add(i, j, d)
    copies = np.zeros(len(shas), dtype=bool)  # photos whose file is in the tree more than once
    for members in by_sha.values():
        if len(members) > 1:
            copies[members] = True
    if copies.any() and not fresh.all():  # their pairs with each other are not remembered (a whole
        # search found them already): all of them searched at once
        at = np.flatnonzero(copies)
        renumber = np.full(len(shas), -1, dtype=np.int64)
        renumber[at] = np.arange(len(at))
        job = (queries.where(copies, renumber), targets.where(copies, renumber), middles.where(copies, renumber),
               None, max_distance)
        for a, b, d in zip(*(x.tolist() for x in run(search, job, len(at))), strict=True):
            i, j = int(at[a]), int(at[b])
            if shas[i] == shas[j]:  # copies of one file (other pairs are found above, the same)
                add(i, j, d)
    order = sorted(by_sha)
    place = {sha: n for n, sha in enumerate(order)}
    pairs = sorted({(min(place[shas[i]], place[shas[j]]), max(place[shas[i]], place[shas[j]]), d)
                    for (i, j), d in found.items() if shas[i] != shas[j]})
    memo.put(key, {"shas": order, "pairs": [v for pair in pairs for v in pair]})
    return found


def _remembered(value: object) -> tuple[list[str], list[int]]:
    """The content hashes an earlier run searched, and its pairs as one flat list of (place of
    one hash, place of the other, distance) — a few bytes a pair where the two hashes in full
    took ~140. Anything else (damaged, or of another shape) is nothing remembered: every photo
    is then searched."""
    if not isinstance(value, dict):
        return [], []
    shas, pairs = value.get("shas"), value.get("pairs")
    if (not isinstance(shas, list) or not all(isinstance(h, str) for h in shas)
            or not isinstance(pairs, list) or len(pairs) % 3
            or not all(type(v) is int and 0 <= v < max(len(shas), 65) for v in pairs)
            or not all(v < len(shas) for v in itertools.chain(pairs[::3], pairs[1::3]))):
        return [], []
    return shas, pairs
