"""The burned-in time stamp of watermark cameras (今日水印相机, 马克水印相机 …): found? what time?

The picture is decoded at reduced size (JPEG draft mode: a 12-megapixel photo is decoded at
1/4 scale, ~30 ms) to the size the OCR detector works at anyway (short side 736 px), and the
OCR reads it once. The stamp is then the text that looks like one: an `HH:MM` (big, or after
时间：) with a date (`2024.05.12`, `2024-05-12`, `2024/05/12`, `2024年5月12日`) and/or a weekday
(星期日, 周日) close to it — a banner that only shows a date is not a stamp, nor is a slide
or poster in the middle of the frame (the apps stamp near the edges). When the stamp's date
or time did not parse (big digits misread at full-frame scale: "09:00" as "00:60"), the stamp
region alone is read a second time. Without OCR the answer is None ("could not determine"),
never False.

**Located first.** Reading the whole picture costs about 0.7 s on one core (the detector never
works on less than 736 × 736 pixels, and every line is recognised). Stamps are text drawn over
the picture near its top or bottom edge, bright on a darker scene or dark on a light card, so
`locate_stamp` finds such blocks by their pixels (morphological top-hat and black-hat, joined
into lines and blocks; OpenCV, ~15 ms) and the crop engine (`ocr.crop_engine`: detector at the
crop's own scale, one line at a time) reads just those: about 0.2 s. That reading is kept only
when it is a complete stamp (a date and a time); otherwise the whole picture is read as before,
so a stamp the locator misses costs time, never a wrong "no stamp".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from PIL import Image, ImageOps

from credit_check.dates import find_dates

OCR_SIDE = 736  # the short side RapidOCR's detector scales every input to

_TIME = re.compile(r"(?<![\d:])([01]?\d|2[0-3])\s*[:：]\s*([0-5]\d)(?:\s*[:：]\s*([0-5]\d))?(?![\d])")
_AFTERNOON = re.compile(r"下午|晚上|\bPM\b", re.IGNORECASE)
_WEEKDAY = re.compile(r"(?:星期|周|礼拜)([一二三四五六日天])")
# OCR joins "2024.05.12 14:30" into "2024.05.1214:30": put the space back.
_JOINED = re.compile(r"((?:19|20)\d{2}([./-])\d{1,2}\2\d{2})(?=\d{1,2}[:：.]\d{2}(?!\d))")
# OCR drops the first separator of "2024-09-03" ("202409-03"): put it back when the month is a month.
_LOST_SEP = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])([./-])(\d{1,2})(?!\d)")
# OCR reads the first dot of "2024.02.01" as a comma.
_COMMA_DATE = re.compile(r"((?:19|20)\d{2})[,，]\s*(\d{1,2})([./-])")
# Misreadings of the time, accepted only where a stamp has its time: right after the date
# ("2023-06-15 10.23": colon read as a dot), or with one stray character after the minutes
# ("17:591": the app's separator bar read as a 1).
_TIME_AFTER_DATE = re.compile(
    r"(?:19|20)\d{2}[年./-]\d{1,2}[月./-]\d{1,2}日?\s*([01]?\d|2[0-3])[.．·]([0-5]\d)(?![\d.])")
_TIME_STRAY = re.compile(r"(?<![\d:])([01]?\d|2[0-3])\s*[:：]\s*([0-5]\d)[1lI|](?!\d)")
_FULLWIDTH = str.maketrans("０１２３４５６７８９：．－／", "0123456789:.-/")
_DATE_LINE_CHARS = re.compile(r"[\d\s年月日号./:\-：]|时间|日期")
_SUSPECT = re.compile(r"\d\s*[:：]\s*\d")
_LONG_DIGITS = re.compile(r"\d{11,}")


@dataclass(frozen=True)
class Line:
    text: str
    box: tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True)
class StampReading:
    found: bool | None  # None: could not determine (no OCR, unreadable picture)
    reason: str | None = None
    text: str | None = None
    time: str | None = None  # ISO datetime when the date was read, else "HH:MM"
    day: dt.date | None = None
    box: tuple[int, int, int, int] | None = None  # in the coordinates of the lines given
    lines: tuple[Line, ...] = field(default=())


def mask_digits(text: str) -> str:
    """Long digit runs (phone, ID, card numbers) never leave the tool unmasked."""
    return _LONG_DIGITS.sub(lambda m: m.group()[:3] + "*" * (len(m.group()) - 5) + m.group()[-2:], text)


def normalise(text: str) -> str:
    text = _COMMA_DATE.sub(r"\1\3\2\3", text.translate(_FULLWIDTH))
    text = _LOST_SEP.sub(r"\1\3\2\3\4", text)
    return _JOINED.sub(r"\1 ", text)


def _time_in(text: str) -> tuple[int, int, int | None] | None:
    m = _TIME.search(text)  # dates never contain a colon, so they cannot be mistaken for a time
    if not m:
        loose = _TIME_AFTER_DATE.search(text) or _TIME_STRAY.search(text)
        return (int(loose.group(1)), int(loose.group(2)), None) if loose else None
    hour = int(m.group(1))
    if hour < 12 and _AFTERNOON.search(text):  # 下午 2:30, 2:30 PM
        hour += 12
    return hour, int(m.group(2)), int(m.group(3)) if m.group(3) else None


def _near(a: tuple[float, float, float, float], b: tuple[float, float, float, float], reach: float) -> bool:
    """Boxes within `reach` pixels of each other."""
    dx = max(0.0, max(a[0], b[0]) - min(a[2], b[2]))
    dy = max(0.0, max(a[1], b[1]) - min(a[3], b[3]))
    return dx <= reach and dy <= reach


def _cluster(lines: list[Line], seed: Line) -> list[Line]:
    """The lines of the stamp card around `seed`: grown by neighbours within ~1.5 text heights."""
    reach = 1.5 * max(8.0, min(seed.box[3] - seed.box[1], 60.0))
    members = [seed]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if line not in members and any(_near(line.box, m.box, reach) for m in members):
                members.append(line)
                changed = True
    return sorted(members, key=lambda ln: (ln.box[1], ln.box[0]))


def _nearest_date(members: list[Line], seed: Line) -> dt.date | None:
    """The stamp's date: on the time's own line, else on a line that is only a date (and a
    weekday), else the closest one — a banner next to the stamp carries a date of its own."""
    found: list[tuple[int, float, dt.date]] = []
    for m in members:
        dates = find_dates(m.text)
        if not dates:
            continue
        rest = _DATE_LINE_CHARS.sub("", _WEEKDAY.sub("", m.text))
        rank = 0 if m is seed else (1 if len(rest) <= 3 else 2)
        dx = max(0.0, max(m.box[0], seed.box[0]) - min(m.box[2], seed.box[2]))
        dy = max(0.0, max(m.box[1], seed.box[1]) - min(m.box[3], seed.box[3]))
        found.append((rank, dx + dy, dates[0][0]))
    return min(found)[2] if found else None


def parse_lines(lines: list[Line], size: tuple[int, int]) -> StampReading:
    """Find the stamp among OCR lines of a picture of `size` (width, height)."""
    clean = [Line(text=normalise(ln.text), box=ln.box) for ln in lines if ln.text.strip()]
    best: tuple[float, StampReading] | None = None
    for seed in clean:
        hm = _time_in(seed.text)
        if hm is None and not find_dates(seed.text):
            continue
        members = _cluster(clean, seed)
        text = " ".join(m.text for m in members)
        if hm is None:
            if any(_time_in(m.text) for m in members):
                continue  # the line that holds the time anchors this stamp (its own seed)
            hm = _time_in(text)  # a misread time only recognisable next to the date
        dates = find_dates(text)
        weekday = _WEEKDAY.search(text)
        if hm is None and not (dates and weekday):
            continue  # a date alone (a banner, a document in the frame) is not a stamp
        if hm is not None and not dates and not weekday and not _at_edge(seed.box, size):
            continue  # a lone clock reading in the middle of the picture
        if _central(members, size):
            continue  # a slide or a poster in the middle of the frame: the apps stamp near the edges
        day = _nearest_date(members, seed) or (dates[0][0] if dates else None)
        when = None
        if hm is not None:
            seconds = hm[2] or 0
            when = (dt.datetime.combine(day, dt.time(hm[0], hm[1], seconds)).isoformat() if day
                    else f"{hm[0]:02d}:{hm[1]:02d}")
        box = _cluster_box(members)
        score = (2 if hm else 0) + (1 if dates else 0) + (0.5 if weekday else 0) + (seed.box[3] - seed.box[1]) / 1000
        reading = StampReading(found=True, text=mask_digits(text)[:300], time=when, day=day, box=box,
                               lines=tuple(members))
        if best is None or score > best[0]:
            best = (score, reading)
    if best is None:
        return StampReading(found=False, reason="未发现时间水印 / no time stamp found",
                            text=None, lines=tuple(clean))
    return best[1]


def _cluster_box(members: list[Line]) -> tuple[int, int, int, int]:
    return (int(min(m.box[0] for m in members)), int(min(m.box[1] for m in members)),
            int(max(m.box[2] for m in members)), int(max(m.box[3] for m in members)))


def _central(members: list[Line], size: tuple[int, int]) -> bool:
    """The text block's centre lies in the middle of the frame (25–75 % across, 30–70 % down)."""
    cx = (min(m.box[0] for m in members) + max(m.box[2] for m in members)) / 2 / size[0]
    cy = (min(m.box[1] for m in members) + max(m.box[3] for m in members)) / 2 / size[1]
    return 0.25 < cx < 0.75 and 0.3 < cy < 0.7


