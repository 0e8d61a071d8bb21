"""`credit-check inspect FILE --annotate OUT.png`: a picture of the page(s) with the detected red
header, document number and seal boxed, so a person can see why the tool decided as it did.

Page 1 is drawn (and the seal page beside it when the seal is elsewhere). PDFs and pictures of
pages only: Word files have no page geometry without a word processor, so a DOCX gets the text
lines but no picture.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from credit_check.facts import ExtractOptions, extract
from credit_check.fonts import has_cjk_font, load_font

DPI = 100
COLOURS = {"red_header": (0, 90, 255), "doc_number": (255, 140, 0), "seal": (0, 170, 60)}
LABELS = {"red_header": "红头", "doc_number": "文号", "seal": "公章"}
LABELS_EN = {"red_header": "header", "doc_number": "number", "seal": "seal"}  # when no CJK font is installed


def _summary(facts: dict[str, Any]) -> list[str]:
    def state(value: object) -> str:
        return {True: "有", False: "缺少", None: "无法确定"}.get(value, "无法确定")  # type: ignore[call-overload]

    number = facts.get("doc_number")
    lines = [
        f"红头：{state(facts.get('red_header'))}（{facts.get('red_header_reason') or ''}）",
        f"文号：{number}" + (f"（{facts['doc_number_issue']}）" if facts.get("doc_number_issue") else "")
        if number else f"文号：{'无法确定' if facts.get('doc_number_status') == 'undetermined' else '缺少'}"
        f"（{facts.get('doc_number_reason') or ''}）",
        f"公章：{state(facts.get('seal'))}（{facts.get('seal_reason') or ''}）"
        + ("，未压盖文字（空白印章）" if facts.get("seal_blank") else ""),
    ]
    if facts.get("issued_on"):
        lines.append(f"成文日期：{facts['issued_on']}")
    return lines


def _number_box(path: Path, number: str, image: Image.Image) -> tuple[float, float, float, float] | None:
    """Where the document number is on page 1: from the text layer, else from OCR."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path), password="")
    except pdfium.PdfiumError:
        return None
    try:
        page = doc[0]
        width, height = page.get_size()
        textpage = page.get_textpage()
        hit = textpage.search(number).get_next()
        if hit:
            boxes = [textpage.get_charbox(i) for i in range(hit[0], hit[0] + hit[1])]
            left, bottom = min(b[0] for b in boxes), min(b[1] for b in boxes)
            right, top = max(b[2] for b in boxes), max(b[3] for b in boxes)
            return (left / width, 1 - top / height, right / width, 1 - bottom / height)
    finally:
        doc.close()
    from credit_check.facts.gongwen import ocr_image

    lines, _ = ocr_image(image)
    digits = "".join(c for c in number if c.isdigit())
    for ln in lines or ():
        if digits and digits in "".join(c for c in ln.text if c.isdigit()) and "号" in ln.text:
            x0, y0, x1, y1 = ln.box
            return (x0 / image.width, y0 / image.height, x1 / image.width, y1 / image.height)
    return None


def _draw(image: Image.Image, boxes: dict[str, tuple[float, float, float, float]]) -> Image.Image:
    out = image.convert("RGB")
    d = ImageDraw.Draw(out)
    font = load_font(18)
    labels = LABELS if has_cjk_font() else LABELS_EN
    for key, (x0, y0, x1, y1) in boxes.items():
        rect = (x0 * out.width - 4, y0 * out.height - 4, x1 * out.width + 4, y1 * out.height + 4)
        d.rectangle(rect, outline=COLOURS[key], width=3)
        d.text((rect[0], max(0, rect[1] - 22)), labels[key], font=font, fill=COLOURS[key])
    return out


def annotate_document(path: Path, out_png: Path) -> list[str]:
    """Write `out_png` with the elements boxed; return the lines describing what was found."""
    got = extract(path, ExtractOptions())
    if got.error:
        return [f"无法读取：{got.error}"]
    facts = got.facts
    lines = _summary(facts)
    if path.suffix.lower() != ".pdf" and not path.read_bytes()[:1024].count(b"%PDF-"):
        return [*lines, "该格式无法渲染页面，未生成标注图 / this format cannot be rendered; no picture written"]
    from credit_check.facts.pdf import page_image

    first = page_image(path, 1, DPI)
    boxes: dict[str, tuple[float, float, float, float]] = {}
    if facts.get("red_header_box"):
        boxes["red_header"] = tuple(facts["red_header_box"])
    if facts.get("doc_number"):
        box = _number_box(path, str(facts["doc_number"]), first)
        if box:
            boxes["doc_number"] = box
    seal_page = facts.get("seal_page")
    seal_box = facts.get("seal_box")
    pictures = [first]
    if seal_box and seal_page == 1:
        boxes["seal"] = tuple(seal_box)
    pictures[0] = _draw(first, boxes)
    if seal_box and isinstance(seal_page, int) and seal_page > 1:
        pictures.append(_draw(page_image(path, seal_page, DPI), {"seal": tuple(seal_box)}))
    width = sum(p.width for p in pictures) + 10 * (len(pictures) - 1)
    sheet = Image.new("RGB", (width, max(p.height for p in pictures)), "white")
    x = 0
    for p in pictures:
        sheet.paste(p, (x, 0))
        x += p.width + 10
    out_png.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out_png)
    return [*lines, f"标注图已写入 / annotated picture written: {out_png}"]
