"""Where the 公文 elements are on PDF pages: the red header of page 1 and the seal.

Born-digital pages are judged from their drawing instructions (red text objects, red filled bands
with the organ name, red drawings, pictures, stamp annotations); only regions that may hold a
seal or a pasted header picture are rendered, at 60–100 dpi. Scanned pages are rendered whole.
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium

from credit_check.facts import gongwen, pixels
from credit_check.facts.gongwen import Element
from credit_check.facts.pdfpage import MM, PageObjects, Rect, RenderTooLarge, cluster, render_region

HEADER_DPI, SEAL_DPI = 60, 100
MAX_REGION_RENDERS = 8
TOP = 0.42  # the header zone: top 42 % of page 1
ORGAN = re.compile(r"(文件|局|委员会|人民政府|政府|办公室|办公厅|中心|大队|支队|厅|部|委)$")


def _frac(rect: Rect, objs: PageObjects) -> tuple[float, float, float, float]:
    w, h = objs.width or 1, objs.height or 1
    return (rect[0] / w, 1 - rect[3] / h, rect[2] / w, 1 - rect[1] / h)


def _px_frac(box: pixels.Box, shape: tuple[int, ...], rect: Rect, objs: PageObjects) -> tuple[float, float, float, float]:
    """A pixel box of a rendered region as page fractions."""
    sx, sy = (rect[2] - rect[0]) / shape[1], (rect[3] - rect[1]) / shape[0]
    page_rect = (rect[0] + box.x0 * sx, rect[3] - box.y1 * sy, rect[0] + box.x1 * sx, rect[3] - box.y0 * sy)
    return _frac(page_rect, objs)


def _organ(text: str) -> bool:
    return any(ORGAN.search(ln.strip()) for ln in text.splitlines()[:3])


def find_header(doc: pdfium.PdfDocument, objs: PageObjects, scanned: bool, colour_seen: bool, page1_text: str) -> Element:
    """Red header of page 1. `colour_seen`: another page of this scan showed colour, so a page 1
    without red is a colour page without a red header, not a black-and-white copy. A red band
    counts when the text in it is an organ name (white on red), not an activity slogan."""
    zone = objs.height * (1 - TOP)
    top_red = [(r, t) for r, t in objs.red_text if r[1] >= zone]
    rules = [r for r in objs.red_paths if r[3] - r[1] < 4 * MM and r[2] - r[0] > 90 * MM and r[1] > objs.height * 0.45]
    if top_red:
        box = (min(r[0] for r, _ in top_red), min(r[1] for r, _ in top_red),
               max(r[2] for r, _ in top_red), max(r[3] for r, _ in top_red))
        text = "".join(t for _, t in top_red).strip()
        lines = "\n".join(t for _, t in sorted(top_red, key=lambda rt: (-rt[0][3], rt[0][0])))
        if (box[2] - box[0] >= 30 * MM or len(text) >= 4) and not (rules or gongwen.names_organ(lines)):
            return Element(present=False, page=1, reason=(
                f"第1页顶部的红色文字“{text[:30]}”不是发文机关标志（应为机关全称或“某某文件”，其下常有红色分隔线）"))
        if box[2] - box[0] >= 30 * MM or len(text) >= 4:
            where = f"第1页顶部红色文字“{text[:30]}”" + ("，下有红色分隔线" if rules else "")
            return Element(present=True, reason=where, page=1, box=_frac(box, objs))
    for band in objs.red_fills:
        if band[3] >= zone and band[2] - band[0] >= 100 * MM and 8 * MM <= band[3] - band[1] <= 45 * MM:
            inside = "".join(t for r, t in objs.top_text if r[0] >= band[0] - 2 and r[2] <= band[2] + 2
                             and r[1] >= band[1] - 2 and r[3] <= band[3] + 2).strip()
            if _organ(inside):
                return Element(present=True, reason=f"第1页顶部红色色带中的机关名称“{inside[:30]}”", page=1,
                               box=_frac(band, objs))
    pictures = [r for r in objs.images if r[3] > zone] + [r for r in objs.red_paths if r[1] >= zone]
    if not pictures and not scanned:
        extra = "（仅有红色分隔线）" if rules else ""
        return Element(present=False, reason=f"第1页顶部没有红色发文机关标志{extra}", page=1)
    rect: Rect = (0.0, zone, objs.width, objs.height)
    try:
        rgb = render_region(doc[0], rect, HEADER_DPI)
    except RenderTooLarge:
        return Element(present=None, reason="第1页尺寸过大，未渲染，无法判断版头 / page too large to render", page=1)
    if pixels.is_greyscale(rgb) and not pixels.red_mask(rgb).any():
        if scanned and not colour_seen:
            return Element(present=None, reason="黑白扫描/复印件，无法确认版头是否为红色", page=1)
        return Element(present=False, reason="第1页顶部没有红色发文机关标志", page=1)
    hit = pixels.find_red_header(rgb, 25.4 / HEADER_DPI, zone=1.0)  # `rgb` is the header zone already
    if hit is None:
        return Element(present=False, reason="第1页顶部没有红色发文机关标志（按图像判断）", page=1)
    if hit.band and scanned and not page1_text.strip():
        return Element(present=None, reason="第1页顶部有红色色带，需 OCR 识别其中是否为发文机关名称", page=1)
    if hit.band and not (scanned and _organ(page1_text)):
        return Element(present=False, reason="第1页顶部为红色色带，其中没有发文机关名称", page=1)
    return Element(present=True, reason="第1页顶部有红色发文机关标志（按图像判断）", page=1,
                   box=_px_frac(hit.box, rgb.shape, rect, objs))


def _seal_regions(objs: PageObjects, page_no: int) -> list[Rect | None]:
    """Parts of a page worth rendering to look for a seal (None: the whole page)."""
    if objs.image_cover() > 0.4:
        return [None]
    lo, hi = 18 * MM, 90 * MM
    header_zone = objs.height * (1 - TOP) if page_no == 1 else objs.height + 1
    red = [r for r in objs.red_paths if r[1] < header_zone] + [r for r, _ in objs.red_text if r[1] < header_zone]
    out: list[Rect | None] = []
    for r in [*objs.images, *objs.annots, *cluster(red, 3 * MM)]:
        w, h = r[2] - r[0], r[3] - r[1]
        if lo <= w <= hi and lo * 0.6 <= h <= hi:
            pad = 3 * MM
            out.append((r[0] - pad, r[1] - pad, r[2] + pad, r[3] + pad))
    return out


def find_seal(doc: pdfium.PdfDocument, objs: dict[int, PageObjects], order: list[int]) -> tuple[Element, bool]:
    """The seal, and whether any rendered page showed colour (a B/W copy cannot show red)."""
    renders = 0
    colour_seen = False
    whole_pages = 0
    too_large = False
    for i in order:
        for rect in _seal_regions(objs[i], i + 1):
            if renders >= MAX_REGION_RENDERS or (rect is None and whole_pages >= 4):
                break
            renders += 1
            whole_pages += rect is None
            try:
                rgb = render_region(doc[i], rect, SEAL_DPI)
            except RenderTooLarge:  # a huge page: not drawn; the seal stays undetermined unless found elsewhere
                too_large = True
                continue
            colour_seen = colour_seen or not pixels.is_greyscale(rgb)
            hits = pixels.find_seals(rgb, 25.4 / SEAL_DPI)
            if hits:
                hit = hits[0]
                full: Rect = rect or (0.0, 0.0, objs[i].width, objs[i].height)
                shape = pixels.SHAPE_NAMES[hit.shape]
                size = f"{hit.width_mm:.0f}×{hit.height_mm:.0f} mm"
                note = "" if hit.shape != "round" or 35 <= hit.width_mm <= 55 else "（尺寸异常）"
                box = _px_frac(hit.box, rgb.shape, full, objs[i])
                # A seal picture with an opaque white background hides the text under it: the text
                # layer still shows that it is pressed over the signature.
                covers = hit.covers_text or _text_under(box, objs[i])
                return Element(present=True, reason=f"第{i + 1}页有红色{shape}印章，约 {size}{note}", page=i + 1,
                               box=box, blank=not covers), colour_seen
    looked = "、".join(str(i + 1) for i in order[:6]) + ("…" if len(order) > 6 else "")
    if too_large:
        return Element(present=None, reason=f"第{looked}页尺寸过大，未能全部渲染，无法判断印章"), colour_seen
    return Element(present=False, reason=f"第{looked}页没有发现红色印章"), colour_seen


def _text_under(box: tuple[float, float, float, float], objs: PageObjects) -> bool:
    """Any black text object overlapping the middle of the seal (page fractions, top-left origin)."""
    x0, y0, x1, y1 = box
    dx, dy = (x1 - x0) * 0.2, (y1 - y0) * 0.2
    left, right = (x0 + dx) * objs.width, (x1 - dx) * objs.width
    top, bottom = (1 - y0 - dy) * objs.height, (1 - y1 + dy) * objs.height
    return any(r[0] < right and r[2] > left and r[1] < top and r[3] > bottom for r in objs.black_text)
