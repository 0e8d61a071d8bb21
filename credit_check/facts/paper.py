"""Pictures of paper: a phone photo or a scan whose content is a printed page.

Staff photograph sealed notices with their phones and scan pages to JPEG. Such a picture is a
document, not an activity photo: it is checked for the red header, the document number and the
seal (deduction item 6), never for a watermark-camera stamp (item 7).

`find_sheet` looks at the reduced picture: the largest light, colourless region (the sheet under
whatever light the room had), how much of the picture it fills, and whether the dark ink inside it
lies in horizontal text lines (a page has many evenly spaced lines; a meeting room, a banner or a
whiteboard has few). `read_sheet` then judges the sheet like a scanned page: its scale comes from
the sheet's width (A4, 210 mm, or 297 mm when it lies sideways), the red header and seals from its
pixels (`pixels`), the text from OCR of the sheet cut from the full-resolution picture.

A photo that carries a watermark-camera stamp is an activity photo whatever it shows; the reader
only asks this module about photos without one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

from credit_check.facts import gongwen, ocr, pixels
from credit_check.facts.gongwen import Element
from credit_check.facttypes import DocumentFacts

MIN_COVER = 0.30  # the sheet fills at least this much of the picture
MIN_LINES = 6  # text lines on the sheet
MAX_OCR_SIDE = 2000  # the sheet is cut from the full picture at most this large for OCR


@dataclass(frozen=True)
class Sheet:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in the reduced picture
    cover: float  # share of the picture
    lines: int  # text lines found
    ink: float  # share of dark pixels on the sheet


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(start, end) of the runs of True in a 1-D mask."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _span(share: NDArray[np.float64], need: float) -> tuple[int, int] | None:
    """The longest run of rows (or columns) where at least `need` of the pixels are paper."""
    runs = _runs(share >= need)
    return max(runs, key=lambda r: r[1] - r[0]) if runs else None


def _at_least(threshold: float, levels: int = 766) -> int:
    """The smallest channel sum t (0..765) whose brightness t / 3.0 is above `threshold`: the
    brightness of a pixel is above it exactly when its channel sum is at least this (t / 3.0
    only grows with t), so masks are integer comparisons, the same pixels."""
    return int(np.count_nonzero(np.arange(levels) / 3.0 <= threshold))


def _below(threshold: float, levels: int = 766) -> int:
    """The smallest channel sum t whose brightness t / 3.0 is not below `threshold`."""
    return int(np.count_nonzero(np.arange(levels) / 3.0 < threshold))


def _percentile_85(total: NDArray[np.int16]) -> float:
    """`np.percentile(total / 3.0, 85)`: when the two sorted values it interpolates between are
    equal it is that value / 3, found by guessing it from every 16th pixel and counting the pixels
    below and up to the guess (else from a histogram); numpy's own when they differ."""
    n = total.size
    position = (n - 1) * 0.85  # numpy's virtual index (linear method)
    below = int(np.floor(position))
    if below + 1 < n:
        flat = total.ravel()
        sample = flat[::16].copy()
        k = min(len(sample) - 1, int(0.85 * (len(sample) - 1)))
        guess = int(np.partition(sample, k)[k])
        if np.count_nonzero(flat < guess) <= below and np.count_nonzero(flat <= guess) >= below + 2:
            return guess / 3.0  # sorted positions `below` and `below + 1` both hold the guess
        cum = np.cumsum(np.bincount(flat, minlength=766))
        first = int(np.searchsorted(cum, below, side="right"))  # the value at sorted position `below`
        if first == int(np.searchsorted(cum, below + 1, side="right")):  # and at `below + 1`
            return first / 3.0
    return float(np.percentile(total / 3.0, 85))


def _share(mask: NDArray[np.bool_], axis: int | None = None) -> NDArray[np.float64]:
    """`mask.mean(axis)`, the same values (a count over a count), without a float64 copy."""
    count = mask.view(np.uint8).sum(axis=axis, dtype=np.int64)
    return np.asarray(np.true_divide(count, mask.size if axis is None else mask.shape[axis]))


def find_sheet(rgb: NDArray[np.uint8] | Image.Image) -> Sheet | None:
    """The printed page in a picture (an RGB array, or an RGB picture: its channels are split
    without the array's copy), or None when the picture is not mostly a page of text."""
    # In integers, channel by channel from contiguous planes (numpy reduces a last axis of 3, and
    # reads strided channels, slowly): brightness is the channel sum / 3.0, compared through the
    # sum (`_at_least`); the same pixels as rgb.mean(axis=2) and max - min over the channels.
    if isinstance(rgb, Image.Image):
        r, g, b = (np.asarray(channel) for channel in (rgb if rgb.mode == "RGB" else rgb.convert("RGB")).split())
    else:
        r, g, b = np.ascontiguousarray(np.moveaxis(rgb, 2, 0)[:3])
    total = r.astype(np.int16)
    total += g
    total += b
    level = _percentile_85(total)
    if level < 120:
        return None  # no light paper anywhere
    spread = np.maximum(np.maximum(r, g), b)
    spread -= np.minimum(np.minimum(r, g), b)
    paper = (total >= _at_least(level - 50)) & (spread < 45)
    # The sheet: columns, then rows, then columns again, where most pixels are paper (text lines
    # lower a row's share of paper a little; a desk, a wall or people lower it a lot).
    cols = _span(_share(paper, 0), 0.35)
    if cols is None:
        return None
    rows = _span(_share(paper[:, cols[0]:cols[1]], 1), 0.5)
    if rows is None:
        return None
    cols = _span(_share(paper[rows[0]:rows[1]], 0), 0.5)
    if cols is None:
        return None
    y0, y1 = rows
    x0, x1 = cols
    h, w = total.shape
    cover = (y1 - y0) * (x1 - x0) / (h * w)
    if cover < MIN_COVER or y1 - y0 < 60 or x1 - x0 < 60:
        return None
    if float(_share(paper[y0:y1, x0:x1])) < 0.55:
        return None  # not mostly paper: a photograph of a scene
    ink = total[y0:y1, x0:x1] < _below(level - 70)
    share = float(_share(ink))
    if not 0.004 <= share <= 0.25:
        return None
    profile = _share(ink, 1)
    line_rows = profile > max(0.01, float(profile.mean()) * 0.5)
    height = y1 - y0
    lines = [r for r in _runs(line_rows) if 0.004 * height <= r[1] - r[0] <= 0.08 * height]
    if len(lines) < MIN_LINES:
        return None
    return Sheet(box=(x0, y0, x1, y1), cover=cover, lines=len(lines), ink=share)


