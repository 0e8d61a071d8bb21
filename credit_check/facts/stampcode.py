"""What else a watermark stamp says: its anti-counterfeit code, its place, its coordinates.

Some watermark apps print a code with every picture (防伪码, 验证码, 水印编号 …) that their vendor
can check, a place (地点：…, or a bare address line), and coordinates (经度/纬度, or
`36.2134°N 117.6789°E`). Read from the stamp's own OCR lines (the card the stamp reader found;
a code printed far from the time stamp, at the other end of the picture, is not seen).

- `code`: letters and digits after a code label, 6–32 characters, upper-cased (OCR noise kept
  as read: the vendor's service is the judge; the tool only compares codes with each other).
- `place`: the text after 地点/位置/地址, else a line that reads like an address (省/市/区/县/
  街道/镇/路 …) and holds no time.
- `coords`: (latitude, longitude) in degrees, as printed (GCJ-02 for apps on Chinese maps);
  decimal or degrees-minutes-seconds; only values inside the ranges of latitude and longitude,
  told apart by their labels or hemispheres.
- `box`: the stamp card as fractions of the picture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credit_check.facts.stamp import StampReading

_CODE = re.compile(r"(?:防伪码|防伪编码|防伪编号|防伪|验证码|校验码|水印编号|照片编号|水印码)\s*[:：]?\s*([A-Za-z0-9]{6,32})")
_PLACE = re.compile(r"(?:地点|位置|地址|拍摄地)\s*[:：]\s*(\S.{1,60})")
_ADDRESS = re.compile(r"[\u4e00-\u9fff]{2,}(?:省|市|区|县|街道|镇|乡|村|路|街|大道|会议室|所|局)")
_TIMEISH = re.compile(r"\d\s*[:：]\s*\d|\d{4}[./年-]\d")
_NUM = r"(\d{1,3}(?:\.\d+)?)"
_DMS = r"(\d{1,3})\s*[°度]\s*(\d{1,2})\s*['′分]\s*(\d{1,2}(?:\.\d+)?)\s*[\"″秒]?"
_LAT_LABEL = re.compile(r"纬度\s*[:：]?\s*(?:" + _DMS + r"|" + _NUM + r")\s*°?\s*([NS北南])?")
_LON_LABEL = re.compile(r"经度\s*[:：]?\s*(?:" + _DMS + r"|" + _NUM + r")\s*°?\s*([EW东西])?")
_HEMI = re.compile(r"([NSEW])\s*" + _NUM + r"\s*°?|" + _NUM + r"\s*°?\s*([NSEW])(?![a-z])")


@dataclass(frozen=True)
class StampDetails:
    code: str | None = None
    place: str | None = None
    coords: tuple[float, float] | None = None
    box: tuple[float, float, float, float] | None = None


def _degrees(groups: tuple[str | None, ...]) -> float | None:
    d, m, sec, dec = groups[0], groups[1], groups[2], groups[3]
    if d is not None and m is not None and sec is not None:
        return int(d) + int(m) / 60 + float(sec) / 3600
    return float(dec) if dec is not None else None


def read_coords(text: str) -> tuple[float, float] | None:
    """(latitude, longitude) printed in `text`, or None."""
    lat = lon = None
    if (m := _LAT_LABEL.search(text)) and (v := _degrees(m.groups()[:4])) is not None:
        lat = -v if m.group(5) in ("S", "南") else v
    if (m := _LON_LABEL.search(text)) and (v := _degrees(m.groups()[:4])) is not None:
        lon = -v if m.group(5) in ("W", "西") else v
    if lat is None or lon is None:
        for m in _HEMI.finditer(text):
            hemi = m.group(1) or m.group(4)
            value = float(m.group(2) or m.group(3))
            if hemi in "NS" and lat is None:
                lat = -value if hemi == "S" else value
            elif hemi in "EW" and lon is None:
                lon = -value if hemi == "W" else value
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return round(lat, 6), round(lon, 6)


def read_code(text: str) -> str | None:
    m = _CODE.search(text)
    return m.group(1).upper() if m else None


def read_place(lines: list[str]) -> str | None:
    for line in lines:
        if m := _PLACE.search(line):
            return m.group(1).strip()[:60]
    for line in lines:
        if _ADDRESS.search(line) and not _TIMEISH.search(line) and "经度" not in line and "纬度" not in line:
            return line.strip()[:60]
    return None


def details(reading: StampReading, size: tuple[int, int]) -> StampDetails:
    """The code, place, coordinates and box of a found stamp (`size`: the picture the lines are in)."""
    if not reading.found:
        return StampDetails()
    lines = [ln.text for ln in reading.lines]
    text = " ".join(lines)
    box = None
    if reading.box is not None and size[0] > 0 and size[1] > 0:
        left, top, right, bottom = reading.box
        box = (round(max(0.0, left / size[0]), 4), round(max(0.0, top / size[1]), 4),
               round(min(1.0, right / size[0]), 4), round(min(1.0, bottom / size[1]), 4))
    return StampDetails(code=read_code(text), place=read_place(lines), coords=read_coords(text), box=box)


def stamp_facts(reading: StampReading, size: tuple[int, int]) -> dict[str, object]:
    """The PhotoFacts fields this module fills (stamp_code, stamp_place, stamp_coords, stamp_box)."""
    found = details(reading, size)
    return {"stamp_code": found.code, "stamp_place": found.place, "stamp_coords": found.coords,
            "stamp_box": found.box}
