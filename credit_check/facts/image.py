"""Facts of pictures: camera photos (JPEG, HEIC → Kind.PHOTO) and screenshots/scans (PNG, BMP,
GIF, TIFF, WEBP → Kind.IMAGE).

Photos: EXIF from the header (`facts.exif`), the watermark stamp read by OCR from a reduced
decode (`facts.stamp`), and a perceptual hash (`facts.phash`) from the same reduced decode, so
a 12-megapixel photo is decoded once, at 1/4 scale. Images: a perceptual hash, and their text
by OCR (`facts.gongwen.ocr_image_text`) when it is available.

Public facts of a photo: taken, camera, software, gps, orientation, modified, exif, exif_note,
stamp, stamp_reason, stamp_time, stamp_text, phash, width, height; and for the reuse check
phash_zoom (hashes of the centre 90 % / 80 %: lightly cropped copies) and phash_middle (hash of
the middle rows, where no app puts its stamp: re-stamped copies).
"""

from __future__ import annotations

import datetime as dt
import warnings
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import ExifTags, Image, ImageOps

from credit_check.facts.exif import ExifInfo, read_exif
from credit_check.facts.phash import phash, photo_hashes
from credit_check.facts.stamp import OCR_SIDE, StampReading, read_stamp
from credit_check.facts.stampcode import stamp_facts
from credit_check.facttypes import ErrorKind, ImageFacts, PhotoFacts
from credit_check.model import Extracted, Kind

if TYPE_CHECKING:
    from credit_check.facts import ExtractOptions

HEIF_MISSING = "无法读取 HEIC：请安装 heif 组件（pip install 'credit-check[heif]'） / could not read HEIC: install the heif extra"
OCR_OFF = "已关闭 OCR，无法判断时间水印 / OCR turned off: stamp not determined"
MAX_PIXELS = 120_000_000  # larger pictures are not decoded (a decompression bomb, or a poster scan)
# Bytes a full decode may take (pixels × bytes per pixel of the stored mode, plus the RGB copy),
# checked from the header before any pixel is decoded. JPEGs decode at reduced size (draft mode).
MAX_DECODE_BYTES = 512 * 1024 * 1024
MAX_ASPECT = 100  # a picture longer than this many times its width is not read by OCR
OCR_SIDE_MAX = 2000  # pictures are scaled to this long side before OCR (gongwen does the same)
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "LA": 2, "PA": 2, "La": 2, "I;16": 2, "I;16B": 2, "I;16L": 2,
                    "RGB": 3, "YCbCr": 3, "LAB": 3, "HSV": 3}
MIN_OCR_SIDE = 240  # a stamp on a smaller picture (a thumbnail) cannot be read
TOO_SMALL = "图片太小，无法识别时间水印 / picture too small to read a stamp"
MAX_STAMP_ASPECT = 4  # a camera frame (or a panorama) is not longer than this; a strip is no photo to stamp
TOO_LONG = "图片过于狭长，不是相机画面，未识别时间水印 / picture too long and thin for a camera stamp"


@cache
def register_heif() -> bool:
    """Teach Pillow HEIC/HEIF when the `heif` extra (pillow-heif) is installed."""
    try:
        from pillow_heif import register_heif_opener  # type: ignore[import-not-found,unused-ignore]
    except Exception:
        return False
    register_heif_opener()
    return True


def _format(path: Path) -> str | None:
    from credit_check.facts import sniff

    with path.open("rb") as fh:
        return sniff(fh.read(64))


def extract(path: Path, options: ExtractOptions) -> Extracted:
    fmt = _format(path)
    kind = Kind.PHOTO if fmt in ("jpeg", "heic") else Kind.IMAGE
    if fmt == "heic" and not register_heif():
        facts = _photo_facts(ExifInfo(notes=(HEIF_MISSING,)), StampReading(found=None, reason=HEIF_MISSING),
                             None, None)
        return Extracted(kind=kind, facts=facts)  # EXIF-less, stamp undetermined: not an unreadable file
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about odd EXIF and big pictures; we note what matters
        try:
            opened = Image.open(path)
        except Image.DecompressionBombError as exc:  # the header alone says it is a bomb: nothing decoded
            return Extracted.failed(kind, ErrorKind.TOO_LARGE, str(exc)[:120])
        with opened as image:
            return _photo(image, options) if kind is Kind.PHOTO else _image(image, options)


