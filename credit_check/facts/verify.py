"""Is a pair of photos the same capture? Local features under a geometric model, then the pixels.

Perceptual hashes only say two pictures *look* alike; quarterly meetings in the same room, under
the same banner, shot from the same seat look alike too. This module opens the two files of a
candidate pair (read-only, the only place outside the readers that does, and only for candidate
pairs; `credit_check.verify` calls it between the facts and the checks) and decides in three
steps, with the watermark stamps masked out (the boxes the stamp reader found):

1. **Features.** ORB keypoints (up to 1 500 per picture, on a grey copy whose long side is
   800 px) matched by Hamming distance with Lowe's ratio test; a mirrored copy is tried when the
   picture as it is gives too few matches.
2. **Geometry.** A similarity transform (scale, rotation, shift) fitted with RANSAC. Resizing,
   cropping and mirroring are all such transforms; the inliers must agree on it and spread over
   the picture (not one banner or one stamp).
3. **Pixels.** The second picture is warped onto the first and both are compared cell by cell
   (a 24 px grid) after matching their grey-level distributions (brightness, contrast, gamma):
   a textured cell agrees when its normalised correlation is high, a flat cell when its mean is
   close. The same capture agrees nearly everywhere; the same room at another moment does not —
   people moved, sat elsewhere, were different — even when the wall, the banner and the seat
   did not move.

Verdicts: `same` (conclusive: enough inliers, a large overlap, and at least `SAME_AGREEMENT` of
the compared cells agree with no sizeable disagreeing patch), `similar` (the geometry holds and
most of the picture agrees, but not enough to be sure: a burst shot, or a copy edited further —
a person should look), `different`, or `unverified` (a file could not be opened, or OpenCV is not
installed). Every verdict carries its evidence: matches, inliers, the transform, the agreement
and the matched regions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from PIL import Image, ImageOps

Box = tuple[float, float, float, float]  # left, top, right, bottom as fractions of the picture
Verdict = Literal["same", "similar", "different", "unverified"]

WORK_SIDE = 800  # long side of the working picture
FEATURES = 1500
RATIO = 0.8  # Lowe's ratio test
RANSAC_PX = 4.0  # inlier distance at the working size
CELL = 24  # pixel-comparison grid, at the working size
BLUR = 1.2  # Gaussian sigma before comparing pixels (recompression, resampling)
DETAIL = 2.0  # the detail band: the blurred picture minus a blur of this sigma
DETAIL_LEVEL = 4.0  # grey-level spread above which a cell's detail is compared
DETAIL_ZNCC = 0.5
MIN_INLIERS = 12  # fewer: no shared geometry at all
SAME_INLIERS = 30
SAME_OVERLAP = 0.55  # share of the smaller picture covered by the other (crops up to 20 % leave 0.64)
SAME_AGREEMENT = 0.97
SIMILAR_AGREEMENT = 0.85
MAX_BLOB = 0.012  # a connected patch of disagreeing cells larger than this share of the cells: not the same moment
SPREAD_CELLS = 6  # inliers must fall in at least this many cells of a 4 x 4 grid
STAMP_PAD = 0.02  # stamp boxes are masked with this margin


def available() -> bool:
    """OpenCV (opencv-python-headless) is importable."""
    try:
        import cv2  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class Prepared:
    """A photo ready for comparison: grey working copy, stamp mask, features (and mirrored ones on demand)."""

    grey: np.ndarray  # uint8, long side WORK_SIDE (or less for small pictures)
    mask: np.ndarray  # uint8 255 where features may be taken (not a stamp)
    keypoints: np.ndarray  # (n, 2) float32 positions
    descriptors: np.ndarray | None
    _mirror: tuple[np.ndarray, np.ndarray | None] | None = field(default=None, repr=False)

    @property
    def size(self) -> tuple[int, int]:
        return int(self.grey.shape[1]), int(self.grey.shape[0])

    def mirrored(self) -> tuple[np.ndarray, np.ndarray | None]:
        if self._mirror is None:
            self._mirror = _features(np.ascontiguousarray(self.grey[:, ::-1]),
                                     np.ascontiguousarray(self.mask[:, ::-1]))
        return self._mirror


@dataclass(frozen=True, slots=True)
class PairVerdict:
    """What the comparison of two photos found, with its evidence."""

    verdict: Verdict
    reason: str = ""
    matches: int = 0  # feature matches that passed the ratio test
    inliers: int = 0  # matches consistent with the transform
    transform: str = ""  # "similarity" (scale, rotation, shift), "similarity+mirror"
    scale: float = 0.0  # size of b relative to a (at the working size)
    rotation: float = 0.0  # degrees
    overlap: float = 0.0  # share of the smaller picture covered by the other
    agreement: float = 0.0  # share of compared cells whose pixels agree
    blob: float = 0.0  # largest connected patch of disagreeing cells, as a share of the compared cells
    cells: int = 0  # cells compared
    box_a: Box | None = None  # the matched region in each picture (fractions)
    box_b: Box | None = None

    def evidence(self) -> dict[str, str | int | float]:
        """The verdict as finding evidence (flat, JSON-friendly)."""
        out: dict[str, str | int | float] = {"verification": self.verdict}
        if self.reason:
            out["verification_reason"] = self.reason
        if self.matches:
            out.update(features_matched=self.matches, inliers=self.inliers)
        if self.transform:
            out.update(transform=self.transform, scale=round(self.scale, 3), rotation_deg=round(self.rotation, 2),
                       overlap=round(self.overlap, 3))
        if self.cells:
            out.update(pixel_agreement=round(self.agreement, 3), cells_compared=self.cells,
                       largest_difference=round(self.blob, 3))
        if self.box_a is not None and self.box_b is not None:  # numbers, so the finding's fingerprint ignores them
            for name, box in (("a", self.box_a), ("b", self.box_b)):
                out.update({f"region_{name}_{side}": round(v, 3) for side, v in zip(SIDES, box, strict=True)})
        return out


SIDES = ("left", "top", "right", "bottom")


def _features(grey: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    import cv2

    orb = cv2.ORB.create(nfeatures=FEATURES, fastThreshold=12)
    kps, desc = orb.detectAndCompute(grey, mask)
    points = np.array([kp.pt for kp in kps], dtype=np.float32).reshape(-1, 2)
    return points, desc


def _stamp_mask(size: tuple[int, int], boxes: tuple[Box, ...]) -> np.ndarray:
    w, h = size
    mask = np.full((h, w), 255, dtype=np.uint8)
    for left, top, right, bottom in boxes:
        x0, x1 = int(max(0.0, left - STAMP_PAD) * w), math.ceil(min(1.0, right + STAMP_PAD) * w)
        y0, y1 = int(max(0.0, top - STAMP_PAD) * h), math.ceil(min(1.0, bottom + STAMP_PAD) * h)
        mask[y0:y1, x0:x1] = 0
    return mask


def load_grey(path: Path) -> np.ndarray:
    """The picture upright, grey, long side at most WORK_SIDE (JPEGs decoded at reduced size)."""
    with Image.open(path) as image:
        w, h = image.size
        factor = WORK_SIDE / max(w, h)
        if factor < 1 and image.format in ("JPEG", "MPO"):
            image.draft("RGB", (max(1, int(w * factor)), max(1, int(h * factor))))
        upright = ImageOps.exif_transpose(image.convert("RGB"))
    w, h = upright.size
    factor = WORK_SIDE / max(w, h)
    if factor < 1:
        upright = upright.resize((max(1, round(w * factor)), max(1, round(h * factor))), Image.Resampling.BILINEAR)
    return np.asarray(upright.convert("L"), dtype=np.uint8)


def prepare(grey: np.ndarray, stamp_boxes: tuple[Box, ...] = ()) -> Prepared:
    """Features of a grey picture with its stamp boxes masked."""
    grey = np.ascontiguousarray(grey)
    mask = _stamp_mask((grey.shape[1], grey.shape[0]), stamp_boxes)
    points, desc = _features(grey, mask)
    return Prepared(grey=grey, mask=mask, keypoints=points, descriptors=desc)


def prepare_file(path: Path, stamp_boxes: tuple[Box, ...] = ()) -> Prepared:
    return prepare(load_grey(path), stamp_boxes)


def _match(da: np.ndarray | None, db: np.ndarray | None) -> list[tuple[int, int]]:
    import cv2

    if da is None or db is None or len(da) < 2 or len(db) < 2:
        return []
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    pairs = []
    for m in matcher.knnMatch(da, db, k=2):
        if len(m) == 2 and m[0].distance < RATIO * m[1].distance:
            pairs.append((m[0].queryIdx, m[0].trainIdx))
    return pairs


def _fit(pa: np.ndarray, pb: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """Similarity transform mapping b's points onto a's, and the inlier flags."""
    import cv2

    if len(pa) < 3:
        return None, np.zeros(len(pa), dtype=bool)
    matrix, inliers = cv2.estimateAffinePartial2D(pb, pa, method=cv2.RANSAC, ransacReprojThreshold=RANSAC_PX,
                                                  maxIters=3000, confidence=0.995, refineIters=10)
    if matrix is None or inliers is None:
        return None, np.zeros(len(pa), dtype=bool)
    return np.asarray(matrix, dtype=np.float64), inliers.ravel().astype(bool)


def _spread(points: np.ndarray, size: tuple[int, int]) -> int:
    """Cells of a 4 x 4 grid over the picture that hold an inlier."""
    w, h = size
    cx = np.clip((points[:, 0] / w * 4).astype(int), 0, 3)
    cy = np.clip((points[:, 1] / h * 4).astype(int), 0, 3)
    return len(set(zip(cx.tolist(), cy.tolist(), strict=True)))


def _bbox(points: np.ndarray, size: tuple[int, int]) -> Box:
    w, h = size
    return (float(points[:, 0].min() / w), float(points[:, 1].min() / h),
            float(points[:, 0].max() / w), float(points[:, 1].max() / h))


@dataclass(frozen=True)
class _Geometry:
    matrix: np.ndarray  # 2x3, b (possibly mirrored) → a
    mirrored: bool
    matches: int
    inliers: int
    points_a: np.ndarray
    points_b: np.ndarray  # in b's own (unmirrored) coordinates


def _geometries(a: Prepared, b: Prepared) -> tuple[list[_Geometry], int]:
    """The transform fitted to the matches of the picture as it is and of its mirror image (those
    with enough inliers), best first; and the most matches seen."""
    found: list[_Geometry] = []
    most_matches = 0
    for mirrored in (False, True):
        kb, db = b.mirrored() if mirrored else (b.keypoints, b.descriptors)
        pairs = _match(a.descriptors, db)
        most_matches = max(most_matches, len(pairs))
        if len(pairs) < MIN_INLIERS:
            continue
        pa = np.array([a.keypoints[i] for i, _ in pairs], dtype=np.float32)
        pb = np.array([kb[j] for _, j in pairs], dtype=np.float32)
        matrix, flags = _fit(pa, pb)
        if matrix is None or int(flags.sum()) < MIN_INLIERS:
            continue
        own_b = pb[flags].copy()
        if mirrored:
            own_b[:, 0] = b.size[0] - 1 - own_b[:, 0]
        found.append(_Geometry(matrix=matrix, mirrored=mirrored, matches=len(pairs), inliers=int(flags.sum()),
                               points_a=pa[flags], points_b=own_b))
    return sorted(found, key=lambda g: -g.inliers), most_matches


def _cells(image: np.ndarray) -> np.ndarray:
    """(rows, cols, CELL*CELL) view of the picture cut into whole cells."""
    rows, cols = image.shape[0] // CELL, image.shape[1] // CELL
    cut = image[:rows * CELL, :cols * CELL]
    return cut.reshape(rows, CELL, cols, CELL).swapaxes(1, 2).reshape(rows, cols, CELL * CELL)


def _match_levels(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """A lookup table mapping `source`'s grey levels onto `target`'s distribution (quantile mapping)."""
    src_q = np.percentile(source, np.linspace(0, 100, 65))
    tgt_q = np.percentile(target, np.linspace(0, 100, 65))
    src_q = np.maximum.accumulate(src_q + np.linspace(0, 1e-3, 65))
    return np.asarray(np.interp(np.arange(256), src_q, tgt_q))


def _largest_blob(bad: np.ndarray) -> int:
    """Cells in the largest 4-connected patch of True cells."""
    seen = np.zeros_like(bad)
    best = 0
    rows, cols = bad.shape
    for r0, c0 in zip(*np.nonzero(bad), strict=True):
        if seen[r0, c0]:
            continue
        stack, size = [(int(r0), int(c0))], 0
        seen[r0, c0] = True
        while stack:
            r, c = stack.pop()
            size += 1
            for rr, cc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if 0 <= rr < rows and 0 <= cc < cols and bad[rr, cc] and not seen[rr, cc]:
                    seen[rr, cc] = True
                    stack.append((rr, cc))
        best = max(best, size)
    return best


def _pixels(a: Prepared, b: Prepared, geo: _Geometry) -> tuple[float, float, int, float]:
    """Agreement, largest disagreeing patch (shares), cells compared, overlap of the smaller picture."""
    import cv2

    w, h = a.size
    scale = _scale(geo.matrix)
    grey_b = np.ascontiguousarray(b.grey[:, ::-1]) if geo.mirrored else b.grey
    mask_b = np.ascontiguousarray(b.mask[:, ::-1]) if geo.mirrored else b.mask
    # Compare at the resolution of the coarser picture: blur the finer one accordingly.
    sigma_a, sigma_b = BLUR * max(1.0, scale), BLUR * max(1.0, 1.0 / scale)
    smooth_b = cv2.GaussianBlur(grey_b, (0, 0), sigma_b)
    warped = cv2.warpAffine(smooth_b, geo.matrix, (w, h), flags=cv2.INTER_LINEAR)
    raw_b = cv2.warpAffine(grey_b, geo.matrix, (w, h), flags=cv2.INTER_NEAREST)
    ones = np.full(grey_b.shape, 255, dtype=np.uint8)
    inside = cv2.warpAffine(ones, geo.matrix, (w, h), flags=cv2.INTER_NEAREST) > 0
    # Blurring reaches past the edges (the other picture's border, this picture's frame): keep clear of them.
    reach = math.ceil(3 * max(sigma_a, sigma_b * scale)) + 2
    inside = cv2.erode(inside.astype(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0
    inside[:reach], inside[-reach:], inside[:, :reach], inside[:, -reach:] = False, False, False, False
    covered = float(inside.mean())
    area_b = b.size[0] * b.size[1] * scale ** 2
    overlap = covered * w * h / max(1.0, min(float(w * h), area_b))
    valid = inside & (cv2.warpAffine(mask_b, geo.matrix, (w, h), flags=cv2.INTER_NEAREST) > 0) & (a.mask > 0)
    if valid.sum() < 16 * CELL * CELL:
        return 0.0, 1.0, 0, overlap
    ga = cv2.GaussianBlur(a.grey, (0, 0), sigma_a).astype(np.float32)
    gb = warped.astype(np.float32)
    lut = _match_levels(gb[valid], ga[valid]).astype(np.float32)
    gb = lut[np.clip(gb, 0, 255).astype(np.uint8)]
    # The detail band (what a coarse look misses: different words on the same lines of a notice).
    da = ga - cv2.GaussianBlur(ga, (0, 0), DETAIL)
    db = gb - cv2.GaussianBlur(gb, (0, 0), DETAIL)
    ca, cb, cv = _cells(ga), _cells(gb), _cells(valid.astype(np.float32))
    ma, mb = ca.mean(axis=2), cb.mean(axis=2)
    # A brightened (or darkened) copy burns highlights (shadows) the other picture still shows: a bright
    # cell clipped in one picture only says nothing (a white page with text, clipped in both, still counts).
    raw_a, raw_bc = _cells(a.grey), _cells(raw_b)
    high = ((raw_a >= 250).mean(axis=2) >= 0.2) ^ ((raw_bc >= 250).mean(axis=2) >= 0.2)
    low = ((raw_a <= 4).mean(axis=2) >= 0.2) ^ ((raw_bc <= 4).mean(axis=2) >= 0.2)
    burned = (high & (np.minimum(ma, mb) >= 190)) | (low & (np.maximum(ma, mb) <= 65))
    use = (cv.mean(axis=2) >= 0.999) & ~burned  # whole cells only
    sa, sb = ca.std(axis=2), cb.std(axis=2)
    cov = ((ca - ma[..., None]) * (cb - mb[..., None])).mean(axis=2)
    zncc = cov / np.maximum(sa * sb, 1e-6)
    textured = np.maximum(sa, sb) >= 6.0
    agree_textured = (zncc >= 0.8) & (np.abs(ma - mb) <= 24) & (np.minimum(sa, sb) >= 0.5 * np.maximum(sa, sb))
    fa, fb = _cells(da), _cells(db)
    fsa, fsb = fa.std(axis=2), fb.std(axis=2)
    detail = (fa * fb).mean(axis=2) / np.maximum(fsa * fsb, 1e-6)  # the band has zero mean
    detailed = np.maximum(fsa, fsb) >= DETAIL_LEVEL
    agree_textured &= ~detailed | (detail >= DETAIL_ZNCC)
    agree_flat = np.abs(ma - mb) <= 10
    agree = np.where(textured, agree_textured, agree_flat)
    n = int(use.sum())
    if n == 0:
        return 0.0, 1.0, 0, overlap
    bad = use & ~agree
    return float((agree & use).sum() / n), _largest_blob(bad) / n, n, overlap


def _scale(matrix: np.ndarray) -> float:
    return float(math.hypot(matrix[0, 0], matrix[1, 0]))


def _judge(a: Prepared, b: Prepared, geo: _Geometry) -> PairVerdict:
    scale = _scale(geo.matrix)
    rotation = math.degrees(math.atan2(geo.matrix[1, 0], geo.matrix[0, 0]))
    base: dict[str, Any] = {
        "matches": geo.matches, "inliers": geo.inliers, "scale": scale, "rotation": rotation,
        "transform": "similarity+mirror" if geo.mirrored else "similarity",
        "box_a": _bbox(geo.points_a, a.size), "box_b": _bbox(geo.points_b, b.size)}
    spread = min(_spread(geo.points_a, a.size), _spread(geo.points_b, b.size))
    if spread < SPREAD_CELLS:
        return PairVerdict(verdict="different", reason="matches confined to one part of the picture", **base)
    if not 0.2 <= scale <= 5 or min(abs(rotation - k) for k in (-180, -90, 0, 90, 180)) > 4:
        return PairVerdict(verdict="different", reason="implausible transform", **base)
    agreement, blob, cells, overlap = _pixels(a, b, geo)
    base.update(agreement=agreement, blob=blob, cells=cells, overlap=overlap)
    if (geo.inliers >= SAME_INLIERS and overlap >= SAME_OVERLAP and agreement >= SAME_AGREEMENT
            and blob <= MAX_BLOB and cells >= 100):
        return PairVerdict(verdict="same", reason="same capture", **base)
    if agreement >= SIMILAR_AGREEMENT and overlap >= SAME_OVERLAP * 0.8:
        return PairVerdict(verdict="similar", reason="same scene and framing, pictures differ in places", **base)
    return PairVerdict(verdict="different", reason="same geometry, different content", **base)


_RANK = {"same": 3, "similar": 2, "different": 1, "unverified": 0}


def compare(a: Prepared, b: Prepared) -> PairVerdict:
    """Compare two prepared photos (see the module docstring for the verdicts)."""
    geometries, matches = _geometries(a, b)
    if not geometries:
        return PairVerdict(verdict="different", reason="no shared geometry", matches=matches)
    best: PairVerdict | None = None
    for geo in geometries:  # the picture as it is and its mirror image: the better verdict counts
        verdict = _judge(a, b, geo)
        if best is None or (_RANK[verdict.verdict], verdict.agreement) > (_RANK[best.verdict], best.agreement):
            best = verdict
    assert best is not None
    return best
