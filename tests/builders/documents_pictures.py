"""Pictures for document builders: seals (round, oval, square; drawn or from a real scan), the red
header as a picture, and red charts that look like seals (hard negatives)."""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from credit_check.fonts import find_cjk_font
from tests.builders.fonts import cjk_font

# The installed CJK font (for scripts such as samples/build_samples.py; the old default path when
# there is none, so importing never fails). Builders use `_font`, which skips a test without one.
FONT_PATH = str(find_cjk_font() or "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
RED = (230, 0, 18)


def _font(size: int) -> ImageFont.FreeTypeFont:
    return cjk_font(size)


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.38
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


def seal_image(text: str = "济南市莱芜区城乡交通运输局", *, px: int = 420, shape: str = "round",
               colour: tuple[int, int, int] = RED, transparent: bool = True, seed: int = 1) -> Image.Image:
    """A red official seal: rim (ring, oval or square frame), star and the organ name along the rim."""
    w, h = (px, int(px * 0.7)) if shape == "oval" else (px, px)
    img = Image.new("RGBA", (w, h), (255, 255, 255, 0 if transparent else 255))
    d = ImageDraw.Draw(img)
    ink = (*colour, 255)
    lw = max(3, px // 40)
    if shape == "square":
        d.rectangle([lw, lw, w - lw, h - lw], outline=ink, width=lw)
        f = _font(int(px * 0.26))
        chars = (text[-4:] if len(text) >= 4 else text.ljust(4, "章"))
        for i, ch in enumerate(chars):
            x = w * (0.52 if i < 2 else 0.08)
            y = h * (0.1 if i % 2 == 0 else 0.5)
            d.text((x, y), ch, font=f, fill=ink)
        return img
    d.ellipse([lw, lw, w - lw, h - lw], outline=ink, width=lw)
    cx, cy = w / 2, h / 2
    d.polygon(_star(cx, cy, min(w, h) * 0.17), fill=ink)
    f = _font(int(min(w, h) * 0.12))
    n = len(text)
    span = math.radians(220)
    for i, ch in enumerate(text):
        a = -math.pi / 2 - span / 2 + span * (i + 0.5) / n
        rx, ry = w / 2 * 0.74, h / 2 * 0.74
        x, y = cx + rx * math.cos(a), cy + ry * math.sin(a)
        glyph = Image.new("RGBA", (int(f.size * 2), int(f.size * 2)), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((f.size * 0.5, f.size * 0.4), ch, font=f, fill=ink)
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.Resampling.BICUBIC)
        img.alpha_composite(glyph, (int(x - f.size), int(y - f.size)))
    if transparent:
        # Real seal pictures come from scans: slightly uneven ink.
        rnd = random.Random(seed)
        alpha = img.getchannel("A").point(lambda v: int(v * (0.85 + 0.15 * rnd.random())) if v else 0)
        img.putalpha(alpha)
    return img


def header_image(organ: str, *, width_px: int = 1400) -> Image.Image:
    """The red header as a picture (some bureaus paste it as an image)."""
    text = organ + "文件"
    f = _font(int(width_px / (len(text) + 1)))
    img = Image.new("RGB", (width_px, int(f.size * 1.6)), "white")
    ImageDraw.Draw(img).text((width_px / 2, img.height / 2), text, font=f, fill=RED, anchor="mm")
    return img


def bar_chart(*, px: int = 600) -> Image.Image:
    """A red bar chart (hard negative for the seal)."""
    img = Image.new("RGB", (px, int(px * 0.7)), "white")
    d = ImageDraw.Draw(img)
    d.line([(40, 20), (40, img.height - 30), (px - 10, img.height - 30)], fill="black", width=3)
    for i, v in enumerate((0.4, 0.7, 0.55, 0.9, 0.3)):
        x = 70 + i * (px - 100) // 5
        d.rectangle([x, img.height - 30 - v * (img.height - 60), x + 60, img.height - 30], fill=RED)
    return img


def donut_chart(*, px: int = 500) -> Image.Image:
    """A red donut chart: a red ring with an empty centre, the closest chart to a seal."""
    img = pie_chart(px=px)
    d = ImageDraw.Draw(img)
    d.ellipse([px * 0.3, px * 0.3, px * 0.7, px * 0.7], fill="white")
    d.text((px * 0.42, px * 0.45), "85%", font=_font(px // 14), fill="black")
    return img


def chart_image(kind: str) -> Image.Image:
    return {"bar": bar_chart, "pie": pie_chart, "donut": donut_chart}[kind]()


def picture_seal(path: Path) -> Image.Image:
    """A photographed or scanned seal on white paper, with the paper made transparent."""
    import numpy as np

    rgb = np.asarray(Image.open(path).convert("RGB")).astype(np.int16)
    alpha = np.clip((255 - rgb.min(axis=2)) * 2, 0, 255).astype(np.uint8)
    out = Image.fromarray(rgb.astype(np.uint8)).convert("RGBA")
    out.putalpha(Image.fromarray(alpha))
    return out


def pie_chart(*, px: int = 500) -> Image.Image:
    """A red-dominated pie chart: round and red, but a solid disc, not a seal."""
    img = Image.new("RGB", (px, px), "white")
    d = ImageDraw.Draw(img)
    d.pieslice([10, 10, px - 10, px - 10], 0, 250, fill=RED)
    d.pieslice([10, 10, px - 10, px - 10], 250, 360, fill=(60, 90, 200))
    return img
