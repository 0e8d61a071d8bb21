"""Facts of videos: the capture time and duration from an MP4/MOV/3GP container (ISO base media
file format), so a video dates the activity it shows and counts as activity evidence.

Only the box headers are read (a few kilobytes, however large the video): `moov/mvhd` gives the
creation time (seconds since 1904-01-01 UTC) and the duration; Apple and Android phones also write
a local capture time with its offset (`moov/meta` key `com.apple.quicktime.creationdate`, or
`moov/udta/©day`), which is preferred because it is the wall-clock time of the place; without it
the UTC creation time is shown in Beijing time (UTC+8), so a video of a morning meeting is not dated
the day before. A zero or
implausible time (cameras with an unset clock write 1904 or 1970) is no time. Other containers
(AVI, WMV, MKV) are recorded as videos without a time.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from credit_check.facttypes import VideoFacts
from credit_check.model import Extracted, Kind

if TYPE_CHECKING:
    from credit_check.facts import ExtractOptions

_EPOCH_1904 = dt.datetime(1904, 1, 1, tzinfo=dt.UTC)
CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
_CONTAINERS = {b"moov", b"udta", b"meta", b"ilst", b"trak", b"mdia"}
_MAX_BOXES = 10_000  # a hostile file cannot make the walk long
_MAX_META = 1 << 20  # bytes of a metadata box read into memory
_ISO = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})[T ](\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
BRANDS_NOT_VIDEO = (b"heic", b"heix", b"mif1", b"hevc", b"heim", b"msf1", b"avif")


def _plausible(when: dt.datetime) -> bool:
    return 1995 <= when.year <= 2100


def _iso(text: str) -> dt.datetime | None:
    m = _ISO.search(text)
    if not m:
        return None
    y, mo, d, h, mi, s, zone = m.groups()
    try:
        when = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s))
        if zone:
            offset = dt.timedelta(0) if zone == "Z" else dt.timedelta(
                hours=int(zone[1:3]), minutes=int(zone[-2:])) * (1 if zone[0] == "+" else -1)
            when = when.replace(tzinfo=dt.timezone(offset))
    except ValueError:
        return None
    return when if _plausible(when) else None


class _Walk:
    """The boxes of an ISO BMFF file, read by seeking from header to header."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh, self.size, self.seen = fh, size, 0
        self.mvhd: tuple[dt.datetime | None, float | None] = (None, None)
        self.local: dt.datetime | None = None
        self.keys: list[str] = []

    def boxes(self, start: int, end: int) -> list[tuple[bytes, int, int]]:
        out: list[tuple[bytes, int, int]] = []
        pos = start
        while pos + 8 <= end and self.seen < _MAX_BOXES:
            self.seen += 1
            self.fh.seek(pos)
            head = self.fh.read(16)
            if len(head) < 8:
                break
            size, kind = struct.unpack(">I4s", head[:8])
            body = pos + 8
            if size == 1 and len(head) == 16:
                size, body = struct.unpack(">Q", head[8:16])[0], pos + 16
            elif size == 0:
                size = end - pos
            if size < 8 or pos + size > end:
                break
            out.append((kind, body, pos + size))
            pos += size
        return out

    def walk(self, start: int, end: int, depth: int = 0) -> None:
        if depth > 8:
            return
        for kind, body, stop in self.boxes(start, end):
            if kind == b"mvhd":
                self._mvhd(body, stop)
            elif kind == b"\xa9day":
                self._text_time(body, stop)
            elif kind == b"keys":
                self._keys(body, stop)
            elif kind == b"ilst" and self.keys:
                self._ilst(body, stop)
            elif kind in _CONTAINERS:
                offset = 4 if kind == b"meta" and self._full_meta(body) else 0
                self.walk(body + offset, stop, depth + 1)

    def _read(self, start: int, stop: int) -> bytes:
        self.fh.seek(start)
        return self.fh.read(min(stop - start, _MAX_META))

    def _full_meta(self, body: int) -> bool:
        """`meta` is a full box (version + flags) in MP4, a plain container in QuickTime."""
        self.fh.seek(body + 4)
        return self.fh.read(4) != b"hdlr"

    def _mvhd(self, body: int, stop: int) -> None:
        data = self._read(body, stop)
        if len(data) < 20:
            return
        if data[0] == 1 and len(data) >= 32:
            created, _, scale, duration = struct.unpack(">QQIQ", data[4:32])
        else:
            created, _, scale, duration = struct.unpack(">IIII", data[4:20])
        when = _EPOCH_1904 + dt.timedelta(seconds=created) if created else None
        self.mvhd = (when if when is not None and _plausible(when) else None,
                     duration / scale if scale else None)

    def _text_time(self, body: int, stop: int) -> None:
        data = self._read(body, stop)
        text = data.decode("latin-1")
        self.local = self.local or _iso(text)

    def _keys(self, body: int, stop: int) -> None:
        data = self._read(body, stop)
        pos = 8  # version/flags, entry count
        while pos + 8 <= len(data):
            size = struct.unpack(">I", data[pos:pos + 4])[0]
            if size < 8:
                break
            self.keys.append(data[pos + 8:pos + size].decode("utf-8", "replace"))
            pos += size

    def _ilst(self, body: int, stop: int) -> None:
        for kind, item_body, item_stop in self.boxes(body, stop):
            index = struct.unpack(">I", kind)[0]
            if 1 <= index <= len(self.keys) and self.keys[index - 1] == "com.apple.quicktime.creationdate":
                self.local = self.local or _iso(self._read(item_body, item_stop).decode("utf-8", "replace"))


def read_times(path: Path) -> tuple[dt.datetime | None, float | None]:
    """(capture time, duration in seconds) of an ISO BMFF video, either None when unknown."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        walk = _Walk(fh, size)
        walk.walk(0, size)
    created, duration = walk.mvhd
    if walk.local is None and created is not None:
        created = created.astimezone(CHINA)  # the container's clock is UTC; the evidence is dated in Beijing time
    return walk.local or created, duration


def extract(path: Path, options: ExtractOptions) -> Extracted:
    taken, duration = read_times(path)
    facts = VideoFacts(taken=taken, duration_s=round(duration, 3) if duration is not None else None)
    if taken is None:
        return Extracted(kind=Kind.VIDEO, facts=facts)
    return Extracted(kind=Kind.VIDEO, facts=facts, content_date=taken.date(), content_date_source="video")
