"""Facts of DOCX files: text (paragraphs, tables, text boxes, headers), and the 公文 elements.

Word keeps what a PDF loses: the colour of each run, the pictures with their printed size, and
whether a picture floats over the text. The red header is red runs (or a red header picture) in
the first paragraphs; the seal is a picture (or an oval shape with a red outline) that looks like
a seal at its printed size. Pages are counted from explicit and last-rendered page breaks, so page
numbers are approximate. A password-protected DOCX is an OLE container and cannot be read.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from credit_check.facts import gongwen, pixels
from credit_check.facts.gongwen import Element
from credit_check.facts.limits import zip_problem
from credit_check.facttypes import DocumentFacts, ErrorKind
from credit_check.model import Extracted, Kind

if TYPE_CHECKING:
    from credit_check.facts import ExtractOptions

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
V = "{urn:schemas-microsoft-com:vml}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
EMU_PER_MM = 36000
ENCRYPTED = "DOCX 已加密（设置了打开密码），无法读取，请提供未加密版本 / password-protected DOCX, cannot be read"
ORGAN = re.compile(r"(文件|局|委员会|政府|办公室|办公厅|中心|大队|支队|厅|部|委)$")
HEADER_PARAGRAPHS = 6  # non-empty paragraphs at the top where the header sits


@dataclass
class Picture:
    blob: bytes | None  # None for a drawn shape
    width_mm: float
    height_mm: float
    floating: bool
    para: int  # index of its paragraph
    red_oval: bool = False


@dataclass
class Body:
    paras: list[tuple[int, str, str]] = field(default_factory=list)  # (page, text, red text)
    pictures: list[Picture] = field(default_factory=list)


def _red(hex_colour: str | None) -> bool:
    named = {"red": "FF0000", "darkred": "8B0000"}
    hex_colour = named.get((hex_colour or "").lower(), hex_colour)
    if not hex_colour or not re.fullmatch(r"[0-9A-Fa-f]{6}", hex_colour):
        return False
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
    return r >= 150 and r - g >= 80 and r - b >= 60


def _own(p: Any, tag: str) -> list[Any]:
    """Descendants `tag` of paragraph `p` that belong to it (not to a text box inside it)."""
    return [x for x in p.iter(tag) if next(x.iterancestors(f"{W}p"), None) is p]


def _style_colours(document: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for style in document.styles:
        try:
            rgb = style.font.color.rgb
        except Exception:  # numbering and table styles have no font
            continue
        if rgb is not None:
            out[style.style_id] = str(rgb)
    return out


def _extent(drawing: Any) -> tuple[float, float, bool]:
    for tag, floating in ((f"{WP}anchor", True), (f"{WP}inline", False)):
        holder = drawing.find(f".//{tag}")
        if holder is not None:
            ext = holder.find(f"{WP}extent")
            if ext is not None:
                return int(ext.get("cx", 0)) / EMU_PER_MM, int(ext.get("cy", 0)) / EMU_PER_MM, floating
    return 0.0, 0.0, False


def _vml_size(style: str) -> tuple[float, float, bool]:
    """Width and height in mm from a VML style ("width:120pt;height:118.5pt;position:absolute")."""
    units = {"pt": 25.4 / 72, "in": 25.4, "cm": 10.0, "mm": 1.0, "px": 25.4 / 96}
    size = {}
    for key in ("width", "height"):
        m = re.search(rf"(?:^|;)\s*{key}:\s*([\d.]+)\s*(pt|in|cm|mm|px)?", style)
        size[key] = float(m.group(1)) * units.get(m.group(2) or "px", 25.4 / 96) if m else 0.0
    return size["width"], size["height"], "position:absolute" in style.replace(" ", "")


def _vml(run: Any, document: Any, para: int) -> list[Picture]:
    """Pictures and red ovals of older (VML) drawings: w:pict/v:shape, v:oval."""
    out: list[Picture] = []
    for shape in run.iter(f"{V}shape", f"{V}oval", f"{V}rect"):
        w, h, floating = _vml_size(shape.get("style", ""))
        data = shape.find(f"{V}imagedata")
        if data is not None and data.get(R_ID) in document.part.related_parts:
            out.append(Picture(document.part.related_parts[data.get(R_ID)].blob, w, h, floating, para))
        elif shape.tag in (f"{V}oval", f"{V}rect") and _red(str(shape.get("strokecolor", "")).lstrip("#")):
            out.append(Picture(None, w, h, floating, para, red_oval=True))
    return out


def _read_body(document: Any) -> Body:
    colours = _style_colours(document)
    body = Body()
    page = 1
    for p in document.element.body.iter(f"{W}p"):
        if any(a.tag == MC_FALLBACK for a in p.iterancestors()):
            continue  # the VML copy of a text box already read from its DrawingML twin
        p_style = p.find(f"{W}pPr/{W}pStyle")
        p_colour = colours.get(p_style.get(f"{W}val")) if p_style is not None else None
        if p.find(f"{W}pPr/{W}pageBreakBefore") is not None:
            page += 1
        text: list[str] = []
        red: list[str] = []
        for run in _own(p, f"{W}r"):
            if run.find(f"{W}br[@{W}type='page']") is not None or run.find(f"{W}lastRenderedPageBreak") is not None:
                page += 1 if text or body.paras else 0
            t = "".join(x.text or "" for x in run.iter(f"{W}t"))
            colour = run.find(f"{W}rPr/{W}color")
            r_style = run.find(f"{W}rPr/{W}rStyle")
            value = colour.get(f"{W}val") if colour is not None else None
            if value is None and r_style is not None:
                value = colours.get(r_style.get(f"{W}val"))
            text.append(t)
            if _red(value or p_colour):
                red.append(t)
            body.pictures.extend(_vml(run, document, len(body.paras)))
            for drawing in run.iter(f"{W}drawing"):
                w, h, floating = _extent(drawing)
                blip = drawing.find(f".//{A}blip")
                if blip is not None and blip.get(R_EMBED) in document.part.related_parts:
                    blob = document.part.related_parts[blip.get(R_EMBED)].blob
                    body.pictures.append(Picture(blob, w, h, floating, len(body.paras)))
                geom = drawing.find(f".//{A}prstGeom")
                line = drawing.find(f".//{A}ln//{A}srgbClr")
                if geom is not None and geom.get("prst") in ("ellipse", "rect") and line is not None and _red(line.get("val")):
                    body.pictures.append(Picture(None, w, h, floating, len(body.paras), red_oval=True))
        shading = p.find(f"{W}pPr/{W}shd")
        if shading is not None and _red(shading.get(f"{W}fill")) and ORGAN.search("".join(text).strip()):
            red = text  # the organ name on a red band counts as red
        body.paras.append((page, "".join(text), "".join(red)))
    return body


def _header_parts(document: Any) -> tuple[str, str]:
    """Text and red text of the first section's page header (some put the 红头 there)."""
    try:
        header = document.sections[0].first_page_header if document.sections[0].different_first_page_header_footer \
            else document.sections[0].header
    except Exception:
        return "", ""
    colours = _style_colours(document)
    text: list[str] = []
    red: list[str] = []
    for p in header._element.iter(f"{W}p"):
        for run in _own(p, f"{W}r"):
            t = "".join(x.text or "" for x in run.iter(f"{W}t"))
            colour = run.find(f"{W}rPr/{W}color")
            value = colour.get(f"{W}val") if colour is not None else None
            text.append(t)
            if _red(value or colours.get("Header")):
                red.append(t)
    return "".join(text), "".join(red)


