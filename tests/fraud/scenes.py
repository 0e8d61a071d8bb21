"""Pictures for the fraud tests: one room photographed at two meetings, bursts, and copies.

`room` is a synthetic scene (tests.builders.photos.scene) with a red banner; `meeting` puts
people-like figures (textured head-and-body shapes) into it at random places; `later` is the
camera on the same seat a moment later (a small shift and turn, other noise). Two meetings in
one room share the wall, the banner and the framing; only the people differ — the case a
perceptual hash cannot tell from a reused photo.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from tests.builders.photos import scene

Figure = tuple[int, int, int, int, int]  # x, y, width, height, texture seed


def room(seed: int, size: tuple[int, int] = (1200, 900)) -> Image.Image:
    img = scene(seed, size)
    w, h = size
    ImageDraw.Draw(img).rectangle((w // 8, h // 12, w - w // 8, h // 12 + h // 12), fill=(190, 20, 25))
    return img


def figures(seed: int, size: tuple[int, int], n: int) -> list[Figure]:
    rng = np.random.default_rng(seed)
    w, h = size
    out = []
    for _ in range(n):
        fh = int(h * rng.uniform(0.25, 0.4))
        fw = int(fh * rng.uniform(0.4, 0.55))
        out.append((int(rng.integers(0, w - fw)), int(rng.integers(int(h * 0.35), h - fh)), fw, fh,
                    int(rng.integers(1 << 30))))
    return out


def meeting(base: Image.Image, people: list[Figure]) -> Image.Image:
    """`base` with the figures drawn in (each a textured shape of its own)."""
    out = base.copy()
    for x, y, fw, fh, tex in people:
        rng = np.random.default_rng(tex)
        low = rng.uniform(20, 235, (max(2, fh // 24), max(2, fw // 24), 3))
        patch = Image.fromarray(low.astype(np.uint8)).resize((fw, fh), Image.Resampling.BICUBIC)
        mask = Image.new("L", (fw, fh), 0)
        d = ImageDraw.Draw(mask)
        head = fw * 0.55
        d.ellipse(((fw - head) / 2, 0, (fw + head) / 2, head), fill=255)
        d.rounded_rectangle((0, int(head * 0.9), fw, fh), radius=fw // 4, fill=255)
        out.paste(patch, (x, y), mask.filter(ImageFilter.GaussianBlur(1.5)))
    return out


def later(img: Image.Image, seed: int, shift: float = 0.006, turn: float = 0.3) -> Image.Image:
    """The same seat a moment later: a small shift and turn of the camera, other sensor noise."""
    rng = np.random.default_rng(seed)
    w, h = img.size
    moved = img.rotate(float(rng.uniform(-turn, turn)), resample=Image.Resampling.BICUBIC,
                       translate=(float(rng.uniform(-shift, shift) * w), float(rng.uniform(-shift, shift) * h)))
    noise = rng.normal(0, 3, (h, w, 3))
    return Image.fromarray(np.clip(np.asarray(moved, dtype=np.float64) + noise, 0, 255).astype(np.uint8))


def moved(people: list[Figure], seed: int, size: tuple[int, int], by: float = 0.04) -> list[Figure]:
    """The same people a moment later, each moved a little (a burst)."""
    rng = np.random.default_rng(seed)
    w, h = size
    return [(max(0, min(w - fw, x + int(rng.uniform(-by, by) * w))), max(0, min(h - fh, y + int(rng.uniform(-by, by) * h / 2))),
             fw, fh, tex) for x, y, fw, fh, tex in people]