def _mm_per_px(sheet_rgb: NDArray[np.uint8]) -> float:
    h, w = sheet_rgb.shape[:2]
    return float((210.0 if h >= w else 297.0) / max(1, int(w)))


def _header(sheet_rgb: NDArray[np.uint8], mm: float, text: str | None) -> Element:
    hit = pixels.find_red_header(sheet_rgb, mm)
    if hit is None:
        return Element(present=False, reason="纸面顶部没有红色发文机关标志（按照片判断）", page=1)
    h, w = sheet_rgb.shape[:2]
    box = (hit.box.x0 / w, hit.box.y0 / h, hit.box.x1 / w, hit.box.y1 / h)
    if hit.band and not (text and gongwen_organ(text)):
        return Element(present=False, reason="纸面顶部为红色色带，其中没有发文机关名称", page=1)
    return Element(present=True, reason="纸面顶部有红色发文机关标志（按照片判断）", page=1, box=box)


def gongwen_organ(text: str) -> bool:
    from credit_check.facts.pdfmarks import ORGAN

    return any(ORGAN.search(ln.strip()) for ln in text.splitlines()[:3])


def _seal(sheet_rgb: NDArray[np.uint8], mm: float) -> Element:
    hits = pixels.find_seals(sheet_rgb, mm)
    if not hits:
        if pixels.is_greyscale(sheet_rgb):
            return Element(present=None, reason="黑白照片/扫描件，无法确认是否盖有红色印章")
        return Element(present=False, reason="纸面上没有红色印章（按照片判断）")
    hit = hits[0]
    h, w = sheet_rgb.shape[:2]
    shape = pixels.SHAPE_NAMES[hit.shape]
    return Element(present=True, reason=f"纸面上有红色{shape}印章，约 {hit.width_mm:.0f}×{hit.height_mm:.0f} mm",
                   page=1, box=(hit.box.x0 / w, hit.box.y0 / h, hit.box.x1 / w, hit.box.y1 / h))


def _sheet_for_ocr(image: Image.Image, small_size: tuple[int, int], box: tuple[int, int, int, int]) -> Image.Image:
    """The sheet cut from the picture at up to `MAX_OCR_SIDE` pixels (JPEG draft decoding)."""
    sx = box[2] - box[0]
    sy = box[3] - box[1]
    factor = min(MAX_OCR_SIDE / max(sx, sy), max(image.size) / max(small_size))
    want = (max(1, int(small_size[0] * factor)), max(1, int(small_size[1] * factor)))
    # The reader decoded `image` at reduced size already; open the file again for the sheet's text.
    name: str = getattr(image, "filename", "")
    with Image.open(name) if name else image.copy() as again:
        if again.format in ("JPEG", "MPO"):
            again.draft("RGB", want)
        full = ImageOps.exif_transpose(again.convert("RGB"))
    scale = full.width / small_size[0]
    crop = full.crop(tuple(int(v * scale) for v in box))  # type: ignore[arg-type]
    if max(crop.size) > MAX_OCR_SIDE:
        k = MAX_OCR_SIDE / max(crop.size)
        crop = crop.resize((max(1, int(crop.width * k)), max(1, int(crop.height * k))))
    return crop


def read_sheet(image: Image.Image, small: Image.Image, sheet: Sheet, *, use_ocr: bool) -> tuple[DocumentFacts, list[str]]:
    """Document facts of the sheet in a picture, and its text (one page)."""
    rgb = np.asarray(small)
    x0, y0, x1, y1 = sheet.box
    sheet_rgb = rgb[y0:y1, x0:x1]
    mm = _mm_per_px(sheet_rgb)
    text: str | None = None
    reason: str | None = None
    ocr_state: bool | str = False
    if use_ocr:
        text, reason = gongwen.ocr_image_text(_sheet_for_ocr(image, small.size, sheet.box))
        ocr_state = True if text is not None else "unavailable"
    else:
        reason = "已关闭 OCR / OCR turned off"
    pages = [text or ""]
    facts, _ = gongwen.document_facts(
        pages=pages, page_count=1, scanned=True, header=_header(sheet_rgb, mm, text), seal=_seal(sheet_rgb, mm),
        ocr_state="unavailable" if ocr_state == "unavailable" else bool(ocr_state),
        text_known=bool(text and text.strip()), from_ocr=True)
    if not (text and text.strip()):
        note = reason or ocr.UNAVAILABLE_REASON
        facts = facts.model_copy(update={"doc_number_reason": f"照片中的文字无法识别：{note}",
                                         "notes": (note,)})
    return facts.model_copy(update={"paper_picture": True}), pages
