"""Facts of PDF files: text per page, scans, OCR, and the 公文 elements (红头、文号、公章).

Text comes from pypdf (pdfium when pypdf cannot read a page). A page without usable text — no
text layer, or garbage from fonts without a usable ToUnicode map — is a scanned page; when the
OCR extra is installed the first two and the last such pages are read by OCR (a 100-page scan
costs three OCR passes, not a hundred), and the facts say which pages were read.

Born-digital pages are judged from their drawing instructions (red text and red drawings in the
content stream, pictures); only small regions that may hold a seal or a pasted header picture are
rendered, at 60–100 dpi. Scanned pages are rendered whole at the same low resolution.
"""

from __future__ import annotations

import contextlib
import logging
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pypdfium2 as pdfium
from numpy.typing import NDArray
from PIL import Image

from credit_check.dates import find_dates
from credit_check.facts import gongwen, ocr, pixels
from credit_check.facts.gongwen import Element
from credit_check.facts.pdfpage import MM, PageObjects, Rect, cluster, page_objects, render_region
from credit_check.model import Extracted, Kind

if TYPE_CHECKING:
    from credit_check.facts import ExtractOptions

# pypdf reports every repaired flaw (junk before %PDF, bad xref offsets) as a warning on stderr;
# the audit reports what matters itself.
logging.getLogger("pypdf").setLevel(logging.ERROR)

ENCRYPTED = "PDF 已加密（设置了打开密码），无法读取，请提供未加密版本 / encrypted PDF (needs a password), cannot be read"
CORRUPT = "PDF 文件已损坏，无法解析 / corrupt PDF, cannot be parsed"
HEADER_DPI, SEAL_DPI, PAGE_DPI, OCR_DPI = 60, 100, 72, 120
MAX_REGION_RENDERS = 8
TOP = 0.42  # the header zone: top 42 % of page 1
ORGAN = re.compile(r"(文件|局|委员会|人民政府|政府|办公室|办公厅|中心|大队|支队|厅|部|委)$")