def _size(image: Image.Image, orientation: int | None) -> tuple[int, int]:
    w, h = image.size
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)


def decode_cost(image: Image.Image) -> int:
    """Bytes a decode of `image` (header read, no pixels yet) would take, with its RGB copy."""
    area = image.width * image.height
    if image.format in ("JPEG", "MPO"):  # draft mode decodes at 1/2, 1/4 or 1/8 when the picture is big
        scale = 1
        while scale < 8 and min(image.size) // (scale * 2) >= OCR_SIDE:
            scale *= 2
        area //= scale * scale
    return area * (_BYTES_PER_PIXEL.get(image.mode, 4) + 3)


_TURNED = (2, 3, 4, 5, 6, 7, 8)  # EXIF orientations that `ImageOps.exif_transpose` turns or flips


def reduced(image: Image.Image, short_side: int = OCR_SIDE) -> Image.Image:
    """`facts.stamp.reduced`: the picture upright, its short side `short_side` (JPEGs decoded at
    reduced size), the same pixels, without its two copies of the whole picture (converting an
    RGB picture to RGB, and turning one that needs no turning, each copy it: ~2.5 ms). It may
    return `image` itself, decoded, when nothing is to be done."""
    w, h = image.size
    factor = short_side / min(w, h)
    if factor < 1 and image.format in ("JPEG", "MPO"):
        image.draft("RGB", (max(1, int(w * factor)), max(1, int(h * factor))))
    image.load()
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    small = ImageOps.exif_transpose(rgb) if rgb.getexif().get(ExifTags.Base.Orientation, 1) in _TURNED else rgb
    w, h = small.size
    factor = short_side / min(w, h)
    if factor < 1:
        small = small.resize((round(w * factor), round(h * factor)), Image.Resampling.BILINEAR)
    return small


def _decode(image: Image.Image) -> tuple[Image.Image | None, str | None]:
    if image.width * image.height > MAX_PIXELS or decode_cost(image) > MAX_DECODE_BYTES:
        return None, "图片像素过多，未解码 / picture too large to decode"
    try:
        return reduced(image), None
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt pixel data
        return None, f"图像数据损坏 / picture data damaged: {exc}"[:200]


def _photo(image: Image.Image, options: ExtractOptions) -> Extracted:
    exif = read_exif(image)
    size = _size(image, exif.orientation)
    small, problem = _decode(image)
    if small is None:
        stamp = StampReading(found=None, reason=problem)
    elif not options.ocr:
        stamp = StampReading(found=None, reason=OCR_OFF)
    elif min(small.size) < MIN_OCR_SIDE:
        stamp = StampReading(found=None, reason=TOO_SMALL)
    elif _strip(small.size):
        stamp = StampReading(found=None, reason=TOO_LONG)
    else:
        stamp = _read_stamp(small)
    if stamp.found is not True and small is not None and not _strip(small.size):  # a stamped photo is an activity photo, whatever it shows
        page = _paper(image, small, options, exif.taken)
        if page is not None:
            return page
    hashes = photo_hashes(small) if small is not None else {}  # the hash and the reuse candidates (facts/phash.py)
    facts = _photo_facts(exif, stamp, None, size).model_copy(update={
        **hashes, **(stamp_facts(stamp, small.size) if small is not None else {})})  # code, place, box (facts/stampcode.py)
    if exif.taken is not None:
        return Extracted(kind=Kind.PHOTO, facts=facts, content_date=exif.taken.date(), content_date_source="exif")
    if stamp.day is not None:
        return Extracted(kind=Kind.PHOTO, facts=facts, content_date=stamp.day, content_date_source="stamp")
    return Extracted(kind=Kind.PHOTO, facts=facts)


