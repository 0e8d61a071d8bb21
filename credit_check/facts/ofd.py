"""Facts of OFD files (GB/T 33190): text, the 公文 elements and the electronic seals.

An OFD is a zip: `OFD.xml` → `DocBody/DocRoot` (`Document.xml`) → pages (`Content.xml`) and
template pages, resources (`PublicRes.xml`, `DocumentRes.xml`: colour spaces, draw parameters,
pictures), annotations, and `Signatures.xml` → one `Signature.xml` per signature. Paths are
absolute (`/Doc_0/...`) or relative to the file that names them; writers mix both, put every part
at the zip root, name page folders freely and put spaces in folder names — all are followed.

- **Text** in reading order from TextObject/TextCode (X, Y, DeltaX/DeltaY with the `g` shorthand,
  CTM and Boundary): glyphs are sorted into lines by baseline, lines top to bottom. Template page
  text is included; annotation text (watermarks, "下载次数") is not.
- **Red header**: red text (FillColor, a DrawParam, RGB/Gray/CMYK colour spaces; red as for PDF)
  in the top 42 % of page 1 that reads as an organ name (…局, …委员会, …文件); or red glyph
  outlines (filled PathObjects, several in a wide centred row); or a red band holding an organ
  name; or a wide picture of a header. A red emblem, a red box or a brown invoice title is not one.
- **Seal**: an electronic seal (a signature with a seal picture or a stamp position, see
  `credit_check/facts/ses.py`), else a seal picture found by `pixels.find_seals` in a page picture
  or in an annotation picture (Type="Stamp"/"Watermark": visible, but not signed).
- **Signatures**: every reference digest is checked against the zip member's bytes, the signature
  value against its Signature.xml (`ses.SignedValue.verify`). A mismatch means the document was
  changed after signing (`digest_ok=False`). Trust in the signer is not established (no roots, no
  network).

The zip comes from strangers: it is never extracted, no file is written, and a hostile archive
(duplicate, absolute or `..` names, overlapping entries, a file entry after the central directory,
too many entries, members over 50 MB or compressed over 200:1, more than 200 MB read in all, an
encrypted member) or hostile XML (any DOCTYPE or entity declaration, nesting deeper than 200, more
than a million elements) is refused with a precise reason.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import io
import itertools
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING
from xml.etree import ElementTree as ET
from xml.parsers import expat

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from credit_check.facts import gongwen, pixels, ses, sigcrypto
from credit_check.facts.gongwen import Element
from credit_check.facttypes import DocumentFacts, ErrorKind, Signature
from credit_check.model import Extracted, Kind

if TYPE_CHECKING:
    from credit_check.facts import ExtractOptions

MB = 1024 * 1024
MEMBER_MAX = 50 * MB  # uncompressed bytes of one member
TOTAL_MAX = 200 * MB  # uncompressed bytes read from one file
RATIO_MAX = 200  # uncompressed : compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1 * MB
ENTRIES_MAX = 20_000
XML_DEPTH_MAX = 200
XML_ELEMENTS_MAX = 1_000_000
OBJECTS_MAX = 200_000  # drawing objects read per page
SIGNATURES_MAX = 50
REFERENCES_MAX = 10_000
PAGE_CHARS_MAX = 100_000
IMAGE_PIXELS_MAX = 40_000_000
TOP = 0.42  # the header zone: top 42 % of page 1
CHINA = dt.timezone(dt.timedelta(hours=8))  # OFD times without a zone are local times
ORGAN = re.compile(r"(文件|局|委员会|人民政府|政府|办公室|办公厅|中心|大队|支队|厅|部|委|党组|党委)$")
NOT_HEADER = re.compile(r"(发票|执照|许可证|证书|证明|通知书|决定书|登记表|审批表|申请表)")
Rgb = tuple[int, int, int]
BoxMm = tuple[float, float, float, float]  # left, top, right, bottom in mm, origin top left


class OfdError(Exception):
    """The file cannot be read: the error kind and a precise detail. `malformed`: a part whose XML
    is broken (a page can be skipped); anything else stops the file."""

    def __init__(self, kind: ErrorKind, detail: str, *, malformed: bool = False) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.malformed = malformed


# ------------------------------------------------------------------------------------ the zip
def _eocd_entries(fh: IO[bytes], size: int) -> int | None:
    """Number of entries the end-of-central-directory record declares (None when not found)."""
    back = min(size, 22 + 65535)
    fh.seek(size - back)
    tail = fh.read(back)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    entries: int = struct.unpack_from("<H", tail, at + 10)[0]
    return entries


class Package:
    """The zip, opened defensively: names and layout are checked before anything is read, every
    read is capped, nothing is ever written."""

    def __init__(self, fh: IO[bytes], size: int) -> None:
        self._fh = fh
        entries = _eocd_entries(fh, size)
        if entries is not None and entries > ENTRIES_MAX:
            raise OfdError(ErrorKind.TOO_LARGE, f"ZIP 含 {entries} 个条目（上限 {ENTRIES_MAX}）")
        fh.seek(0)
        try:
            self._zip = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, ValueError, NotImplementedError, struct.error) as exc:
            raise OfdError(ErrorKind.CORRUPT, f"不是有效的 ZIP 文件：{exc}") from exc
        infos = self._zip.infolist()
        if len(infos) > ENTRIES_MAX:
            raise OfdError(ErrorKind.TOO_LARGE, f"ZIP 含 {len(infos)} 个条目（上限 {ENTRIES_MAX}）")
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            if name in self.members:
                raise OfdError(ErrorKind.CORRUPT, f"ZIP 中有重名条目：{name[:80]}")
            if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or \
                    ".." in re.split(r"[/\\]", name):
                raise OfdError(ErrorKind.CORRUPT, f"ZIP 条目名指向包外：{name[:80]}")
            if info.flag_bits & 0x1:
                raise OfdError(ErrorKind.ENCRYPTED, f"ZIP 条目已加密：{name[:80]}")
            self.members[name] = info
        self._layout(infos, size)
        self.files = {n for n, i in self.members.items() if not i.is_dir()}
        self._lower = {n.lower(): n for n in self.files}
        self._cache: dict[str, bytes] = {}
        self.read_total = 0

    def _layout(self, infos: list[zipfile.ZipInfo], size: int) -> None:
        """Entries must not overlap (a 'quoted overlap' zip bomb) and no file entry may hide after
        the central directory (another reader would see other content)."""
        start_dir = getattr(self._zip, "start_dir", None)
        ends: list[tuple[int, int, str]] = []
        for info in infos:
            self._fh.seek(info.header_offset)
            head = self._fh.read(30)
            if len(head) < 30 or head[:4] != b"PK\x03\x04":
                raise OfdError(ErrorKind.CORRUPT, f"ZIP 条目头损坏：{info.filename[:80]}")
            n, m = struct.unpack_from("<HH", head, 26)
            ends.append((info.header_offset, info.header_offset + 30 + n + m + info.compress_size, info.filename))
        ends.sort()
        for (_, end, name), (start, _, other) in itertools.pairwise(ends):
            if start < end:
                raise OfdError(ErrorKind.CORRUPT, f"ZIP 条目相互重叠（{name[:60]} 与 {other[:60]}）")
        if isinstance(start_dir, int) and 0 <= start_dir <= size:
            if ends and ends[-1][1] > start_dir:
                raise OfdError(ErrorKind.CORRUPT, f"ZIP 条目与中央目录重叠：{ends[-1][2][:80]}")
            self._fh.seek(start_dir)
            tail = b""
            while chunk := self._fh.read(MB):
                if b"PK\x03\x04" in tail[-3:] + chunk:
                    raise OfdError(ErrorKind.CORRUPT, "ZIP 中央目录之后还有文件条目（不同软件会读出不同内容）")
                tail = chunk

    def find(self, name: str | None) -> str | None:
        """The member called `name`, letter case aside."""
        if not name:
            return None
        if name in self.files:
            return name
        return self._lower.get(name.lower())

    def resolve(self, loc: str | None, base_dir: str) -> str | None:
        """An OFD location (absolute `/Doc_0/x.xml` or relative to `base_dir`) as a member name; a
        relative location that is not there is tried from the root, as viewers do."""
        if not loc or not loc.strip():
            return None
        found = self.find(join(base_dir, loc))
        if found is None and not loc.strip().startswith(("/", "\\")):
            found = self.find(join("", loc))
        return found

    def read(self, name: str) -> bytes:
        if name in self._cache:
            return self._cache[name]
        info = self.members[name]
        if info.file_size > MEMBER_MAX:
            raise OfdError(ErrorKind.TOO_LARGE, f"{name[:80]} 解压后 {_size(info.file_size)}（上限 {_size(MEMBER_MAX)}）")
        if info.file_size > RATIO_FLOOR and info.file_size > RATIO_MAX * max(info.compress_size, 1):
            raise OfdError(ErrorKind.TOO_LARGE,
                           f"{name[:80]} 压缩比 {info.file_size // max(info.compress_size, 1)}:1（疑似压缩炸弹）")
        if self.read_total + info.file_size > TOTAL_MAX:
            raise OfdError(ErrorKind.TOO_LARGE, f"解压内容超过 {_size(TOTAL_MAX)}（读到 {name[:80]} 时）")
        try:
            with self._zip.open(info) as member:
                data = member.read(MEMBER_MAX + 1)
        except Exception as exc:  # bad CRC, zlib.error, an unsupported method: a damaged member
            raise OfdError(ErrorKind.CORRUPT, f"{name[:80]}：{type(exc).__name__}: {exc}") from exc
        if len(data) > MEMBER_MAX:
            raise OfdError(ErrorKind.TOO_LARGE, f"{name[:80]} 解压后超过 {_size(MEMBER_MAX)}")
        self.read_total += len(data)
        self._cache[name] = data
        return data

    def xml(self, name: str) -> ET.Element:
        try:
            return parse_xml(self.read(name), name)
        except XmlRefused as exc:
            raise OfdError(ErrorKind.CORRUPT, f"{name[:80]}：{exc}") from exc
        except expat.ExpatError as exc:
            raise OfdError(ErrorKind.CORRUPT, f"{name[:80]}：XML 格式错误（{exc}）", malformed=True) from exc


def _size(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.1f} KB"


def join(base_dir: str, loc: str) -> str:
    """`loc` resolved against `base_dir` inside the package ('' when it would leave the root)."""
    loc = loc.strip().replace("\\", "/")
    parts = [] if loc.startswith("/") else [p for p in base_dir.split("/") if p]
    for part in loc.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return ""
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def folder(name: str) -> str:
    return name.rsplit("/", 1)[0] if "/" in name else ""


def is_ofd_zip(path: Path) -> bool:
    """A zip with an OFD.xml at its root (an OFD whatever its name says)."""
    try:
        with path.open("rb") as fh:
            size = path.stat().st_size
            entries = _eocd_entries(fh, size)
            if entries is None or entries > ENTRIES_MAX:
                return False
            fh.seek(0)
            with zipfile.ZipFile(fh) as zf:
                return any(n.lower() == "ofd.xml" for n in zf.namelist())
    except Exception:
        return False


# ------------------------------------------------------------------------------------ the XML
class XmlRefused(Exception):
    """XML that is refused for safety (DOCTYPE, entities, nesting, size)."""


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def parse_xml(data: bytes, name: str = "") -> ET.Element:
    """Parse with expat, refusing any DOCTYPE or entity declaration (entity bombs, external
    entities) and nesting deeper than XML_DEPTH_MAX. Namespace prefixes are dropped: writers use
    http://www.ofdspec.org/2016, http://www.ofdspec.org and none. A document declared in an
    encoding expat lacks (GBK, GB18030, Big5) is decoded by Python first."""
    try:
        return _parse_xml(data)
    except XmlRefused:
        raise
    except (expat.ExpatError, ValueError) as exc:
        declared = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9_.-]+)[\"']", data[:200].lstrip(b"\xef\xbb\xbf"))
        encoding = declared.group(1).decode("ascii").lower() if declared else ""
        if encoding in ("", "utf-8", "utf8", "utf-16", "utf16"):
            raise expat.ExpatError(str(exc)) from exc
        try:
            text = data.decode("gb18030" if encoding in ("gbk", "gb2312") else encoding)
        except (LookupError, UnicodeDecodeError):
            raise expat.ExpatError(f"无法按声明的编码 {encoding} 解码") from exc
        recoded = re.sub(rb"encoding=[\"'][A-Za-z0-9_.-]+[\"']", b'encoding="UTF-8"', text.encode("utf-8"), count=1)
        return _parse_xml(recoded)


def _parse_xml(data: bytes) -> ET.Element:
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    depth = 0
    count = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth, count
        depth += 1
        count += 1
        if depth > XML_DEPTH_MAX:
            raise XmlRefused(f"XML 嵌套超过 {XML_DEPTH_MAX} 层")
        if count > XML_ELEMENTS_MAX:
            raise XmlRefused(f"XML 元素超过 {XML_ELEMENTS_MAX} 个")
        builder.start(_local(tag), {_local(k): v for k, v in attrs.items() if not k.startswith("xmlns")})

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(_local(tag))

    def refuse(*_: object) -> None:
        raise XmlRefused("XML 含 DOCTYPE/实体声明（拒绝解析，防止实体炸弹）")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.buffer_text = True
    parser.Parse(data, True)
    return builder.close()


def _floats(text: str | None, n: int | None = None) -> list[float] | None:
    if not text:
        return None
    try:
        values = [float(v) for v in text.replace(",", " ").split()]
    except ValueError:
        return None
    if n is not None and len(values) < n:
        return None
    return values[:n] if n is not None else values


def _boundary(el: ET.Element) -> BoxMm | None:
    v = _floats(el.get("Boundary"), 4)
    return (v[0], v[1], v[0] + v[2], v[1] + v[3]) if v else None


def _text_of(el: ET.Element | None, tag: str) -> str | None:
    if el is None:
        return None
    child = el.find(tag)
    text = (child.text or "").strip() if child is not None else ""
    return text or None


# ------------------------------------------------------------------------------- resources
@dataclass
class DrawParam:
    fill: Rgb | None
    stroke: Rgb | None
    relative: str | None


@dataclass
class Resources:
    spaces: dict[str, tuple[str, int]] = field(default_factory=dict)  # id → (type, bits per component)
    params: dict[str, DrawParam] = field(default_factory=dict)
    media: dict[str, str | None] = field(default_factory=dict)  # id → member (None: missing)
    missing: list[str] = field(default_factory=list)

    def load(self, pkg: Package, member: str | None) -> None:
        if member is None:
            return
        root = pkg.xml(member)
        base = join(folder(member), root.get("BaseLoc") or "")
        for cs in root.iter("ColorSpace"):
            bpc = _floats(cs.get("BitsPerComponent"), 1)
            bits = int(bpc[0]) if bpc else 8
            self.spaces[cs.get("ID", "")] = ((cs.get("Type") or "RGB").upper(), max(1, min(bits, 16)))
        for dp in root.iter("DrawParam"):
            fc, sc = dp.find("FillColor"), dp.find("StrokeColor")
            self.params[dp.get("ID", "")] = DrawParam(self.colour(fc) if fc is not None else None,
                                                       self.colour(sc) if sc is not None else None,
                                                       dp.get("Relative"))
        for mm in root.iter("MultiMedia"):
            loc = _text_of(mm, "MediaFile")
            found = None
            if loc:
                found = pkg.find(join(base, loc)) or pkg.find(join(folder(member), loc)) if not loc.startswith("/") \
                    else pkg.find(join("", loc))
            self.media[mm.get("ID", "")] = found
            if found is None and loc:
                self.missing.append(loc)

    def colour(self, el: ET.Element) -> Rgb | None:
        """RGB of a FillColor/StrokeColor (RGB, Gray or CMYK; decimal or #hex components)."""
        value = el.get("Value")
        if value is None:
            return None
        comps: list[float] = []
        for token in value.split():
            try:
                comps.append(float(int(token[1:], 16)) if token.startswith("#") else float(token))
            except ValueError:
                return None
        space, bits = self.spaces.get(el.get("ColorSpace") or "", ("RGB", 8))
        top = float(2 ** bits - 1)
        norm = [min(max(c / top, 0.0), 1.0) for c in comps]
        if space == "GRAY" or len(norm) == 1:
            g = round(norm[0] * 255)
            return g, g, g
        if space == "CMYK" or len(norm) == 4:
            c, m, y, k = [*norm, 0.0, 0.0, 0.0, 0.0][:4]
            return round(255 * (1 - c) * (1 - k)), round(255 * (1 - m) * (1 - k)), round(255 * (1 - y) * (1 - k))
        if len(norm) >= 3:
            return round(norm[0] * 255), round(norm[1] * 255), round(norm[2] * 255)
        return None

    def param_colour(self, pid: str | None, fill: bool) -> Rgb | None:
        seen = 0
        while pid and pid in self.params and seen < 10:
            dp = self.params[pid]
            colour = dp.fill if fill else dp.stroke
            if colour is not None:
                return colour
            pid, seen = dp.relative, seen + 1
        return None


def is_red(rgb: Rgb | None) -> bool:
    if rgb is None:
        return False
    r, g, b = rgb
    return r >= 150 and r - g >= 80 and r - b >= 60


# --------------------------------------------------------------------------------- page content
@dataclass
class Glyph:
    x: float
    y: float  # baseline, mm from the top
    size: float
    ch: str
    rgb: Rgb | None
    run: int = 0  # glyphs of one TextCode on one baseline keep their order


@dataclass
class Shape:
    box: BoxMm
    fill: Rgb | None  # None: not filled
    stroke: Rgb | None
    subpaths: int


@dataclass
class Picture:
    box: BoxMm
    member: str | None
    annot: str | None = None  # the annotation type when it belongs to an annotation


@dataclass
class PageData:
    width: float
    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    objects: int = 0


def _deltas(text: str | None) -> list[float]:
    """DeltaX/DeltaY with the `g N v` shorthand expanded."""
    out: list[float] = []
    tokens = (text or "").split()
    i = 0
    while i < len(tokens) and len(out) < PAGE_CHARS_MAX:
        if tokens[i] == "g" and i + 2 < len(tokens):
            with contextlib.suppress(ValueError):
                out.extend([float(tokens[i + 2])] * min(int(tokens[i + 1]), PAGE_CHARS_MAX))
            i += 3
            continue
        with contextlib.suppress(ValueError):
            out.append(float(tokens[i]))
        i += 1
    return out


class _Reader:
    """Reads the drawing objects of one page (or template or annotation appearance)."""

    def __init__(self, res: Resources, page: PageData) -> None:
        self.res = res
        self.page = page

    def walk(self, el: ET.Element, origin: tuple[float, float], param: str | None, annot: str | None) -> None:
        for child in el:
            self.page.objects += 1
            if self.page.objects > OBJECTS_MAX:
                return
            tag = child.tag
            if tag in ("Layer", "PageBlock", "Content"):
                self.walk(child, origin, child.get("DrawParam") or param, annot)
            elif tag == "TextObject" and annot is None:
                self._text(child, origin, child.get("DrawParam") or param)
            elif tag == "PathObject":
                self._path(child, origin, child.get("DrawParam") or param)
            elif tag == "ImageObject":
                self._image(child, origin, annot)

    def _colour(self, el: ET.Element, param: str | None, fill: bool, default: Rgb | None) -> Rgb | None:
        own = el.find("FillColor" if fill else "StrokeColor")
        if own is not None:
            colour = self.res.colour(own)
            return colour if colour is not None or own.get("Value") is not None else default
        return self.res.param_colour(param, fill) or default

    def _text(self, el: ET.Element, origin: tuple[float, float], param: str | None) -> None:
        box = _boundary(el)
        if box is None:
            return
        size = (_floats(el.get("Size"), 1) or [3.5])[0]
        filled = el.get("Fill", "true").lower() != "false"
        stroked = el.get("Stroke", "false").lower() == "true"
        rgb = self._colour(el, param, True, (0, 0, 0)) if filled or not stroked else \
            self._colour(el, param, False, (0, 0, 0))
        ctm = _floats(el.get("CTM"), 6)
        scale = abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]) ** 0.5 if ctm else 1.0
        x = y = 0.0
        run = len(self.page.glyphs)
        for code in el.iter("TextCode"):
            run += 1
            text = code.text or ""
            x = (_floats(code.get("X"), 1) or [x])[0]
            y = (_floats(code.get("Y"), 1) or [y])[0]
            dxs, dys = _deltas(code.get("DeltaX")), _deltas(code.get("DeltaY"))
            for i, ch in enumerate(text):
                if len(self.page.glyphs) > PAGE_CHARS_MAX:
                    return
                if i > 0:
                    x += dxs[i - 1] if i - 1 < len(dxs) else (dxs[-1] if dxs else _advance(text[i - 1], size))
                    step = dys[i - 1] if i - 1 < len(dys) else 0.0
                    y += step
                    run += 1 if step else 0
                px, py = (ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]) if ctm else (x, y)
                if not ch.isspace():
                    self.page.glyphs.append(Glyph(origin[0] + box[0] + px, origin[1] + box[1] + py, size * scale, ch, rgb,
                                                  run))
            if text:
                x += dxs[len(text) - 1] if len(dxs) >= len(text) else _advance(text[-1], size)

    def _path(self, el: ET.Element, origin: tuple[float, float], param: str | None) -> None:
        box = _boundary(el)
        if box is None:
            return
        filled = el.get("Fill", "false").lower() == "true"
        stroked = el.get("Stroke", "true").lower() != "false"
        data = _text_of(el, "AbbreviatedData") or ""
        shape = Shape(box=(origin[0] + box[0], origin[1] + box[1], origin[0] + box[2], origin[1] + box[3]),
                      fill=self._colour(el, param, True, (0, 0, 0)) if filled else None,
                      stroke=self._colour(el, param, False, (0, 0, 0)) if stroked else None,
                      subpaths=len(re.findall(r"(?:^|\s)[MS](?=\s)", data)))
        self.page.shapes.append(shape)

    def _image(self, el: ET.Element, origin: tuple[float, float], annot: str | None) -> None:
        box = _boundary(el)
        if box is None:
            return
        ctm = _floats(el.get("CTM"), 6)
        x0, y0 = origin[0] + box[0], origin[1] + box[1]
        if ctm:  # the unit square through the CTM, inside the boundary
            xs = [ctm[4], ctm[0] + ctm[4], ctm[2] + ctm[4], ctm[0] + ctm[2] + ctm[4]]
            ys = [ctm[5], ctm[1] + ctm[5], ctm[3] + ctm[5], ctm[1] + ctm[3] + ctm[5]]
            placed = (x0 + min(xs), y0 + min(ys), x0 + max(xs), y0 + max(ys))
            clip = (x0, y0, origin[0] + box[2], origin[1] + box[3])
            placed = (max(placed[0], clip[0]), max(placed[1], clip[1]), min(placed[2], clip[2]), min(placed[3], clip[3]))
            if placed[2] <= placed[0] or placed[3] <= placed[1]:
                placed = clip
        else:
            placed = (x0, y0, origin[0] + box[2], origin[1] + box[3])
        self.page.pictures.append(Picture(placed, self.res.media.get(el.get("ResourceID", "")), annot))


