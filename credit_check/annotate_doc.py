"""`credit-check inspect FILE --annotate OUT.png`: a picture of the page(s) with the detected red
header, document number and seal boxed, so a person can see why the tool decided as it did.

Page 1 is drawn (and the seal page beside it when the seal is elsewhere). An element the reader
looked for and did not find is marked by a dashed red box where it belongs ("缺少公章"). PDFs and
pictures of pages only: Word files have no page geometry without a word processor, so a DOCX gets
the text lines but no picture.

`marked_page` draws one page the same way for the HTML report's pictures (`credit_check.previews`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PIL import Image, ImageDraw

from credit_check.facts import ExtractOptions, extract
from credit_check.facttypes import Box, DocumentFacts
from credit_check.fonts import has_cjk_font, load_font

DPI = 100
COLOURS = {"red_header": (0, 90, 255), "doc_number": (255, 140, 0), "seal": (0, 170, 60)}
MISSING_COLOUR = (220, 30, 30)
# Where an element belongs on a page (fractions: left, top, right, bottom), for marking it missing:
# GB/T 9704 puts the issuing authority's red header at the top, the number under it, the seal
# over the date at the bottom right of the last page.
EXPECTED: dict[str, Box] = {"red_header": (0.10, 0.05, 0.90, 0.17), "doc_number": (0.30, 0.18, 0.70, 0.23),
                            "seal": (0.52, 0.60, 0.90, 0.80)}
LABELS = {"red_header": "红头", "doc_number": "文号", "seal": "公章"}
LABELS_EN = {"red_header": "header", "doc_number": "number", "seal": "seal"}  # when no CJK font is installed


def _summary(facts: DocumentFacts) -> list[str]:
    def state(value: bool | None) -> str:
        return "无法确定" if value is None else ("有" if value else "缺少")

    number = facts.doc_number
    lines = [
        f"红头：{state(facts.red_header)}（{facts.red_header_reason or ''}）",
        f"文号：{number}" + (f"（{facts.doc_number_issue}）" if facts.doc_number_issue else "")
        if number else f"文号：{'无法确定' if facts.doc_number_status == 'undetermined' else '缺少'}"
        f"（{facts.doc_number_reason or ''}）",
        f"公章：{state(facts.seal)}（{facts.seal_reason or ''}）"
        + ("，未压盖文字（空白印章）" if facts.seal_blank else ""),
    ]
    if facts.issued_on:
        lines.append(f"成文日期：{facts.issued_on.isoformat()}")
    return lines


def _number_box(path: Path, number: str, image: Image.Image, *, page: int = 1,
                ocr: bool = True) -> tuple[float, float, float, float] | None:
    """Where the document number is on `page`: from the text layer, else from OCR (when `ocr`)."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path), password="")
    except pdfium.PdfiumError:
        return None
    try:
        pdf_page = doc[page - 1]
        width, height = pdf_page.get_size()
        textpage = pdf_page.get_textpage()
        hit = textpage.search(number).get_next()
        if hit:
            boxes = [textpage.get_charbox(i) for i in range(hit[0], hit[0] + hit[1])]
            left, bottom = min(b[0] for b in boxes), min(b[1] for b in boxes)
            right, top = max(b[2] for b in boxes), max(b[3] for b in boxes)
            return (left / width, 1 - top / height, right / width, 1 - bottom / height)
    finally:
        doc.close()
    if not ocr:
        return None
    from credit_check.facts.gongwen import ocr_image

    lines, _ = ocr_image(image)
    digits = "".join(c for c in number if c.isdigit())
    for ln in lines or ():
        if digits and digits in "".join(c for c in ln.text if c.isdigit()) and "号" in ln.text:
            x0, y0, x1, y1 = ln.box
            return (x0 / image.width, y0 / image.height, x1 / image.width, y1 / image.height)
    return None


def _draw(image: Image.Image, boxes: dict[str, tuple[float, float, float, float]],
          missing: Iterable[str] = ()) -> Image.Image:
    """The page with each found element boxed in its colour and labelled, and each element in
    `missing` marked by a dashed red box where it belongs ("缺少公章")."""
    out = image.convert("RGB")
    d = ImageDraw.Draw(out)
    size = max(12, round(out.height / 60))
    line = max(3, round(out.height / 250))  # still visible when the page is shown smaller
    font = load_font(size)
    cjk = has_cjk_font()
    labels = LABELS if cjk else LABELS_EN
    for key, (x0, y0, x1, y1) in boxes.items():
        rect = (x0 * out.width - 4, y0 * out.height - 4, x1 * out.width + 4, y1 * out.height + 4)
        d.rectangle(rect, outline=COLOURS[key], width=line)
        d.text((rect[0], max(0, rect[1] - size - 4)), labels[key], font=font, fill=COLOURS[key])
    for key in missing:
        x0, y0, x1, y1 = EXPECTED[key]
        rect = (x0 * out.width, y0 * out.height, x1 * out.width, y1 * out.height)
        _dashed(d, rect, MISSING_COLOUR, width=line)
        label = f"缺少{LABELS[key]}" if cjk else f"no {LABELS_EN[key]}"
        d.text((rect[0] + 6, rect[1] + 6), label, font=font, fill=MISSING_COLOUR)
    return out


