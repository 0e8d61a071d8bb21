"""Perceptual hash (DCT pHash, 64 bits as 16 hex digits), Hamming distances, and the candidate
pairs of the photo-reuse check.

The picture is reduced to 32×32 grey, transformed with a 2-D DCT, and the 8×8 lowest
frequencies become one bit each: above or below their median. Low frequencies survive
resizing and recompression (0–2 bits) and a new stamp of the same app (0–4 bits). Cropping
moves the full-frame hash more (10–20 bits for 5 % off each side), so a photo also carries the
hashes of its centre 90 % and 80 % ("zooms"), of its middle rows (20–80 % of the height,
where no app stamps) for a copy re-stamped by another app, of its mirror image, and of 48
windows (each axis cut to 100 %, 90 % or 80 % at three offsets) for copies cropped off-centre.

Hashes only *propose* pairs (`candidates`): a pair is a candidate when the full-frame (or
mirrored) hash of one is within the distance of any hash of the other. Two photos of the same
room from the same seat are candidates too; `credit_check.facts.verify` decides. Measured on
real camera photos (`bench/fraud.py`, docs/fraud.md): at 12 bits, 0 of 595 pairs of unrelated
photos and 99 % of copies (cropped up to 20 % off-centre, re-stamped, mirrored …) are candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Protocol

import numpy as np
from PIL import Image, ImageOps

HASH_SIZE = 8
_SIDE = 32
MIN_SIDE = 32
ZOOMS = (0.05, 0.10)  # fraction cut from each side for the zoom hashes
# Per axis: (share kept, offset) of the window hashes; every combination but the whole frame.
WINDOW_AXIS = ((1.0, 0.0), (0.9, 0.0), (0.9, 0.05), (0.9, 0.1), (0.8, 0.0), (0.8, 0.1), (0.8, 0.2))
WINDOW_BASE = 256  # window hashes are cut from a grey copy with this long side (48 cheap hashes)
MIDDLE = (0.2, 0.8)  # the rows of the middle hash
MIN_CONTRAST = 2.0  # grey-level standard deviation below which a picture is "flat"


@cache
def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    m = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2 / n)
    m[0] /= np.sqrt(2)
    return np.asarray(m)


def phash(image: Image.Image) -> str | None:
    """The 64-bit pHash of `image` as 16 lowercase hex digits; None for a flat or tiny picture,
    whose hash would match every other flat picture."""
    if min(image.size) < MIN_SIDE:
        return None
    grey = (image if image.mode == "L" else image.convert("L")).resize((_SIDE, _SIDE), Image.Resampling.BOX)
    pixels = np.asarray(grey, dtype=np.float64)
    if pixels.std() < MIN_CONTRAST:
        return None
    d = _dct_matrix(_SIDE)
    low = (d @ pixels @ d.T)[:HASH_SIZE, :HASH_SIZE]
    bits = (low > np.median(low)).flatten()  # first bit most significant
    return np.packbits(bits).tobytes().hex()


def zoom_hashes(image: Image.Image) -> list[str]:
    """Hashes of the centre 90 % and 80 % of `image`: a lightly cropped copy of a photo has a
    full-frame hash close to one of these. Compare them with full-frame hashes only: zoom
    against zoom added false matches at distance 10 in the benchmark."""
    w, h = image.size
    found = []
    for f in ZOOMS:
        value = phash(image.crop((round(w * f), round(h * f), round(w * (1 - f)), round(h * (1 - f)))))
        if value is not None:
            found.append(value)
    return found


def middle_hash(image: Image.Image) -> str | None:
    """Hash of the middle rows (20–80 % of the height), where watermark apps never put their
    stamp: the same picture re-stamped by another app (a big white card instead of a line of
    text) keeps this hash even when the full-frame one moves."""
    w, h = image.size
    return phash(image.crop((0, round(h * MIDDLE[0]), w, round(h * MIDDLE[1]))))


def mirror_hash(image: Image.Image) -> str | None:
    """Hash of the mirror image: a copy flipped left to right has a full-frame hash close to it."""
    return phash(ImageOps.mirror(image))


def window_hashes(image: Image.Image) -> list[str]:
    """Hashes of 48 windows of the picture (each axis 100 %, 90 % or 80 % at three offsets, all but
    the whole frame): a copy cropped off-centre, or more on one axis than the other, has a
    full-frame hash close to one of them."""
    w, h = image.size
    factor = WINDOW_BASE / max(w, h)
    base = image if image.mode == "L" else image.convert("L")
    if factor < 1:
        base = base.resize((max(1, round(w * factor)), max(1, round(h * factor))), Image.Resampling.BOX)
    bw, bh = base.size
    found = []
    for sx, ox in WINDOW_AXIS:
        for sy, oy in WINDOW_AXIS:
            if sx == 1.0 and sy == 1.0:
                continue
            value = phash(base.crop((round(bw * ox), round(bh * oy), round(bw * (ox + sx)), round(bh * (oy + sy)))))
            if value is not None:
                found.append(value)
    return found


_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount(x: np.ndarray) -> np.ndarray:
    """Set bits per uint64 element (numpy >= 2 has it built in; 1.26 needs the byte table)."""
    if hasattr(np, "bitwise_count"):
        return np.asarray(np.bitwise_count(x))
    return np.asarray(_BYTE_BITS[x.view(np.uint8).reshape(*x.shape, 8)].sum(axis=-1))


def distance(a: str, b: str) -> int:
    """Hamming distance of two hex hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def close_pairs(queries: Sequence[Sequence[str]], targets: Sequence[Sequence[str]] | None = None,
                max_distance: int = 10, block: int = 1024) -> dict[tuple[int, int], int]:
    """Pairs of items (i < j) where a query hash of one is within `max_distance` bits of a target
    hash of the other; with the smallest such distance.

    `queries[i]` / `targets[i]` hold the hashes of item i (targets default to the queries). The
    reuse check queries with the full-frame hash and targets full frame + zooms: comparing zoom
    with zoom as well added false matches in the benchmark. The pairs come from a multi-index
    (`credit_check.hamming`: exact, the same pairs as comparing all of them): about 0.5 s for
    20 000 photos at 10 bits, where comparing all pairs took 10–15 s. `block` is not used any
    more (kept for callers).
    """
    from credit_check.hamming import near_pairs

    targets = queries if targets is None else targets
    q_owner = np.array([i for i, hs in enumerate(queries) for _ in hs], dtype=np.int64)
    t_owner = np.array([i for i, hs in enumerate(targets) for _ in hs], dtype=np.int64)
    if len(q_owner) == 0 or len(t_owner) == 0:
        return {}
    q_values = np.array([int(h, 16) for hs in queries for h in hs], dtype=np.uint64)
    t_values = np.array([int(h, 16) for hs in targets for h in hs], dtype=np.uint64)
    rows, cols, dist = near_pairs(q_values, t_values, max_distance)
    a, b = q_owner[rows], t_owner[cols]
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