def _advance(ch: str, size: float) -> float:
    return size * (0.5 if ch.isascii() else 1.0)


def lines_of(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into lines (same baseline), top to bottom, each left to right."""
    lines: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: (round(g.y, 1), g.x)):
        if lines:
            last = lines[-1]
            ref = last[0]
            if abs(g.y - ref.y) <= 0.4 * max(g.size, ref.size, 0.5):
                last.append(g)
                continue
        lines.append([g])
    for line in lines:  # runs left to right, each in its own order (overlapping runs do not interleave)
        start: dict[int, float] = {}
        for g in line:
            start[g.run] = min(start.get(g.run, g.x), g.x)
        line.sort(key=lambda g: (start[g.run], g.run))
    return lines


def line_text(line: list[Glyph]) -> str:
    out: list[str] = []
    for i, g in enumerate(line):
        if i:
            prev = line[i - 1]
            gap = g.x - (prev.x + _advance(prev.ch, prev.size))
            if gap > max(prev.size, g.size) * 1.0:
                out.append("  ")
        out.append(g.ch)
    return "".join(out)


def page_text(page: PageData) -> str:
    return "\n".join(line_text(line) for line in lines_of(page.glyphs))[:PAGE_CHARS_MAX]


# ------------------------------------------------------------------------------------ pictures
def _pixels(pkg: Package, member: str | None, width_mm: float) -> tuple[NDArray[np.uint8], float] | None:
    """RGB pixels of a picture member at about 100 dpi of its printed width, and mm per pixel."""
    if member is None or width_mm <= 0:
        return None
    try:
        data = pkg.read(member)
    except OfdError:
        return None
    return picture_pixels(data, width_mm)


def picture_pixels(data: bytes, width_mm: float) -> tuple[NDArray[np.uint8], float] | None:
    """RGB pixels (on white paper) of a picture printed `width_mm` wide, at about 100 dpi."""
    target_w = max(8, int(width_mm / 0.254))
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height > IMAGE_PIXELS_MAX:
                return None
            im.draft("RGB", (target_w, max(1, target_w * im.height // max(im.width, 1))))
            small: Image.Image = im if im.mode in ("RGB", "L", "RGBA", "LA") else im.convert("RGBA")  # palette, 1-bit
            if small.width > target_w:
                small = small.resize((target_w, max(1, round(small.height * target_w / small.width))),
                                     Image.Resampling.BOX)
            if small.mode in ("RGB", "L"):
                rgb = small.convert("RGB")
            else:
                rgba = small.convert("RGBA")
                rgb = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
    except Exception:  # JBIG2, broken pictures: not readable here
        return None
    return np.asarray(rgb), width_mm / rgb.width


# ---------------------------------------------------------------------------------- red header
def _organ_name(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    if not compact or NOT_HEADER.search(compact):
        return False
    return any(ORGAN.search(part) for part in (compact, compact.removesuffix("文件")))


def find_header(page: PageData, pkg: Package, scanned: bool) -> Element:
    """The red 发文机关标志 at the top of page 1."""
    zone = page.height * TOP

    def frac(box: BoxMm) -> tuple[float, float, float, float]:
        return fraction(page, box)

    rules = [s for s in page.shapes if (is_red(s.fill) or is_red(s.stroke)) and s.box[2] - s.box[0] >= 90
             and s.box[3] - s.box[1] <= 4 and s.box[1] <= page.height * 0.5]
    rule_note = "，下有红色分隔线" if rules else ""
    red_lines = [ln for ln in lines_of([g for g in page.glyphs if g.y <= zone and is_red(g.rgb)])]
    red_text = "".join(line_text(ln).replace(" ", "") for ln in red_lines)
    if red_lines and _organ_name(red_text):
        box = (min(g.x for ln in red_lines for g in ln), min(g.y - g.size for ln in red_lines for g in ln),
               max(g.x + g.size for ln in red_lines for g in ln), max(g.y for ln in red_lines for g in ln))
        return Element(present=True, reason=f"第1页顶部红色文字“{red_text[:30]}”{rule_note}", page=1, box=frac(box))
    # Red text turned into outlines: several red filled shapes in a wide, centred row.
    glyph_like = [s for s in page.shapes if is_red(s.fill) and s.box[1] <= zone and 3 <= s.box[3] - s.box[1] <= 40][:400]
    for seed in glyph_like:
        row = [s for s in glyph_like if min(s.box[3], seed.box[3]) - max(s.box[1], seed.box[1])
               > 0.5 * min(s.box[3] - s.box[1], seed.box[3] - seed.box[1])]
        x0, x1 = min(s.box[0] for s in row), max(s.box[2] for s in row)
        y0, y1 = min(s.box[1] for s in row), max(s.box[3] for s in row)
        glyphs = len(row) >= 3 or sum(s.subpaths for s in row) >= 8
        wide = x1 - x0 >= 40 and (x1 - x0) / max(y1 - y0, 0.1) >= 2.5
        if glyphs and wide and abs((x0 + x1) / 2 - page.width / 2) < page.width * 0.2:
            return Element(present=True, reason=f"第1页顶部红色矢量文字（转曲的发文机关标志）{rule_note}", page=1,
                           box=frac((x0, y0, x1, y1)))
    # A red band with the organ name on it (white on red).
    for band in page.shapes:
        b = band.box
        if is_red(band.fill) and b[1] <= zone and b[2] - b[0] >= 100 and 8 <= b[3] - b[1] <= 45:
            inside = "".join(g.ch for g in page.glyphs if b[0] - 1 <= g.x <= b[2] + 1 and b[1] - 1 <= g.y <= b[3] + 1)
            if _organ_name(inside):
                return Element(present=True, reason=f"第1页顶部红色色带中的机关名称“{inside[:30]}”", page=1, box=frac(b))
    # A picture of the header (pasted from a scan), or a scanned page.
    area = page.width * page.height or 1.0
    for pic in page.pictures:
        b = pic.box
        w, h = b[2] - b[0], b[3] - b[1]
        whole = w * h / area > 0.5
        if pic.annot is not None or b[1] > zone or w < 60 or (whole and not scanned):
            continue
        px = _pixels(pkg, pic.member, w)
        if px is None:
            continue
        rgb, mm_per_px = px
        if not whole:  # the picture is the header: white paper below it, as on a page
            rgb = np.vstack([rgb, np.full((rgb.shape[0] * 2, *rgb.shape[1:]), 255, dtype=np.uint8)])
        hit = pixels.find_red_header(rgb, mm_per_px)
        if hit is not None and not hit.band:
            return Element(present=True, reason="第1页顶部有红色发文机关标志（图片）", page=1)
    if red_text:
        return Element(present=False, reason=f"第1页顶部的红色文字“{red_text[:20]}”不是发文机关名称", page=1)
    if scanned and not page.glyphs:
        return Element(present=None, reason="第1页为扫描图片，未发现红色版头；无法读取文字确认", page=1)
    return Element(present=False, reason="第1页顶部没有红色发文机关标志" + ("（仅有红色分隔线）" if rules else ""), page=1)


def fraction(page: PageData, box: BoxMm) -> tuple[float, float, float, float]:
    """A box in mm as fractions of the page (left, top, right, bottom)."""
    w, h = page.width or 1.0, page.height or 1.0
    return (max(0.0, box[0] / w), max(0.0, box[1] / h), min(1.0, box[2] / w), min(1.0, box[3] / h))


# ------------------------------------------------------------------------------------ document
@dataclass
class PageRef:
    number: int  # 1-based
    page_id: str
    member: str | None
    loc: str


@dataclass
class Document:
    pkg: Package
    member: str  # Document.xml (or whatever DocRoot names)
    info: ET.Element | None
    signatures: str | None  # Signatures.xml
    signatures_loc: str | None
    res: Resources
    pages: list[PageRef]
    page_box: list[float]
    templates: dict[str, str | None]
    annotations: dict[str, list[str]]  # page id → annotation files
    notes: list[str] = field(default_factory=list)


def open_document(pkg: Package) -> Document:
    ofd_member = pkg.find("OFD.xml")
    if ofd_member is None:
        raise OfdError(ErrorKind.CORRUPT, "缺少 OFD.xml（不是 OFD 文件）")
    ofd = pkg.xml(ofd_member)
    bodies = ofd.findall("DocBody")
    if not bodies:
        raise OfdError(ErrorKind.CORRUPT, "OFD.xml 中没有 DocBody")
    body = bodies[0]
    notes = [] if len(bodies) == 1 else [f"OFD 含 {len(bodies)} 个文档，只读取了第一个"]
    doc_loc = _text_of(body, "DocRoot")
    member = pkg.resolve(doc_loc, "")
    if member is None:
        raise OfdError(ErrorKind.CORRUPT, f"找不到文档根 DocRoot：{(doc_loc or '（空）')[:80]}")
    root = pkg.xml(member)
    base = folder(member)
    common = root.find("CommonData")
    res = Resources()
    page_box = [0.0, 0.0, 210.0, 297.0]
    templates: dict[str, str | None] = {}
    if common is not None:
        for tag in ("PublicRes", "DocumentRes"):
            for el in common.findall(tag):
                found = pkg.resolve(el.text, base)
                if found is None:
                    notes.append(f"资源文件缺失：{(el.text or '').strip()[:80]}")
                    continue
                res.load(pkg, found)
        area = common.find("PageArea")
        page_box = _floats(_text_of(area, "PhysicalBox"), 4) or page_box
        templates = {t.get("ID", ""): pkg.resolve(t.get("BaseLoc"), base) for t in common.findall("TemplatePage")}
    pages_el = root.find("Pages")
    refs = [] if pages_el is None else [
        PageRef(number=i + 1, page_id=p.get("ID", ""), member=pkg.resolve(p.get("BaseLoc"), base), loc=p.get("BaseLoc") or "")
        for i, p in enumerate(pages_el.findall("Page"))]
    annotations: dict[str, list[str]] = {}
    annots_member = pkg.resolve(_text_of(root, "Annotations"), base)
    if annots_member is not None:
        try:
            for page in pkg.xml(annots_member).findall("Page"):
                for loc in page.findall("FileLoc"):
                    found = pkg.resolve(loc.text, folder(annots_member))
                    if found is not None:
                        annotations.setdefault(page.get("PageID", ""), []).append(found)
        except OfdError as exc:
            if not exc.malformed:
                raise
            notes.append(f"注释文件无法解析：{exc.detail[:80]}")
    sig_loc = _text_of(body, "Signatures")
    signatures = pkg.resolve(sig_loc, "")
    if sig_loc and signatures is None:
        notes.append(f"签名列表文件缺失：{sig_loc[:80]}")
    notes.extend(f"图片资源缺失：{missing[:80]}" for missing in res.missing)
    return Document(pkg=pkg, member=member, info=body.find("DocInfo"), signatures=signatures, signatures_loc=sig_loc,
                    res=res, pages=refs, page_box=page_box, templates=templates, annotations=annotations, notes=notes)


def _page_resources(doc: Document, page: ET.Element, base: str) -> Resources:
    extra = page.findall("PageRes")
    if not extra:
        return doc.res
    res = Resources(spaces=dict(doc.res.spaces), params=dict(doc.res.params), media=dict(doc.res.media))
    for el in extra:
        res.load(doc.pkg, doc.pkg.resolve(el.text, base))
    return res


def read_page(doc: Document, ref: PageRef, cache: dict[str, ET.Element]) -> PageData:
    """Drawing objects of a page with its templates and annotations (page coordinates, mm)."""
    pkg = doc.pkg
    if ref.member is None:
        doc.notes.append(f"第{ref.number}页内容文件缺失：{ref.loc[:80]}")
        return PageData(width=doc.page_box[2], height=doc.page_box[3])
    try:
        el = pkg.xml(ref.member)
    except OfdError as exc:
        if not exc.malformed:
            raise
        doc.notes.append(f"第{ref.number}页内容无法解析：{exc.detail[:100]}")
        return PageData(width=doc.page_box[2], height=doc.page_box[3])
    box = _floats(_text_of(el.find("Area"), "PhysicalBox"), 4) or doc.page_box
    page = PageData(width=box[2], height=box[3])
    res = _page_resources(doc, el, folder(ref.member))
    reader = _Reader(res, page)
    for template in el.findall("Template"):
        member = doc.templates.get(template.get("TemplateID", ""))
        if member is None:
            continue
        if member not in cache:
            try:
                cache[member] = pkg.xml(member)
            except OfdError as exc:
                if not exc.malformed:
                    raise
                doc.notes.append(f"模板页无法解析：{exc.detail[:80]}")
                continue
        content = cache[member].find("Content")
        if content is not None:
            reader.walk(content, (0.0, 0.0), None, None)
    content = el.find("Content")
    if content is not None:
        reader.walk(content, (0.0, 0.0), None, None)
    for member in doc.annotations.get(ref.page_id, []):
        try:
            annots = pkg.xml(member)
        except OfdError as exc:
            if not exc.malformed:
                raise
            continue
        for annot in annots.iter("Annot"):
            for appearance in annot.findall("Appearance"):
                origin = _boundary(appearance) or (0.0, 0.0, 0.0, 0.0)
                reader.walk(appearance, (origin[0], origin[1]), None, annot.get("Type") or "Annot")
    return page


def _scanned(page: PageData) -> bool:
    area = page.width * page.height or 1.0
    big = any((p.box[2] - p.box[0]) * (p.box[3] - p.box[1]) / area > 0.5 for p in page.pictures if p.annot is None)
    return big and len(page.glyphs) < 8


def _text_under(page: PageData, box: BoxMm) -> bool | None:
    """Any glyph in the middle of `box` (a seal pressed over the signature and date); None when
    a picture fills the page (its text may be in the picture)."""
    dx, dy = (box[2] - box[0]) * 0.2, (box[3] - box[1]) * 0.2
    if any(box[0] + dx <= g.x <= box[2] - dx and box[1] + dy <= g.y <= box[3] - dy for g in page.glyphs):
        return True
    area = page.width * page.height or 1.0
    if any((p.box[2] - p.box[0]) * (p.box[3] - p.box[1]) / area > 0.5 for p in page.pictures if p.annot is None):
        return None
    return False


# ------------------------------------------------------------------------------ seal pictures
def find_picture_seal(pkg: Package, pages: list[PageData]) -> Element | None:
    """A seal picture on a page or in an annotation (not signed: an ink seal scanned, a stamp
    annotation, an invoice's 监制章 picture). Last page first, as a seal sits at the end."""
    decoded = 0
    for i in reversed(range(len(pages))):
        page = pages[i]
        for pic in sorted(page.pictures, key=lambda p: p.annot is not None):
            w, h = pic.box[2] - pic.box[0], pic.box[3] - pic.box[1]
            if w < 15 or h < 10 or decoded >= 16:
                continue
            decoded += 1
            px = _pixels(pkg, pic.member, w)
            if px is None:
                continue
            rgb, mm_per_px = px
            hits = pixels.find_seals(rgb, mm_per_px)
            if not hits:
                continue
            hit = hits[0]
            sx, sy = w / rgb.shape[1], h / rgb.shape[0]  # the picture may be stretched to its box
            seal_box = (pic.box[0] + hit.box.x0 * sx, pic.box[1] + hit.box.y0 * sy,
                        pic.box[0] + hit.box.x1 * sx, pic.box[1] + hit.box.y1 * sy)
            shape = pixels.SHAPE_NAMES[hit.shape]
            where = f"第{i + 1}页注释（{pic.annot}）中" if pic.annot else f"第{i + 1}页"
            unsigned = "，未经电子签章" if pic.annot else ""
            under = _text_under(page, seal_box)
            covers = True if hit.covers_text or under else under
            return Element(present=True, reason=f"{where}有红色{shape}印章图片，约 {hit.width_mm:.0f}×{hit.height_mm:.0f} mm{unsigned}",
                           page=i + 1, box=fraction(page, seal_box), blank=None if covers is None else not covers)
    return None


# ---------------------------------------------------------------------------------- signatures
@dataclass
class SealMark:
    """Where a seal is stamped: a StampAnnot (a piece of a riding seal when clipped)."""

    page: int  # 1-based
    box: BoxMm
    riding: bool


@dataclass
class FoundSignature:
    record: Signature
    marks: list[SealMark]
    picture: ses.SealPicture | None
    has_seal: bool  # an e-seal: a seal picture or a stamp position (not a bare digital signature)


def _xml_time(text: str | None) -> dt.datetime | None:
    """SignatureDateTime: '2020-07-16 16:04:27' (local), '20200723130907.763Z' (UTC) and the like."""
    if not text:
        return None
    digits = re.findall(r"\d+", text)
    if digits and len(digits[0]) >= 14:
        d = digits[0]
        digits = [d[:4], d[4:6], d[6:8], d[8:10], d[10:12], d[12:14]]
    if len(digits) < 3:
        return None
    parts = [int(x) for x in digits[:6]] + [0] * max(0, 6 - len(digits))
    zone = dt.UTC if text.strip().upper().endswith("Z") else CHINA
    try:
        return dt.datetime(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], tzinfo=zone)
    except (ValueError, OverflowError):
        return None


@dataclass
class _RefCheck:
    ok: bool | None
    problems: list[str]
    notes: list[str]
    covered: set[str]


def _describe(member: str, page_of: dict[str, int]) -> str:
    return f"第{page_of[member]}页内容（{member}）" if member in page_of else member


def _check_references(pkg: Package, sig_dir: str, refs: ET.Element | None, value: ses.SignedValue | None,
                      list_member: str | None, last: bool, page_of: dict[str, int]) -> _RefCheck:
    if refs is None or not refs.findall("Reference"):
        return _RefCheck(None, ["签名未列出受保护的文件（References）"], [], set())
    method = (refs.get("CheckMethod") or "SM3").strip()
    if sigcrypto.DIGESTS.get(method.lower()) is None:
        return _RefCheck(None, [f"不支持的摘要算法 {method[:40]}"], [], set())
    problems: list[str] = []
    notes: list[str] = []
    covered: set[str] = set()
    mismatched: list[tuple[str, bytes]] = []
    unreadable = False
    listed = refs.findall("Reference")
    if len(listed) > REFERENCES_MAX:
        return _RefCheck(None, [f"签名列出 {len(listed)} 个受保护文件（上限 {REFERENCES_MAX}），未逐一核对"], [], set())
    for ref in listed:
        loc = ref.get("FileRef") or ""
        try:
            expected = base64.b64decode(_text_of(ref, "CheckValue") or "", validate=True)
        except (binascii.Error, ValueError):
            problems.append(f"摘要值无法解码：{loc[:80]}")
            unreadable = True
            continue
        member = pkg.resolve(loc, sig_dir)
        if member is None:
            problems.append(f"签名后文件被删除：{loc[:80]}")
            mismatched.append(("", b""))
            continue
        covered.add(member)
        if sigcrypto.digest(method, pkg.read(member)) != expected:
            mismatched.append((member, expected))
    real = [(m, e) for m, e in mismatched if m]
    if real and value is not None and sigcrypto.DIGESTS.get(method.lower()) == "sm3" and value.public_point():
        still = [(m, e) for m, e in real if ses.z_digest(value, pkg.read(m)) != e]
        if len(still) < len(real):
            notes.append("引用文件摘要按 SM3(Z‖文件) 计算（厂商做法）")
        real = still
    if list_member is not None and any(m == list_member for m, _ in real) and not last:
        real = [(m, e) for m, e in real if m != list_member]
        notes.append("签名列表 Signatures.xml 在之后加盖的签章中更新（正常）")
    if real:
        problems.insert(0, "签名后被修改：" + "、".join(_describe(m, page_of) for m, _ in real[:3])
                        + ("等" if len(real) > 3 else ""))
    if real or any(not m for m, _ in mismatched):  # changed or deleted after signing
        return _RefCheck(False, problems, notes, covered)
    return _RefCheck(None if unreadable else True, problems, notes, covered)


def read_signatures(doc: Document, pages: list[PageData]) -> tuple[list[FoundSignature], list[str]]:
    pkg = doc.pkg
    if doc.signatures is None:
        return [], []
    notes: list[str] = []
    try:
        listing = pkg.xml(doc.signatures)
    except OfdError as exc:
        if not exc.malformed:
            raise
        return [], [f"签名列表无法解析：{exc.detail[:100]}"]
    entries = listing.findall("Signature")
    if not entries:
        return [], ["Signatures.xml 中没有任何签名（未签章）"]
    if len(entries) > SIGNATURES_MAX:
        notes.append(f"共 {len(entries)} 个签名，只检查了前 {SIGNATURES_MAX} 个")
        entries = entries[:SIGNATURES_MAX]
    page_number = {ref.page_id: ref.number for ref in doc.pages}
    page_of = {ref.member: ref.number for ref in doc.pages if ref.member}
    found: list[FoundSignature] = []
    for i, entry in enumerate(entries):
        kind = "ofd-sign" if (entry.get("Type") or "").strip().lower() == "sign" else "ofd-ses"
        found.append(_signature(doc, entry, kind, i == len(entries) - 1, page_number, page_of, pages))
    return found, notes


def _signature(doc: Document, entry: ET.Element, kind: str, last: bool, page_number: dict[str, int],
               page_of: dict[str, int], pages: list[PageData]) -> FoundSignature:
    pkg = doc.pkg
    list_dir = folder(doc.signatures or "")
    loc = entry.get("BaseLoc") or ""
    member = pkg.resolve(loc, list_dir)
    ses_kind = "ofd-sign" if kind == "ofd-sign" else "ofd-ses"

    def broken(problem: str) -> FoundSignature:
        return FoundSignature(Signature(kind=ses_kind, problem=problem), [], None, False)  # type: ignore[arg-type]

    if member is None:
        return broken(f"签名文件缺失：{loc[:80] or '（未给出路径）'}")
    try:
        sig = pkg.xml(member)
    except OfdError as exc:
        if not exc.malformed:
            raise
        return broken(f"签名文件无法解析：{exc.detail[:100]}")
    sig_dir = folder(member)
    info = sig.find("SignedInfo")
    marks: list[SealMark] = []
    for annot in info.findall("StampAnnot") if info is not None else []:
        number = page_number.get(annot.get("PageRef", ""))
        box = _boundary(annot)
        if number is not None and box is not None:
            marks.append(SealMark(page=number, box=box, riding=annot.get("Clip") is not None))
    xml_time = _xml_time(_text_of(info, "SignatureDateTime"))
    method = _text_of(info, "SignatureMethod")
    problems: list[str] = []
    notes: list[str] = []
    provider = info.find("Provider") if info is not None else None
    if provider is not None and (provider.get("ProviderName") or provider.get("Company")):
        notes.append("签章软件：" + " ".join(v for v in (provider.get("ProviderName"), provider.get("Company"),
                                                       provider.get("Version")) if v)[:80])
    # The signature value
    value: ses.SignedValue | None = None
    value_loc = _text_of(sig, "SignedValue")
    value_member = pkg.resolve(value_loc, sig_dir)
    if value_member is None:
        problems.append(f"签名值文件缺失：{(value_loc or '（未给出路径）')[:80]}")
    else:
        try:
            value = ses.parse(pkg.read(value_member))
        except OfdError as exc:
            if exc.kind is not ErrorKind.CORRUPT:
                raise
            problems.append(f"签名值无法读取：{exc.detail[:100]}")
        except ses.SesError as exc:
            problems.append(f"签名值无法解析：{exc}"[:160])
        except Exception as exc:  # any other damage in a stranger's DER: the signature, not the file
            problems.append(f"签名值无法解析：{type(exc).__name__}")
    # The seal file (Seal.esl) must be the seal inside the signature value
    seal_name: str | None = value.seal_name if value else None
    picture = value.picture if value else None
    seal_el = info.find("Seal") if info is not None else None
    seal_member = pkg.resolve(_text_of(seal_el, "BaseLoc"), sig_dir) if seal_el is not None else None
    if seal_member is not None:
        seal_der = pkg.read(seal_member)
        if value is not None and value.eseal_der is not None and seal_der != value.eseal_der:
            problems.append("印章文件 Seal.esl 与签章数据中的印章不一致")
        if value is None:
            with contextlib.suppress(Exception):  # the seal file only gives a fallback name and picture
                seal_name, _, picture = ses.parse_seal(seal_der)
    refs = _check_references(pkg, sig_dir, info.find("References") if info is not None else None, value,
                             doc.signatures, last, page_of)
    problems.extend(refs.problems)
    notes.extend(refs.notes)
    check = value.verify(pkg.read(member)) if value is not None else None
    if check is not None:
        notes.extend(check.notes)
        if check.problem and check.problem not in problems:
            problems.append(check.problem)
    data_ok = check.data_ok if check is not None else None
    if refs.ok is False or data_ok is False:
        digest_ok: bool | None = False
    elif refs.ok and data_ok:
        digest_ok = True
    else:
        digest_ok = None
    if digest_ok is None and not problems:
        problems.append("无法确认签名后文件未被修改")
    page_members = {ref.member for ref in doc.pages if ref.member}
    covers = doc.member in refs.covered and page_members <= refs.covered if refs.covered else None
    has_seal = ses_kind == "ofd-ses" and (picture is not None or bool(marks))
    record = Signature(
        kind=ses_kind,  # type: ignore[arg-type]
        signer=value.signer if value else None, seal_name=seal_name,
        signed_at=(value.signed_at if value and value.signed_at else xml_time),
        algorithm=(value.algorithm if value and value.algorithm else
                   ses.ALGORITHM_NAMES.get((method or "").strip(), method)),
        digest_ok=digest_ok, signature_ok=check.signature_ok if check is not None else None,
        visible=bool(marks), page=min((m.page for m in marks), default=None), covers_whole_file=covers,
        problem="；".join(problems)[:300] if problems else None, format=value.format if value else None,
        notes=tuple(notes))
    return FoundSignature(record, marks, picture, has_seal)


def seal_from_signatures(found: list[FoundSignature], pages: list[PageData]) -> Element | None:
    """The document's seal when an electronic seal is there: its name, signer and place."""
    seals = [f for f in found if f.has_seal]
    if not seals:
        return None

    def rank(f: FoundSignature) -> tuple[bool, int]:
        whole = [m for m in f.marks if not m.riding]
        return bool(whole), max((m.page for m in (whole or f.marks)), default=0)

    best = max(seals, key=rank)
    whole = [m for m in best.marks if not m.riding] or best.marks
    mark = max(whole, key=lambda m: m.page) if whole else None
    record = best.record
    reason = f"电子签章“{record.seal_name or '未命名印章'}”"
    if record.signer:
        reason += f"（签章人：{record.signer}）"
    if mark is not None:
        reason += f"，第{mark.page}页" + ("（骑缝章）" if mark.riding else "")
    else:
        reason += "，未标出盖章位置"
    pic = best.picture
    if pic is not None and pic.kind == "ofd":
        reason += "；印章图片为 OFD 格式，未渲染"
    elif pic is not None and pic.width_mm:
        px = picture_pixels(pic.data, pic.width_mm)
        hits = pixels.find_seals(px[0], px[1]) if px is not None else []
        if hits:
            reason += f"；{pixels.SHAPE_NAMES[hits[0].shape]}印章，约 {hits[0].width_mm:.0f}×{hits[0].height_mm:.0f} mm"
    if len(seals) > 1:
        reason += f"；共 {len(seals)} 个电子签章"
    box = blank = page = None
    if mark is not None and mark.page <= len(pages):
        page = mark.page
        box = fraction(pages[mark.page - 1], mark.box)
        under = None if mark.riding else _text_under(pages[mark.page - 1], mark.box)
        blank = None if under is None else not under
    elif mark is not None:
        page = mark.page
    return Element(present=True, reason=reason, page=page, box=box, blank=blank, electronic=True)


# ------------------------------------------------------------------------------------ metadata
def _doc_date(text: str | None) -> dt.datetime | None:
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?", text or "")
    if not m:
        return None
    y, mo, d, h, mi, sec = (int(v) if v else 0 for v in m.groups())
    try:
        return dt.datetime(y, mo, d, h, mi, sec)
    except ValueError:
        return None


def _metadata(info: ET.Element | None) -> dict[str, object]:
    if info is None:
        return {}
    producer = _text_of(info, "Creator")
    version = _text_of(info, "CreatorVersion")
    if producer and version:
        producer = f"{producer} {version}"
    if not producer:
        custom = {c.get("Name", ""): (c.text or "").strip() for c in info.iter("CustomData")}
        producer = custom.get("native-producer") or _text_of(info, "Author")
    return {"created": _doc_date(_text_of(info, "CreationDate")), "modified": _doc_date(_text_of(info, "ModDate")),
            "producer": producer[:120] if producer else None}


# ------------------------------------------------------------------------------------- extract
def extract(path: Path, options: ExtractOptions) -> Extracted:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            return _extract(Package(fh, size), options)
    except OfdError as exc:
        return Extracted.failed(Kind.DOCUMENT, exc.kind, f"OFD: {exc.detail}", facts=DocumentFacts(format="ofd"))


def _extract(pkg: Package, options: ExtractOptions) -> Extracted:
    doc = open_document(pkg)
    if not doc.pages:
        raise OfdError(ErrorKind.CORRUPT, "OFD 没有页面")
    count = len(doc.pages)
    n = min(count, options.max_pages)
    cache: dict[str, ET.Element] = {}
    pages = [read_page(doc, ref, cache) for ref in doc.pages[:n]]
    texts = [page_text(p) for p in pages]
    scans = [_scanned(p) for p in pages]
    scanned = sum(scans) * 2 > len(pages)
    notes = list(doc.notes)
    if n < count:
        notes.append(f"只读取了前 {n} 页")
    header = find_header(pages[0], pkg, scans[0])
    found, sig_notes = read_signatures(doc, pages)
    notes.extend(sig_notes)
    seal = seal_from_signatures(found, pages) or find_picture_seal(pkg, pages)
    if seal is None:
        seal = Element(present=False, reason="没有电子签章，页面和注释中也没有印章图片")
    text_known = not scans[0]
    if not text_known:
        notes.append("第1页为扫描图片，没有文字层（OFD 扫描件不做文字识别）")
    facts, issued_on = gongwen.document_facts(
        pages=texts, page_count=count, scanned=scanned, header=header, seal=seal, ocr_state=False,
        text_known=text_known, from_ocr=False)
    facts = facts.model_copy(update={"format": "ofd", "signatures": tuple(f.record for f in found),
                                     "notes": tuple(notes), **_metadata(doc.info)})
    return Extracted(kind=Kind.DOCUMENT, facts=facts, pages=tuple(texts), content_date=issued_on,
                     content_date_source="text" if issued_on else None)

