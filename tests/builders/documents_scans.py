"""Print-and-scan for document builders: render a PDF, degrade the pages (skew, noise, fading,
JPEG, black-and-white copy, phone photo) and wrap them as an image-only PDF."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from tests.builders.documents_pictures import _font


@dataclass(frozen=True)
class Scan:
    dpi: int = 200
    skew: float = 0.8  # degrees
    noise: float = 6.0  # std of Gaussian noise (0-255)
    fade: float = 0.0  # 0 = fresh ink, 0.5 = washed out
    jpeg: int = 70  # JPEG quality
    grey: bool = False  # black-and-white photocopy
    photo: bool = False  # a phone photo of the paper: perspective, uneven light, warm colour cast
    seed: int = 0


def _perspective(img: Image.Image, shift: float, rnd: random.Random) -> Image.Image:
    """Tilt the page as a hand-held phone does: each corner moves by up to `shift` of the size."""
    import numpy as np

    w, h = img.size
    dst = [(0, 0), (w, 0), (w, h), (0, h)]
    src = [(x + rnd.uniform(-shift, shift) * w, y + rnd.uniform(-shift, shift) * h) for x, y in dst]
    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    coeffs = np.linalg.solve(np.array(rows, dtype=float), np.array([c for p in src for c in p], dtype=float))
    return img.transform((w, h), Image.Transform.PERSPECTIVE, tuple(coeffs), Image.Resampling.BICUBIC,
                         fillcolor=(90, 80, 70))


def degrade(img: Image.Image, scan: Scan) -> Image.Image:
    """Print-and-scan effects on one page image."""
    import numpy as np

    rnd = np.random.default_rng(scan.seed)
    img = img.convert("RGB")
    if scan.skew:
        img = img.rotate(scan.skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(255, 255, 255))
    if scan.photo:
        img = _perspective(img, 0.03, random.Random(scan.seed))
    arr = np.asarray(img).astype(np.float32)
    if scan.photo:  # light falls off across the sheet, and indoor light is warm
        h, w = arr.shape[:2]
        ramp = np.linspace(0.78, 1.04, w)[None, :, None] * np.linspace(0.9, 1.02, h)[:, None, None]
        arr = arr * ramp * np.array([1.0, 0.95, 0.84])
    if scan.fade:
        arr = arr + (255 - arr) * scan.fade
    arr = arr * np.array([0.97, 0.96, 0.93]) + 4  # paper tint
    if scan.noise:
        arr = arr + rnd.normal(0, scan.noise, arr.shape)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
    if scan.grey:
        out = out.convert("L").convert("RGB")
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=scan.jpeg)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def render_pages(pdf: Path, dpi: int) -> list[Image.Image]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def images_to_pdf(images: list[Image.Image], out: Path, dpi: int) -> Path:
    """An image-only PDF (one picture a page, no text layer), as scanners write them."""
    first, *rest = images
    first.save(str(out), "PDF", resolution=float(dpi), save_all=True, append_images=rest)
    return out


def scan_pdf(src: Path, out: Path, scan: Scan = Scan()) -> Path:
    pages = [degrade(img, replace(scan, seed=scan.seed + i)) for i, img in enumerate(render_pages(src, scan.dpi))]
    return images_to_pdf(pages, out, scan.dpi)


def blank_scan_pdf(out: Path, pages: int, *, dpi: int = 150) -> Path:
    """A long scan (e.g. 100 pages) of lightly printed pages, cheap to build."""
    base = Image.new("RGB", (int(8.27 * dpi), int(11.69 * dpi)), "white")
    d = ImageDraw.Draw(base)
    f = _font(int(dpi / 6))
    for i in range(20):
        d.text((dpi, dpi + i * dpi / 3), "交通运输信用体系建设工作材料" * 2, font=f, fill=(20, 20, 20))
    return images_to_pdf([base] * pages, out, dpi)
