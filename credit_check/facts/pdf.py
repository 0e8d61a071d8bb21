"""Facts of PDF files: text per page, scans, OCR, and the 公文 elements (红头、文号、公章).

Text comes from pypdf (pdfium when pypdf cannot read a page). A page without usable text — no
text layer, or garbage from fonts without a usable ToUnicode map — is a scanned page; when the
OCR extra is installed the first two and the last such pages are read by OCR (a 100-page scan
costs three OCR passes, not a hundred), and the facts say which pages were read.

Born-digital pages are judged from their drawing instructions (red text and red drawings in the
content stream, pictures); only small regions that may hold a seal or a pasted header picture are
rendered, at 60–100 dpi. Scanned pages are rendered whole at the same low resolution.

Signed PDFs: the signatures, their coverage and verification come from `pdfsig`; a visible
signature is an electronic seal. The file's own metadata (Info dictionary, XMP when Info lacks a
field) gives `created`, `modified` and `producer` (the authoring program, then the PDF producer).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pypdfium2 as pdfium
from numpy.typing import NDArray
from PIL import Image

from credit_check.dates import find_dates
from credit_check.facts import gongwen, ocr, pdfmarks, pdfsig
from credit_check.facts.gongwen import Element
from credit_check.facts.pdfpage import page_objects, render_region
from credit_check.facttypes import DocumentFacts, ErrorKind
from credit_check.model import Extracted, Kind

if TYPE_CHECKING:
    from credit_check.facts import ExtractOptions

# pypdf reports every repaired flaw (junk before %PDF, bad xref offsets) as a warning on stderr;
# the audit reports what matters itself.
logging.getLogger("pypdf").setLevel(logging.ERROR)

ENCRYPTED = "PDF 已加密（设置了打开密码），无法读取，请提供未加密版本 / encrypted PDF (needs a password), cannot be read"
CORRUPT = "PDF 文件已损坏，无法解析 / corrupt PDF, cannot be parsed"
OCR_DPI = 120


def usable_text(text: str) -> bool:
    """Readable text, not a handful of characters or mojibake from a font without ToUnicode."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) < 8 or "(cid:" in text:
        return False
    good = 0.0
    for c in chars:
        code = ord(c)
        if 0x4E00 <= code <= 0x9FFF or (c.isascii() and c.isalnum()):
            good += 1
        elif unicodedata.category(c).startswith("P") or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF:
            good += 0.5
    return good / len(chars) >= 0.6


def _open(path: Path) -> tuple[Any, pdfium.PdfDocument | None, bool]:
    """(pypdf reader or None, pdfium document or None, locked by a password)."""
    import pypdf

    reader: Any = None
    locked = False
    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            locked = True
        len(reader.pages)  # a broken page tree fails here, not halfway through the pages
    except Exception:
        reader = None
    doc: pdfium.PdfDocument | None = None
    try:
        doc = pdfium.PdfDocument(str(path), password="")
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            locked = True
        else:  # junk before %PDF and other damage: give pdfium the bytes from %PDF on
            data = path.read_bytes()
            start = data.find(b"%PDF-")
            if start > 0:
                with contextlib.suppress(pdfium.PdfiumError):
                    doc = pdfium.PdfDocument(data[start:], password="")
    return reader, doc, locked


def _page_text(reader: Any, doc: pdfium.PdfDocument | None, i: int) -> str:
    text = ""
    if reader is not None:
        try:
            text = reader.pages[i].extract_text() or ""
        except Exception:  # broken content streams, missing decryption support: try pdfium
            text = ""
    if not usable_text(text) and doc is not None:
        try:
            tp = doc[i].get_textpage()
            alt = tp.get_text_range()
            tp.close()
            if usable_text(alt):
                text = alt
        except Exception:
            pass
    return text.replace("\x00", "")


def _ocr(doc: pdfium.PdfDocument, idxs: list[int], seal: Element) -> dict[int, str] | None:
    if ocr.engine() is None:
        return None
    out: dict[int, str] = {}
    for i in idxs:
        rgb = render_region(doc[i], None, OCR_DPI, upright=True)
        text, _ = gongwen.ocr_image_text(Image.fromarray(rgb))
        out[i] = text or ""
        if seal.box is not None and seal.page == i + 1 and not find_dates(out[i][-300:]):
            out[i] += _date_under_seal(rgb, seal.box)
    return out


def _date_under_seal(rgb: NDArray[np.uint8], box: tuple[float, float, float, float]) -> str:
    """The signature and date under a seal, read again with the red ink dropped (red channel only)."""
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = box
    bw, bh = (x1 - x0) * w, (y1 - y0) * h
    crop = rgb[max(0, int(y0 * h - bh * 0.4)): int(y1 * h + bh * 0.4), max(0, int(x0 * w - bw)): int(x1 * w + bw), 0]
    if crop.size == 0:
        return ""
    text, _ = gongwen.ocr_image_text(Image.fromarray(crop).convert("RGB"))
    lines = [ln for ln in (text or "").splitlines() if find_dates(ln)]
    return "\n" + "\n".join(lines) if lines else ""


def extract(path: Path, options: ExtractOptions) -> Extracted:
    reader, doc, locked = _open(path)
    if locked:
        return Extracted.failed(Kind.DOCUMENT, ErrorKind.ENCRYPTED, "PDF", facts=DocumentFacts(encrypted=True))
    if doc is None and reader is None:
        return Extracted.failed(Kind.DOCUMENT, ErrorKind.CORRUPT, "PDF")
    try:
        result = _extract(reader, doc, options)
    finally:
        if doc is not None:
            doc.close()
    if reader is None or not isinstance(result.facts, DocumentFacts) or result.error is not None:
        return result
    facts = result.facts.model_copy(update=_provenance(reader))
    return result.model_copy(update={"facts": _signed(reader, path, facts)})


def _signed(reader: Any, path: Path, facts: DocumentFacts) -> DocumentFacts:
    """`facts` with the PDF's signatures and the electronic seal they make."""
    try:
        found = pdfsig.read(reader, path=path)
    except Exception as exc:  # a damaged form tree must not cost the file its other facts
        return facts.model_copy(update={"notes": (*facts.notes, f"无法读取电子签名（{type(exc).__name__}）")})
    return pdfsig.apply(facts, found)


_XMP = {field: re.compile(rf"{tag}\s*(?:=\s*[\"']([^\"']*)|>([^<]*)<)".encode())
        for field, tag in (("created", "xmp:CreateDate"), ("modified", "xmp:ModifyDate"),
                           ("producer", "pdf:Producer"), ("creator", "xmp:CreatorTool"))}


def _xmp(reader: Any) -> dict[str, str]:
    """CreateDate, ModifyDate, Producer, CreatorTool of the XMP packet, as written."""
    try:
        data = reader.trailer["/Root"]["/Metadata"].get_object().get_data()[:200_000]
    except Exception:
        return {}
    out: dict[str, str] = {}
    for name, pattern in _XMP.items():
        for m in pattern.finditer(data):
            text = (m.group(1) or m.group(2) or b"").decode("utf-8", "replace").strip()
            if text:
                out[name] = text
                break
    return out


def _iso(text: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.strip()) if text else None
    except ValueError:
        return None


def _provenance(reader: Any) -> dict[str, Any]:
    """created / modified / producer from the Info dictionary, else from XMP. Bad dates are None."""
    try:
        info = reader.trailer["/Info"].get_object() if "/Info" in reader.trailer else {}
        info = {k: str(info[k]) for k in ("/CreationDate", "/ModDate", "/Producer", "/Creator") if info.get(k)}
    except Exception:
        info = {}
    xmp: dict[str, str] | None = None

    def from_xmp(name: str) -> str | None:
        nonlocal xmp
        if xmp is None:
            xmp = _xmp(reader)
        return xmp.get(name)

    created = pdfsig.parse_pdf_date(info.get("/CreationDate")) or _iso(from_xmp("created"))
    modified = pdfsig.parse_pdf_date(info.get("/ModDate")) or _iso(from_xmp("modified"))
    tools = [info.get("/Creator") or from_xmp("creator"), info.get("/Producer") or from_xmp("producer")]
    names = [t.strip().replace("\x00", "") for t in tools if t and t.strip()]
    producer = " / ".join(dict.fromkeys(names))[:200] or None
    return {"created": created, "modified": modified, "producer": producer}


def _extract(reader: Any, doc: pdfium.PdfDocument | None, options: ExtractOptions) -> Extracted:
    count = len(doc) if doc is not None else len(reader.pages)
    if count == 0:
        return Extracted.failed(Kind.DOCUMENT, ErrorKind.CORRUPT, "PDF 没有页面 / no pages", facts=DocumentFacts(pages=0))
    n = min(count, options.max_pages)
    texts = [_page_text(reader, doc, i) for i in range(n)]
    usable = [usable_text(t) for t in texts]
    scanned = sum(not u for u in usable) * 2 > n
    notes: list[str] = [] if n == count else [f"只读取了前 {n} 页"]
    if doc is None:  # pypdf could read it, pdfium could not: text only
        none = gongwen.undetermined("无法渲染该 PDF，未能检查版头和印章")
        facts, issued_on = gongwen.document_facts(pages=texts, page_count=count, scanned=scanned, header=none, seal=none,
                                                  ocr_state=False, text_known=usable[0], from_ocr=False)
        return Extracted(kind=Kind.DOCUMENT, facts=facts, pages=tuple(texts), content_date=issued_on,
                         content_date_source="text" if issued_on else None)
    look = list(range(n)) if n <= 12 else [0, 1, n - 3, n - 2, n - 1]
    objs = {i: page_objects(doc[i]) for i in look}
    # Scanned pages to OCR: the first two and the last one (the title, number, date and seal are there).
    blind = [i for i in range(n) if not usable[i]]
    ocr_idx = sorted({*blind[:2], *blind[-1:]})
    # The seal is on the last page, or on the last page of the body before attachments.
    order = list(dict.fromkeys([n - 1, n - 2, 0, 1, *sorted(look, reverse=True)]))
    order = [i for i in order if i in objs]
    seal, colour = pdfmarks.find_seal(doc, objs, order)
    ocr_state: bool | Literal["unavailable"] = False
    from_ocr = False
    if ocr_idx and options.ocr:
        read = _ocr(doc, ocr_idx, seal)
        if read is None:
            ocr_state = "unavailable"
        else:
            ocr_state, from_ocr = True, not usable[0]
            for i, text in read.items():
                texts[i] = text
            if len(blind) > len(ocr_idx):
                notes.append("OCR 只识别了第 " + "、".join(str(i + 1) for i in ocr_idx) + " 页")
    elif ocr_idx:
        ocr_state = "unavailable"
    header = pdfmarks.find_header(doc, objs[0], scanned=not usable[0], colour_seen=colour, page1_text=texts[0])
    if seal.present is False and scanned and not colour and header.present is not True:
        seal = Element(present=None, reason="黑白扫描/复印件，无法确认是否盖有红色印章")
    text_known = usable[0] or bool(texts[0].strip() and from_ocr)
    if not text_known and ocr_state == "unavailable":
        notes.append(ocr.UNAVAILABLE_REASON)
    facts, issued_on = gongwen.document_facts(pages=texts, page_count=count, scanned=scanned, header=header, seal=seal,
                                              ocr_state=ocr_state, text_known=text_known, from_ocr=from_ocr)
    facts = facts.model_copy(update={"notes": tuple(notes),
                                     "ocr_pages": tuple(i + 1 for i in ocr_idx) if ocr_state is True else ()})
    return Extracted(kind=Kind.DOCUMENT, facts=facts, pages=tuple(texts), content_date=issued_on,
                     content_date_source="text" if issued_on else None)


def page_image(path: Path, page: int, dpi: float) -> Image.Image:
    """Page `page` (1-based) as a picture, for annotation."""
    doc = pdfium.PdfDocument(str(path), password="")
    try:
        return Image.fromarray(render_region(doc[page - 1], None, dpi, upright=True))
    finally:
        doc.close()

