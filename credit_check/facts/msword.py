"""Facts of Word 97–2003 `.doc` and Kingsoft `.wps` files: the OLE "Word binary" format ([MS-DOC]).

Kingsoft WPS writes `.wps` in the same format as Word 97 (a `WordDocument` stream; WPS adds a
`WpsCustomData` stream), so one reader serves both, whatever the extension says. The parser is
compact and reads only what the 公文 checks need:

- the FIB (file information block): the text lengths of the stories, the encryption flag, where
  the tables are; Word 6/95 files (nFib < 0xC0) are reported as unsupported, encrypted ones
  (fEncrypted, read from the unencrypted FibBase) as encrypted;
- the piece table (CLX) → the text, in Unicode or "compressed" 8-bit pieces;
- the character properties (CHPX FKPs, and the style sheet for colours inherited from a style)
  → which characters are red (sprmCIco 6 = red or 13 = dark red, or a sprmCCv colour that
  `docx._red` calls red, the same rule as DOCX runs), hidden text, pictures;
- pictures: inline pictures (PICF + OfficeArt blips in the `Data` stream) and floating shapes
  (PlcfSpa + the OfficeArt drawing: the shape's blip, or a red ellipse/rectangle outline, or the
  text and fill of WordArt);
- the page headers of the first section, the text boxes;
- the file's own metadata (OLE SummaryInformation, `ole.py`).

The picture, header and seal decisions are the DOCX reader's (`docx._header`, `docx._seal`),
fed with the same paragraph and picture records, so a `.doc` and the `.docx` saved from it get
the same facts. Word keeps no layout, so pages are split at page and section breaks (\\x0c) and
the page count is the larger of that and the count Word saved in the metadata.
"""

from __future__ import annotations

import bisect
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from credit_check.facts import docx, gongwen, ole
from credit_check.facttypes import DocumentFacts, ErrorKind
from credit_check.model import Extracted, Kind

if TYPE_CHECKING:
    import olefile

    from credit_check.facts import ExtractOptions

WORD_SUFFIXES = frozenset({".doc", ".dot", ".wps", ".wpt"})
TWIPS_PER_MM = 1440 / 25.4
MAX_STORY_CHARS = 5_000_000  # text read per story: more than any real document, less than a hostile FIB

# FibRgFcLcb97 indexes ([MS-DOC] 2.5.6)
_STSHF, _PLCFHDD, _PLCFBTECHPX, _PLCFBTEPAPX, _CLX, _PLCSPAMOM, _DGGINFO, _PLCFTXBXTXT = (
    1, 11, 12, 13, 33, 40, 50, 56)

# Character sprms ([MS-DOC] 2.6.1)
_CICO, _CCV, _CPICLOCATION, _CFSPEC, _CFOLE2, _CFDATA, _CFVANISH, _CISTD = (
    0x2A42, 0x6870, 0x6A03, 0x0855, 0x080A, 0x0806, 0x083C, 0x4A30)
_PFPAGEBREAKBEFORE, _PSHD80, _PSHD = 0x2407, 0x442D, 0xC64D
RED_ICO = frozenset({6, 13})  # red, dark red

# OfficeArt record types ([MS-ODRAW])
_BLIP_TYPES = {0xF01A: "emf", 0xF01B: "wmf", 0xF01C: "pict", 0xF01D: "jpeg", 0xF01E: "png", 0xF01F: "dib",
               0xF029: "tiff", 0xF02A: "jpeg"}
_SHAPE_ELLIPSE, _SHAPE_RECT, _SHAPE_ROUNDRECT = 3, 1, 2
_PROP_PIB, _PROP_FILLCOLOR, _PROP_LINECOLOR, _PROP_GTEXT = 0x0104, 0x0181, 0x01C0, 0x00C0


class DocError(Exception):
    """The Word binary is damaged; the message is the error detail."""


# ----------------------------------------------------------------------------------- low level
def _u16(b: bytes, o: int) -> int:
    return int.from_bytes(b[o:o + 2], "little") if o >= 0 and o + 2 <= len(b) else _short(b, o)


def _u32(b: bytes, o: int) -> int:
    return int.from_bytes(b[o:o + 4], "little") if o >= 0 and o + 4 <= len(b) else _short(b, o)


def _short(b: bytes, o: int) -> int:
    raise DocError(f"structure runs past the end of its stream (offset {o} of {len(b)})")


@dataclass(frozen=True)
class Fib:
    """The parts of the File Information Block this reader uses."""

    nfib: int
    flags: int
    ccp: tuple[int, ...]  # ccpText, ccpFtn, ccpHdd, ccpMcr, ccpAtn, ccpEdn, ccpTxbx, ccpHdrTxbx
    fclcb: tuple[tuple[int, int], ...]

    @property
    def table(self) -> str:
        return "1Table" if self.flags & 0x0200 else "0Table"

    def at(self, index: int) -> tuple[int, int]:
        return self.fclcb[index] if index < len(self.fclcb) else (0, 0)


def read_fib(wd: bytes) -> Fib:
    if len(wd) < 34:
        raise DocError(f"WordDocument stream too short for a FIB ({len(wd)} bytes)")
    ident, nfib = _u16(wd, 0), _u16(wd, 2)
    if ident != 0xA5EC:
        raise DocError(f"WordDocument stream does not start with a Word FIB (wIdent 0x{ident:04X})")
    flags = _u16(wd, 0x0A)
    csw = _u16(wd, 32)
    at = 34 + 2 * csw
    cslw = _u16(wd, at)
    lw = at + 2
    at = lw + 4 * cslw
    cb = _u16(wd, at)
    at += 2
    if at + 8 * cb > len(wd):
        raise DocError("FIB runs past the end of the WordDocument stream")
    ccp = tuple(_u32(wd, lw + 4 * i) if i < cslw else 0 for i in range(3, 11))
    fclcb = tuple((_u32(wd, at + 8 * i), _u32(wd, at + 8 * i + 4)) for i in range(cb))
    return Fib(nfib=nfib, flags=flags, ccp=ccp, fclcb=fclcb)


