"""Labelled pair sets for the fraud benchmark (bench/fraud.py): reuse positives, hard negatives,
fabricated-record texts. Built from the real camera photos of ../shared/corpus/photos where they
are present (synthetic scenes from tests/builders otherwise), and written as real JPEG files.

Every pair is two files in two different activity folders, so the reuse check would compare it.
See docs/fraud.md for how each set is made and what it cannot show.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.builders.fonts import cjk_font
from tests.builders.photos import PLACES, POSITIONS, STYLES, Stamp, draw_stamp, exif_bytes, scene

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "photos"
# The same picture twice in the corpus (rotated by EXIF), a flat grey frame, and HEIC files that
# do not decode: left out of the photo pool.
SKIP = {"exif-samples/orientation__portrait_8.jpg", "exif-samples/tests__67-0_length_string.jpg",
        "exiftool/QuickTime.heic"}
MAX_SIDE = 1600
BANNERS = ("2024年信用交通宣传月活动", "诚信建设万里行主题宣传活动", "信用交通县创建工作推进会", "交通运输行业信用知识培训")
Box = tuple[float, float, float, float]


@dataclass
class Shot:
    """One picture of a pair: the image, where its stamp is (fractions; None = no stamp or unreadable)."""

    image: Image.Image
    stamp_box: Box | None
    quality: int = 88
    taken: dt.datetime | None = None


@dataclass
class Pair:
    set: str  # positive | hard-negative
    kind: str  # the transformation or the way the negative was made
    source: str  # the real photo (or synthetic seed) it came from
    a: Shot
    b: Shot


def real_photos() -> list[tuple[str, Image.Image]]:
    """The corpus photos big enough to be activity photos, upright RGB, long side <= 1600."""
    if not CORPUS.is_dir():
        return []
    try:
        from pillow_heif import register_heif_opener

        register_heif_opener()
    except ImportError:
        pass
    found = []
    for path in sorted(CORPUS.rglob("*")):
        rel = path.relative_to(CORPUS).as_posix()
        if rel in SKIP or path.suffix.lower() not in (".jpg", ".jpeg", ".heic", ".heif"):
            continue
        try:
            with Image.open(path) as im:
                if min(im.size) < 300 or max(im.size) < 400:
                    continue
                img = ImageOps.exif_transpose(im.convert("RGB"))
        except Exception:
            continue
        factor = MAX_SIDE / max(img.size)
        if factor < 1:
            img = img.resize((round(img.width * factor), round(img.height * factor)), Image.Resampling.LANCZOS)
        if np.asarray(img.convert("L")).std() < 10:
            continue
        found.append((rel, img))
    return found


def synthetic_photos(n: int, seed: int = 0) -> list[tuple[str, Image.Image]]:
    return [(f"synthetic-{seed + i}", scene(seed + i, (1280, 960))) for i in range(n)]


def _when(rng: random.Random) -> dt.datetime:
    return dt.datetime(2024, 1, 1, 8, 0) + dt.timedelta(days=rng.randrange(0, 360), minutes=rng.randrange(0, 600))


def stamp(img: Image.Image, rng: random.Random, when: dt.datetime | None = None, *, style: str | None = None,
          position: str | None = None, place: str | None = None) -> tuple[Image.Image, Box]:
    """A copy of `img` with a watermark-camera stamp; the stamp's box as fractions."""
    out = img.copy()
    s = Stamp(when=when or _when(rng), style=style or rng.choice(STYLES), position=position or rng.choice(POSITIONS),
              place=place or rng.choice(PLACES), scale=rng.uniform(0.8, 1.1))
    x0, y0, x1, y1 = draw_stamp(out, s)
    w, h = out.size
    return out, (max(0.0, x0 / w), max(0.0, y0 / h), min(1.0, x1 / w), min(1.0, y1 / h))


def _crop(img: Image.Image, box: Box | None, fx: float, fy: float, rng: random.Random) -> tuple[Image.Image, Box | None]:
    """Remove `fx` of the width and `fy` of the height, split at random between the two sides."""
    w, h = img.size
    left = rng.uniform(0, fx)
    top = rng.uniform(0, fy)
    crop = (round(w * left), round(h * top), round(w * (1 - (fx - left))), round(h * (1 - (fy - top))))
    out = img.crop(crop)
    if box is None:
        return out, None
    cw, ch = crop[2] - crop[0], crop[3] - crop[1]
    nb = ((box[0] * w - crop[0]) / cw, (box[1] * h - crop[1]) / ch, (box[2] * w - crop[0]) / cw, (box[3] * h - crop[1]) / ch)
    clipped = (max(0.0, nb[0]), max(0.0, nb[1]), min(1.0, nb[2]), min(1.0, nb[3]))
    return out, clipped if clipped[2] > clipped[0] and clipped[3] > clipped[1] else None


