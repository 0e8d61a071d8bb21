from __future__ import annotations

import numpy as np
import pytest

from credit_check.sketch import band_keys
from credit_check.textsim import (
    BANDS,
    ROWS,
    coverage,
    key_pairs,
    minhash,
    normalise,
    shared_passage,
    shingles,
)

A = "莱芜区城乡交通运输局坚持把信用监管作为提升行业治理能力的重要抓手，创新推出信易行应用场景，对信用等级较高的企业给予便利。"
B = "全区各级交通运输部门要加强安全生产监管，严格落实企业主体责任，深入开展隐患排查治理，确保行业安全形势持续稳定。"


def test_normalise_drops_numbering_punctuation_and_digits() -> None:
    assert normalise("一、总体要求。\n（1）坚持 2024 年！") == "总体要求坚持年"


def test_coverage_and_candidates() -> None:
    na, nb = normalise(A), normalise(B)
    sa, sb = shingles(na), shingles(nb)
    assert coverage(na, sa, sa) == 1.0
    assert coverage(na, sa, sb) < 0.1
    near = normalise(A.replace("较高", "很高"))
    assert coverage(near, shingles(near), sa) > 0.8
    pairs = key_pairs(band_keys([minhash(sa), minhash(shingles(near)), minhash(sb)]))
    assert (0, 1) in pairs and (0, 2) not in pairs and (1, 2) not in pairs
    assert shared_passage(na, near).startswith("莱芜区城乡交通运输局")
    assert isinstance(minhash(np.zeros(0, dtype=np.uint64)), np.ndarray)


def test_minhash_does_not_depend_on_its_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passages are hashed `MINHASH_BLOCK` at a time (a bounded working matrix): the signature is
    the minimum over all of them whatever the block, and equals the one-block computation."""
    import numpy as np

    from credit_check import textsim

    values = np.unique(np.random.default_rng(3).integers(0, 2**63, size=5000, dtype=np.uint64))
    whole = (textsim._A[:, None] * values[None, :] + textsim._B[:, None]).min(axis=1)
    for block in (1, 7, 1024, 1 << 20):
        monkeypatch.setattr(textsim, "MINHASH_BLOCK", block)
        assert np.array_equal(textsim.minhash(values), whole)


def _banded_on_values(sigs: list[np.ndarray], big_bucket: int) -> set[tuple[int, int]]:
    """LSH banding on the signatures' values themselves: what the band keys stand for."""
    pairs: set[tuple[int, int]] = set()
    for band in range(BANDS):
        buckets: dict[bytes, list[int]] = {}
        for i, sig in enumerate(sigs):
            buckets.setdefault(sig[band * ROWS:(band + 1) * ROWS].tobytes(), []).append(i)
        for members in buckets.values():
            if len(members) <= big_bucket:
                pairs.update((a, b) for k, a in enumerate(members) for b in members[k + 1:])
            else:
                pairs.update((members[k], b) for k in range(3) for b in members[k + 1:])
    return pairs


def test_band_keys_find_the_pairs_the_signatures_find() -> None:
    """The copied-text check keeps each document's band keys, not its signature (`key_pairs`):
    the candidate pairs are those of banding the signatures' values, a crowd of near-copies (a
    big bucket) too."""
    import random

    from tests.builders.sheets import chinese_text, edit_text

    rng = random.Random(5)
    texts = [chinese_text(rng, 400) for _ in range(30)]
    texts += [edit_text(texts[k], 0.03, rng) for k in range(0, 30, 3)]
    texts += [edit_text(texts[1], 0.01, rng) for _ in range(40)]  # a crowd: buckets past big_bucket
    sigs = [minhash(shingles(normalise(t))) for t in texts]
    keys = band_keys(sigs)
    for big in (30, 5):
        expected = _banded_on_values(sigs, big)
        assert len(expected) > 40
        assert key_pairs(keys, big) == expected
