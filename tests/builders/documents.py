"""Builders of official documents (公文) for tests and the benchmark: born-digital PDF, DOCX, scans.

Plain functions. `Gongwen` describes a document; `build_pdf` / `build_docx` write it the way bureaus
do (red header text, red rule, 发文字号, body, signature, 成文日期, seal as picture or vector);
`scan_pdf` (in documents_scans, re-exported here) prints-and-scans a PDF into an image-only PDF.
Hard negatives (red banner, red chart, red letterhead of a news report) are layouts of `Gongwen`.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image

from tests.builders.documents_pictures import (
    FONT_PATH,
    RED,
    _star,
    bar_chart,
    chart_image,
    donut_chart,
    header_image,
    picture_seal,
    pie_chart,
    seal_image,
)
from tests.builders.documents_scans import (
    Scan,
    blank_scan_pdf,
    degrade,
    images_to_pdf,
    render_pages,
    scan_pdf,
)
from tests.builders.fonts import reportlab_cjk_font

__all__ = [
    "BODY", "FONT_PATH", "MM", "RED", "Gongwen", "Scan", "bar_chart", "blank_scan_pdf", "build_docx", "build_pdf",
    "build_vml_docx", "chart_image", "degrade", "donut_chart", "header_image", "images_to_pdf", "picture_seal",
    "pie_chart", "render_pages", "scan_pdf", "seal_as_annotation", "seal_image",
]

MM = 72 / 25.4  # points per millimetre

BODY = (
    "为深入贯彻落实国家和省市关于社会信用体系建设的决策部署，加快推进信用交通县创建工作，"
    "结合我区交通运输工作实际，制定本方案。请各科室、各单位认真组织实施，确保各项任务落到实处。",
    "一、总体要求。坚持以习近平新时代中国特色社会主义思想为指导，以信用信息归集共享为基础，"
    "以信用监管为核心，构建以信用为基础的新型监管机制。",
    "二、工作任务。健全工作机制，成立创建工作领导小组，明确责任分工，按月报送工作进展情况。",
    "三、保障措施。各单位要高度重视，加强组织领导，落实工作责任，确保创建工作取得实效。",
)


@dataclass(frozen=True)
class Gongwen:
    """One document. `layout`: standard | signed | letter | band | banner | chart | news | plain.
    `band`: the organ name in white on a red band (a red header); `banner`: an activity slogan on a
    red banner (not a red header)."""

    organ: str = "济南市莱芜区城乡交通运输局"
    header: bool = True  # red header (发文机关标志)
    header_as_image: bool = False
    number: str | None = "莱芜区交字〔2024〕19号"
    title: str = "关于印发《莱芜区信用交通县创建工作方案》的通知"
    body: tuple[str, ...] = BODY
    date: str = "2024年4月28日"
    seal: str | None = "image"  # image | vector | None
    seal_shape: str = "round"  # round | oval | square
    seal_mm: float = 42.0
    seal_over_text: bool = True  # pressed over the signature and date (else blank space: 空白印章)
    pages: int = 1
    layout: str = "standard"
    font: str = "STSong-Light"  # or "wqy" (the installed CJK font, embedded as TrueType)
    extra: tuple[str, ...] = field(default=())  # extra body paragraphs (hard negatives)
    ink: tuple[int, int, int] = RED  # the red of header and seal (bureaus' reds differ)
    cmyk: bool = False  # header colour written with CMYK operators (k), as print shops do
    black_header: bool = False  # organ name printed black (with the red rule): no red header
    red_body: bool = False  # one body sentence in red (emphasis): neither header nor seal
    seal_angle: float = 0.0  # the seal picture pressed askew
    seal_opaque: bool = False  # seal picture on opaque white (a pasted scan): hides the text under it
    seal_picture: Path | None = None  # a real seal picture (white paper is made transparent)
    chart: str = "bar"  # layout "chart": bar | pie | donut (red, round charts are seal look-alikes)


# ---------------------------------------------------------------- PDF


def _register_fonts(font: str) -> None:
    """Register the fonts `font` needs: STSong-Light is a standard CID font (not embedded, no file);
    "wqy" is the installed CJK font embedded as TrueType (whichever it is; the test skips without one)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    if font == "wqy":
        reportlab_cjk_font("wqy")


