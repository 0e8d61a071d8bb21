"""Red ink in page pictures: the red header band and official seals, found from pixels.

Used for scans, pictures of pages, embedded seal images and regions of born-digital pages that
have no colour information in their text (vector seals, pasted header pictures). Pure numpy; the
callers render at low resolution (50–100 dpi), so a page is a few hundred thousand pixels.

Seals are told from look-alikes by shape, not colour alone: a seal is a red outline (ring, oval or
square frame) 25–70 mm across, mostly empty inside apart from a star or characters. A red banner or
a pie chart is solid; a header or a rule is wide and flat; a table grid is made of full-length lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Mask = NDArray[np.bool_]

SEAL_MM = (25.0, 70.0)  # sizes a seal candidate may have (plausible round seal: 38–50 mm)
PLAUSIBLE_ROUND_MM = (35.0, 55.0)
SHAPE_NAMES = {"round": "圆形", "oval": "椭圆形", "square": "方形", "rect": "长方形"}


@dataclass(frozen=True)
class Box:
    x0: int
    y0: int
    x1: int  # exclusive
    y1: int

    @property
    def w(self) -> int:
        return self.x1 - self.x0

    @property
    def h(self) -> int:
        return self.y1 - self.y0


@dataclass(frozen=True)
class SealHit:
    box: Box  # pixels of the analysed image
    shape: str  # round | oval | square | rect
    width_mm: float
    height_mm: float
    covers_text: bool | None  # dark (non-red) ink under the seal


@dataclass(frozen=True)
class HeaderHit:
    box: Box
    rule: Box | None  # the red rule under the document number, when seen
    band: bool = False  # a solid red band (its text, white on red, must be read to judge it)


def red_mask(rgb: NDArray[np.uint8]) -> Mask:
    """Pixels of red ink, fresh or faded; orange, pink and grey are not red."""
    a = rgb.astype(np.int16)
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    return (r > 110) & (r - g > 45) & (r - b > 35) & (g - b < 40)


def reddish_mask(rgb: NDArray[np.uint8]) -> Mask:
    """Looser than `red_mask`: also washed-out, brownish red (faded stamp edges, JPEG fringes)."""
    a = rgb.astype(np.int16)
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    return (r > 100) & (r - g > 20) & (r - b > 20) & (g - b < 40)


def on_paper(rgb: NDArray[np.uint8]) -> bool:
    """True when a region is ink on paper: apart from red and dark ink, its pixels are light and
    colourless. A photograph (curtains, faces, flags) is not, and its reds are no seal or header."""
    a = rgb.astype(np.int16)
    mx, mn = a.max(axis=2), a.min(axis=2)
    paper = (mn > 150) & (mx - mn < 50)
    other = ~(paper | reddish_mask(rgb) | ((mx < 130) & (mx - mn < 60)))
    return float(other.mean()) < 0.25


def ink_mask(rgb: NDArray[np.uint8]) -> Mask:
    """Black or faded-grey text ink: unsaturated and clearly darker than the paper around it."""
    a = rgb.astype(np.int16)
    mx, mn = a.max(axis=2), a.min(axis=2)
    paper = float(np.percentile(mx, 90))
    return np.asarray((mx < paper - 70) & (mx - mn < 50), dtype=np.bool_)


def is_greyscale(rgb: NDArray[np.uint8]) -> bool:
    """True for a black-and-white copy (no pixel carries colour)."""
    a = rgb[::2, ::2].astype(np.int16)
    spread = a.max(axis=2) - a.min(axis=2)
    return float(np.percentile(spread, 99.9)) < 16


def components(mask: Mask, cell: int) -> list[Box]:
    """Bounding boxes of red blobs, merging ink closer than about one `cell` (pixels)."""
    h, w = mask.shape
    gh, gw = -(-h // cell), -(-w // cell)
    padded = np.zeros((gh * cell, gw * cell), dtype=np.bool_)
    padded[:h, :w] = mask
    counts = padded.reshape(gh, cell, gw, cell).sum(axis=(1, 3))
    grid = counts >= max(1, cell * cell // 50)  # a lone noisy pixel is not ink
    seen = np.zeros_like(grid)
    boxes: list[Box] = []
    for sy, sx in zip(*np.nonzero(grid), strict=True):
        if seen[sy, sx]:
            continue
        stack = [(int(sy), int(sx))]
        seen[sy, sx] = True
        y0, y1, x0, x1 = sy, sy, sx, sx
        while stack:
            y, x = stack.pop()
            y0, y1, x0, x1 = min(y0, y), max(y1, y), min(x0, x), max(x1, x)
            for ny in (y - 1, y, y + 1):
                for nx in (x - 1, x, x + 1):
                    if 0 <= ny < gh and 0 <= nx < gw and grid[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        stack.append((ny, nx))
        sub = mask[y0 * cell:(y1 + 1) * cell, x0 * cell:(x1 + 1) * cell]
        ys, xs = np.nonzero(sub)
        if len(ys):
            boxes.append(Box(int(x0 * cell + xs.min()), int(y0 * cell + ys.min()),
                             int(x0 * cell + xs.max() + 1), int(y0 * cell + ys.max() + 1)))
    return boxes


def _band_density(crop: Mask) -> float:
    """Share of red in the band just inside the rim (ρ 0.6–0.9): rim text in a seal, solid in a donut chart."""
    h, w = crop.shape
    yy, xx = np.mgrid[0:h, 0:w]
    rho = np.hypot((xx + 0.5 - w / 2) / (w / 2), (yy + 0.5 - h / 2) / (h / 2))
    band = (rho > 0.6) & (rho < 0.9)
    return float(crop[band].mean()) if band.any() else 0.0


def _ring_coverage(crop: Mask) -> tuple[float, float, float]:
    """(share of 36 angles with ink on the rim, share of ink outside the ellipse, inner fill)."""
    h, w = crop.shape
    ys, xs = np.nonzero(crop)
    ry, rx = h / 2, w / 2
    dy, dx = (ys + 0.5 - ry) / ry, (xs + 0.5 - rx) / rx
    rho = np.hypot(dx, dy)
    rim = (rho > 0.8) & (rho < 1.12)
    angles = ((np.arctan2(dy[rim], dx[rim]) + np.pi) / (2 * np.pi) * 36).astype(int) % 36
    coverage = len(set(angles.tolist())) / 36
    outside = float((rho > 1.12).sum()) / max(1, len(rho))
    yy, xx = np.mgrid[0:h, 0:w]
    inner = np.hypot((xx + 0.5 - rx) / rx, (yy + 0.5 - ry) / ry) < 0.6
    inner_fill = float(crop[inner].mean()) if inner.any() else 0.0
    return coverage, outside, inner_fill


def _frame(crop: Mask, loose: Mask) -> tuple[bool, float]:
    """(has a square frame, share of interior ink lying on full-length lines as in a table grid)."""
    h, w = crop.shape
    t = max(2, int(min(h, w) * 0.08))
    sides = (loose[:t].any(axis=0).mean(), loose[-t:].any(axis=0).mean(),
             loose[:, :t].any(axis=1).mean(), loose[:, -t:].any(axis=1).mean())
    inner = crop[t:-t, t:-t]
    # Stamped ink is uneven: allow gaps in the frame, but all four sides must be there.
    framed = bool(min(sides) > 0.45 and sum(sides) / 4 > 0.7)
    if inner.size == 0 or not inner.any():
        return framed, 1.0
    full_rows = inner.mean(axis=1) > 0.8
    full_cols = inner.mean(axis=0) > 0.8
    on_lines = inner[full_rows].sum() + inner[:, full_cols].sum()
    return framed, float(on_lines) / float(inner.sum())


def _trim(crop: Mask, loose: Mask) -> tuple[Mask, Mask]:
    """Drop outer rows and columns holding only a few stray red pixels (noise, JPEG fringes)."""
    rows = np.nonzero(loose.mean(axis=1) > 0.03)[0]
    cols = np.nonzero(loose.mean(axis=0) > 0.03)[0]
    if len(rows) == 0 or len(cols) == 0:
        return crop, loose
    ys, xs = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
    return crop[ys, xs], loose[ys, xs]


def classify_seal(crop: Mask, mm_per_px: float, loose: Mask | None = None) -> str | None:
    """'round' / 'oval' / 'square' / 'rect' when the red blob in `crop` looks like a seal, else None.
    `loose`: the same region under `reddish_mask`, for faded frame lines."""
    crop, loose = _trim(crop, crop if loose is None else (loose | crop))
    h, w = crop.shape
    wmm, hmm = w * mm_per_px, h * mm_per_px
    if not (SEAL_MM[0] <= wmm <= SEAL_MM[1] and SEAL_MM[0] * 0.6 <= hmm <= SEAL_MM[1]):
        return None
    aspect = max(w, h) / max(1, min(w, h))
    fill = float(crop.mean())
    if aspect > 2.2 or not 0.03 <= fill <= 0.6:
        return None
    coverage, outside, inner_fill = _ring_coverage(crop)
    if aspect <= 1.7 and coverage >= 0.7 and outside < 0.04 and inner_fill < 0.5 and _band_density(crop) < 0.65:
        return "round" if aspect < 1.2 else "oval"
    # Square and oblong stamps (专用章): a frame with characters inside, unlike a table grid.
    framed, on_lines = _frame(crop, loose)
    if framed and on_lines < 0.5 and inner_fill < 0.6 and fill > 0.08 and min(wmm, hmm) >= 12:
        return "square" if aspect < 1.3 else "rect"
    return None


def _smooth(rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """3×3 box blur: averages scanner noise away before the looser colour test."""
    a = rgb.astype(np.uint16)
    p = np.pad(a, ((1, 1), (1, 1), (0, 0)), mode="edge")
    h, w = rgb.shape[:2]
    total = np.zeros_like(a)
    for dy in range(3):
        for dx in range(3):
            total += p[dy:dy + h, dx:dx + w]
    return (total // 9).astype(np.uint8)


def find_seals(rgb: NDArray[np.uint8], mm_per_px: float, *, mask: Mask | None = None) -> list[SealHit]:
    """Seals in a picture whose scale is `mm_per_px`, largest first. A faded seal that the strict
    red test misses is looked for again with the looser one on a smoothed picture."""
    hits = _find_seals(rgb, mm_per_px, red_mask(rgb) if mask is None else mask)
    if not hits and mask is None:
        loose = reddish_mask(_smooth(rgb))
        if loose.mean() < 0.2:  # a picture that is mostly reddish (a photo, a red page) is no faded seal
            hits = _find_seals(rgb, mm_per_px, loose)
    return hits


def _find_seals(rgb: NDArray[np.uint8], mm_per_px: float, red: Mask) -> list[SealHit]:
    if not red.any():
        return []
    cell = max(2, round(1.6 / mm_per_px))
    hits: list[SealHit] = []
    for box in components(red, cell):
        if box.w * mm_per_px < SEAL_MM[0] * 0.9 and box.h * mm_per_px < SEAL_MM[0] * 0.9:
            continue  # too small to be a seal; skip the work
        pad = max(1, cell // 2)
        y0, x0 = max(0, box.y0 - pad), max(0, box.x0 - pad)
        part = rgb[y0:box.y1 + pad, x0:box.x1 + pad]
        loose = reddish_mask(part)[box.y0 - y0: box.y0 - y0 + box.h, box.x0 - x0: box.x0 - x0 + box.w]
        crop = red[box.y0:box.y1, box.x0:box.x1]
        shape = classify_seal(crop, mm_per_px, loose)
        if shape is not None and not on_paper(rgb[box.y0:box.y1, box.x0:box.x1]):
            continue
        if shape is None:
            continue
        # Text under a seal shows as grey-to-black strokes among the red; a few such pixels are noise.
        covers = bool(ink_mask(rgb[box.y0:box.y1, box.x0:box.x1]).mean() > 0.004)
        hits.append(SealHit(box=box, shape=shape, width_mm=box.w * mm_per_px, height_mm=box.h * mm_per_px,
                            covers_text=covers))
    hits.sort(key=lambda s: -(s.box.w * s.box.h))
    return hits


def find_red_header(rgb: NDArray[np.uint8], mm_per_px: float, *, zone: float = 0.42) -> HeaderHit | None:
    """Red organ name (text-like, wide, centred) in the top `zone` of a page (0.42: a whole page;
    1.0: a picture that is already the header zone), with the red rule if any; washed-out red is
    looked for again with the looser test on a smoothed picture."""
    top = rgb[: max(1, int(rgb.shape[0] * zone))]
    hit = _find_red_header(red_mask(top), rgb.shape[1], mm_per_px)
    if hit is None:
        loose = reddish_mask(_smooth(top))
        if loose.mean() < 0.2:
            hit = _find_red_header(loose, rgb.shape[1], mm_per_px)
    if hit is not None and not hit.band and not on_paper(top[hit.box.y0:hit.box.y1, hit.box.x0:hit.box.x1]):
        return None  # red in a photograph, not a printed header
    return hit


def _find_red_header(red: Mask, w: int, mm_per_px: float) -> HeaderHit | None:
    if not red.any():
        return None
    cell = max(2, round(1.6 / mm_per_px))
    rule: Box | None = None
    band: Box | None = None
    texts: list[Box] = []
    for box in components(red, cell):
        wmm, hmm = box.w * mm_per_px, box.h * mm_per_px
        fill = float(red[box.y0:box.y1, box.x0:box.x1].mean())
        if hmm < 8 and wmm > 90 and fill < 0.6 and hmm < wmm / 20:
            rule = box if rule is None or box.y0 < rule.y0 else rule
        elif 3 <= hmm <= 40 and fill < 0.6:
            texts.append(box)
        elif wmm >= 100 and 8 <= hmm <= 45 and fill >= 0.6:
            band = box
    best: Box | None = None
    for seed in texts:  # characters of one line of red text, joined
        line = [b for b in texts if min(b.y1, seed.y1) - max(b.y0, seed.y0) > 0.5 * min(b.h, seed.h)]
        union = Box(min(b.x0 for b in line), min(b.y0 for b in line), max(b.x1 for b in line), max(b.y1 for b in line))
        if best is None or union.w > best.w:
            best = union
    if best is not None:
        wmm, hmm = best.w * mm_per_px, best.h * mm_per_px
        centred = abs((best.x0 + best.x1) / 2 - w / 2) < w * 0.2
        if wmm >= 40 and wmm / max(hmm, 0.1) >= 2.5 and centred:
            return HeaderHit(box=best, rule=rule)
    return HeaderHit(box=band, rule=rule, band=True) if band is not None else None