def positives(photos: list[tuple[str, Image.Image]], seed: int = 1) -> Iterator[Pair]:
    """Each photo, stamped, against copies made the ways reused photos are made."""
    rng = random.Random(seed)
    for name, img in photos:
        when = _when(rng)
        original, box = stamp(img, rng, when)
        a = Shot(original, box, quality=90, taken=when)
        w, h = original.size
        f = rng.uniform(0.3, 0.6)
        yield Pair("positive", "resized", name, a,
                   Shot(original.resize((round(w * f), round(h * f)), Image.Resampling.LANCZOS), box, quality=85))
        yield Pair("positive", "recompressed", name, a, Shot(original, box, quality=rng.choice((25, 30, 40))))
        fx = rng.uniform(0.08, 0.2)
        yield Pair("positive", "crop-centred", name, a,
                   Shot(*_centred(original, box, fx, fx), quality=85))
        cropped, cbox = _crop(original, box, rng.uniform(0.1, 0.2), rng.uniform(0.0, 0.2), rng)
        yield Pair("positive", "crop-off-centre", name, a, Shot(cropped, cbox, quality=85))
        restamped, rbox = stamp(img, rng, when + dt.timedelta(days=rng.randrange(20, 200)))
        yield Pair("positive", "new-stamp", name, Shot(original, box, quality=90, taken=when), Shot(restamped, rbox))
        yield Pair("positive", "mirrored", name, a, Shot(ImageOps.mirror(original), _mirror(box), quality=85))
        lit = ImageEnhance.Contrast(ImageEnhance.Brightness(original).enhance(rng.uniform(0.75, 1.25))).enhance(
            rng.uniform(0.7, 1.3))
        yield Pair("positive", "brightness-contrast", name, a, Shot(lit, box, quality=85))
        # The case of the issue: cropped by a few percent, stamped again with another date, recompressed.
        part, pbox = _crop(original, box, rng.uniform(0.04, 0.12), rng.uniform(0.04, 0.12), rng)
        again, abox = stamp(part, rng, when + dt.timedelta(days=rng.randrange(20, 200)))
        yield Pair("positive", "crop+new-stamp+recompressed", name, a,
                   Shot(again, _union(pbox, abox), quality=rng.choice((40, 50, 60))))


def _mirror(box: Box | None) -> Box | None:
    return None if box is None else (1 - box[2], box[1], 1 - box[0], box[3])


def _union(a: Box | None, b: Box | None) -> Box | None:
    """Both stamps as one box (the benchmark reads one stamp per picture, as the facts do)."""
    if a is None or b is None:
        return b or a
    # Two stamps at different corners: keep the new one; the old one is partly cut and masked by the other side.
    return b


def _centred(img: Image.Image, box: Box | None, fx: float, fy: float) -> tuple[Image.Image, Box | None]:
    return _crop(img, box, fx, fy, _Half())