def _at_edge(box: tuple[float, float, float, float], size: tuple[int, int]) -> bool:
    """In the outer bands where the apps put their stamp (top or bottom 40 %)."""
    height = size[1]
    return box[3] <= height * 0.4 or box[1] >= height * 0.6


def reduced(image: Image.Image, short_side: int = OCR_SIDE) -> Image.Image:
    """`image` upright and scaled so its short side is `short_side` (decodes JPEGs at reduced size)."""
    w, h = image.size
    factor = short_side / min(w, h)
    if factor < 1 and image.format in ("JPEG", "MPO"):
        image.draft("RGB", (max(1, int(w * factor)), max(1, int(h * factor))))
    small = ImageOps.exif_transpose(image.convert("RGB"))
    w, h = small.size
    factor = short_side / min(w, h)
    if factor < 1:
        small = small.resize((round(w * factor), round(h * factor)), Image.Resampling.BILINEAR)
    return small


LOCATE_BAND = 0.42  # a block whose centre lies further from the top and bottom edges is not a stamp
LOCATE_TRIES = 2  # located blocks read before the whole picture is


def locate_stamp(small: Image.Image) -> list[tuple[int, int, int, int]]:
    """Blocks of drawn text near the top or bottom edge of `small`, most stamp-like first, with a
    margin (empty without OpenCV): bright strokes on a darker scene (top-hat) or dark ones on a
    light card (black-hat), closed into lines and dilated into blocks."""
    try:
        import cv2
    except ImportError:
        return []
    import numpy as np

    grey = np.asarray(small.convert("L"))
    h, w = grey.shape
    unit = max(4, min(h, w) // 100)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * unit + 1, 2 * unit + 1))
    strokes = (cv2.morphologyEx(grey, cv2.MORPH_TOPHAT, kernel) > 45) | (cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, kernel) > 45)
    ink = strokes.astype(np.uint8)
    lines = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3 * unit, unit)))
    blocks = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (4 * unit, 3 * unit)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(blocks, connectivity=8)
    found: list[tuple[float, tuple[int, int, int, int]]] = []
    for x, y, bw, bh, _area in stats[1:count].tolist():
        if not 0.002 * w * h <= bw * bh <= 0.25 * w * h or bw < 4 * unit or bh < 2 * unit:
            continue
        if LOCATE_BAND < (y + bh / 2) / h < 1 - LOCATE_BAND:
            continue
        share = float(ink[y:y + bh, x:x + bw].mean())
        if not 0.05 <= share <= 0.6:
            continue
        edge = min(y, h - (y + bh)) / h
        score = share * min(1.0, bw / bh / 1.5) * (1.5 - min(1.0, edge / 0.2))
        found.append((score, (x, y, x + bw, y + bh)))
    found.sort(key=lambda f: -f[0])
    pad = 2 * unit
    out = []
    for _, (x0, y0, x1, y1) in found[:LOCATE_TRIES]:
        x0, y0, x1, y1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)
        need = min(h, -(-(x1 - x0) * 10 // 29))  # the OCR engine reads strips longer than 3:1 in pieces
        if y1 - y0 < need:
            y0 = max(0, min(y0 - (need - (y1 - y0)) // 2, h - need))
            y1 = y0 + need
        out.append((x0, y0, x1, y1))
    return out


def _read_located(small: Image.Image) -> StampReading | None:
    """A complete stamp read from a located block by the crop engine, or None."""
    from credit_check.facts.ocr import crop_engine

    reader = crop_engine()
    if reader is None:
        return None
    for region in locate_stamp(small):
        for _ in range(2):  # the block, then once more with room around it when a line was cut
            left, top = region[0], region[1]
            lines = [Line(text=ln.text, box=(ln.box[0] + left, ln.box[1] + top, ln.box[2] + left, ln.box[3] + top))
                     for ln in reader.read(small.crop(region))]
            reading = parse_lines(lines, small.size)
            if not (reading.found and reading.time and "T" in reading.time):
                break
            if not any(_cut(m.box, region, small.size) for m in reading.lines):
                return reading
            region = _widen(region, small.size)
    return None


def _cut(box: tuple[float, float, float, float], region: tuple[int, int, int, int], size: tuple[int, int]) -> bool:
    """A line that touches a side of the crop that is not the picture's edge: it may go on outside
    (a date cut in two reads as another date)."""
    near = 3
    return ((region[0] > 0 and box[0] - region[0] < near) or (region[2] < size[0] and region[2] - box[2] < near)
            or (region[1] > 0 and box[1] - region[1] < near) or (region[3] < size[1] and region[3] - box[3] < near))


def _widen(region: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    dx, dy = (region[2] - region[0]) // 2, (region[3] - region[1]) // 2
    return max(0, region[0] - dx), max(0, region[1] - dy), min(size[0], region[2] + dx), min(size[1], region[3] + dy)


def read_stamp(small: Image.Image) -> StampReading:
    """OCR the reduced picture and find the stamp; None with a reason when OCR is unavailable.
    A located stamp block is read first (module docstring), the whole picture when that fails."""
    from credit_check.facts.ocr import UNAVAILABLE_REASON, engine

    ocr = engine()
    if ocr is None:
        return StampReading(found=None, reason=UNAVAILABLE_REASON)
    quick = _read_located(small)
    if quick is not None:
        return quick
    lines = [Line(text=ln.text, box=ln.box) for ln in ocr.read(small)]
    reading = parse_lines(lines, small.size)
    region = _second_look(reading, lines, small.size)
    if region is None:
        return reading
    # Read the stamp again on its own: the detector enlarges a crop, and the recogniser then
    # gets digits it misread at full-frame scale ("09:00" read as "00:60").
    left, top = region[0], region[1]
    again = [Line(text=ln.text, box=(ln.box[0] + left, ln.box[1] + top, ln.box[2] + left, ln.box[3] + top))
             for ln in ocr.read(small.crop(region))]
    outside = [ln for ln in lines if not _inside(ln.box, region)]
    second = parse_lines(outside + again, small.size)
    return second if _quality(second) > _quality(reading) else reading


def _quality(reading: StampReading) -> int:
    return (2 if reading.found else 0) + (2 if reading.time and "T" in reading.time else 1 if reading.time else 0)


def _inside(box: tuple[float, float, float, float], region: tuple[int, int, int, int]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] <= cx <= region[2] and region[1] <= cy <= region[3]


def _second_look(reading: StampReading, lines: list[Line], size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """The region to read again: a stamp without a full date and time, or a time-like line
    ("00:60") near the edge that did not parse; None when the first reading is complete."""
    if reading.found and reading.time and "T" in reading.time:
        return None
    if reading.found and reading.box:
        box: tuple[float, float, float, float] = reading.box
    else:
        suspects = [ln for ln in lines if _SUSPECT.search(normalise(ln.text)) and _at_edge(ln.box, size)]
        if not suspects:
            return None
        box = _cluster_box(_cluster(lines, suspects[0]))
    pad = max(16.0, (box[3] - box[1]) * 0.4)
    left, right = max(0.0, box[0] - pad), min(float(size[0]), box[2] + pad)
    # The detector scales the crop's short side up to 736 px: a thin strip would become a huge
    # input, so the crop is at most 2.5 times as wide as high (~1.5 times the cost of the first
    # read; a crop of the picture's proportions brought back the misreading in the benchmark).
    height = max(box[3] - box[1] + 2 * pad, (right - left) / 2.5)
    middle = (box[1] + box[3]) / 2
    top = min(max(0.0, middle - height / 2), max(0.0, size[1] - height))
    return int(left), int(top), int(right), int(min(float(size[1]), top + height))