def usable_text(text: str) -> bool:
    """Readable text, not a handful of characters or mojibake from a font without ToUnicode."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) < 8 or "(cid:" in text:
        return False
    good = 0.0
    for c in chars:
        code = ord(c)
        if 0x4E00 <= code <= 0x9FFF or (c.isascii() and c.isalnum()):
            good += 1
        elif unicodedata.category(c).startswith("P") or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF:
            good += 0.5
    return good / len(chars) >= 0.6


def _open(path: Path) -> tuple[Any, pdfium.PdfDocument | None, bool]:
    """(pypdf reader or None, pdfium document or None, locked by a password)."""
    import pypdf

    reader: Any = None
    locked = False
    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            locked = True
        len(reader.pages)  # a broken page tree fails here, not halfway through the pages
    except Exception:
        reader = None
    doc: pdfium.PdfDocument | None = None
    try:
        doc = pdfium.PdfDocument(str(path), password="")
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            locked = True
        else:  # junk before %PDF and other damage: give pdfium the bytes from %PDF on
            data = path.read_bytes()
            start = data.find(b"%PDF-")
            if start > 0:
                with contextlib.suppress(pdfium.PdfiumError):
                    doc = pdfium.PdfDocument(data[start:], password="")
    return reader, doc, locked


def _page_text(reader: Any, doc: pdfium.PdfDocument | None, i: int) -> str:
    text = ""
    if reader is not None:
        try:
            text = reader.pages[i].extract_text() or ""
        except Exception:  # broken content streams, missing decryption support: try pdfium
            text = ""
    if not usable_text(text) and doc is not None:
        try:
            tp = doc[i].get_textpage()
            alt = tp.get_text_range()
            tp.close()
            if usable_text(alt):
                text = alt
        except Exception:
            pass
    return text.replace("\x00", "")


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


def _header(doc: pdfium.PdfDocument, objs: PageObjects, scanned: bool, colour_seen: bool, page1_text: str) -> Element:
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
    rgb = render_region(doc[0], rect, HEADER_DPI)
    if pixels.is_greyscale(rgb) and not pixels.red_mask(rgb).any():
        if scanned and not colour_seen:
            return Element(present=None, reason="黑白扫描/复印件，无法确认版头是否为红色", page=1)
        return Element(present=False, reason="第1页顶部没有红色发文机关标志", page=1)
    hit = pixels.find_red_header(rgb, 25.4 / HEADER_DPI)
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


def _seal(doc: pdfium.PdfDocument, objs: dict[int, PageObjects], order: list[int]) -> tuple[Element, bool]:
    """The seal, and whether any rendered page showed colour (a B/W copy cannot show red)."""
    renders = 0
    colour_seen = False
    whole_pages = 0
    for i in order:
        for rect in _seal_regions(objs[i], i + 1):
            if renders >= MAX_REGION_RENDERS or (rect is None and whole_pages >= 4):
                break
            renders += 1
            whole_pages += rect is None
            rgb = render_region(doc[i], rect, SEAL_DPI)
            colour_seen = colour_seen or not pixels.is_greyscale(rgb)
            hits = pixels.find_seals(rgb, 25.4 / SEAL_DPI)
            if hits:
                hit = hits[0]
                full: Rect = rect or (0.0, 0.0, objs[i].width, objs[i].height)
                shape = pixels.SHAPE_NAMES[hit.shape]
                size = f"{hit.width_mm:.0f}×{hit.height_mm:.0f} mm"
                note = "" if hit.shape != "round" or 35 <= hit.width_mm <= 55 else "（尺寸异常）"
                return Element(present=True, reason=f"第{i + 1}页有红色{shape}印章，约 {size}{note}", page=i + 1,
                               box=_px_frac(hit.box, rgb.shape, full, objs[i]),
                               blank=None if hit.covers_text is None else not hit.covers_text), colour_seen
    looked = "、".join(str(i + 1) for i in order[:6]) + ("…" if len(order) > 6 else "")
    return Element(present=False, reason=f"第{looked}页没有发现红色印章"), colour_seen


def _ocr(doc: pdfium.PdfDocument, idxs: list[int], seal: Element) -> dict[int, str] | None:
    if ocr.engine() is None:
        return None
    out: dict[int, str] = {}
    for i in idxs:
        rgb = render_region(doc[i], None, OCR_DPI)
        text, _ = gongwen.ocr_image_text(Image.fromarray(rgb))
        out[i] = text or ""
        if seal.box is not None and seal.page == i + 1 and not find_dates(out[i][-300:]):
            out[i] += _date_under_seal(rgb, seal.box)
    return out


def _date_under_seal(rgb: NDArray[np.uint8], box: tuple[float, float, float, float]) -> str:
    """The signature and date under a seal, read again with the red ink dropped (red channel only)."""
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = box
    bw, bh = (x1 - x0) * w, (y1 - y0) * h
    crop = rgb[max(0, int(y0 * h - bh * 0.4)): int(y1 * h + bh * 0.4), max(0, int(x0 * w - bw)): int(x1 * w + bw), 0]
    if crop.size == 0:
        return ""
    text, _ = gongwen.ocr_image_text(Image.fromarray(crop).convert("RGB"))
    lines = [ln for ln in (text or "").splitlines() if find_dates(ln)]
    return "\n" + "\n".join(lines) if lines else ""


def extract(path: Path, options: ExtractOptions) -> Extracted:
    reader, doc, locked = _open(path)
    if locked:
        return Extracted(kind=Kind.DOCUMENT, facts={"encrypted": True}, error=ENCRYPTED)
    if doc is None and reader is None:
        return Extracted(kind=Kind.DOCUMENT, error=CORRUPT)
    try:
        return _extract(reader, doc, options)
    finally:
        if doc is not None:
            doc.close()


def _extract(reader: Any, doc: pdfium.PdfDocument | None, options: ExtractOptions) -> Extracted:
    count = len(doc) if doc is not None else len(reader.pages)
    if count == 0:
        return Extracted(kind=Kind.DOCUMENT, facts={"pages": 0}, error="PDF 没有页面 / PDF has no pages")
    n = min(count, options.max_pages)
    texts = [_page_text(reader, doc, i) for i in range(n)]
    usable = [usable_text(t) for t in texts]
    scanned = sum(not u for u in usable) * 2 > n
    notes: list[str] = [] if n == count else [f"只读取了前 {n} 页"]
    if doc is None:  # pypdf could read it, pdfium could not: text only
        none = gongwen.undetermined("无法渲染该 PDF，未能检查版头和印章")
        facts, issued_on = gongwen.document_facts(pages=texts, page_count=count, scanned=scanned, header=none, seal=none,
                                                  ocr_state=False, text_known=usable[0], from_ocr=False)
        return Extracted(kind=Kind.DOCUMENT, facts=facts, pages=tuple(texts), content_date=issued_on,
                         content_date_source="text" if issued_on else None)
    look = list(range(n)) if n <= 12 else [0, 1, n - 3, n - 2, n - 1]
    objs = {i: page_objects(doc[i]) for i in look}
    # Scanned pages to OCR: the first two and the last one (the title, number, date and seal are there).
    blind = [i for i in range(n) if not usable[i]]
    ocr_idx = sorted({*blind[:2], *blind[-1:]})
    # The seal is on the last page, or on the last page of the body before attachments.
    order = list(dict.fromkeys([n - 1, n - 2, 0, 1, *sorted(look, reverse=True)]))
    order = [i for i in order if i in objs]
    seal, colour = _seal(doc, objs, order)
    ocr_state: bool | str = False
    from_ocr = False
    if ocr_idx and options.ocr:
        read = _ocr(doc, ocr_idx, seal)
        if read is None:
            ocr_state = "unavailable"
        else:
            ocr_state, from_ocr = True, not usable[0]
            for i, text in read.items():
                texts[i] = text
            if len(blind) > len(ocr_idx):
                notes.append("OCR 只识别了第 " + "、".join(str(i + 1) for i in ocr_idx) + " 页")
    elif ocr_idx:
        ocr_state = "unavailable"
    header = _header(doc, objs[0], scanned=not usable[0], colour_seen=colour, page1_text=texts[0])
    if seal.present is False and scanned and not colour and header.present is not True:
        seal = Element(present=None, reason="黑白扫描/复印件，无法确认是否盖有红色印章")
    text_known = usable[0] or bool(texts[0].strip() and from_ocr)
    if not text_known and ocr_state == "unavailable":
        notes.append(ocr.UNAVAILABLE_REASON)
    facts, issued_on = gongwen.document_facts(pages=texts, page_count=count, scanned=scanned, header=header, seal=seal,
                                              ocr_state=ocr_state, text_known=text_known, from_ocr=from_ocr)
    if notes:
        facts["notes"] = notes
    if ocr_state is True:
        facts["ocr_pages"] = [i + 1 for i in ocr_idx]
    return Extracted(kind=Kind.DOCUMENT, facts=facts, pages=tuple(texts), content_date=issued_on,
                     content_date_source="text" if issued_on else None)


def page_image(path: Path, page: int, dpi: float) -> Image.Image:
    """Page `page` (1-based) as a picture, for annotation."""
    doc = pdfium.PdfDocument(str(path), password="")
    try:
        return Image.fromarray(render_region(doc[page - 1], None, dpi))
    finally:
        doc.close()

