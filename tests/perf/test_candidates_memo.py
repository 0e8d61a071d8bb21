"""Photo-reuse candidates remembered between runs: the same pairs as a full search, whatever
changed (tests the bookkeeping on random hashes, not the hashes themselves)."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field

import numpy as np
import pytest

from credit_check import verify
from credit_check.nearphotos import Found, candidates, candidates_remembered


@dataclass(frozen=True)
class H:
    phash: str | None
    phash_zoom: tuple[str, ...] = ()
    phash_middle: str | None = None
    phash_mirror: str | None = None
    phash_windows: tuple[str, ...] = ()


@dataclass
class Memo:
    values: dict[str, object] = field(default_factory=dict)

    def get(self, key: str) -> object | None:
        return self.values.get(key)

    def put(self, key: str, value: object) -> None:
        self.values[key] = value


def _near(rng: random.Random, value: int, bits: int) -> str:
    for b in rng.sample(range(64), bits):
        value ^= 1 << b
    return f"{value:016x}"


def _photo(rng: random.Random, base: int) -> H:
    return H(phash=_near(rng, base, rng.randint(0, 6)), phash_zoom=(_near(rng, base, 9),),
             phash_middle=_near(rng, base, rng.randint(0, 14)) if rng.random() < 0.9 else None,
             phash_mirror=_near(rng, base ^ 0xFFFF, 3), phash_windows=tuple(_near(rng, base, 11) for _ in range(4)))


def test_remembered_candidates_equal_a_full_search() -> None:
    rng = random.Random(3)
    bases = [rng.getrandbits(64) for _ in range(40)]
    photos = [(_photo(rng, rng.choice(bases)), f"{n:064x}") for n in range(150)]
    photos += [photos[5], photos[9]]  # the same file filed twice
    memo = Memo()
    for night in range(6):
        if night:  # some photos change, some go, some come
            for _ in range(8):
                photos[rng.randrange(len(photos))] = (_photo(rng, rng.choice(bases)), f"{rng.getrandbits(256):064x}")
            del photos[rng.randrange(len(photos))]
            photos.append((_photo(rng, rng.choice(bases)), f"{rng.getrandbits(256):064x}"))
            rng.shuffle(photos)
        facts = [p for p, _ in photos]
        shas = [s for _, s in photos]
        full = candidates(facts, 12)
        assert len(full) > 100
        assert candidates_remembered(facts, shas, 12, memo) == full, night


def _brute(photos: list[H], limit: int) -> dict[tuple[int, int], int]:
    """The rule of `candidates`, pair by pair on the hex strings."""
    from credit_check.facts.phash import distance

    def ok(h: str | None) -> bool:
        return h is not None and len(h) == 16

    found: dict[tuple[int, int], int] = {}
    for i, a in enumerate(photos):
        for j, b in enumerate(photos):
            if i == j:
                continue
            ds = [distance(q, t) for q in (a.phash, a.phash_mirror) if ok(q)
                  for t in (b.phash, *b.phash_zoom, *b.phash_windows) if ok(t)]
            if i < j and ok(a.phash_middle) and ok(b.phash_middle):
                ds.append(distance(a.phash_middle, b.phash_middle))  # type: ignore[arg-type]
            ds = [d for d in ds if d <= limit]
            if ds:
                key = (min(i, j), max(i, j))
                found[key] = min([*ds, found.get(key, 65)])
    return found


def test_hash_table_finds_what_comparing_every_pair_finds() -> None:
    from credit_check.nearphotos import HashTable

    rng = random.Random(11)
    bases = [rng.getrandbits(64) for _ in range(12)]
    photos = [_photo(rng, rng.choice(bases)) for _ in range(90)]
    photos.append(H(phash=None, phash_middle="123"))  # no usable hash: never a candidate
    table = HashTable()
    for p in photos:
        table.add(p)
    expected = _brute(photos, 12)
    assert len(expected) > 50
    assert candidates(table, 12) == expected == candidates(photos, 12)
    with pytest.raises(RuntimeError):
        table.add(photos[0])  # searched: its arrays are fixed


def _where_it_ran() -> Found:
    """A search job that answers with the process it ran in."""
    return np.array([os.getpid()], dtype=np.int64), np.zeros(1, np.int64), np.zeros(1, np.uint8)


def test_a_large_search_runs_in_a_worker_process() -> None:
    run = verify.searcher(verify.Workers(1))
    assert run(_where_it_ran, (), verify.SEARCH_IN_WORKER)[0][0] != os.getpid()
    assert run(_where_it_ran, (), verify.SEARCH_IN_WORKER - 1)[0][0] == os.getpid()  # a small one: here
    assert verify.searcher(None)(_where_it_ran, (), 10 * verify.SEARCH_IN_WORKER)[0][0] == os.getpid()


def test_a_search_in_a_worker_finds_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify, "SEARCH_IN_WORKER", 1)
    run = verify.searcher(verify.Workers(1))
    rng = random.Random(5)
    bases = [rng.getrandbits(64) for _ in range(30)]
    photos = [(_photo(rng, rng.choice(bases)), f"{n:064x}") for n in range(120)]
    facts, shas = [p for p, _ in photos], [s for _, s in photos]
    full = candidates(facts, 12)
    assert len(full) > 100
    assert candidates(facts, 12, run) == full
    memo = Memo()
    assert candidates_remembered(facts[:80], shas[:80], 12, memo, run) == candidates(facts[:80], 12)  # all fresh
    assert candidates_remembered(facts, shas, 12, memo, run) == full  # 40 fresh photos searched there


def test_a_search_whose_worker_fails_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify, "SEARCH_IN_WORKER", 1)
    run = verify.searcher(verify.Workers(1, memory_mb=1))  # no worker lives under 1 MB
    assert run(_where_it_ran, (), 5)[0][0] == os.getpid()
    rng = random.Random(8)
    facts = [_photo(rng, rng.getrandbits(64) if k % 3 else 7) for k in range(60)]
    assert candidates(facts, 12, run) == candidates(facts, 12)


@pytest.mark.parametrize("damaged", [
    "not a dict",
    {"shas": ["a" * 64], "pairs": [0, 3, 2]},  # a place past the hashes
    {"shas": ["a" * 64, "b" * 64], "pairs": [0, 1]},  # not whole triples
    {"shas": ["a" * 64, "b" * 64], "pairs": [0, 1, "2"]},
    {"shas": [7, "b" * 64], "pairs": []},
])
def test_a_damaged_memory_of_pairs_searches_every_photo(damaged: object) -> None:
    rng = random.Random(21)
    bases = [rng.getrandbits(64) for _ in range(10)]
    facts = [_photo(rng, rng.choice(bases)) for _ in range(50)]
    shas = [f"{n:064x}" for n in range(50)]
    memo = Memo({"candidates-12": damaged})
    assert candidates_remembered(facts, shas, 12, memo) == candidates(facts, 12)
    kept = memo.values["candidates-12"]
    assert isinstance(kept, dict) and all(type(v) is int for v in kept["pairs"])  # places, not hashes
    assert candidates_remembered(facts, shas, 12, memo) == candidates(facts, 12)  # read back