def _slice(stream: bytes, fc_lcb: tuple[int, int], what: str) -> bytes:
    fc, lcb = fc_lcb
    if lcb == 0:
        return b""
    if fc + lcb > len(stream):
        raise DocError(f"{what} at {fc}+{lcb} lies beyond the end of its stream ({len(stream)} bytes)")
    return stream[fc: fc + lcb]


def sprms(grpprl: bytes) -> Iterator[tuple[int, bytes]]:
    """(sprm, operand) pairs of a property list ([MS-DOC] 2.2.5.1)."""
    i = 0
    while i + 2 <= len(grpprl):
        sprm = int.from_bytes(grpprl[i:i + 2], "little")
        i += 2
        spra = sprm >> 13
        if spra == 6:
            if sprm in (0xD608, 0xD606) and i + 2 <= len(grpprl):  # table definitions: 2-byte size
                size = int.from_bytes(grpprl[i:i + 2], "little") + 1
            elif i < len(grpprl):
                size = grpprl[i]
                i += 1
            else:
                return
        else:
            size = (1, 1, 2, 4, 2, 2, 0, 3)[spra]
        yield sprm, grpprl[i:i + size]
        i += size


# ----------------------------------------------------------------------------------- the text
@dataclass(frozen=True)
class Piece:
    cp0: int
    cp1: int
    fc: int  # byte offset in the WordDocument stream
    compressed: bool  # one byte per character (cp1252), else UTF-16
    prm: int


@dataclass(frozen=True)
class Chars:
    """Character properties of a run, as far as this reader needs them."""

    red: bool | None = None  # None: no colour of its own (the paragraph style's applies)
    hidden: bool = False
    special: bool = False  # sprmCFSpec: \\x01 is a picture, \\x08 a drawn object …
    ole2: bool = False
    data: bool = False
    pic: int | None = None  # sprmCPicLocation


@dataclass
class Colour:
    """The colour sprms of a property list, last one wins."""

    red: bool | None = None

    def apply(self, sprm: int, operand: bytes) -> None:
        if sprm == _CICO and operand:
            self.red = operand[0] in RED_ICO
        elif sprm == _CCV and len(operand) == 4:
            r, g, b, auto = operand
            self.red = auto == 0 and docx._red(f"{r:02X}{g:02X}{b:02X}")


def _flag(operand: bytes) -> bool:
    return bool(operand) and operand[0] in (1, 0x81)


def read_pieces(table: bytes, fib: Fib) -> tuple[list[Piece], list[bytes]]:
    """The piece table and the property lists of the CLX ([MS-DOC] 2.9.38)."""
    clx = _slice(table, fib.at(_CLX), "piece table (CLX)")
    if not clx:
        raise DocError("no piece table (CLX) in the FIB")
    grpprls: list[bytes] = []
    i = 0
    while i < len(clx):
        kind = clx[i]
        if kind == 1:
            cb = _u16(clx, i + 1)
            grpprls.append(clx[i + 3: i + 3 + cb])
            i += 3 + cb
        elif kind == 2:
            lcb = _u32(clx, i + 1)
            plc = clx[i + 5: i + 5 + lcb]
            if len(plc) < lcb or lcb < 16 or (lcb - 4) % 12:
                raise DocError(f"piece table has a bad size ({lcb} bytes)")
            n = (lcb - 4) // 12
            cps = [_u32(plc, 4 * k) for k in range(n + 1)]
            pieces = []
            for k in range(n):
                pcd = 4 * (n + 1) + 8 * k
                raw = _u32(plc, pcd + 2)
                compressed = bool(raw & 0x40000000)
                fc = (raw & 0x3FFFFFFF) // 2 if compressed else raw & 0x3FFFFFFF
                if cps[k + 1] > cps[k]:
                    pieces.append(Piece(cps[k], cps[k + 1], fc, compressed, _u16(plc, pcd + 6)))
            return pieces, grpprls
        else:
            raise DocError(f"piece table has an unknown entry type {kind}")
    raise DocError("piece table (CLX) has no piece descriptors")


def read_chpx(wd: bytes, table: bytes, fib: Fib) -> list[tuple[int, int, bytes]]:
    """Character property runs (fc start, fc end, grpprl) from the CHPX FKPs, by file offset."""
    plc = _slice(table, fib.at(_PLCFBTECHPX), "character property table (PlcBteChpx)")
    if len(plc) < 12:
        return []
    n = (len(plc) - 4) // 8
    runs: list[tuple[int, int, bytes]] = []
    for k in range(n):
        pn = _u32(plc, 4 * (n + 1) + 4 * k) & 0x3FFFFF
        page = wd[pn * 512: pn * 512 + 512]
        if len(page) < 512:
            raise DocError(f"character property page {pn} lies beyond the end of the WordDocument stream")
        crun = page[511]
        if 4 * (crun + 1) + crun > 511:
            raise DocError(f"character property page {pn} is damaged (crun {crun})")
        for r in range(crun):
            fc0, fc1 = _u32(page, 4 * r), _u32(page, 4 * r + 4)
            offset = page[4 * (crun + 1) + r] * 2
            grpprl = page[offset + 1: offset + 1 + page[offset]] if offset else b""
            if fc1 > fc0:
                runs.append((fc0, fc1, grpprl))
    runs.sort(key=lambda run: run[0])
    return runs


