"""Official-document (公文) analysis shared by the PDF and DOCX readers.

The readers find the three D6 elements in their own way (PDF colour operators and drawings, DOCX
run colours and pictures, pixels of scans) and hand over `Element`s; this module turns them, with
the text of the pages, into the public facts:

- `red_header` / `red_header_reason` / `red_header_page`: red 发文机关标志 at the top of page 1;
- `doc_number` / `doc_number_issue` (format or year warning) / `doc_number_status`;
- `seal` / `seal_reason` / `seal_page` / `seal_blank`: a red round, oval or square stamp;
- `issued_on` (成文日期), `title`, `pages`, `scanned`, `ocr`.

True = found, False = looked and not there, None = could not tell (the reason says why).
It also offers `ocr_image_text` to other extractors (PNG screenshots, photos of paper).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from PIL import Image

from credit_check.facts import docnumber, ocr
from credit_check.facttypes import DocumentFacts

OCR_MAX_SIDE = 2000  # larger pictures are scaled down before OCR: enough for body text, much faster


@dataclass(frozen=True)
class Element:
    """One D6 element as a reader saw it."""

    present: bool | None
    reason: str  # Chinese, where it was found or why not
    page: int | None = None  # 1-based
    box: tuple[float, float, float, float] | None = None  # left, top, right, bottom as page fractions
    blank: bool | None = None  # seals only: covers no text (空白印章)
    electronic: bool = False  # seals only: an electronic seal (a signature with a seal picture), not ink


# A red header (发文机关标志) is the issuing organ's name, often followed by 文件: "…局文件",
# "…委员会", "…人民政府办公室". Red text that names no organ — a contract or brochure title, a
# telegram cover (…发电), an activity slogan — is red, but not a header.
ORGAN_END = re.compile(r"(文件|局|委员会|人民政府|政府|办公室|办公厅|中心|大队|支队|厅|部|委|党组|党委|工委|纪委"
                       r"|院|所|站|处|科|队|协会|小组)$")
_BLANKS = re.compile(r"[\s\u3000]+")


def names_organ(text: str) -> bool:
    """True when red header text names an organ: a line, or consecutive lines joined (a long
    name set over two lines), ends like an organ's name."""
    lines = [_BLANKS.sub("", ln) for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    whole = "".join(lines)
    if len(whole) >= 4 and ORGAN_END.search(whole):
        return True
    for i in range(len(lines)):
        for j in range(i + 1, min(len(lines), i + 3) + 1):
            joined = "".join(lines[i:j])
            if len(joined) >= 4 and ORGAN_END.search(joined):
                return True
    return False


def undetermined(reason: str) -> Element:
    return Element(present=None, reason=reason)


def ocr_lines_to_text(lines: Sequence[ocr.OcrLine]) -> str:
    """OCR boxes to text: boxes on one row are joined left to right, rows top to bottom."""
    rows: list[list[ocr.OcrLine]] = []
    for ln in sorted(lines, key=lambda x: (x.box[1] + x.box[3]) / 2):
        mid = (ln.box[1] + ln.box[3]) / 2
        if rows:
            last = rows[-1][-1]
            if abs(mid - (last.box[1] + last.box[3]) / 2) < 0.5 * (last.box[3] - last.box[1]):
                rows[-1].append(ln)
                continue
        rows.append([ln])
    out: list[str] = []
    for row in rows:
        row.sort(key=lambda x: x.box[0])
        out.append("  ".join(x.text for x in row))
    return "\n".join(out)


def ocr_image(image: Image.Image) -> tuple[list[ocr.OcrLine] | None, str | None]:
    """OCR lines of a picture in its own pixel coordinates, or (None, reason)."""
    engine = ocr.engine()
    if engine is None:
        return None, ocr.UNAVAILABLE_REASON
    scale = 1.0
    if max(image.size) > OCR_MAX_SIDE:
        scale = OCR_MAX_SIDE / max(image.size)
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
    try:
        lines = engine.read(image)
    except Exception as exc:  # a model failure on one picture must not stop the audit
        return None, f"OCR 识别失败：{type(exc).__name__}"
    if scale != 1.0:
        lines = [ocr.OcrLine(text=ln.text, box=tuple(v / scale for v in ln.box), score=ln.score)  # type: ignore[arg-type]
                 for ln in lines]
    return lines, None


def ocr_image_text(image: Image.Image) -> tuple[str | None, str | None]:
    """All text of a picture (screenshot, scan, photo of paper): (text, None) or (None, reason)."""
    lines, reason = ocr_image(image)
    if lines is None:
        return None, reason
    return ocr_lines_to_text(lines), None


def document_facts(*, pages: Sequence[str], page_count: int, scanned: bool, header: Element, seal: Element,
                   ocr_state: bool | Literal["unavailable"], text_known: bool,
                   from_ocr: bool) -> tuple[DocumentFacts, dt.date | None]:
    """The public facts of one document and its 成文日期.

    `text_known`: page 1 text could be read (text layer or OCR); otherwise the number is
    undetermined rather than missing. `from_ocr`: the text comes from OCR (brackets unreliable).
    """
    page1 = pages[0] if pages else ""
    issued_on = docnumber.find_issued_on(pages) if text_known else None
    number = docnumber.find_doc_number(page1, lenient_brackets=from_ocr) if text_known else None
    issue: str | None = None
    issues: list[Literal["format", "year"]] = []
    blank: tuple[int, str] | None = None
    if number is not None:
        if not number.format_ok:
            issues.append("format")
            issue = "文号格式不规范：" + "；".join(number.problems) + f"（应为 {number.canonical}）"
        if issued_on is not None and issued_on.year != number.year:
            issues.append("year")
            year_text = f"文号年份 {number.year} 与成文日期 {issued_on.isoformat()} 不一致"
            issue = f"{issue}；{year_text}" if issue else year_text
    status: Literal["found", "missing", "undetermined"]
    if number is not None:
        status, number_reason = "found", "第1页版头下方"
    elif text_known and (blank := docnumber.blank_number(page1)) is not None:
        status, number_reason = "missing", f"第1页的发文字号“{blank[1]}”没有序号（未填写）"
    elif text_known:
        status, number_reason = "missing", "第1页顶部没有找到发文字号（如 某某字〔2024〕1号）"
    else:
        status = "undetermined"
        number_reason = ("扫描件无文字层，" + ocr.UNAVAILABLE_REASON) if ocr_state == "unavailable" else "无法读取第1页文字"
    after = number.line if number else (blank[0] if status == "missing" and blank is not None else -1)
    title = docnumber.find_title(page1, after_line=after) if text_known else None
    facts = DocumentFacts(
        pages=page_count, scanned=scanned, title=title,
        red_header=header.present, red_header_reason=header.reason, red_header_page=header.page,
        red_header_box=header.box,
        doc_number=number.text if number else None, doc_number_canonical=number.canonical if number else None,
        doc_number_status=status, doc_number_reason=number_reason, doc_number_issue=issue,
        doc_number_issues=tuple(issues),
        seal=seal.present, seal_reason=seal.reason, seal_page=seal.page, seal_box=seal.box,
        seal_blank=seal.blank if seal.present else None,
        seal_kind=("electronic" if seal.electronic else "printed") if seal.present else None,
        issued_on=issued_on, ocr=ocr_state,
    )
    return facts, issued_on