def candidates(photos: Sequence[Hashes], max_distance: int) -> dict[tuple[int, int], int]:
    """Pairs of photos (i < j) that may be the same picture, with the smallest distance found:
    the full-frame or mirrored hash of one within `max_distance` bits of the full-frame, zoom or
    window hash of the other, or their middle-row hashes that close."""
    queries = [_valid([p.phash, p.phash_mirror]) for p in photos]
    targets = [_valid([p.phash, *p.phash_zoom, *p.phash_windows]) for p in photos]
    found = close_pairs(queries, targets, max_distance)
    for key, d in close_pairs([_valid([p.phash_middle]) for p in photos], None, max_distance).items():
        found[key] = min(d, found.get(key, 65))
    return found


class Remembers(Protocol):
    """Where `candidates_remembered` keeps its pairs (`facts.index.Memo`)."""

    def get(self, key: str) -> object | None: ...
    def put(self, key: str, value: object) -> None: ...


def candidates_remembered(photos: Sequence[Hashes], shas: Sequence[str], max_distance: int,
                          memo: Remembers) -> dict[tuple[int, int], int]:
    """`candidates(photos, max_distance)`, the same pairs and distances, with the pairs of photos
    an earlier run saw (by content hash) taken from `memo`: only pairs that involve a photo not
    seen then are searched for (a changed night costs its changed photos, not the whole tree)."""
    if not all(shas):
        return candidates(photos, max_distance)
    key = f"candidates-{max_distance}"
    known = memo.get(key)
    seen = set(known.get("shas", ())) if isinstance(known, dict) else set()
    by_sha: dict[str, list[int]] = {}
    for i, sha in enumerate(shas):
        by_sha.setdefault(sha, []).append(i)
    found: dict[tuple[int, int], int] = {}

    def add(i: int, j: int, d: int) -> None:
        pair = (min(i, j), max(i, j))
        if i != j and d < found.get(pair, 65):
            found[pair] = d

    for sa, sb, d in (known.get("pairs", ()) if isinstance(known, dict) else ()):
        for i in by_sha.get(sa, ()):
            for j in by_sha.get(sb, ()):
                add(i, j, int(d))
    fresh = {i for i, sha in enumerate(shas) if sha not in seen}
    if fresh:
        queries = [_valid([p.phash, p.phash_mirror]) for p in photos]
        targets = [_valid([p.phash, *p.phash_zoom, *p.phash_windows]) for p in photos]
        middles = [_valid([p.phash_middle]) for p in photos]
        only = [q if i in fresh else [] for i, q in enumerate(queries)]
        only_targets = [t if i in fresh else [] for i, t in enumerate(targets)]
        only_middles = [m if i in fresh else [] for i, m in enumerate(middles)]
        for pairs in (close_pairs(only, targets, max_distance), close_pairs(queries, only_targets, max_distance),
                      close_pairs(only_middles, middles, max_distance)):
            for (i, j), d in pairs.items():
                add(i, j, d)
    for members in by_sha.values():  # copies of one file: their own pairs (not remembered)
        if len(members) > 1:
            group = [photos[i] for i in members]
            for (a, b), d in candidates(group, max_distance).items():
                add(members[a], members[b], d)
    pairs_by_sha = sorted({(min(shas[i], shas[j]), max(shas[i], shas[j]), d)
                           for (i, j), d in found.items() if shas[i] != shas[j]})
    memo.put(key, {"shas": sorted(by_sha), "pairs": [list(p) for p in pairs_by_sha]})
    return found


def extra_hashes(image: Image.Image) -> dict[str, object]:
    """The PhotoFacts fields for the reuse candidates beyond the full-frame hash."""
    image = image if image.mode == "L" else image.convert("L")  # once: each hash is of the grey picture
    return {"phash_zoom": tuple(zoom_hashes(image)), "phash_middle": middle_hash(image),
            "phash_mirror": mirror_hash(image), "phash_windows": tuple(window_hashes(image))}