def _wrap(text: str, width_chars: int) -> list[str]:
    """Lines of about `width_chars` characters (ASCII counts half); like a word processor, a run
    of digits or Latin letters (an ID number, a phone number) is never split across lines."""
    import re

    lines: list[str] = []
    line, used = "", 0.0
    for token in re.findall(r"[0-9A-Za-z.\-]+|.", text):
        cost = len(token) * (0.5 if token.isascii() else 1.0)
        if line and used + cost > width_chars:
            lines.append(line)
            line, used = "", 0.0
        line += token
        used += cost
    return [*lines, line] if line or not lines else lines


def _vector_seal(c: object, cx: float, cy: float, d: float, shape: str, organ: str, font: str,
                 ink: tuple[int, int, int] = RED) -> None:
    """Seal drawn with PDF operators: red ring, star and rim text."""
    from reportlab.lib.colors import Color
    from reportlab.pdfgen.canvas import Canvas

    assert isinstance(c, Canvas)
    red = Color(ink[0] / 255, ink[1] / 255, ink[2] / 255)
    c.saveState()
    c.setStrokeColor(red)
    c.setFillColor(red)
    c.setLineWidth(d / 40)
    r = d / 2
    if shape == "square":
        c.rect(cx - r, cy - r, d, d, stroke=1, fill=0)
        c.setFont(font, d * 0.3)
        for i, ch in enumerate(organ[-4:]):
            c.drawCentredString(cx + (r * 0.45 if i < 2 else -r * 0.45), cy + (r * 0.15 if i % 2 == 0 else -r * 0.55), ch)
        c.restoreState()
        return
    ry = r * 0.7 if shape == "oval" else r
    c.ellipse(cx - r, cy - ry, cx + r, cy + ry, stroke=1, fill=0)
    p = c.beginPath()
    pts = _star(cx, cy, min(r, ry) * 0.34)
    p.moveTo(pts[0][0], 2 * cy - pts[0][1])
    for x, y in pts[1:]:
        p.lineTo(x, 2 * cy - y)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    size = min(r, ry) * 0.24
    c.setFont(font, size)
    n = len(organ)
    span = math.radians(220)
    for i, ch in enumerate(organ):
        a = math.pi / 2 + span / 2 - span * (i + 0.5) / n
        x, y = cx + r * 0.74 * math.cos(a), cy + ry * 0.74 * math.sin(a)
        c.saveState()
        c.translate(x, y)
        c.rotate(math.degrees(a) - 90)
        c.drawCentredString(0, -size * 0.35, ch)
        c.restoreState()
    c.restoreState()


