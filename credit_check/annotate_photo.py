"""`credit-check inspect photo.jpg --annotate OUT.png`: the picture with the stamp boxed.

Draws, on the reduced picture the stamp reader works on, a box around the text it took for the
stamp (green) and every other text line it read (grey), and writes the text it read under the
picture, so a person can see at a glance why a photo was (or was not) found stamped.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, ImageDraw

from credit_check.facts.image import register_heif
from credit_check.facts.stamp import StampReading, mask_digits, read_stamp, reduced
from credit_check.fonts import Font, has_cjk_font, load_font


def _ascii(note: str) -> str:
    """What the default font can draw of a note: its English half ("中文 / English"), other
    non-ASCII characters as '?'."""
    if " / " in note:
        note = note.split(" / ", 1)[1]
    return "".join(ch if ch.isascii() else "?" for ch in note)


def _wrap(text: str, font: Font, width: int) -> list[str]:
    rows, row = [], ""
    for ch in text:
        if row and font.getlength(row + ch) > width:
            rows.append(row)
            row = ""
        row += ch
    return [*rows, row] if row else rows


def _notes(reading: StampReading) -> list[str]:
    if reading.found is None:
        return [f"无法判断时间水印 / stamp undetermined: {reading.reason}"]
    if not reading.found:
        return ["未发现时间水印 / no time stamp found"]
    return [f"时间水印 / stamp: {reading.text}", f"水印时间 / stamp time: {reading.time or '未识别 / unread'}"]


def draw_stamp(picture: Image.Image, reading: StampReading) -> Image.Image:
    """Draw, in place, the stamp's box (green, its lines blue) or, when no stamp was found, the
    other text lines read (grey) on the reduced picture the reading was taken from."""
    draw = ImageDraw.Draw(picture)
    if reading.found and reading.box:
        draw.rectangle(reading.box, outline=(0, 200, 0), width=3)
        for line in reading.lines:
            draw.rectangle(line.box, outline=(0, 120, 255), width=1)
    elif not reading.found:
        for line in reading.lines:
            draw.rectangle(line.box, outline=(160, 160, 160), width=1)
    return picture


def annotate_photo(path: Path, out_png: Path) -> list[str]:
    """Write `out_png` (the picture, stamp boxed, text read below it); return what was found."""
    register_heif()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(path) as image:
            small = reduced(image)
    reading = read_stamp(small)
    notes = _notes(reading)
    font = load_font(18)
    drawable = notes if has_cjk_font() else [_ascii(note) for note in notes]  # no CJK font: English only
    rows = [row for note in drawable for row in _wrap(mask_digits(note), font, small.width - 16)]
    footer = 28 * (len(rows) + 1)
    canvas = Image.new("RGB", (small.width, small.height + footer), (255, 255, 255))
    canvas.paste(small, (0, 0))
    draw_stamp(canvas, reading)
    draw = ImageDraw.Draw(canvas)
    for i, row in enumerate(rows):
        draw.text((8, small.height + 6 + 28 * i), row, font=font, fill=(0, 0, 0))
    out_png.parent.mkdir(parents=True, exist_ok=True)
    canvas.save(out_png, "PNG")
    return notes