class _Half(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return (a + b) / 2


# ------------------------------------------------------------------------------ hard negatives
def _figures(pool: list[Image.Image], rng: random.Random, size: tuple[int, int], n: int) -> list[tuple[Image.Image, Image.Image, int, int]]:
    """`n` people-like figures (patches of other real photos under a head-and-body mask), with positions."""
    w, h = size
    out = []
    for _ in range(n):
        src = rng.choice(pool)
        fh = round(h * rng.uniform(0.22, 0.42))
        fw = round(fh * rng.uniform(0.35, 0.55))
        sx = rng.randrange(0, max(1, src.width - fw))
        sy = rng.randrange(0, max(1, src.height - fh))
        patch = src.crop((sx, sy, sx + fw, sy + fh))
        if patch.size != (fw, fh):
            patch = patch.resize((fw, fh))
        mask = Image.new("L", (fw, fh), 0)
        d = ImageDraw.Draw(mask)
        head = fw * 0.55
        d.ellipse(((fw - head) / 2, 0, (fw + head) / 2, head), fill=255)
        d.rounded_rectangle((0, head * 0.9, fw, fh), radius=fw // 4, fill=255)
        shade = rng.uniform(0.55, 1.1)
        patch = ImageEnhance.Brightness(patch).enhance(shade)
        x = rng.randrange(0, max(1, w - fw))
        y = rng.randrange(int(h * 0.35), max(int(h * 0.35) + 1, h - fh))
        out.append((patch, mask.filter(ImageFilter.GaussianBlur(1.5)), x, y))
    return out


def _compose(room: Image.Image, figures: list[tuple[Image.Image, Image.Image, int, int]]) -> Image.Image:
    out = room.copy()
    for patch, mask, x, y in figures:
        out.paste(patch, (x, y), mask)
    return out


def _banner(img: Image.Image, text: str) -> Image.Image:
    out = img.copy()
    w, h = out.size
    d = ImageDraw.Draw(out)
    bh = h // 12
    d.rectangle((w // 8, h // 12, w - w // 8, h // 12 + bh), fill=(190, 20, 25))
    f = cjk_font(int(bh * 0.6))
    tw = d.textlength(text, font=f)
    d.text(((w - tw) / 2, h // 12 + bh * 0.18), text, font=f, fill=(255, 235, 80))
    return out


def _camera(img: Image.Image, rng: random.Random, shift: float, turn: float) -> Image.Image:
    """The same seat a little later: a small shift, turn and zoom of the camera, other light, other noise."""
    w, h = img.size
    angle = rng.uniform(-turn, turn)
    zoom = 1 + rng.uniform(-shift, shift)
    dx, dy = rng.uniform(-shift, shift) * w, rng.uniform(-shift, shift) * h
    moved = img.rotate(angle, resample=Image.Resampling.BICUBIC, translate=(dx, dy), fillcolor=(0, 0, 0))
    moved = moved.resize((round(w * zoom), round(h * zoom)), Image.Resampling.BICUBIC)
    left, top = (moved.width - w) // 2, (moved.height - h) // 2
    if zoom >= 1:
        moved = moved.crop((left, top, left + w, top + h))
    else:
        canvas = img.copy()
        canvas.paste(moved, (-left, -top))
        moved = canvas
    moved = ImageEnhance.Brightness(moved).enhance(rng.uniform(0.9, 1.1))
    noise = np.random.default_rng(rng.randrange(2**31)).normal(0, 3, (h, w, 3))
    return Image.fromarray(np.clip(np.asarray(moved, dtype=np.float64) + noise, 0, 255).astype(np.uint8))


def hard_negatives(photos: list[tuple[str, Image.Image]], seed: int = 2) -> Iterator[Pair]:
    """Two captures that are not the same picture but look it: the same room, banner and seat
    at another meeting (other people); a burst (the same people a moment later); two parts of
    one wide scene; notices built from one template."""
    rng = random.Random(seed)
    pool = [img for _, img in photos]
    for name, img in photos:
        place = rng.choice(PLACES)
        style = rng.choice(STYLES)
        position = rng.choice(POSITIONS)
        room = _banner(img, rng.choice(BANNERS)) if rng.random() < 0.7 else img
        w, h = room.size
        # Another meeting in the same room: other people (3-6 figures), the camera on the same seat.
        t1 = _when(rng)
        first = _compose(room, _figures(pool, rng, (w, h), rng.randint(3, 6)))
        second = _camera(_compose(room, _figures(pool, rng, (w, h), rng.randint(3, 6))), rng, 0.01, 0.5)
        a, abox = stamp(first, rng, t1, style=style, position=position, place=place)
        b, bbox = stamp(second, rng, t1 + dt.timedelta(days=rng.randrange(60, 200)), style=style, position=position,
                        place=place)
        yield Pair("hard-negative", "same-room-other-people", name, Shot(a, abox), Shot(b, bbox))
        # A burst: the same people a moment later, each moved a little, one of them gone or new.
        figs = _figures(pool, rng, (w, h), rng.randint(3, 6))
        later = [(p, m, x + round(rng.uniform(-0.05, 0.05) * w), y + round(rng.uniform(-0.02, 0.02) * h))
                 for p, m, x, y in figs]
        if rng.random() < 0.5:
            later = later[1:]
        a, abox = stamp(_compose(room, figs), rng, t1, style=style, position=position, place=place)
        b, bbox = stamp(_camera(_compose(room, later), rng, 0.004, 0.2), rng, t1 + dt.timedelta(seconds=20),
                        style=style, position=position, place=place)
        yield Pair("hard-negative", "burst", name, Shot(a, abox), Shot(b, bbox))
        # The same empty room twice, a person or two in different places (the hardest: most of the frame is the same).
        one = _compose(room, _figures(pool, rng, (w, h), 2))
        two = _camera(_compose(room, _figures(pool, rng, (w, h), 2)), rng, 0.006, 0.3)
        a, abox = stamp(one, rng, t1, style=style, position=position, place=place)
        b, bbox = stamp(two, rng, t1 + dt.timedelta(days=90), style=style, position=position, place=place)
        yield Pair("hard-negative", "same-room-few-people", name, Shot(a, abox), Shot(b, bbox))
        # Another meeting seen from a neighbouring seat: the camera shifted and zoomed a few percent.
        third = _camera(_compose(room, _figures(pool, rng, (w, h), rng.randint(3, 6))), rng, 0.04, 1.5)
        a, abox = stamp(first, rng, t1, style=style, position=position, place=place)
        b, bbox = stamp(third, rng, t1 + dt.timedelta(days=rng.randrange(200, 300)), style=style, position=position,
                        place=place)
        yield Pair("hard-negative", "same-room-other-seat", name, Shot(a, abox), Shot(b, bbox))
        # Two halves of one wide scene, each stamped: one place, two pictures.
        left, right = img.crop((0, 0, img.width // 2, img.height)), img.crop((img.width // 2, 0, img.width, img.height))
        a, abox = stamp(left, rng, t1, style=style, position=position, place=place)
        b, bbox = stamp(right, rng, t1 + dt.timedelta(minutes=3), style=style, position=position, place=place)
        yield Pair("hard-negative", "two-parts-of-one-scene", name, Shot(a, abox), Shot(b, bbox))
    for k in range(max(10, len(photos))):
        desk = pool[k % len(pool)] if pool else scene(k, (1280, 960))
        a, b = _notice(k, desk, rng, 0), _camera(_notice(k, desk, rng, 1), rng, 0.006, 0.3)
        yield Pair("hard-negative", "template-notice", f"notice-{k}", Shot(a, None), Shot(b, None))


NOTICE_LINES = (
    "为深入推进信用交通县创建工作，现将有关事项通知如下。", "一、高度重视，加强组织领导，明确责任分工。",
    "二、对照任务清单逐项落实，按月报送工作进展。", "三、开展信用承诺书签订和上传工作，做到应签尽签。",
    "四、加强双公示数据报送，确保7个工作日内公开。", "五、组织行业信用知识培训，提高从业人员诚信意识。",
    "六、开展诚信典型选树，宣传一批守信激励案例。", "七、加强联合惩戒，规范失信行为认定和信用修复。",
    "八、建立工作台账，及时归档佐证材料。", "九、请各单位于每季度末报送工作总结。",
    "十、工作中遇到的问题请及时与法规科联系。", "请各单位结合实际认真抓好落实，确保取得实效。",
)


def _notice(k: int, desk: Image.Image, rng: random.Random, variant: int) -> Image.Image:
    """A printed notice from the bureau's template, photographed on a desk: the header, the layout and
    the title pattern are the template's; the body, the date and the number are this notice's."""
    page = Image.new("RGB", (900, 1270), (250, 250, 246))
    d = ImageDraw.Draw(page)
    d.text((120, 90), "莱芜区城乡交通运输局文件", font=cjk_font(60), fill=(200, 20, 20))
    d.line((80, 190, 820, 190), fill=(200, 20, 20), width=4)
    d.text((330, 210), f"莱芜区交字〔2024〕{10 + 7 * k + variant}号", font=cjk_font(26), fill=(20, 20, 20))
    d.text((140, 290), f"关于开展第{'一二三四'[variant % 4]}季度信用交通工作的通知", font=cjk_font(34), fill=(20, 20, 20))
    lines = list(NOTICE_LINES)
    random.Random(k * 10 + variant).shuffle(lines)
    for i, line in enumerate(lines[:9]):
        d.text((100, 380 + 72 * i), line, font=cjk_font(28), fill=(30, 30, 30))
    d.text((560, 1100), f"2024年{3 * variant + 3}月{5 + k % 20}日", font=cjk_font(28), fill=(20, 20, 20))
    bg = desk.resize((1280, 960)) if desk.size != (1280, 960) else desk.copy()
    small = page.resize((540, 762))
    # Slight perspective from the same seat.
    coeffs = _perspective((0, 0, 540, 0, 540, 762, 0, 762),
                          (0 + rng.uniform(-6, 6), rng.uniform(-6, 6), 540 + rng.uniform(-6, 6), rng.uniform(-6, 6),
                           540 + rng.uniform(-6, 6), 762 + rng.uniform(-6, 6), rng.uniform(-6, 6), 762 + rng.uniform(-6, 6)))
    warped = small.transform(small.size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC,
                             fillcolor=(250, 250, 246))
    # The sheet lies where it was put down: never twice at the same spot.
    jitter = random.Random(k * 31 + variant)
    warped = warped.rotate(jitter.uniform(-2, 2), resample=Image.Resampling.BICUBIC, expand=False,
                           fillcolor=(250, 250, 246))
    bg.paste(warped, (370 + jitter.randint(-40, 40), 100 + jitter.randint(-30, 30)))
    return bg


def _perspective(src: tuple[float, ...], dst: tuple[float, ...]) -> tuple[float, ...]:
    rows = []
    rhs = []
    for i in range(4):
        x, y = dst[2 * i], dst[2 * i + 1]
        u, v = src[2 * i], src[2 * i + 1]
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    sol = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return tuple(float(v) for v in sol)


def save(shot: Shot, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = exif_bytes(taken=shot.taken) if shot.taken else None
    kwargs: dict[str, object] = {"quality": shot.quality}
    if exif:
        kwargs["exif"] = exif
    shot.image.save(path, "JPEG", **kwargs)
    return path