def _paper(image: Image.Image, small: Image.Image, options: ExtractOptions,
           taken: dt.datetime | None = None) -> Extracted | None:
    """A picture whose content is a printed page, read as a document (`facts.paper`); else None."""
    from credit_check.facts import paper

    sheet = paper.find_sheet(small)
    if sheet is None:
        return None
    facts, pages = paper.read_sheet(image, small, sheet, use_ocr=options.ocr)
    kind = Kind.PHOTO if image.format in ("JPEG", "MPO", "HEIF") else Kind.IMAGE
    if facts.issued_on is not None:
        return Extracted(kind=kind, facts=facts, pages=tuple(pages), content_date=facts.issued_on,
                         content_date_source="text")
    if taken is not None:
        return Extracted(kind=kind, facts=facts, pages=tuple(pages), content_date=taken.date(),
                         content_date_source="exif")
    return Extracted(kind=kind, facts=facts, pages=tuple(pages))


def _read_stamp(small: Image.Image) -> StampReading:
    try:
        return read_stamp(small)
    except Exception as exc:  # the optional OCR failing must not cost the photo its EXIF facts
        return StampReading(found=None, reason=f"OCR 出错 / OCR failed: {type(exc).__name__}: {exc}"[:200])


def _photo_facts(exif: ExifInfo, stamp: StampReading, hash_hex: str | None,
                 size: tuple[int, int] | None) -> PhotoFacts:
    return PhotoFacts(
        taken=exif.taken, camera=exif.camera, software=exif.software, gps=exif.gps, orientation=exif.orientation,
        modified=exif.modified, exif=exif.present, exif_note=exif.note,
        stamp=stamp.found, stamp_reason=stamp.reason, stamp_time=stamp.time, stamp_text=stamp.text,
        phash=hash_hex, width=size[0] if size else None, height=size[1] if size else None,
    )


def _image(image: Image.Image, options: ExtractOptions) -> Extracted:
    size = image.size
    small, problem = _decode(image)
    facts = ImageFacts(width=size[0], height=size[1], phash=phash(small) if small is not None else None)
    if small is None:
        return Extracted(kind=Kind.IMAGE, facts=facts.model_copy(update={"ocr_note": problem}))
    if _page_shaped(size):  # a scan saved as a picture; screenshots (screen-shaped) stay images
        page = _paper(image, small, options)
        if page is not None:
            return page
    text, reason = _ocr_text(image, options)
    if reason:
        facts = facts.model_copy(update={"ocr_note": reason})
    return Extracted(kind=Kind.IMAGE, facts=facts, pages=(text,) if text else ())


def _strip(size: tuple[int, int]) -> bool:
    """Far longer than any camera frame or page (a strip, a long screenshot): no stamp, no sheet."""
    return max(size) > MAX_STAMP_ASPECT * max(1, min(size))


def _page_shaped(size: tuple[int, int]) -> bool:
    """A4 proportions (1.41, either way round) at scanner size: a scanned page, not a screenshot."""
    short, long = sorted(size)
    return short >= 1000 and 1.33 <= long / short <= 1.50


def _ocr_frame(image: Image.Image) -> Image.Image:
    """The first frame (GIF, multi-page TIFF) in RGB, at most `OCR_SIDE_MAX` on its long side:
    scaled in its own mode first when it can be, so no full-size RGB copy is made."""
    scale = min(1.0, OCR_SIDE_MAX / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if scale < 1 and image.mode in ("RGB", "RGBA", "L", "LA"):
        return image.resize(size, Image.Resampling.BILINEAR).convert("RGB")
    frame = image.convert("RGB")
    return frame.resize(size, Image.Resampling.BILINEAR) if scale < 1 else frame


def _ocr_text(image: Image.Image, options: ExtractOptions) -> tuple[str | None, str | None]:
    if not options.ocr:
        return None, "已关闭 OCR / OCR turned off"
    if max(image.size) > MAX_ASPECT * min(image.size):
        return None, f"图片过于狭长（{image.width}×{image.height}），未识别文字 / picture too thin to read its text"
    try:
        from credit_check.facts.gongwen import ocr_image_text
    except (ImportError, AttributeError):
        return None, "图片文字识别不可用 / image OCR not available"
    try:
        return ocr_image_text(_ocr_frame(image))
    except Exception as exc:  # damaged pixels, or the optional OCR failing: keep the other facts
        return None, f"无法识别图片文字 / could not read the picture's text: {type(exc).__name__}: {exc}"[:200]