def build_pdf(path: Path, doc: Gongwen) -> Path:
    """Write `doc` as a born-digital A4 PDF with reportlab."""
    from reportlab.lib.colors import Color, black
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    _register_fonts(doc.font)
    red = Color(doc.ink[0] / 255, doc.ink[1] / 255, doc.ink[2] / 255)
    pw, ph = 210 * MM, 297 * MM
    left, right = 28 * MM, pw - 26 * MM
    c = Canvas(str(path), pagesize=(pw, ph))
    c.setTitle("")
    font = doc.font
    y = ph - 37 * MM

    def header() -> float:
        yy = y
        if doc.layout in ("banner", "band"):  # white text on a red band: slogan or organ name
            c.setFillColor(red)
            c.rect(left, yy - 22 * MM, right - left, 24 * MM, stroke=0, fill=1)
            c.setFillColor(Color(1, 1, 1))
            c.setFont(font, 22)
            text = doc.organ + "文件" if doc.layout == "band" else "诚信交通 你我同行 信用宣传月活动"
            c.drawCentredString(pw / 2, yy - 13 * MM, text)
            c.setFillColor(black)
            return yy - 36 * MM
        if doc.layout == "news":  # red letterhead of a news bulletin (not an issued document)
            c.setFillColor(red)
            c.setFont(font, 30)
            c.drawCentredString(pw / 2, yy - 12 * MM, "交通运输信用工作简报")
            c.setFillColor(black)
            c.setFont(font, 12)
            c.drawCentredString(pw / 2, yy - 22 * MM, "第3期   莱芜区城乡交通运输局编   2024年5月6日")
            c.setStrokeColor(red)
            c.setLineWidth(1.5)
            c.line(left, yy - 26 * MM, right, yy - 26 * MM)
            return yy - 38 * MM
        if not doc.header:
            return yy - 10 * MM
        name = doc.organ if doc.layout == "letter" else doc.organ + "文件"
        if doc.header_as_image:
            img = header_image(doc.organ)
            w = right - left
            c.drawImage(ImageReader(img), left, yy - 22 * MM, width=w, height=w * img.height / img.width)
        else:
            size = min(36.0, (right - left) / (len(name) + 0.5))
            if doc.black_header:
                c.setFillColor(black)
            elif doc.cmyk:
                c.setFillColorCMYK(0.0, 1.0, 0.92, 0.05)
            else:
                c.setFillColor(red)
            c.setFont(font, size)
            c.drawCentredString(pw / 2, yy - 15 * MM, name)
            c.setFillColor(black)
        return yy - 40 * MM

    y = header()
    c.setFont(font, 16)
    if doc.layout == "letter":
        c.setStrokeColor(red)
        c.setLineWidth(2)
        c.line(left, y + 12 * MM, right, y + 12 * MM)
        c.setLineWidth(0.6)
        c.line(left, y + 11 * MM, right, y + 11 * MM)
        if doc.number:
            c.drawRightString(right, y + 2 * MM, doc.number)
        y -= 8 * MM
    elif doc.number and doc.layout == "signed":
        c.drawString(left + 8 * MM, y, doc.number)
        c.drawRightString(right - 8 * MM, y, "签发人：王建国")
        y -= 6 * MM
    elif doc.number:
        c.drawCentredString(pw / 2, y, doc.number)
        y -= 6 * MM
    if doc.header and doc.layout in ("standard", "signed"):
        c.setStrokeColor(red)
        c.setLineWidth(1.6)
        c.line(left, y, right, y)
    y -= 16 * MM
    c.setFont(font, 20)
    for line in _wrap(doc.title, 22):
        c.drawCentredString(pw / 2, y, line)
        y -= 11 * MM
    y -= 4 * MM
    c.setFont(font, 15)
    c.drawString(left, y, "各科室、局属各单位：")
    y -= 9 * MM
    paragraphs = list(doc.body) + list(doc.extra)
    per_page = max(1, len(paragraphs) // doc.pages) if doc.pages > 1 else len(paragraphs)
    chars = int((right - left) / 15) - 1
    page = 1
    for i, para in enumerate(paragraphs):
        if doc.pages > 1 and i and i % per_page == 0 and page < doc.pages:
            c.showPage()
            c.setFont(font, 15)
            page += 1
            y = ph - 37 * MM
        if doc.red_body and i == 1:
            c.setFillColor(red)
        for line in _wrap("　　" + para, chars):
            c.drawString(left, y, line)
            y -= 8.5 * MM
        c.setFillColor(black)
    if doc.layout == "chart":
        img = chart_image(doc.chart)
        c.drawImage(ImageReader(img), left + 20 * MM, y - 62 * MM, width=60 * MM, height=60 * MM * img.height / img.width)
        y -= 70 * MM
    while page < doc.pages:
        c.showPage()
        c.setFont(font, 15)
        page += 1
        y = ph - 37 * MM
        c.drawString(left, y, "　　（此页无正文）")
        y -= 20 * MM
    y = min(y - 18 * MM, ph - 200 * MM) if doc.layout != "chart" else y - 10 * MM
    if y < 50 * MM:
        c.showPage()
        y = ph - 60 * MM
    c.setFont(font, 15)
    sig_x = right - 20 * MM
    c.drawRightString(sig_x, y, doc.organ)
    c.drawRightString(sig_x - 6 * MM, y - 9 * MM, doc.date)
    if doc.seal:
        d = doc.seal_mm * MM
        cx = sig_x - 35 * MM
        cy = y - 4 * MM
        if not doc.seal_over_text:  # a blank seal (空白印章): on empty paper left of the signature
            cx = left + 25 * MM
        if doc.seal == "vector":
            _vector_seal(c, cx, cy, d, doc.seal_shape, doc.organ, font, doc.ink)
        else:
            img = picture_seal(doc.seal_picture) if doc.seal_picture else seal_image(
                doc.organ, shape=doc.seal_shape, colour=doc.ink, transparent=not doc.seal_opaque)
            if doc.seal_angle:  # keep the seal's own size: the rotated picture is larger
                base = img.width
                img = img.rotate(doc.seal_angle, resample=Image.Resampling.BICUBIC, expand=True)
                d *= img.width / base
            h = d * img.height / img.width
            c.drawImage(ImageReader(img), cx - d / 2, cy - h / 2, width=d, height=h, mask="auto")
    c.showPage()
    c.save()
    return path


def seal_as_annotation(src: Path, out: Path, doc: Gongwen) -> Path:
    """Move the seal of `doc` (built by `build_pdf` into `src`) into a Stamp annotation on the last
    page, the way e-seal software (电子签章) applies it: the page content carries no seal at all."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
    )

    plain = out.with_suffix(".plain.pdf")
    build_pdf(plain, replace(doc, seal=None))
    sealed = PdfReader(str(src)).pages[-1]
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    page = writer.pages[-1]
    # The seal's place: the last image of the sealed page; found by rendering would be circular,
    # so use where build_pdf puts it (right of the signature, `seal_mm` wide).
    pw = float(page.mediabox.width)
    size = doc.seal_mm * MM
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(src))
    pg = pdf[len(pdf) - 1]
    boxes = [o.get_bounds() for o in pg.get_objects(max_depth=0) if o.type == 3]
    pdf.close()
    x0, y0, x1, y1 = boxes[-1] if boxes else (pw / 2, 200.0, pw / 2 + size, 200 + size)
    form = DecodedStreamObject()
    contents = sealed.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (x0, y0, x1, y1)]),
                 NameObject("/Resources"): sealed["/Resources"].clone(writer)})
    annot = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Stamp"),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (x0, y0, x1, y1)]),
        NameObject("/F"): NumberObject(4),
        NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(form)}),
    })
    writer.add_annotation(page_number=len(writer.pages) - 1, annotation=annot)
    writer.write(str(out))
    plain.unlink()
    return out


# ---------------------------------------------------------------- DOCX


def _red_rule(paragraph: object) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "18"), ("w:space", "1"), ("w:color", "FF0000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    p_pr.append(bdr)


def _float_picture(run: object) -> None:
    """Turn the run's inline picture into a floating one in front of the text (how seals are placed)."""
    from docx.oxml import parse_xml

    inline = run._r.find(".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}inline")  # type: ignore[attr-defined]
    if inline is None:
        return
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    extent = inline.find(f"{{{wp}}}extent")
    doc_pr = inline.find(f"{{{wp}}}docPr")
    graphic = inline.find("{http://schemas.openxmlformats.org/drawingml/2006/main}graphic")
    anchor = parse_xml(
        f'<wp:anchor xmlns:wp="{wp}" distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>2700000</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>-900000</wp:posOffset></wp:positionV>'
        "</wp:anchor>")
    anchor.append(extent)
    anchor.append(parse_xml(f'<wp:effectExtent xmlns:wp="{wp}" l="0" t="0" r="0" b="0"/>'))
    anchor.append(parse_xml(f'<wp:wrapNone xmlns:wp="{wp}"/>'))
    anchor.append(doc_pr)
    anchor.append(graphic)
    inline.getparent().replace(inline, anchor)


def build_docx(path: Path, doc: Gongwen, *, floating_seal: bool = True) -> Path:
    """Write `doc` as DOCX: red header runs, red bottom border as the rule, seal picture."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Mm, Pt, RGBColor

    d = Document()
    red = RGBColor(*doc.ink)

    def para(text: str, *, size: float = 16, colour: RGBColor | None = None, align: Any = None) -> Any:
        p = d.add_paragraph()
        if align is not None:
            p.alignment = align
        r = p.add_run(text)
        r.font.size = Pt(size)
        if colour is not None:
            r.font.color.rgb = colour
        return p

    if doc.layout in ("banner", "band"):
        p = para(doc.organ + "文件" if doc.layout == "band" else "诚信交通 你我同行 信用宣传月活动", size=22, colour=RGBColor(255, 255, 255), align=WD_ALIGN_PARAGRAPH.CENTER)
        from docx.oxml import parse_xml
        p._p.get_or_add_pPr().append(parse_xml(
            '<w:shd xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:val="clear" w:color="auto" w:fill="E60012"/>'))
    elif doc.layout == "news":
        para("交通运输信用工作简报", size=30, colour=red, align=WD_ALIGN_PARAGRAPH.CENTER)
        _red_rule(para("第3期   莱芜区城乡交通运输局编   2024年5月6日", size=12, align=WD_ALIGN_PARAGRAPH.CENTER))
    elif doc.header:
        if doc.header_as_image:
            buf = io.BytesIO()
            header_image(doc.organ).save(buf, "PNG")
            buf.seek(0)
            d.add_paragraph().add_run().add_picture(buf, width=Mm(156))
        else:
            para(doc.organ + ("" if doc.layout == "letter" else "文件"), size=30,
                 colour=None if doc.black_header else red, align=WD_ALIGN_PARAGRAPH.CENTER)
    num_text = doc.number or ""
    if doc.number and doc.layout == "signed":
        num_text = doc.number + "　　　　　　签发人：王建国"
    p = para(num_text, align=WD_ALIGN_PARAGRAPH.CENTER)
    if doc.header and doc.layout not in ("banner", "news", "band"):
        _red_rule(p)
    para(doc.title, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("各科室、局属各单位：")
    paragraphs = list(doc.body) + list(doc.extra)
    per_page = max(1, len(paragraphs) // doc.pages)
    for i, text in enumerate(paragraphs):
        if doc.pages > 1 and i and i % per_page == 0:
            d.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        para("　　" + text, colour=red if doc.red_body and i == 1 else None)
    if doc.layout == "chart":
        buf = io.BytesIO()
        chart_image(doc.chart).save(buf, "PNG")
        buf.seek(0)
        d.add_paragraph().add_run().add_picture(buf, width=Mm(70))
    for _ in range(2 if doc.seal_over_text else 0):
        para("")
    if doc.seal and not doc.seal_over_text:
        buf = io.BytesIO()
        seal_image(doc.organ, shape=doc.seal_shape, colour=doc.ink).save(buf, "PNG")
        buf.seek(0)
        d.add_paragraph().add_run().add_picture(buf, width=Mm(doc.seal_mm))  # alone on its line: blank seal
        para("")
    para(doc.organ, align=WD_ALIGN_PARAGRAPH.RIGHT)
    p = para(doc.date, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if doc.seal and doc.seal_over_text:
        buf = io.BytesIO()
        (picture_seal(doc.seal_picture) if doc.seal_picture else seal_image(
            doc.organ, shape=doc.seal_shape, colour=doc.ink)).save(buf, "PNG")
        buf.seek(0)
        run = p.add_run()
        run.add_picture(buf, width=Mm(doc.seal_mm))
        if floating_seal:
            _float_picture(run)
    d.save(str(path))
    return path


def build_vml_docx(path: Path, doc: Gongwen) -> Path:
    """`doc` as DOCX whose seal is an old-style VML picture (w:pict/v:shape/v:imagedata), as
    documents first saved by Word 2003 or some WPS versions carry it."""
    from docx import Document
    from docx.oxml import parse_xml

    build_docx(path, replace(doc, seal=None))
    d = Document(str(path))
    buf = io.BytesIO()
    seal_image(doc.organ, shape=doc.seal_shape, colour=doc.ink).save(buf, "PNG")
    buf.seek(0)
    rid, _ = d.part.get_or_add_image(buf)
    pt = doc.seal_mm / 25.4 * 72
    d.paragraphs[-1]._p.append(parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<w:pict><v:shape style="position:absolute;margin-left:-60pt;margin-top:-50pt;width:{pt:.1f}pt;'
        f'height:{pt:.1f}pt"><v:imagedata r:id="{rid}"/></v:shape></w:pict></w:r>'))
    d.save(str(path))
    return path


