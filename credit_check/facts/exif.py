"""EXIF of a photo, read from the header only (Pillow parses the APP1 block; no pixels are decoded).

Real phone and camera files carry broken EXIF often enough: offsets that point past the end,
NaN or zero-denominator rationals, zero-length or space-filled strings, dates of all zeros, an
APP1 block that holds XMP only. Each field is read on its own; what cannot be read is left out
and named in `notes`, so one bad tag never costs the others and never raises.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import ExifTags, Image

_MAKE, _MODEL, _SOFTWARE, _DATETIME, _ORIENTATION = 0x010F, 0x0110, 0x0131, 0x0132, 0x0112
_DATETIME_ORIGINAL, _OFFSET_ORIGINAL, _OFFSET = 0x9003, 0x9011, 0x9010
_EXIF_DATE = re.compile(r"(\d{4})[:\-/.](\d{2})[:\-/.](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")
_OFFSET_TEXT = re.compile(r"([+-])(\d{2}):?(\d{2})")


@dataclass(frozen=True)
class ExifInfo:
    present: bool = False  # any EXIF tag at all
    taken: dt.datetime | None = None  # DateTimeOriginal (aware when OffsetTimeOriginal is given)
    modified: dt.datetime | None = None  # DateTime: when the file was last written
    make: str | None = None
    model: str | None = None
    software: str | None = None
    gps: tuple[float, float] | None = None
    orientation: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def camera(self) -> str | None:
        make, model = self.make or "", self.model or ""
        if make and model.lower().startswith(make.lower()):  # "Canon" + "Canon EOS 40D"
            return model
        return " ".join(p for p in (make, model) if p) or None

    @property
    def note(self) -> str | None:
        return "; ".join(self.notes) or None


def clean_text(value: Any) -> str | None:
    """A tag value as text: bytes decoded, NULs and padding removed, empty → None."""
    if isinstance(value, str) and any("\x80" <= ch <= "\xff" for ch in value) and max(value) <= "\xff":
        value = value.encode("latin-1")  # Pillow decodes ASCII tags as Latin-1; phones write UTF-8 (美图秀秀)
    if isinstance(value, bytes):
        for encoding in ("utf-8", "gb18030"):
            try:
                value = value.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", " ").strip()
    return text[:200] or None


def parse_exif_datetime(value: Any, offset: Any = None) -> dt.datetime | None:
    """`2024:05:12 14:30:05` (+ `+08:00`) → datetime; all-zero or blank dates → None."""
    text = clean_text(value)
    if not text:
        return None
    m = _EXIF_DATE.match(text)
    if not m:
        return None
    try:
        parts = [int(g) if g else 0 for g in m.groups()]
        when = dt.datetime(*parts)  # type: ignore[arg-type]
    except ValueError:
        return None
    off = _OFFSET_TEXT.fullmatch(clean_text(offset) or "")
    if off:
        minutes = int(off.group(2)) * 60 + int(off.group(3))
        if minutes <= 14 * 60:
            sign = -1 if off.group(1) == "-" else 1
            when = when.replace(tzinfo=dt.timezone(sign * dt.timedelta(minutes=minutes)))
    return when


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _coordinate(dms: Any, ref: Any, limit: float) -> float | None:
    if not isinstance(dms, (tuple, list)) or not dms:
        return None
    parts = [_number(v) for v in dms[:3]]
    if any(p is None for p in parts):
        return None
    values = [p for p in parts if p is not None] + [0.0, 0.0]
    degrees = values[0] + values[1] / 60 + values[2] / 3600
    if (clean_text(ref) or "").upper()[:1] in ("S", "W"):
        degrees = -degrees
    return round(degrees, 6) if abs(degrees) <= limit else None


def _gps(gps_ifd: dict[int, Any], notes: list[str]) -> tuple[float, float] | None:
    if 2 not in gps_ifd and 4 not in gps_ifd:
        return None
    lat = _coordinate(gps_ifd.get(2), gps_ifd.get(1), 90)
    lon = _coordinate(gps_ifd.get(4), gps_ifd.get(3), 180)
    if lat is None or lon is None:
        notes.append("GPS 坐标无效 / GPS coordinates unreadable (NaN or out of range)")
        return None
    if lat == 0 and lon == 0:  # what a phone writes without a satellite fix
        notes.append("GPS 为 0,0（无定位） / GPS is 0,0 (no fix)")
        return None
    return (lat, lon)


def read_exif(image: Image.Image) -> ExifInfo:
    """The EXIF of an opened (not decoded) picture; never raises."""
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:  # Pillow warns on bad offsets and reads on
        warnings.simplefilter("always")
        try:
            exif = image.getexif()
        except Exception as exc:  # broken APP1: read nothing, say why
            return ExifInfo(notes=(f"EXIF 无法解析 / EXIF unreadable: {type(exc).__name__}",))
        main: dict[int, Any] = dict(exif.items())
        sub: dict[int, Any] = {}
        gps_ifd: dict[int, Any] = {}
        for tag, target, name in ((ExifTags.IFD.Exif, sub, "Exif"), (ExifTags.IFD.GPSInfo, gps_ifd, "GPS")):
            if tag not in main:
                continue
            try:
                target.update(exif.get_ifd(tag))
            except Exception as exc:
                notes.append(f"{name} IFD 损坏 / {name} IFD broken: {type(exc).__name__}")
    if caught:
        notes.append(f"EXIF 部分损坏 / EXIF partly corrupt: {str(caught[0].message)[:80]}")
    main.pop(ExifTags.IFD.Exif, None)
    main.pop(ExifTags.IFD.GPSInfo, None)
    present = bool(main or sub or gps_ifd)
    if not present:
        xmp = "xmp" in image.info or "XML:com.adobe.xmp" in image.info
        if xmp:
            notes.append("只有 XMP，没有 EXIF / APP1 holds XMP only, no EXIF")
        return ExifInfo(notes=tuple(notes))
    taken = parse_exif_datetime(sub.get(_DATETIME_ORIGINAL), sub.get(_OFFSET_ORIGINAL))
    if taken is None and clean_text(sub.get(_DATETIME_ORIGINAL)):
        notes.append("拍摄时间无效 / DateTimeOriginal unreadable")
    modified = parse_exif_datetime(main.get(_DATETIME), sub.get(_OFFSET))
    orientation = main.get(_ORIENTATION)
    if not isinstance(orientation, int) or not 1 <= orientation <= 8:
        if orientation is not None:
            notes.append("方向标记无效 / Orientation invalid")
        orientation = None
    return ExifInfo(
        present=True, taken=taken, modified=modified,
        make=clean_text(main.get(_MAKE)), model=clean_text(main.get(_MODEL)),
        software=clean_text(main.get(_SOFTWARE)), gps=_gps(gps_ifd, notes),
        orientation=orientation, notes=tuple(notes),
    )