def read_style_red(table: bytes, fib: Fib) -> dict[int, bool]:
    """Styles whose character properties set a colour: istd → red. Follows `istdBase` so a style
    based on a red one is red too ([MS-DOC] 2.9.271 STSH)."""
    stsh = _slice(table, fib.at(_STSHF), "style sheet (STSH)")
    if len(stsh) < 8:
        return {}
    cb_info = _u16(stsh, 0)
    info = stsh[2: 2 + cb_info]
    cstd, cb_base = _u16(info, 0), _u16(info, 2)
    own: dict[int, bool] = {}
    base: dict[int, int] = {}
    at = 2 + cb_info
    for istd in range(min(cstd, 4096)):
        if at + 2 > len(stsh):
            break
        cb_std = _u16(stsh, at)
        std = stsh[at + 2: at + 2 + cb_std]
        at += 2 + cb_std
        if len(std) < max(cb_base, 10):
            continue
        sgc, istd_base, cupx = _u16(std, 2) & 0xF, _u16(std, 2) >> 4, _u16(std, 4) & 0xF
        base[istd] = istd_base
        # After StdfBase: the name (xstz: length, UTF-16 chars, zero), then cupx UPXs, each 2-aligned.
        pos = cb_base
        name_len = _u16(std, pos) if pos + 2 <= len(std) else 0
        pos += 2 + 2 * name_len + 2
        colour = Colour()
        for u in range(cupx):
            if pos + 2 > len(std):
                break
            cb_upx = _u16(std, pos)
            upx = std[pos + 2: pos + 2 + cb_upx]
            pos += 2 + cb_upx + (cb_upx & 1)
            if u < {1: 1, 2: 0, 3: 2}.get(sgc, cupx):  # the UpxChpx is last: paragraph, table styles
                continue
            for sprm, operand in sprms(upx):
                colour.apply(sprm, operand)
        if colour.red is not None:
            own[istd] = colour.red
    resolved: dict[int, bool] = {}
    for istd in base:
        seen, s = set(), istd
        while s not in own and s in base and s not in seen and s != 0x0FFF:
            seen.add(s)
            s = base[s]
        if own.get(s):
            resolved[istd] = True
    return resolved


@dataclass
class Story:
    """Text of one part of the document with what each character is."""

    text: str
    chars: list[Chars]


