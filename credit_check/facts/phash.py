"""Perceptual hash (DCT pHash, 64 bits as 16 hex digits) and the hashes of the photo-reuse check.

The picture is reduced to 32×32 grey, transformed with a 2-D DCT, and the 8×8 lowest
frequencies become one bit each: above or below their median. Low frequencies survive
resizing and recompression (0–2 bits) and a new stamp of the same app (0–4 bits). Cropping
moves the full-frame hash more (10–20 bits for 5 % off each side), so a photo also carries the
hashes of its centre 90 % and 80 % ("zooms"), of its middle rows (20–80 % of the height,
where no app stamps) for a copy re-stamped by another app, of its mirror image, and of 48
windows (each axis cut to 100 %, 90 % or 80 % at three offsets) for copies cropped off-centre.

Hashes only *propose* pairs (`credit_check.nearphotos`, after every file is read): a pair is a
candidate when the full-frame (or mirrored) hash of one is within the distance of any hash of
the other. Two photos of the same room from the same seat are candidates too;
`credit_check.facts.verify` decides. Measured on real camera photos (`bench/fraud.py`,
docs/fraud.md): at 12 bits, 0 of 595 pairs of unrelated photos and 99 % of copies (cropped up to
20 % off-centre, re-stamped, mirrored …) are candidates.
"""

from __future__ import annotations

from functools import cache

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


# --- All the hashes of a photo at once -------------------------------------------------------
# `photo_hashes` gives the same 53 values as `phash` + `extra_hashes`, bit for bit
# (tests/facts/test_photo_fast_path.py compares them), with 4 Pillow resizes instead of 55 crops
# and resizes and 53 numpy hash computations: the 48 windows are cut from the 256-pixel base by
# Pillow's BOX filter reproduced in numpy (its integer arithmetic, Resample.c: each output
# sample is a run of input samples summed, times one fixed-point weight, so runs come from
# cumulative sums), and the 53 DCTs, medians and bits are computed at once. ~10 → ~4 ms for a
# 981 × 736 picture.

_PRECISION = 22  # Pillow's PRECISION_BITS for 8-bit pictures (32 - 8 - 2)
_ROUND = 1 << (_PRECISION - 1)


@cache
def _box_taps(in_size: int, out_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pillow's BOX resampling of `in_size` samples to `out_size` (precompute_coeffs and
    normalize_coeffs_8bpc in Pillow's Resample.c): output i = (sum of samples start[i]:end[i]
    × weight[i] + half) >> 22, clipped to 255. A box has one run of taps, all of one weight."""
    scale = in_size / out_size
    filterscale = max(scale, 1.0)
    support = 0.5 * filterscale
    ss = 1.0 / filterscale
    start = np.zeros(out_size, dtype=np.int64)
    end = np.zeros(out_size, dtype=np.int64)
    weight = np.zeros(out_size, dtype=np.int64)
    for xx in range(out_size):
        center = (xx + 0.5) * scale
        xmin = max(0, int(center - support + 0.5))
        xmax = min(in_size, int(center + support + 0.5)) - xmin
        taps = [x for x in range(xmax) if -0.5 < (x + xmin - center + 0.5) * ss <= 0.5]
        if taps:
            assert taps == list(range(taps[0], taps[-1] + 1))  # a box: one run
            start[xx], end[xx] = xmin + taps[0], xmin + taps[-1] + 1
            weight[xx] = int(0.5 + (1.0 / float(len(taps))) * (1 << _PRECISION))
    return start, end, weight


def _cumsum(values: np.ndarray, axis: int) -> np.ndarray:
    """Cumulative sums along `axis` (int64) with a leading zero: a run a:b sums to c[b] - c[a]."""
    shape = list(values.shape)
    shape[axis] += 1
    out = np.zeros(shape, dtype=np.int64)
    np.cumsum(values, axis=axis, dtype=np.int64, out=out[1:] if axis == 0 else out[:, 1:])
    return out


def _scaled(sums: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Pillow's clip8((sum × weight + half) >> 22) (sums are ≥ 0)."""
    return np.asarray(np.minimum((sums * weight + _ROUND) >> _PRECISION, 255))


def _across(cum_x: np.ndarray, x0: int, width: int, out: int) -> np.ndarray:
    """The horizontal pass of resizing columns x0:x0+width (of every row of `cum_x`'s picture) to
    `out` columns."""
    start, end, weight = _box_taps(width, out)
    return _scaled(cum_x[:, x0 + end] - cum_x[:, x0 + start], weight)


def _down(rows: np.ndarray, out: int) -> np.ndarray:
    """The vertical pass: `rows` (the horizontal pass of a crop's rows) resized to `out` rows."""
    start, end, weight = _box_taps(rows.shape[0], out)
    cum = _cumsum(rows, 0)
    return _scaled(cum[end] - cum[start], weight[:, None])


