"""Builders for photo tests: synthetic phone photos, watermark-camera stamps, real EXIF (piexif).

Scenes are random but smooth (low-resolution random shapes scaled up, plus sensor noise), so
perceptual hashes of different seeds differ the way different photos do. Stamps imitate the
layouts of 今日水印相机 / 马克水印相机 and the like: a big HH:MM with a date and weekday, a boxed
"工作记录" card, a 打卡 card, a one-line camera imprint, dark text on a light card.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import piexif
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tests.builders.fonts import BOLD_FONT, cjk_font, latin_font

CJK_FONT = "cjk"  # whichever CJK font is installed (tests.builders.fonts); the test skips without one

STYLES = ("jinri", "jinri_box", "mark", "daka", "line", "light_card")
POSITIONS = ("bottom-left", "bottom-right", "top-left", "top-right", "bottom-center")
WEEKDAYS = "一二三四五六日"
PLACES = ("山东省济南市莱芜区凤城街道", "莱芜区交通运输局三楼会议室", "济南市莱芜区鹏泉街道汶源大街",
          "莱芜区城乡交通运输局", "口镇交通运输管理所")


def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """`CJK_FONT` (the installed CJK font) or a Latin face by path, at `size` pixels."""
    return cjk_font(size) if path == CJK_FONT else latin_font(path, size)


def scene(seed: int, size: tuple[int, int] = (1600, 1200), *, dark: bool = False, banner: str | None = None,
          poster: str | None = None) -> Image.Image:
    """A photo-like random scene: smooth shapes, a gradient, noise; optionally a red banner with text
    near the top and a poster (lines split by newlines) in the middle."""
    rng = np.random.default_rng(seed)
    w, h = size
    lw, lh = 64, 48
    base = rng.uniform(20, 90, 3) if dark else rng.uniform(120, 230, 3)
    grad = np.linspace(0.7, 1.2, lh)[:, None, None]
    low = np.ones((lh, lw, 3)) * base * grad
    for _ in range(rng.integers(8, 18)):
        x0, y0 = rng.integers(0, lw), rng.integers(0, lh)
        x1, y1 = x0 + rng.integers(4, 30), y0 + rng.integers(4, 24)
        colour = rng.uniform(10, 120, 3) if dark else rng.uniform(20, 250, 3)
        low[y0:y1, x0:x1] = colour
    img = Image.fromarray(np.clip(low, 0, 255).astype(np.uint8)).resize((w, h), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    pyrng = random.Random(seed)
    for _ in range(pyrng.randint(4, 10)):  # people-ish ellipses
        cx, cy, r = pyrng.randint(0, w), pyrng.randint(h // 4, h), pyrng.randint(h // 30, h // 10)
        fill = tuple(pyrng.randint(0, 90 if dark else 255) for _ in range(3))
        draw.ellipse((cx - r, cy - r, cx + r, cy + int(r * 1.3)), fill=fill)
    for _ in range(pyrng.randint(20, 60)):  # fine detail: edges, cables, chair legs
        x, y = pyrng.randint(0, w), pyrng.randint(0, h)
        fill = tuple(pyrng.randint(0, 90 if dark else 255) for _ in range(3))
        draw.line((x, y, x + pyrng.randint(-w // 6, w // 6), y + pyrng.randint(-h // 6, h // 6)), fill=fill,
                  width=pyrng.randint(1, 6))
    img = img.filter(ImageFilter.GaussianBlur(radius=1))
    if banner:
        bh = h // 12
        top = h // 10
        draw = ImageDraw.Draw(img)
        draw.rectangle((w // 8, top, w - w // 8, top + bh), fill=(190, 20, 25))
        f = font(CJK_FONT, int(bh * 0.6))
        tw = draw.textlength(banner, font=f)
        draw.text(((w - tw) / 2, top + bh * 0.18), banner, font=f, fill=(255, 235, 80))
    if poster:  # a slide or notice board in the middle of the frame, with a date and a time
        draw = ImageDraw.Draw(img)
        pw, ph = w // 3, h // 5
        left, top = w // 2 - pw // 2, h // 2 - ph // 2
        draw.rectangle((left, top, left + pw, top + ph), fill=(245, 245, 240))
        f = font(CJK_FONT, max(10, ph // 6))
        for i, line in enumerate(poster.split("\n")):
            draw.text((left + pw // 12, top + ph // 8 + i * ph // 4), line, font=f, fill=(30, 30, 90))
    arr = np.asarray(img).astype(np.int16)
    arr = arr + rng.normal(0, 4, arr.shape).astype(np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


@dataclass(frozen=True)
class Stamp:
    when: dt.datetime
    style: str = "jinri"
    position: str = "bottom-left"
    place: str = PLACES[0]
    colour: tuple[int, int, int] = (255, 255, 255)
    accent: tuple[int, int, int] = (250, 200, 30)
    scale: float = 1.0
    date_format: str = "dot"  # dot 2024.05.12 | dash 2024-05-12 | cn 2024年5月12日 | slash 2024/05/12


def date_text(day: dt.date, fmt: str) -> str:
    if fmt == "dash":
        return f"{day:%Y-%m-%d}"
    if fmt == "cn":
        return f"{day.year}年{day.month}月{day.day}日"
    if fmt == "slash":
        return f"{day:%Y/%m/%d}"
    return f"{day:%Y.%m.%d}"


def _layout(stamp: Stamp, unit: float) -> tuple[list[tuple[str, str, float, tuple[int, int, int], float, float]],
                                               float, float, tuple[int, int, int, int] | None]:
    """Text runs (text, font, size, colour, dx, dy) relative to the card origin, the card size, its fill."""
    when, u = stamp.when, unit * stamp.scale
    day = date_text(when.date(), stamp.date_format)
    week = "星期" + WEEKDAYS[when.weekday()]
    hm = f"{when:%H:%M}"
    c, a = stamp.colour, stamp.accent
    runs: list[tuple[str, str, float, tuple[int, int, int], float, float]] = []
    if stamp.style in ("jinri", "jinri_box"):
        big = 78 * u
        runs.append((hm, BOLD_FONT, big, c, 14 * u, 10 * u))
        x = 14 * u + font(BOLD_FONT, max(8, int(big))).getlength(hm) + 8 * u
        runs.append(("|", BOLD_FONT, big * 0.9, a, x, 12 * u))
        runs.append((day, CJK_FONT, 28 * u, c, x + 30 * u, 16 * u))
        runs.append((week, CJK_FONT, 28 * u, c, x + 30 * u, 52 * u))
        runs.append((stamp.place, CJK_FONT, 26 * u, c, 14 * u, big + 26 * u))
        fill = (0, 0, 0, 90) if stamp.style == "jinri_box" else None
        return runs, x + 30 * u + 28 * u * 6.5, big + 70 * u, fill
    if stamp.style == "mark":
        runs.append(("工作记录", CJK_FONT, 30 * u, (255, 255, 255), 16 * u, 8 * u))
        dark = (20, 20, 20)
        runs.append((f"时间：{day} {hm}", CJK_FONT, 28 * u, dark, 16 * u, 58 * u))
        runs.append((f"地点：{stamp.place}", CJK_FONT, 28 * u, dark, 16 * u, 98 * u))
        runs.append(("备注：信用交通宣传活动", CJK_FONT, 28 * u, dark, 16 * u, 138 * u))
        return runs, 28 * u * 17 + 32 * u, 182 * u, (255, 255, 255, 200)
    if stamp.style == "daka":
        runs.append(("打卡", CJK_FONT, 30 * u, (40, 40, 40), 16 * u, 12 * u))
        runs.append((hm, BOLD_FONT, 70 * u, c, 110 * u, 0))
        runs.append((f"{day} {week}", CJK_FONT, 28 * u, c, 16 * u, 88 * u))
        runs.append((stamp.place, CJK_FONT, 24 * u, c, 16 * u, 126 * u))
        return runs, 28 * u * 14, 168 * u, (20, 60, 140, 150)
    if stamp.style == "line":
        runs.append((f"{day} {hm} 周{WEEKDAYS[when.weekday()]}", CJK_FONT, 40 * u, stamp.accent, 10 * u, 6 * u))
        return runs, 40 * u * 12, 60 * u, None
    # light_card: dark text on a white card
    runs.append((hm, BOLD_FONT, 64 * u, (30, 30, 30), 16 * u, 8 * u))
    runs.append((f"{day}  {week}", CJK_FONT, 26 * u, (30, 30, 30), 16 * u, 86 * u))
    runs.append((stamp.place, CJK_FONT, 24 * u, (80, 80, 80), 16 * u, 122 * u))
    return runs, 26 * u * 15, 162 * u, (250, 250, 250, 230)


def draw_stamp(img: Image.Image, stamp: Stamp) -> tuple[int, int, int, int]:
    """Burn `stamp` into `img` (in place); returns the card box (left, top, right, bottom)."""
    w, h = img.size
    unit = min(w, h) / 1200
    runs, cw, ch, fill = _layout(stamp, unit)
    margin = 30 * unit
    pos = stamp.position
    x0 = margin if "left" in pos else (w - cw - margin if "right" in pos else (w - cw) / 2)
    y0 = margin if pos.startswith("top") else h - ch - margin * 2
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    if fill is not None:
        draw.rectangle((x0, y0, x0 + cw, y0 + ch), fill=fill)
        if stamp.style == "mark":
            draw.rectangle((x0, y0, x0 + cw, y0 + 48 * unit * stamp.scale), fill=(30, 90, 200, 255))
    for text, path, size, colour, dx, dy in runs:
        f = font(path, max(8, int(size)))
        if fill is None:  # the apps draw a soft shadow under text that has no card
            draw.text((x0 + dx + 2, y0 + dy + 2), text, font=f, fill=(0, 0, 0, 140))
        draw.text((x0 + dx, y0 + dy), text, font=f, fill=(*colour, 255))
    base = img.convert("RGBA")
    base.alpha_composite(overlay)
    img.paste(base.convert("RGB"))
    return int(x0), int(y0), int(x0 + cw), int(y0 + ch)


def exif_bytes(*, taken: dt.datetime | None = None, modified: dt.datetime | None = None,
               make: str | None = "HUAWEI", model: str | None = "ELS-AN00", software: str | None = None,
               offset: str | None = "+08:00", gps: tuple[float, float] | None = None,
               orientation: int | None = 1) -> bytes:
    """Real EXIF as a phone writes it (piexif)."""
    zeroth: dict[int, object] = {}
    exif: dict[int, object] = {}
    gps_ifd: dict[int, object] = {}
    if make:
        zeroth[piexif.ImageIFD.Make] = make.encode()
    if model:
        zeroth[piexif.ImageIFD.Model] = model.encode()
    if software:
        zeroth[piexif.ImageIFD.Software] = software.encode("utf-8")
    if orientation is not None:
        zeroth[piexif.ImageIFD.Orientation] = orientation
    if modified or taken:
        zeroth[piexif.ImageIFD.DateTime] = f"{modified or taken:%Y:%m:%d %H:%M:%S}".encode()
    if taken:
        exif[piexif.ExifIFD.DateTimeOriginal] = f"{taken:%Y:%m:%d %H:%M:%S}".encode()
        exif[piexif.ExifIFD.DateTimeDigitized] = f"{taken:%Y:%m:%d %H:%M:%S}".encode()
        if offset:
            exif[36881] = offset.encode()
    if gps:
        def dms(value: float) -> tuple[tuple[int, int], ...]:
            value = abs(value)
            d = int(value)
            m = int((value - d) * 60)
            s = round(((value - d) * 60 - m) * 60 * 1000)
            return ((d, 1), (m, 1), (s, 1000))
        gps_ifd = {piexif.GPSIFD.GPSLatitudeRef: b"N" if gps[0] >= 0 else b"S", piexif.GPSIFD.GPSLatitude: dms(gps[0]),
                   piexif.GPSIFD.GPSLongitudeRef: b"E" if gps[1] >= 0 else b"W", piexif.GPSIFD.GPSLongitude: dms(gps[1])}
    return bytes(piexif.dump({"0th": zeroth, "Exif": exif, "GPS": gps_ifd, "1st": {}, "thumbnail": None}))


def save_jpeg(img: Image.Image, path: Path, *, exif: bytes | None = None, quality: int = 88) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, object] = {"quality": quality}
    if exif:
        kwargs["exif"] = exif
    img.save(path, "JPEG", **kwargs)
    return path


@dataclass(frozen=True)
class PhotoSpec:
    """Everything a labelled test photo is made of (the bench uses these as ground truth)."""

    seed: int
    size: tuple[int, int] = (1600, 1200)
    stamp: Stamp | None = None
    taken: dt.datetime | None = None  # EXIF DateTimeOriginal; None = no EXIF at all
    modified: dt.datetime | None = None
    software: str | None = None
    dark: bool = False
    banner: str | None = None
    quality: int = 88
    poster: str | None = None


def make_photo(path: Path, spec: PhotoSpec) -> Path:
    img = scene(spec.seed, spec.size, dark=spec.dark, banner=spec.banner, poster=spec.poster)
    if spec.stamp is not None:
        draw_stamp(img, spec.stamp)
    exif = exif_bytes(taken=spec.taken, modified=spec.modified, software=spec.software) if spec.taken else None
    return save_jpeg(img, path, exif=exif, quality=spec.quality)


def stamped_photo(path: Path, when: dt.datetime, *, seed: int = 1, style: str = "jinri",
                  position: str = "bottom-left", exif_time: dt.datetime | bool | None = True,
                  software: str | None = None, size: tuple[int, int] = (1600, 1200)) -> Path:
    """A watermark-camera photo whose EXIF agrees with the stamp unless told otherwise."""
    taken = when if exif_time is True else (None if exif_time is False else exif_time)
    return make_photo(path, PhotoSpec(seed=seed, size=size, stamp=Stamp(when=when, style=style, position=position),
                                      taken=taken, software=software))


# --- reuse variants -------------------------------------------------------------------------------

def resized(src: Path, dst: Path, factor: float = 0.5) -> Path:
    with Image.open(src) as im:
        img = im.convert("RGB").resize((int(im.width * factor), int(im.height * factor)), Image.Resampling.LANCZOS)
    return save_jpeg(img, dst, quality=85)


def recompressed(src: Path, dst: Path, quality: int = 45) -> Path:
    """A chat-app copy: recompressed, EXIF gone."""
    with Image.open(src) as im:
        img = im.convert("RGB")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(buf.getvalue())
    return dst


def cropped(src: Path, dst: Path, fraction: float = 0.06) -> Path:
    """Light crop: `fraction` off each side."""
    with Image.open(src) as im:
        w, h = im.size
        dx, dy = int(w * fraction), int(h * fraction)
        img = im.convert("RGB").crop((dx, dy, w - dx, h - dy))
    return save_jpeg(img, dst)


def restamped(spec: PhotoSpec, dst: Path, when: dt.datetime, style: str | None = None) -> Path:
    """The same scene as `spec`, with a different stamp (another time, maybe another app)."""
    old = spec.stamp or Stamp(when=when)
    stamp = Stamp(when=when, style=style or old.style, position=old.position, place=old.place,
                  colour=old.colour, accent=old.accent, date_format=old.date_format)
    new = PhotoSpec(seed=spec.seed, size=spec.size, stamp=stamp, taken=when, dark=spec.dark, banner=spec.banner)
    return make_photo(dst, new)


# --- broken metadata ------------------------------------------------------------------------------

def with_app1(jpeg: bytes, payload: bytes) -> bytes:
    """`jpeg` with one more APP1 segment (EXIF or XMP) right after SOI."""
    segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    return jpeg[:2] + segment + jpeg[2:]


def plain_jpeg(seed: int = 1, size: tuple[int, int] = (640, 480)) -> bytes:
    buf = io.BytesIO()
    scene(seed, size).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def xmp_only_jpeg(path: Path) -> Path:
    """APP1 holding XMP only, no EXIF (what exif-py calls 'invalid')."""
    xmp = (b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
           b"xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/></x:xmpmeta>")
    path.write_bytes(with_app1(plain_jpeg(), xmp))
    return path


def bad_offset_exif_jpeg(path: Path) -> Path:
    """EXIF whose Exif-IFD pointer points far past the end of the block."""
    tiff = b"II*\x00" + (8).to_bytes(4, "little") + (2).to_bytes(2, "little")
    tiff += (0x010F).to_bytes(2, "little") + (2).to_bytes(2, "little") + (4).to_bytes(4, "little") + b"ABC\x00"
    tiff += (0x8769).to_bytes(2, "little") + (4).to_bytes(2, "little") + (1).to_bytes(4, "little")
    tiff += (0x7FFF0000).to_bytes(4, "little") + (0).to_bytes(4, "little")
    path.write_bytes(with_app1(plain_jpeg(), b"Exif\x00\x00" + tiff))
    return path


def odd_values_jpeg(path: Path) -> Path:
    """Zero-length Make, all-zero DateTimeOriginal, GPS rationals with zero denominators."""
    exif = piexif.dump({
        "0th": {piexif.ImageIFD.Make: b"", piexif.ImageIFD.Model: b"   ", piexif.ImageIFD.Orientation: 1},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"0000:00:00 00:00:00"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((0, 0), (0, 0), (0, 0)),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((0, 0), (0, 0), (0, 0))},
        "1st": {}, "thumbnail": None})
    path.write_bytes(with_app1(plain_jpeg(), exif))
    return path
