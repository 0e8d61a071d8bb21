"""Perceptual hash (DCT pHash, 64 bits as 16 hex digits) and Hamming distances.

The picture is reduced to 32×32 grey, transformed with a 2-D DCT, and the 8×8 lowest
frequencies (without the DC term's row/column bias: the median is taken over all 64) become one bit
each: above or below their median. Low frequencies survive resizing, recompression, a light
crop and a new watermark stamp (a stamp covers a few percent of the frame); `bench/photos.py`
measures how far each of those moves the hash.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from PIL import Image

HASH_SIZE = 8
_SIDE = 32


@cache
def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    m = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2 / n)
    m[0] /= np.sqrt(2)
    return m


def phash(image: Image.Image) -> str:
    """The 64-bit pHash of `image` as 16 lowercase hex digits."""
    grey = image.convert("L").resize((_SIDE, _SIDE), Image.Resampling.BOX)
    pixels = np.asarray(grey, dtype=np.float64)
    d = _dct_matrix(_SIDE)
    low = (d @ pixels @ d.T)[:HASH_SIZE, :HASH_SIZE]
    bits = (low > np.median(low)).flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return f"{value:016x}"


def distance(a: str, b: str) -> int:
    """Hamming distance of two hex hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def close_pairs(hashes: list[str], max_distance: int, block: int = 1024) -> list[tuple[int, int, int]]:
    """All index pairs (i < j) whose hashes differ in at most `max_distance` bits, with the distance.

    Blocked all-pairs over 64-bit integers with numpy: ~1 s for 20 000 hashes, memory bounded by
    `block` × n.
    """
    n = len(hashes)
    if n < 2:
        return []
    values = np.array([int(h, 16) for h in hashes], dtype=np.uint64)
    pairs: list[tuple[int, int, int]] = []
    for start in range(0, n, block):
        rows = values[start:start + block]
        dist = np.bitwise_count(rows[:, None] ^ values[None, :])
        ii, jj = np.nonzero(dist <= max_distance)
        for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
            gi = start + i
            if gi < j:
                pairs.append((gi, j, int(dist[i, j])))
    return pairs