def _pixels(pic: Picture) -> tuple[np.ndarray, float] | None:
    """RGB pixels of a picture at about 100 dpi of its printed size, and mm per pixel."""
    if pic.blob is None or pic.width_mm <= 0:
        return None
    try:
        with Image.open(io.BytesIO(pic.blob)) as im:
            im.draft("RGB", (800, 800))
            rgba = im.convert("RGBA")
    except Exception:  # EMF/WMF and broken pictures: not readable here
        return None
    target_w = max(8, int(pic.width_mm / 0.254))
    if rgba.width > target_w:
        rgba = rgba.resize((target_w, max(1, round(rgba.height * target_w / rgba.width))))
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    rgb = Image.alpha_composite(white, rgba).convert("RGB")
    return np.asarray(rgb), pic.width_mm / rgb.width


def _header(body: Body, header_red: str) -> Element:
    top = [(i, p) for i, p in enumerate(body.paras) if p[1].strip()][:HEADER_PARAGRAPHS]
    red = "\n".join(p[2] for _, p in top).strip() or header_red.strip()
    red_is_title = False
    if len(red.replace("\n", "")) >= 4:
        if gongwen.names_organ(red):
            return Element(present=True, reason=f"第1页顶部红色文字“{red.replace(chr(10), '')[:30]}”", page=1)
        red_is_title = True  # red, but a title or slogan: a header picture may still be there
    last_top = top[-1][0] if top else 0
    for pic in body.pictures:
        if pic.para > last_top or pic.width_mm < 60:
            continue
        px = _pixels(pic)
        if px is None:
            continue
        # The picture is the whole header: pad it with white paper below so it sits at the page top.
        paper = np.full((px[0].shape[0] * 2, *px[0].shape[1:]), 255, dtype=np.uint8)
        if pixels.find_red_header(np.vstack([px[0], paper]), px[1]):
            return Element(present=True, reason="第1页顶部红色发文机关标志（图片）", page=1)
    if red_is_title:
        return Element(present=False, page=1, reason=(
            f"第1页顶部的红色文字“{red.replace(chr(10), '')[:30]}”不是发文机关标志（应为机关全称或“某某文件”）"))
    return Element(present=False, reason="第1页顶部没有红色发文机关标志", page=1)