def _rows_first(size: tuple[int, int], out: tuple[int, int]) -> bool:
    """Whether Pillow resizes `size` to `out` rows first: since Pillow 13 when the height shrinks
    more than twice as much as the width (earlier versions: never). Such crops (only strips) are
    resized by Pillow itself."""
    return size[1] - out[1] > 2 * (size[0] - out[0])


class _Grey:
    """A grey picture and its cumulative row sums: crops of it resized the way Pillow's BOX
    filter does, horizontal pass then vertical, each rounded to 8 bits."""

    def __init__(self, pixels: np.ndarray) -> None:
        self.pixels = pixels
        self.cum_x = _cumsum(pixels, 1)

    def box(self, box: tuple[int, int, int, int], out: tuple[int, int]) -> np.ndarray:
        """`crop(box).resize(out, BOX)` as an int64 array."""
        x0, y0, x1, y1 = box
        if _rows_first((x1 - x0, y1 - y0), out):
            crop = Image.fromarray(self.pixels).crop(box)
            return np.asarray(crop.resize(out, Image.Resampling.BOX), dtype=np.int64)
        return _down(_across(self.cum_x[y0:y1], x0, x1 - x0, out[0]), out[1])


def _hex_hashes(blocks: np.ndarray, hashable: list[bool]) -> list[str | None]:
    """`phash` of each 32×32 grey block (N × 32 × 32, 0..255): None for a flat one or one whose
    crop was smaller than `MIN_SIDE` (not `hashable`)."""
    pixels = blocks.astype(np.float64)
    flat = pixels.std(axis=(1, 2)) < MIN_CONTRAST  # the same as one by one: sums of integers, exact
    d = _dct_matrix(_SIDE)
    low = (d @ pixels @ d.T)[:, :HASH_SIZE, :HASH_SIZE].reshape(len(blocks), -1)
    bits = low > np.median(low, axis=1, keepdims=True)  # first bit most significant
    packed = np.packbits(bits, axis=1).tobytes().hex()
    step = HASH_SIZE * HASH_SIZE // 4
    return [packed[i * step:(i + 1) * step] if hashable[i] and not flat[i] else None for i in range(len(blocks))]