def _dashed(d: ImageDraw.ImageDraw, rect: tuple[float, float, float, float], colour: tuple[int, int, int],
            *, width: int, dash: int = 12) -> None:
    x0, y0, x1, y1 = rect
    for x in range(int(x0), int(x1), dash * 2):
        d.line([(x, y0), (min(x + dash, x1), y0)], fill=colour, width=width)
        d.line([(x, y1), (min(x + dash, x1), y1)], fill=colour, width=width)
    for y in range(int(y0), int(y1), dash * 2):
        d.line([(x0, y), (x0, min(y + dash, y1))], fill=colour, width=width)
        d.line([(x1, y), (x1, min(y + dash, y1))], fill=colour, width=width)


def page_marks(facts: DocumentFacts, page: int, number_box: Box | None = None,
               seal_page: int | None = None) -> tuple[dict[str, Box], list[str]]:
    """What to draw on page `page` (1-based): the elements found there, with their boxes, and the
    elements found missing that belong there — the red header and the document number on the
    header's page (page 1), the seal on its page, or on `seal_page` (the page a finding names,
    else the last) when it is missing. Elements the reader could not decide are not drawn."""
    found: dict[str, Box] = {}
    missing: list[str] = []
    head_page = facts.red_header_page or 1
    if page == head_page:
        if facts.red_header and facts.red_header_box:
            found["red_header"] = facts.red_header_box
        elif facts.red_header is False:
            missing.append("red_header")
        if number_box is not None:
            found["doc_number"] = number_box
        elif facts.doc_number_status == "missing" or (facts.doc_number is None and facts.doc_number_status is None
                                                       and facts.red_header is not None and facts.issued):
            missing.append("doc_number")
    if facts.seal and facts.seal_box and page == (facts.seal_page or 1):
        found["seal"] = facts.seal_box
    elif facts.seal is False and page == (seal_page or facts.pages or 1):
        missing.append("seal")
    return found, missing


def marked_page(path: Path, facts: DocumentFacts, page: int, dpi: float = DPI, *, ocr: bool = False,
                seal_page: int | None = None) -> Image.Image:
    """Page `page` of the PDF at `path` with its elements boxed and the missing ones marked
    (`page_marks`); the document number is found in the text layer (and by OCR when `ocr`)."""
    from credit_check.facts.pdf import page_image

    image = page_image(path, page, dpi)
    number = None
    if facts.doc_number and page == (facts.red_header_page or 1):
        number = _number_box(path, facts.doc_number, image, page=page, ocr=ocr)
    found, missing = page_marks(facts, page, number, seal_page)
    return _draw(image, found, missing)


def annotate_document(path: Path, out_png: Path) -> list[str]:
    """Write `out_png` with the elements boxed; return the lines describing what was found."""
    got = extract(path, ExtractOptions())
    if got.error:
        return [f"无法读取：{got.error}"]
    facts = got.facts
    if not isinstance(facts, DocumentFacts):
        return ["该文件不是文档 / not a document"]
    lines = _summary(facts)
    if path.suffix.lower() != ".pdf" and not path.read_bytes()[:1024].count(b"%PDF-"):
        return [*lines, "该格式无法渲染页面，未生成标注图 / this format cannot be rendered; no picture written"]
    from credit_check.facts.pdf import page_image

    first = page_image(path, 1, DPI)
    boxes: dict[str, tuple[float, float, float, float]] = {}
    if facts.red_header_box:
        boxes["red_header"] = facts.red_header_box
    if facts.doc_number:
        box = _number_box(path, facts.doc_number, first)
        if box:
            boxes["doc_number"] = box
    seal_page = facts.seal_page
    seal_box = facts.seal_box
    pictures = [first]
    if seal_box and seal_page == 1:
        boxes["seal"] = seal_box
    _, missing = page_marks(facts, 1, boxes.get("doc_number"))
    pictures[0] = _draw(first, boxes, [m for m in missing if m not in boxes])
    if seal_box and seal_page is not None and seal_page > 1:
        pictures.append(_draw(page_image(path, seal_page, DPI), {"seal": seal_box}))
    width = sum(p.width for p in pictures) + 10 * (len(pictures) - 1)
    sheet = Image.new("RGB", (width, max(p.height for p in pictures)), "white")
    x = 0
    for p in pictures:
        sheet.paste(p, (x, 0))
        x += p.width + 10
    out_png.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out_png)
    return [*lines, f"标注图已写入 / annotated picture written: {out_png}"]