def _seal(body: Body) -> Element:
    for pic in reversed(body.pictures):
        page = body.paras[pic.para][0] if pic.para < len(body.paras) else None
        near = [p[1].strip() for p in body.paras[max(0, pic.para - 2): pic.para + 1]]
        covers = bool(body.paras[pic.para][1].strip()) if pic.para < len(body.paras) else False
        if pic.floating:
            covers = any(near)
        if pic.red_oval:
            if 25 <= pic.width_mm <= 70 and 15 <= pic.height_mm <= 70:
                return Element(present=True, reason=f"红色椭圆/方形图形印章，约 {pic.width_mm:.0f} mm", page=page,
                               blank=not covers)
            continue
        px = _pixels(pic)
        if px is None:
            continue
        hits = pixels.find_seals(px[0], px[1])
        if hits:
            hit = hits[0]
            shape = pixels.SHAPE_NAMES[hit.shape]
            return Element(present=True, reason=f"红色{shape}印章图片，约 {hit.width_mm:.0f}×{hit.height_mm:.0f} mm",
                           page=page, blank=not covers)
    return Element(present=False, reason="文档中没有印章图片或图形")


def _page_count(path: Path, breaks: int) -> int:
    try:
        with zipfile.ZipFile(path) as zf:
            app = zf.read("docProps/app.xml").decode("utf-8", "ignore")
        m = re.search(r"<Pages>(\d+)</Pages>", app)
        if m and int(m.group(1)) > 0:
            return max(int(m.group(1)), breaks)
    except Exception:
        pass
    return breaks


_CORE_DATE = {"created": re.compile(r"<dcterms:created\b[^>]*>([^<]*)<"),
              "modified": re.compile(r"<dcterms:modified\b[^>]*>([^<]*)<")}


def _properties(path: Path) -> dict[str, Any]:
    """created / modified (docProps/core.xml, W3CDTF: aware when the zone is given) and producer
    (docProps/app.xml Application, e.g. "Microsoft Office Word", "WPS Office_11.1.0…")."""
    out: dict[str, Any] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            core = zf.read("docProps/core.xml").decode("utf-8", "ignore") if "docProps/core.xml" in names else ""
            app = zf.read("docProps/app.xml").decode("utf-8", "ignore") if "docProps/app.xml" in names else ""
    except Exception:
        return out
    for name, pattern in _CORE_DATE.items():
        m = pattern.search(core)
        try:
            out[name] = dt.datetime.fromisoformat(m.group(1).strip()) if m else None
        except ValueError:  # a date some tool wrote badly is no date
            out[name] = None
    m = re.search(r"<Application>([^<]*)</Application>", app)
    out["producer"] = m.group(1).strip()[:200] or None if m else None
    return out


def extract(path: Path, options: ExtractOptions) -> Extracted:
    with path.open("rb") as fh:
        if fh.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            return Extracted.failed(Kind.DOCUMENT, ErrorKind.ENCRYPTED, "DOCX", facts=DocumentFacts(encrypted=True))
    import docx

    if (bomb := zip_problem(path)) is not None:  # a zip bomb or 200 MB of XML: not inflated (facts/limits.py)
        return Extracted.failed(Kind.DOCUMENT, ErrorKind.TOO_LARGE, bomb)
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        return Extracted.failed(Kind.DOCUMENT, ErrorKind.CORRUPT, f"DOCX: {type(exc).__name__}")
    body = _read_body(document)
    header_text, header_red = _header_parts(document)
    last = max((p[0] for p in body.paras), default=1)
    pages = ["\n".join(p[1] for p in body.paras if p[0] == n) for n in range(1, last + 1)]
    if header_text.strip():
        pages[0] = header_text + "\n" + pages[0]
    facts, issued_on = gongwen.document_facts(
        pages=pages, page_count=_page_count(path, last), scanned=False, header=_header(body, header_red),
        seal=_seal(body), ocr_state=False, text_known=True, from_ocr=False)
    facts = facts.model_copy(update=_properties(path))
    return Extracted(kind=Kind.DOCUMENT, facts=facts, pages=tuple(pages), content_date=issued_on,
                     content_date_source="text" if issued_on else None)