def _window_boxes(bw: int, bh: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The column and row spans of the window hashes on a `bw` × `bh` base, per `WINDOW_AXIS`."""
    return ([(round(bw * o), round(bw * (o + s))) for s, o in WINDOW_AXIS],
            [(round(bh * o), round(bh * (o + s))) for s, o in WINDOW_AXIS])


@cache
def _window_taps(bw: int, bh: int) -> tuple[np.ndarray, ...]:
    """Where the window hashes' sums start and end on a `bw` × `bh` base, and their weights:
    columns (7 × 32 of them, one run per output column of each window width) and rows."""
    xs, ys = _window_boxes(bw, bh)
    taps = []
    for spans in (xs, ys):
        parts = [(_box_taps(b - a, _SIDE), a) for a, b in spans]
        taps += [np.concatenate([t[0] + a for t, a in parts]), np.concatenate([t[1] + a for t, a in parts]),
                 np.concatenate([t[2] for t, _ in parts])]
    return tuple(taps)


def _windows(base: _Grey) -> list[tuple[np.ndarray | None, bool]]:
    """The 32×32 blocks of the 48 window hashes (x-window major, as `window_hashes` orders
    them), each with whether its crop is large enough to hash: all 49 windows' passes at once
    (one gather and one cumulative sum each way), then the whole frame left out."""
    bh, bw = base.pixels.shape
    xs, ys = _window_boxes(bw, bh)
    x_start, x_end, x_weight, y_start, y_end, y_weight = _window_taps(bw, bh)
    columns = _scaled(base.cum_x[:, x_end] - base.cum_x[:, x_start], x_weight)  # bh × (7 · 32)
    cum = _cumsum(columns, 0)
    grid = _scaled(cum[y_end] - cum[y_start], y_weight[:, None])  # (7 · 32) × (7 · 32): rows by columns
    n = len(WINDOW_AXIS)
    grid = grid.reshape(n, _SIDE, n, _SIDE)
    found: list[tuple[np.ndarray | None, bool]] = []
    for i, (sx, _ox) in enumerate(WINDOW_AXIS):
        x0, x1 = xs[i]
        for j, (sy, _oy) in enumerate(WINDOW_AXIS):
            if sx == 1.0 and sy == 1.0:
                continue
            y0, y1 = ys[j]
            if min(x1 - x0, y1 - y0) < MIN_SIDE:
                found.append((None, False))
            elif _rows_first((x1 - x0, y1 - y0), (_SIDE, _SIDE)):  # a strip: as Pillow does it
                found.append((base.box((x0, y0, x1, y1), (_SIDE, _SIDE)), True))
            else:
                found.append((grid[j, :, i, :], True))
    return found


def _mirror_rows(grey: Image.Image, rows: np.ndarray) -> np.ndarray:
    """Pillow's horizontal pass (to 32 columns) of the mirror image of `grey`, whose own pass is
    `rows`: output i of the mirror image sums columns w - end[i] : w - start[i] of the picture,
    mostly the run of output 31 - i with the same weight (that column of `rows`); the few that
    are not are summed here."""
    w = grey.width
    start, end, weight = _box_taps(w, _SIDE)
    mirrored = rows[:, ::-1].copy()
    same = (w - end == start[::-1]) & (w - start == end[::-1]) & (weight == weight[::-1])
    if not same.all():
        pixels = np.asarray(grey)
        for i in np.flatnonzero(~same).tolist():
            sums = pixels[:, w - end[i]:w - start[i]].sum(axis=1, dtype=np.int64)
            mirrored[:, i] = _scaled(sums, weight[i])
    return mirrored


def _frame_blocks(grey: Image.Image, middle: tuple[int, int, int, int]) -> list[np.ndarray]:
    """The 32×32 blocks of the whole frame, of its `middle` rows and of its mirror image: one
    horizontal pass by Pillow serves the frame and its middle rows (the same width, so the same
    sums), the mirror image's comes from `_mirror_rows`, and the vertical passes are `_down`, as
    Pillow does them; Pillow itself for anything else."""
    w, h = grey.size
    _, y0, _, y1 = middle
    if _rows_first((w, h), (_SIDE, _SIDE)) or _rows_first((w, y1 - y0), (_SIDE, _SIDE)):
        return [_resized(grey), _resized(grey, middle), _resized(grey, mirrored=True)]
    rows = np.asarray(grey.resize((_SIDE, h), Image.Resampling.BOX), dtype=np.int64)
    return [_down(rows, _SIDE), _down(rows[y0:y1], _SIDE), _down(_mirror_rows(grey, rows), _SIDE)]


def _resized(image: Image.Image, box: tuple[int, int, int, int] | None = None, mirrored: bool = False) -> np.ndarray:
    """The 32×32 grey block `phash` transforms, of `image` cropped to `box` (and mirrored)."""
    part = image if box is None else image.crop(box)
    part = ImageOps.mirror(part) if mirrored else part
    return np.asarray(part.resize((_SIDE, _SIDE), Image.Resampling.BOX), dtype=np.int64)


def photo_hashes(image: Image.Image) -> dict[str, object]:
    """`phash` and the `extra_hashes` fields of `image` in one dict (keys phash, phash_zoom,
    phash_middle, phash_mirror, phash_windows): the same values, computed together. Pillow
    resizes the whole frame once for it and its middle rows (`_frame_blocks`), the two zooms and
    the base of the windows; the 48 windows are cut from the base at once
    (`_windows`); the 53 DCTs are one product (`_hex_hashes`)."""
    grey = image if image.mode == "L" else image.convert("L")
    w, h = grey.size
    if min(w, h) < 2 * MIN_SIDE:  # a thumbnail: one by one (most of its crops are too small to hash)
        return {"phash": phash(grey), **extra_hashes(grey)}
    zooms = [(round(w * f), round(h * f), round(w * (1 - f)), round(h * (1 - f))) for f in ZOOMS]
    middle = (0, round(h * MIDDLE[0]), w, round(h * MIDDLE[1]))
    whole, middle_block, mirrored = _frame_blocks(grey, middle)
    blocks = [whole, *(_resized(grey, box) for box in zooms), middle_block, mirrored]
    hashable = [True] + [min(x1 - x0, y1 - y0) >= MIN_SIDE for x0, y0, x1, y1 in [*zooms, middle]] + [True]
    factor = WINDOW_BASE / max(w, h)
    if factor < 1:
        base = _Grey(np.asarray(grey.resize((max(1, round(w * factor)), max(1, round(h * factor))),
                                            Image.Resampling.BOX)))
    else:
        base = _Grey(np.asarray(grey))
    for block, ok in _windows(base):
        blocks.append(np.zeros((_SIDE, _SIDE), dtype=np.int64) if block is None else block)
        hashable.append(ok)
    values = _hex_hashes(np.stack(blocks), hashable)
    n = len(ZOOMS)
    return {"phash": values[0], "phash_zoom": tuple(v for v in values[1:1 + n] if v is not None),
            "phash_middle": values[1 + n], "phash_mirror": values[2 + n],
            "phash_windows": tuple(v for v in values[3 + n:] if v is not None)}


def distance(a: str, b: str) -> int:
    """Hamming distance of two hex hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def extra_hashes(image: Image.Image) -> dict[str, object]:
    """The PhotoFacts fields for the reuse candidates beyond the full-frame hash."""
    image = image if image.mode == "L" else image.convert("L")  # once: each hash is of the grey picture
    return {"phash_zoom": tuple(zoom_hashes(image)), "phash_middle": middle_hash(image),
            "phash_mirror": mirror_hash(image), "phash_windows": tuple(window_hashes(image))}
