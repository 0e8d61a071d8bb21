"""What is drawn on a PDF page, from pdfium's page objects: coloured text, red drawings, pictures.

No rendering here: colours come from the content stream (fill/stroke colour of each text, path and
image object), so a born-digital page is judged without drawing a pixel. `render_region` draws a
small part of a page at low resolution when pixels are needed (vector seals, pasted pictures).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from numpy.typing import NDArray

MM = 72 / 25.4  # points per millimetre
Rect = tuple[float, float, float, float]  # left, bottom, right, top in PDF points
# Pixels one render may produce, checked from the page size and resolution before pdfium draws
# anything: an A0 poster at 120 dpi is 22 M; a huge MediaBox (200 × 200 inches) would be 4.7 GB.
MAX_RENDER_PIXELS = 24_000_000


class RenderTooLarge(MemoryError):
    """A render whose bitmap would pass `MAX_RENDER_PIXELS`. A `MemoryError`, so a document that
    can only be read by drawing such a page is reported as too large, not corrupt."""


def render_size(page: pdfium.PdfPage, rect: Rect | None, dpi: float) -> tuple[int, int]:
    """Width and height in pixels of `render_region(page, rect, dpi)`, without drawing."""
    width, height = unrotated_size(page)
    if rect is not None:
        width = max(0.0, min(width, rect[2]) - max(0.0, rect[0]))
        height = max(0.0, min(height, rect[3]) - max(0.0, rect[1]))
    return int(width * dpi / 72) + 1, int(height * dpi / 72) + 1


@dataclass
class PageObjects:
    width: float
    height: float
    text_objects: int = 0
    red_text: list[tuple[Rect, str]] = field(default_factory=list)
    red_paths: list[Rect] = field(default_factory=list)
    red_fills: list[Rect] = field(default_factory=list)  # filled red shapes (bands, discs)
    top_text: list[tuple[Rect, str]] = field(default_factory=list)  # other text in the top 42 %
    images: list[Rect] = field(default_factory=list)  # pictures and form XObjects
    annots: list[Rect] = field(default_factory=list)  # stamp and signature annotations (电子签章)
    black_text: list[Rect] = field(default_factory=list)

    def image_cover(self) -> float:
        """Largest share of the page covered by one picture (a scanned page is ~1)."""
        area = self.width * self.height or 1.0
        return max(((r[2] - r[0]) * (r[3] - r[1]) / area for r in self.images), default=0.0)


def is_red(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return r >= 150 and r - g >= 80 and r - b >= 60


def _colour(fn: object, obj: object) -> tuple[int, int, int] | None:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    ok = fn(obj, r, g, b, a)  # type: ignore[operator]
    return (r.value, g.value, b.value) if ok and a.value else None


def _text_of(obj: pdfium.PdfObject, textpage: pdfium.PdfTextPage) -> str:
    n = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
    if n <= 2:
        return ""
    buf = (ctypes.c_ushort * (n // 2 + 1))()
    pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, buf, n)
    return bytes(buf)[: n - 2].decode("utf-16-le", errors="ignore")


def unrotated_size(page: pdfium.PdfPage) -> tuple[float, float]:
    """Page size in the coordinates of its objects (pdfium reports the size after /Rotate)."""
    width, height = page.get_size()
    return (height, width) if page.get_rotation() in (90, 270) else (width, height)


def page_objects(page: pdfium.PdfPage, *, max_objects: int = 5000) -> PageObjects:
    """Coloured text, red paths and pictures of one page (top-level objects only)."""
    width, height = unrotated_size(page)
    info = PageObjects(width=width, height=height)
    textpage: pdfium.PdfTextPage | None = None
    for i, obj in enumerate(page.get_objects(max_depth=0)):
        if i >= max_objects:  # a pathological page (evil XObjects): what was seen is enough
            break
        try:
            bounds: Rect = tuple(obj.get_bounds())
        except Exception:
            continue
        kind = obj.type
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            info.text_objects += 1
            fill = _colour(pdfium_c.FPDFPageObj_GetFillColor, obj.raw)
            red = fill is not None and is_red(fill)
            if red or bounds[3] > height * 0.58:
                if textpage is None:
                    textpage = page.get_textpage()
                (info.red_text if red else info.top_text).append((bounds, _text_of(obj, textpage)))
            if not red:
                info.black_text.append(bounds)
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            stroke = _colour(pdfium_c.FPDFPageObj_GetStrokeColor, obj.raw)
            fill = _colour(pdfium_c.FPDFPageObj_GetFillColor, obj.raw)
            fill_mode, strokes = ctypes.c_int(), ctypes.c_int()
            pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill_mode, strokes)
            fills_red = bool(fill_mode.value) and fill is not None and is_red(fill)
            if fills_red or (strokes.value and stroke is not None and is_red(stroke)):
                info.red_paths.append(bounds)
            if fills_red:
                info.red_fills.append(bounds)
        elif kind in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
            info.images.append(bounds)
    if textpage is not None:
        textpage.close()
    info.annots = _annotations(page)
    return info


def _annotations(page: pdfium.PdfPage) -> list[Rect]:
    """Rectangles of annotations that can carry a seal: e-seals are stamps or signature widgets."""
    out: list[Rect] = []
    count = pdfium_c.FPDFPage_GetAnnotCount(page.raw)
    for i in range(min(count, 200)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        if not annot:
            continue
        try:
            kind = pdfium_c.FPDFAnnot_GetSubtype(annot)
            if kind in (pdfium_c.FPDF_ANNOT_STAMP, pdfium_c.FPDF_ANNOT_WIDGET, pdfium_c.FPDF_ANNOT_FREETEXT):
                rect = pdfium_c.FS_RECTF()
                if pdfium_c.FPDFAnnot_GetRect(annot, rect):
                    out.append((min(rect.left, rect.right), min(rect.bottom, rect.top),
                                max(rect.left, rect.right), max(rect.bottom, rect.top)))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return out


def render_region(page: pdfium.PdfPage, rect: Rect | None, dpi: float, *, upright: bool = False) -> NDArray[np.uint8]:
    """RGB pixels of `rect` (PDF points; None = whole page) at `dpi`, in the coordinates of the page's
    objects (a /Rotate is undone), or as the page is shown when `upright` (for OCR and pictures)."""
    px_w, px_h = render_size(page, rect, dpi)
    if px_w * px_h > MAX_RENDER_PIXELS:
        raise RenderTooLarge(f"page {px_w}×{px_h} px at {dpi:g} dpi")
    width, height = unrotated_size(page)
    rotation = 0 if upright else (360 - page.get_rotation()) % 360
    crop = (0.0, 0.0, 0.0, 0.0)
    if rect is not None:
        left, bottom = max(0.0, rect[0]), max(0.0, rect[1])
        right, top = min(width, rect[2]), min(height, rect[3])
        crop = (left, bottom, max(0.0, width - right), max(0.0, height - top))
    bitmap = page.render(scale=dpi / 72, crop=crop, rotation=rotation, may_draw_forms=False)
    arr = bitmap.to_numpy()
    # pdfium gives BGR(A) or greyscale; the pixel analysis wants RGB.
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    elif arr.shape[2] >= 3 and bitmap.mode in ("BGR", "BGRA", "BGRX"):
        arr = arr[:, :, 2::-1]
    return np.ascontiguousarray(arr[:, :, :3])


def cluster(rects: list[Rect], gap: float) -> list[Rect]:
    """Union of rectangles closer than `gap` points (the parts of one drawing)."""
    out: list[Rect] = []
    for r in sorted(rects):
        merged = r
        changed = True
        while changed:
            changed = False
            for o in list(out):
                if o[0] - gap <= merged[2] and merged[0] - gap <= o[2] and o[1] - gap <= merged[3] and merged[1] - gap <= o[3]:
                    out.remove(o)
                    merged = (min(o[0], merged[0]), min(o[1], merged[1]), max(o[2], merged[2]), max(o[3], merged[3]))
                    changed = True
        out.append(merged)
    return out