def read_text(wd: bytes, pieces: list[Piece], cp_end: int) -> str:
    out: list[str] = []
    for p in pieces:
        if p.cp0 >= cp_end:
            break
        n = min(p.cp1, cp_end) - p.cp0
        if p.compressed:
            raw = wd[p.fc: p.fc + n]
            out.append(raw.decode("cp1252", "replace"))
        else:
            raw = wd[p.fc: p.fc + 2 * n]
            out.append(raw[: len(raw) // 2 * 2].decode("utf-16-le", "replace"))
        if len(raw) < (n if p.compressed else 2 * n):
            raise DocError(f"text piece at {p.fc} runs past the end of the WordDocument stream")
    return "".join(out)


def read_chars(pieces: list[Piece], runs: list[tuple[int, int, bytes]], grpprls: list[bytes],
               style_red: dict[int, bool], cp_end: int) -> list[Chars]:
    """The properties of every character up to `cp_end`."""
    plain = Chars()
    out: list[Chars] = [plain] * cp_end
    starts = [r[0] for r in runs]
    cache: dict[bytes, Chars] = {}
    for p in pieces:
        if p.cp0 >= cp_end:
            break
        width = 1 if p.compressed else 2
        fc0, fc1 = p.fc, p.fc + (min(p.cp1, cp_end) - p.cp0) * width
        piece_grpprl = b""
        if p.prm & 1 and (p.prm >> 1) < len(grpprls):
            piece_grpprl = grpprls[p.prm >> 1]
        k = max(0, bisect.bisect_right(starts, fc0) - 1)
        while k < len(runs) and runs[k][0] < fc1:
            r0, r1, grpprl = runs[k]
            k += 1
            lo, hi = max(r0, fc0), min(r1, fc1)
            if hi <= lo:
                continue
            key = grpprl + b"\xff\xff" + piece_grpprl
            chars = cache.get(key)
            if chars is None:
                chars = cache[key] = _chars(grpprl + piece_grpprl, style_red)
            c0 = p.cp0 + (lo - fc0) // width
            c1 = min(p.cp0 + (hi - fc0 + width - 1) // width, cp_end)
            out[c0:c1] = [chars] * (c1 - c0)
    return out


def _chars(grpprl: bytes, style_red: dict[int, bool]) -> Chars:
    colour = Colour()
    hidden = special = ole2 = data = False
    pic: int | None = None
    for sprm, operand in sprms(grpprl):
        if sprm == _CISTD and len(operand) == 2 and colour.red is None:
            istd = int.from_bytes(operand, "little")
            if style_red.get(istd):
                colour.red = True
        colour.apply(sprm, operand)
        if sprm == _CFVANISH:
            hidden = _flag(operand)
        elif sprm == _CFSPEC:
            special = _flag(operand)
        elif sprm == _CFOLE2:
            ole2 = _flag(operand)
        elif sprm == _CFDATA:
            data = _flag(operand)
        elif sprm == _CPICLOCATION and len(operand) == 4:
            pic = int.from_bytes(operand, "little")
    return Chars(red=colour.red, hidden=hidden, special=special, ole2=ole2, data=data, pic=pic)


@dataclass(frozen=True)
class Para:
    """Paragraph properties this reader needs."""

    istd: int = 0  # the paragraph style
    page_break: bool = False  # starts a new page
    red_band: bool = False  # shaded red (white text on a red band)


def _para(papx: bytes) -> Para:
    brk = band = False
    for sprm, operand in sprms(papx[2:]):
        if sprm == _PFPAGEBREAKBEFORE:
            brk = _flag(operand)
        elif sprm == _PSHD80 and len(operand) == 2:  # SHD80: icoFore 5 bits, icoBack 5 bits, ipat 6 bits
            value = int.from_bytes(operand, "little")
            fore, back, pattern = value & 0x1F, (value >> 5) & 0x1F, value >> 10
            band = (fore if pattern == 1 else back) in RED_ICO
        elif sprm == _PSHD and len(operand) >= 10:  # SHDOperand: cvFore, cvBack, ipat
            cv = operand[0:4] if int.from_bytes(operand[8:10], "little") == 1 else operand[4:8]
            band = cv[3] == 0 and docx._red(cv[:3].hex().upper())
    return Para(istd=int.from_bytes(papx[:2], "little"), page_break=brk, red_band=band)


def read_papx(wd: bytes, table: bytes, fib: Fib) -> list[tuple[int, int, Para]]:
    """Paragraph runs (fc start, fc end, properties) from the PAPX FKPs."""
    plc = _slice(table, fib.at(_PLCFBTEPAPX), "paragraph property table (PlcBtePapx)")
    if len(plc) < 12:
        return []
    n = (len(plc) - 4) // 8
    runs: list[tuple[int, int, Para]] = []
    for k in range(n):
        pn = _u32(plc, 4 * (n + 1) + 4 * k) & 0x3FFFFF
        page = wd[pn * 512: pn * 512 + 512]
        if len(page) < 512:
            raise DocError(f"paragraph property page {pn} lies beyond the end of the WordDocument stream")
        cpara = page[511]
        if 4 * (cpara + 1) + 13 * cpara > 511:
            raise DocError(f"paragraph property page {pn} is damaged (cpara {cpara})")
        for r in range(cpara):
            fc0, fc1 = _u32(page, 4 * r), _u32(page, 4 * r + 4)
            offset = page[4 * (cpara + 1) + 13 * r] * 2
            para = Para()
            if offset and offset < 511:
                cb = page[offset]
                start, size = (offset + 1, 2 * cb - 1) if cb else (offset + 2, 2 * page[offset + 1])
                papx = page[start: start + size]
                if len(papx) >= 2:
                    para = _para(papx)
            if fc1 > fc0:
                runs.append((fc0, fc1, para))
    runs.sort(key=lambda run: run[0])
    return runs


def _fc_of(pieces: list[Piece], starts: list[int], cp: int) -> int | None:
    """The file offset of character `cp` (`starts`: the pieces' first cps)."""
    k = bisect.bisect_right(starts, cp) - 1
    if k < 0 or cp >= pieces[k].cp1:
        return None
    p = pieces[k]
    return p.fc + (cp - p.cp0) * (1 if p.compressed else 2)


# ----------------------------------------------------------------------------------- drawings
@dataclass
class Shape:
    """One OfficeArt shape: its type, the blip it shows, its outline and fill, its WordArt text."""

    kind: int = 0
    pib: int | None = None
    line_red: bool = False
    fill_red: bool = False
    text: str = ""


@dataclass
class Drawings:
    blips: list[bytes | None] = field(default_factory=list)  # the BStore, 1-based `pib` → blip record
    shapes: dict[int, Shape] = field(default_factory=dict)  # by spid


def _records(data: bytes, start: int, end: int, depth: int = 0) -> Iterator[tuple[int, int, int, int]]:
    """OfficeArt records (type, instance, payload start, payload end) in data[start:end], containers
    entered (their own record is yielded first)."""
    at = start
    end = min(end, len(data))
    while at + 8 <= end:
        ver_inst, rec_type, length = struct.unpack_from("<HHI", data, at)
        payload = at + 8
        stop = min(payload + length, end)
        if rec_type < 0xF000:
            return  # not an OfficeArt record: stop rather than read noise
        yield rec_type, ver_inst >> 4, payload, stop
        if ver_inst & 0xF == 0xF and depth < 16:
            yield from _records(data, payload, stop, depth + 1)
        at = payload + length


def _officeart_rgb(value: int) -> bool:
    r, g, b, flags = value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF, value >> 24
    return flags & 0x17 == 0 and docx._red(f"{r:02X}{g:02X}{b:02X}")  # not a palette/scheme/system colour


def _shape_props(data: bytes, start: int, end: int, count: int, shape: Shape) -> None:
    complex_at = start + 6 * count
    for i in range(count):
        at = start + 6 * i
        if at + 6 > end:
            return
        opid, value = struct.unpack_from("<HI", data, at)
        pid, is_complex = opid & 0x3FFF, bool(opid & 0x8000)
        if is_complex:
            if pid == _PROP_GTEXT:
                raw = data[complex_at: min(complex_at + value, end)]
                shape.text = raw[: len(raw) // 2 * 2].decode("utf-16-le", "replace").split("\x00")[0]
            complex_at += value
            continue
        if pid == _PROP_PIB:
            shape.pib = value
        elif pid == _PROP_LINECOLOR:
            shape.line_red = _officeart_rgb(value)
        elif pid == _PROP_FILLCOLOR:
            shape.fill_red = _officeart_rgb(value)


def read_shapes(data: bytes, start: int, end: int, drawings: Drawings, blip_source: bytes) -> list[Shape]:
    """Shapes and blips of an OfficeArt record list; returns the shapes in order."""
    shapes: list[Shape] = []
    for rec_type, inst, p0, p1 in _records(data, start, end):
        if rec_type == 0xF004:  # a shape container begins
            shapes.append(Shape())
        elif rec_type == 0xF00A and shapes and p1 - p0 >= 4:
            shapes[-1].kind = inst
            drawings.shapes[_u32(data, p0)] = shapes[-1]
        elif rec_type in (0xF00B, 0xF121, 0xF122) and shapes:
            _shape_props(data, p0, p1, inst, shapes[-1])
        elif rec_type == 0xF007:  # FBSE: a blip, embedded or in the delay stream
            drawings.blips.append(_bse_blip(data, p0, p1, blip_source))
        elif rec_type in _BLIP_TYPES:  # a blip on its own (after an inline picture's shape)
            drawings.blips.append(data[p0 - 8: p1])
    return shapes


def _bse_blip(data: bytes, p0: int, p1: int, delay: bytes) -> bytes | None:
    if p1 - p0 < 36:
        return None
    size, _refs, fo_delay = struct.unpack_from("<III", data, p0 + 20)
    name_len = data[p0 + 33]
    embedded = p0 + 36 + name_len
    if p1 - embedded >= 8:
        return data[embedded:p1]
    if size > 0 and fo_delay + size <= len(delay):
        return delay[fo_delay: fo_delay + size]
    return None


def read_drawings(table: bytes, wd: bytes, fib: Fib) -> Drawings:
    drawings = Drawings()
    dgg = _slice(table, fib.at(_DGGINFO), "drawing table (DggInfo)")
    # OfficeArtContent: the drawing group (with the blip store), then per drawing a one-byte
    # label (main document or header) and its OfficeArtDgContainer.
    at, first = 0, True
    while at + 8 <= len(dgg):
        if not first:
            at += 1  # dgglbl
        first = False
        if at + 8 > len(dgg):
            break
        length = _u32(dgg, at + 4)
        read_shapes(dgg, at, min(at + 8 + length, len(dgg)), drawings, wd)
        at += 8 + length
    return drawings


def blip_image(blip: bytes | None) -> tuple[str, bytes] | None:
    """(format, bytes Pillow can open) of a blip record, else None (EMF/WMF/PICT, damaged)."""
    if blip is None or len(blip) < 8:
        return None
    ver_inst, rec_type, _ = struct.unpack_from("<HHI", blip, 0)
    kind = _BLIP_TYPES.get(rec_type)
    body = blip[8:]
    if kind in ("jpeg", "png", "tiff"):
        magic = {"jpeg": b"\xff\xd8\xff", "png": b"\x89PNG", "tiff": b"II*\x00"}[kind]
        at = body.find(magic, 0, 64)
        return (kind, body[at:]) if at >= 0 else None
    if kind == "dib":
        skip = 33 if (ver_inst >> 4) & 1 else 17
        return ("dib", _bmp(body[skip:])) if len(body) > skip + 40 else None
    if kind in ("emf", "wmf"):
        uid = 32 if (ver_inst >> 4) & 1 else 16
        if len(body) < uid + 34:
            return None
        meta = body[uid + 34:]
        if body[uid + 32] == 0:  # deflate-compressed metafile
            try:
                meta = zlib.decompressobj().decompress(meta, 64 * 1024 * 1024)
            except zlib.error:
                return None
        dib = _metafile_bitmap(meta, kind)
        return (kind, dib) if dib else None
    return None


def _bmp(dib: bytes) -> bytes:
    """A DIB (BITMAPINFOHEADER + palette + pixels) as a BMP file."""
    header_size = _u32(dib, 0) if len(dib) >= 4 else 40
    bits = _u16(dib, 14) if len(dib) >= 16 else 24
    colours = _u32(dib, 32) if len(dib) >= 36 and header_size >= 36 else 0
    if not colours and bits <= 8:
        colours = 1 << bits
    offset = 14 + header_size + 4 * colours
    return b"BM" + struct.pack("<IHHI", 14 + len(dib), 0, 0, offset) + dib


def _metafile_bitmap(meta: bytes, kind: str) -> bytes | None:
    """The largest bitmap drawn by an EMF (EMR_STRETCHDIBITS) or WMF (META_STRETCHDIB,
    META_DIBSTRETCHBLT) picture, as a BMP; a picture pasted into Word is often saved that way."""
    best: bytes | None = None
    at = 0
    if kind == "emf":
        for _ in range(100_000):
            if at + 8 > len(meta):
                break
            rtype, size = struct.unpack_from("<II", meta, at)
            if size < 8:
                break
            if rtype == 81 and at + 80 <= len(meta):  # EMR_STRETCHDIBITS
                off_bmi, cb_bmi, off_bits, cb_bits = struct.unpack_from("<IIII", meta, at + 48)
                dib = meta[at + off_bmi: at + off_bmi + cb_bmi] + meta[at + off_bits: at + off_bits + cb_bits]
                if cb_bmi >= 40 and (best is None or len(dib) > len(best)):
                    best = dib
            at += size
    else:
        at = 18 if meta[:4] != b"\xd7\xcd\xc6\x9a" else 40  # placeable header first
        for _ in range(100_000):
            if at + 6 > len(meta):
                break
            size, func = struct.unpack_from("<IH", meta, at)
            if size < 3:
                break
            params = meta[at + 6: at + 2 * size]
            dib = b""
            if func == 0x0F43 and len(params) > 22:  # META_STRETCHDIB
                dib = params[22:]
            elif func == 0x0B41 and len(params) > 20:  # META_DIBSTRETCHBLT
                dib = params[20:]
            if len(dib) > 40 and (best is None or len(dib) > len(best)):
                best = dib
            at += 2 * size
    return _bmp(best) if best else None


# ----------------------------------------------------------------------------------- the document
SEAL_SIZED_MM = (20.0, 80.0)  # a picture this size may be a seal


@dataclass
class WordDoc:
    """What the reader took from the Word binary, in the DOCX reader's records."""

    body: docx.Body
    header_text: str = ""
    header_red: str = ""
    undecoded: list[str] = field(default_factory=list)  # seal-sized pictures Pillow cannot open (EMF …)


@dataclass
class _Parts:
    wd: bytes
    data: bytes
    text: str
    chars: list[Chars]
    para_red: dict[int, bool]  # paragraph-mark cp → its style is red
    breaks: set[int]  # paragraph-mark cps whose paragraph starts a new page
    bands: set[int]  # paragraph-mark cps whose paragraph is shaded red
    spa: dict[int, tuple[int, float, float]]  # anchor cp → (spid, width mm, height mm)
    drawings: Drawings
    boxes: dict[int, tuple[int, int]]  # text box spid → its cps in the text-box story


def _mm(twips: float) -> float:
    return max(0.0, twips / TWIPS_PER_MM)


def _picf(data: bytes, at: int) -> tuple[bytes | None, float, float, str | None]:
    """An inline picture (PICF + OfficeArt) in the Data stream: (Pillow-readable image or None,
    width mm, height mm, the blip's format)."""
    if at < 0 or at + 0x44 > len(data):
        return None, 0.0, 0.0, None
    lcb, cb_header, mm = struct.unpack_from("<IHH", data, at)
    dxa, dya, mx, my = struct.unpack_from("<HHHH", data, at + 0x1C)
    width, height = _mm(dxa * (mx or 1000) / 1000), _mm(dya * (my or 1000) / 1000)
    start = at + cb_header
    if mm == 0x66 and start < len(data):
        start += 1 + data[start]
    local = Drawings()
    shapes = read_shapes(data, start, min(at + lcb, len(data)), local, b"")
    pib = next((s.pib for s in shapes if s.pib), None)
    blip = local.blips[pib - 1] if pib and pib <= len(local.blips) else next(iter(local.blips), None)
    image = blip_image(blip)
    kind = _BLIP_TYPES.get(_u16(blip, 2)) if blip and len(blip) >= 8 else None
    return (image[1] if image else None), width, height, kind


def _plc(raw: bytes, item: int) -> tuple[list[int], list[bytes]]:
    """A PLC: n+1 CPs then n items of `item` bytes."""
    if len(raw) < 4 + item:
        return [], []
    n = (len(raw) - 4) // (4 + item)
    cps = [_u32(raw, 4 * k) for k in range(n + 1)]
    base = 4 * (n + 1)
    return cps, [raw[base + item * k: base + item * (k + 1)] for k in range(n)]


def _read_parts(o: olefile.OleFileIO, wd: bytes, fib: Fib) -> _Parts:
    if not o.exists(fib.table):
        raise DocError(f"the {fib.table} stream the FIB points to is missing")
    table = o.openstream(fib.table).read()
    data = o.openstream("Data").read() if o.exists("Data") else b""
    pieces, grpprls = read_pieces(table, fib)
    end = min(sum(fib.ccp), pieces[-1].cp1 if pieces else 0, MAX_STORY_CHARS)
    text = read_text(wd, pieces, end)
    style_red = read_style_red(table, fib)
    chars = read_chars(pieces, read_chpx(wd, table, fib), grpprls, style_red, len(text))
    papx = read_papx(wd, table, fib)
    starts = [r[0] for r in papx]
    piece_starts = [p.cp0 for p in pieces]
    para_red: dict[int, bool] = {}
    breaks: set[int] = set()
    bands: set[int] = set()
    for cp, c in enumerate(text):
        if c not in "\r\x07":
            continue
        fc = _fc_of(pieces, piece_starts, cp)
        k = bisect.bisect_right(starts, fc) - 1 if fc is not None else -1
        if fc is not None and k >= 0 and papx[k][0] <= fc < papx[k][1]:
            para = papx[k][2]
            if style_red.get(para.istd):
                para_red[cp] = True
            if para.page_break:
                breaks.add(cp)
            if para.red_band:
                bands.add(cp)
    spa: dict[int, tuple[int, float, float]] = {}
    cps, items = _plc(_slice(table, fib.at(_PLCSPAMOM), "shape anchors (PlcfSpa)"), 26)
    for cp, item in zip(cps, items, strict=False):
        spid, left, top, right, bottom = struct.unpack_from("<Iiiii", item, 0)
        spa[cp] = (spid, _mm(right - left), _mm(bottom - top))
    boxes: dict[int, tuple[int, int]] = {}
    txbx_start = sum(fib.ccp[:6])
    cps, items = _plc(_slice(table, fib.at(_PLCFTXBXTXT), "text boxes (PlcftxbxTxt)"), 22)
    for k, item in enumerate(items):
        boxes[_u32(item, 14)] = (txbx_start + cps[k], txbx_start + cps[k + 1])
    return _Parts(wd=wd, data=data, text=text, chars=chars, para_red=para_red, breaks=breaks, bands=bands, spa=spa,
                  drawings=read_drawings(table, wd, fib), boxes=boxes)


def _story(parts: _Parts, cp0: int, cp1: int, doc: WordDoc | None, anchor: int | None = None,
           depth: int = 0) -> list[tuple[int, str, str]]:
    """Paragraphs (page, text, red text) of the characters cp0..cp1; pictures and shapes anchored
    there go to `doc.body.pictures` when `doc` is given (at paragraph `anchor` for a text box)."""
    paras: list[tuple[int, str, str]] = []
    text: list[str] = []
    red: list[str] = []
    page = 1
    fields: list[bool] = []  # open fields: True while in the field code
    end = min(cp1, len(parts.text))
    start = cp0

    def close(mark: int) -> None:
        nonlocal text, red, start
        style_red = parts.para_red.get(mark, False)
        if style_red:  # characters with no colour of their own take the paragraph style's
            red = [t for cp, t in zip(range(start, mark), _chars_text(parts, start, mark), strict=False)
                   if parts.chars[cp].red is not False and t]
        if mark in parts.bands and docx.ORGAN.search("".join(text).strip()):
            red = text  # the organ name on a red band counts as red, as in DOCX
        paras.append((page, "".join(text), "".join(red)))
        text, red = [], []
        start = mark + 1

    for cp in range(cp0, end):
        c = parts.text[cp]
        ch = parts.chars[cp]
        if c == "\x13":
            fields.append(True)
            continue
        if c == "\x14":
            if fields:
                fields[-1] = False
            continue
        if c == "\x15":
            if fields:
                fields.pop()
            continue
        if any(fields):
            continue
        if c in "\r\x07":
            if cp in parts.breaks and (paras or text):
                page += 1
            close(cp)
            continue
        if c == "\x0c":
            if text:
                close(cp)
            else:
                start = cp + 1
            page += 1
            continue
        if ch.hidden:
            continue
        if c == "\x01" and ch.special and not ch.ole2 and ch.pic is not None and doc is not None:
            blob, w, h, kind = _picf(parts.data, ch.pic)
            _add_picture(doc, blob, w, h, False, len(paras) if anchor is None else anchor, kind)
            continue
        if c == "\x08" and cp in parts.spa and doc is not None and depth < 2:
            spid, w, h = parts.spa[cp]
            shape_text, shape_red = _anchor(parts, doc, spid, w, h, len(paras) if anchor is None else anchor,
                                            depth)
            text.append(shape_text)
            red.append(shape_red)
            continue
        if c == "\x0b":
            c = "\n"
        elif c == "\x1e":
            c = "-"
        elif c < " " and c != "\t":
            continue
        text.append(c)
        if ch.red:
            red.append(c)
    if text:
        close(end)
    return paras


def _chars_text(parts: _Parts, cp0: int, cp1: int) -> list[str]:
    """The visible character at each cp (empty for field codes, hidden text and controls)."""
    out: list[str] = []
    fields: list[bool] = []
    for cp in range(cp0, cp1):
        c = parts.text[cp]
        visible = ""
        if c == "\x13":
            fields.append(True)
        elif c == "\x14":
            if fields:
                fields[-1] = False
        elif c == "\x15":
            if fields:
                fields.pop()
        elif not any(fields) and not parts.chars[cp].hidden and (c >= " " or c == "\t"):
            visible = c
        out.append(visible)
    return out


def _add_picture(doc: WordDoc, blob: bytes | None, w: float, h: float, floating: bool, para: int,
                 kind: str | None) -> None:
    if blob is None:
        if kind and SEAL_SIZED_MM[0] <= w <= SEAL_SIZED_MM[1] and SEAL_SIZED_MM[0] <= h <= SEAL_SIZED_MM[1]:
            doc.undecoded.append(f"{kind.upper()} {w:.0f}×{h:.0f} mm")
        return
    doc.body.pictures.append(docx.Picture(blob, w, h, floating, para))


def _anchor(parts: _Parts, doc: WordDoc, spid: int, w: float, h: float, para: int,
            depth: int) -> tuple[str, str]:
    """A floating shape at paragraph `para`: its picture or red outline, and its text (text box or
    WordArt) as (text, red text)."""
    shape = parts.drawings.shapes.get(spid)
    if shape is None:
        return "", ""
    if shape.pib and shape.pib <= len(parts.drawings.blips):
        blip = parts.drawings.blips[shape.pib - 1]
        image = blip_image(blip)
        kind = _BLIP_TYPES.get(_u16(blip, 2)) if blip and len(blip) >= 8 else None
        _add_picture(doc, image[1] if image else None, w, h, True, para, kind)
    elif shape.line_red and shape.kind in (_SHAPE_ELLIPSE, _SHAPE_RECT, _SHAPE_ROUNDRECT):
        doc.body.pictures.append(docx.Picture(None, w, h, True, para, red_oval=True))
    if shape.text:  # WordArt
        return shape.text, shape.text if shape.fill_red else ""
    if spid in parts.boxes:
        cp0, cp1 = parts.boxes[spid]
        lines = _story(parts, cp0, min(cp1, len(parts.text)), doc, anchor=para, depth=depth + 1)
        return "".join(p[1] for p in lines), "".join(p[2] for p in lines)
    return "", ""


def _headers(parts: _Parts, table_hdd: bytes, fib: Fib) -> tuple[str, str]:
    """Text and red text of the first section's headers (some put the 红头 there)."""
    cps, _ = _plc(table_hdd, 0)
    base = sum(fib.ccp[:2])
    text: list[str] = []
    red: list[str] = []
    for story in (6, 7, 10):  # even, odd and first-page header of section 1
        if story + 1 < len(cps):
            for _, t, r in _story(parts, base + cps[story], base + cps[story + 1], None):
                text.append(t)
                red.append(r)
    return "\n".join(t for t in text if t.strip()), "".join(red)


def parse(o: olefile.OleFileIO, wd: bytes, fib: Fib) -> WordDoc:
    """The paragraphs, pictures and headers of a Word binary document."""
    parts = _read_parts(o, wd, fib)
    doc = WordDoc(body=docx.Body())
    doc.body.paras = _story(parts, 0, fib.ccp[0], doc)
    table = o.openstream(fib.table).read()
    try:
        hdd = _slice(table, fib.at(_PLCFHDD), "headers (PlcfHdd)")
    except DocError:
        hdd = b""
    doc.header_text, doc.header_red = _headers(parts, hdd, fib)
    return doc


# ----------------------------------------------------------------------------------- facts
_SPACES = re.compile(r"[\s\u3000]+")


def _compact(text: str) -> str:
    return _SPACES.sub("", text)


def header_element(body: docx.Body, header_red: str) -> gongwen.Element:
    """The red header as the DOCX reader decides it, except that red text only counts when it
    names an organ: a red contract title or telegram cover is not a 发文机关标志."""
    top = [p for p in body.paras if p[1].strip()][:docx.HEADER_PARAGRAPHS]
    reds = [_compact(p[2]) for p in top] + [_compact(header_red)]
    red_text = "".join(reds)
    if len(red_text) < 4:
        return docx._header(body, header_red)
    if gongwen.names_organ("\n".join(reds)):  # one rule for every reader: red text must name an organ
        return gongwen.Element(present=True, reason=f"第1页顶部红色文字“{red_text[:30]}”", page=1)
    plain = docx.Body(paras=[(n, t, "") for n, t, _ in body.paras], pictures=body.pictures)
    by_picture = docx._header(plain, "")
    if by_picture.present:
        return by_picture
    return gongwen.Element(present=False, page=1, reason=(
        f"第1页顶部的红色文字“{red_text[:30]}”不是发文机关标志（应为“某某文件”或机关全称），"
        "如合同、电报的标题"))


def seal_element(doc: WordDoc) -> gongwen.Element:
    seal = docx._seal(doc.body)
    if seal.present is False and doc.undecoded:
        return gongwen.undetermined(f"有无法解码的图片（{'，'.join(doc.undecoded[:3])}），无法判断是否为印章")
    return seal


def describe_head(head: bytes) -> str:
    """What a file named .doc/.wps holds when it is neither an OLE Word file nor a DOCX."""
    if head.lstrip().startswith(b"{\\rtf"):
        return "an RTF document, not Word 97 or DOCX"
    low = head[:512].lower()
    if b"<html" in low or b"<!doctype html" in low or b"mime-version:" in low:
        return "a web page (HTML/MHT) saved with a Word extension"
    if head.startswith(b"%PDF") or b"%PDF-" in head:
        return "a PDF"
    shown = "".join(chr(b) if 32 <= b < 127 else "." for b in head[:24])
    return f"neither an OLE Word document nor a DOCX (begins '{shown}')"


def _fail(kind: ErrorKind, detail: str, fmt: str, **facts: object) -> Extracted:
    return Extracted.failed(Kind.DOCUMENT, kind, detail, facts=DocumentFacts(format=fmt, **facts))  # type: ignore[arg-type]


def extract(path: Path, options: ExtractOptions) -> Extracted:
    """Facts of a Word 97–2003 / WPS document; a DOCX under a .doc/.wps name is read as DOCX."""
    suffix = path.suffix.lower()
    fmt = suffix.lstrip(".") if suffix in WORD_SUFFIXES else "doc"
    with path.open("rb") as fh:
        head = fh.read(1024)
    if head.startswith(b"PK\x03\x04"):
        return docx.extract(path, options)
    if not head.startswith(ole.OLE_MAGIC):
        return _fail(ErrorKind.MISLABELLED, f"{suffix or path.name}: {describe_head(head)}", fmt)
    try:
        container = ole.open_ole(str(path))
    except ole.OleError as exc:
        return _fail(ErrorKind.CORRUPT, f"DOC: {exc}", fmt)
    try:
        names = ole.stream_names(container)
        if not names:
            return _fail(ErrorKind.CORRUPT, "DOC: the OLE directory lists no streams", fmt)
        if "WordDocument" not in names:
            kind = ErrorKind.MISLABELLED if suffix in WORD_SUFFIXES else ErrorKind.UNSUPPORTED
            return _fail(kind, f"{suffix or path.name}: {ole.describe_streams(names)}", fmt)
        if "WpsCustomData" in names:
            fmt = "wps"
        meta = ole.summary(container)
        wd = container.openstream("WordDocument").read()
        if len(wd) < 34 or _u16(wd, 0) != 0xA5EC:
            return _fail(ErrorKind.CORRUPT, "DOC: the WordDocument stream has no Word FIB", fmt)
        nfib, flags = _u16(wd, 2), _u16(wd, 0x0A)
        if flags & 0x0100:
            return _fail(ErrorKind.ENCRYPTED, "Word 97–2003" if not flags & 0x8000 else "Word (XOR obfuscation)",
                         fmt, encrypted=True)
        if nfib < 0xC0:
            return _fail(ErrorKind.UNSUPPORTED, f"Word 6.0/95 document (nFib 0x{nfib:X}): save it as DOCX or PDF",
                         fmt)
        fib = read_fib(wd)
        doc = parse(container, wd, fib)
    except (DocError, OSError, struct.error, IndexError, ValueError) as exc:
        return _fail(ErrorKind.CORRUPT, f"DOC: {exc}", fmt)
    finally:
        container.close()
    body = doc.body
    last = max((p[0] for p in body.paras), default=1)
    pages = ["\n".join(p[1] for p in body.paras if p[0] == n) for n in range(1, last + 1)]
    if doc.header_text.strip():
        pages[0] = doc.header_text + "\n" + pages[0]
    text_known = any(p[1].strip() for p in body.paras) or not body.pictures
    facts, issued_on = gongwen.document_facts(
        pages=pages, page_count=max(last, meta.pages or 0), scanned=False, header=header_element(body, doc.header_red),
        seal=seal_element(doc), ocr_state=False, text_known=text_known, from_ocr=False)
    update: dict[str, object] = {"format": fmt, "created": meta.created, "modified": meta.modified,
                                 "producer": meta.application}
    facts = facts.model_copy(update=update)
    return Extracted(kind=Kind.DOCUMENT, facts=facts, pages=tuple(pages), content_date=issued_on,
                     content_date_source="text" if issued_on else None)


def is_word(path: Path) -> bool:
    """An OLE file with a Word binary inside (a `WordDocument` stream at its root), whatever its name."""
    try:
        container = ole.open_ole(str(path))
    except (ole.OleError, OSError):
        return False
    try:
        return bool(container.exists("WordDocument"))
    except Exception:  # a broken directory
        return False
    finally:
        container.close()
