"""The hostile corpus, generated: every class of broken or malicious input the audit must survive
(docs/hostile.md). Each builder writes one real file (or link, FIFO …) and returns its path.

Used by the tests in this folder and by `fuzz/measure.py`, which times each class and measures
the peak memory of the whole process tree for the table in docs/hostile.md.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from tests.builders.sheets import luhn_complete, resident_id

# Personal data planted in the corpus: none of it may leave the tool unmasked.
ID_NUMBERS = [resident_id("370102", dt.date(1990, 3, 7), "123"), resident_id("370105", dt.date(1985, 11, 30), "047"),
              resident_id("110101", dt.date(1972, 1, 2), "555")]
MOBILES = ["13812345678", "15987654321"]
CARD = luhn_complete("622202020011223344")
FULLWIDTH_MOBILE = "".join(chr(0xFF10 + int(c)) for c in "13912348765")
SECRETS = [*ID_NUMBERS, *MOBILES, CARD, "13912348765"]


def fullwidth(text: str) -> str:
    return "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in text)


# ---------------------------------------------------------------------------------- plain files
def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from its numbered objects (1 = catalog), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode %s >>\nstream\n" % (len(packed), extra) + packed + b"\nendstream"


def text_pdf(path: Path, lines: list[str], media: tuple[float, float] = (595, 842), ops: int = 0) -> Path:
    """A one-page PDF with `lines` in Helvetica (ASCII) and `ops` extra drawing operators."""
    content = b"BT /F1 12 Tf 72 760 Td 14 TL " + b" ".join(
        b"(" + ln.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)") + b") '" for ln in lines) + b" ET\n"
    if ops:
        content += b"0.5 w " + b"1 1 m 2 2 l S " * ops
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>" % media,
               _stream(content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    path.write_bytes(_pdf(objects))
    return path


def surrogate_pdf(path: Path) -> Path:
    """A PDF whose font's ToUnicode map sends a glyph to a lone surrogate (U+D800) — what some
    broken producers write — next to readable text."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n"
            b"3 beginbfchar <41> <D800> <42> <0042> <43> <4E2D> endbfchar\nendcmap end end\n")
    content = b"BT /F1 24 Tf 72 700 Td (ABCABCABCABCBBBB) Tj 0 -30 Td (CCCCCCCCCCCC) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               _stream(content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
               _stream(cmap)]
    path.write_bytes(_pdf(objects))
    return path


def many_pages_pdf(path: Path, pages: int, ops: int) -> Path:
    """`pages` pages, each with `ops` drawing operators and a line of text: slow, not malicious."""
    content = b"BT /F1 12 Tf 72 760 Td (Slow page of many drawing operators) Tj ET 0.5 w " + b"1 1 m 2 2 l S " * ops
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    content_obj = 3 + pages
    font_obj = content_obj + 1
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (content_obj, font_obj))
    objects.append(_stream(content))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    path.write_bytes(_pdf(objects))
    return path


def huge_mediabox_pdf(path: Path) -> Path:
    """One page 200 × 200 inches (UserUnit 1, 14,400 pt) holding only a picture: a scan the
    readers must render to see — 24,000 × 24,000 px at 120 dpi, 2.3 GB as RGBA."""
    strip = Image.new("RGB", (64, 64), (250, 250, 250))
    raw = strip.tobytes()
    image = _stream(raw, b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceRGB "
                         b"/BitsPerComponent 8")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /Contents 4 0 R "
               b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
               _stream(b"q 14400 0 0 14400 0 0 cm /Im1 Do Q"),
               image]
    path.write_bytes(_pdf(objects))
    return path


def truncated(path: Path, source: Path, keep: float = 0.5) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: max(16, int(len(data) * keep))])
    return path


# ------------------------------------------------------------------------------------- pictures
def thin_png(path: Path, width: int = 1, height: int = 65535) -> Path:
    """A few hundred bytes: 1 × 65,535 px. RapidOCR would scale its short side up to 736 px."""
    Image.new("L", (width, height), 255).save(path, optimize=True)
    return path


def png_bomb(path: Path, side: int = 30000) -> Path:
    """A decompression bomb: a tiny PNG whose header says `side` × `side` 8-bit RGB (2.7 GB
    decoded at 30,000). The IDAT stream is a short run of zeros; readers must refuse it from the
    header, before decoding."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    ihdr = side.to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    row = b"\x00" + b"\x00" * (side * 3)
    packer = zlib.compressobj(9)
    idat = packer.compress(row * 8) + packer.flush()  # only the first rows: the rest is "missing"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def big_legal_png(path: Path, side: int = 5000) -> Path:
    """A legal, large picture (`side`² px of noise, RGB): reading it needs a few hundred MB."""
    noise = os.urandom(side * side * 3 // 16)
    image = Image.frombytes("RGB", (side // 4, side // 4), noise[: (side // 4) * (side // 4) * 3])
    image.resize((side, side), Image.Resampling.NEAREST).save(path, compress_level=1)
    return path


# ------------------------------------------------------------------------------- OOXML hostile
_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
       'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
       '+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_with(path: Path, document_xml: bytes, *, stored_size: int | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", document_xml)
    return path


def docx_zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """document.xml that inflates to `megabytes` MB of whitespace inside one paragraph (~1000:1)."""
    head = f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>'.encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                fh.write(block)
            fh.write(tail)
    return path


def docx_entity_bomb(path: Path) -> Path:
    """The "billion laughs": nested internal entities expanding to ~3 GB of text."""
    lol = '<!ENTITY a "' + "laughter" * 10 + '">' + "".join(
        f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(8))
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{lol}]><w:document xmlns:w="{_W}"><w:body><w:p><w:r>'
           f"<w:t>&i;</w:t></w:r></w:p></w:body></w:document>")
    return docx_with(path, xml.encode())


def docx_external_entity(path: Path, target: Path) -> Path:
    """An external entity pointing at a file outside the tree (XXE): it must never be read."""
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file://{target}">]>'
           f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    return docx_with(path, xml.encode())


def xlsx_xfd(path: Path, rows: int = 20000) -> Path:
    """A ledger-shaped XLSX with a cell in the last column (XFD, 16,384) on every row."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["决定日期", "公示日期", "文书号"])
    for i in range(rows):
        ws.append(["2024-05-06", "2024-05-08", f"鲁交罚〔2024〕{i}号", *([None] * 16380), "x"])
    wb.save(path)
    return path


def xlsx_year_9999(path: Path) -> Path:
    """A 双公示 ledger whose dates are typed in year 9999 (and one valid row)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "行政许可公示台账"
    ws.append(["序号", "行政相对人名称", "许可决定日期", "公示日期", "许可证号", "联系电话"])
    ws.append([1, "张三运输", "九九九九年十二月三十一日", "9999-12-31", "鲁交许〔2024〕1号", MOBILES[0]])
    ws.append([2, "李四物流", "2024-05-06", "9999年12月31日", "鲁交许〔2024〕2号", MOBILES[1]])
    ws.append([3, "王五客运", "2024-05-06", "2024-05-08", "鲁交许〔2024〕3号", ""])
    wb.save(path)
    return path


def one_line_csv(path: Path, megabytes: int = 100) -> Path:
    """A single line of `megabytes` MB (no newline), quoted: one giant field."""
    with path.open("wb") as fh:
        fh.write(b'"')
        block = b"a" * (1 << 20)
        for _ in range(megabytes):
            fh.write(block)
        fh.write(b'"\n')
    return path


def pii_text(path: Path) -> Path:
    """Personal data in every form: ASCII, full-width, spaced, wrapped across lines, a card."""
    a, b, c = ID_NUMBERS
    path.write_text(f"公示名单\n张三 身份证号：{a} 电话：{MOBILES[0]}\n李四 证件号码 {fullwidth(b)} 手机 {FULLWIDTH_MOBILE}\n"
                    f"王五 {c[:6]} {c[6:14]} {c[14:]}\n银行卡号 {CARD}\n联系人电话 {MOBILES[1]}\n", encoding="utf-8")
    return path


def pii_sheet(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "公示名单"
    ws.append(["姓名", "身份证号", "联系电话"])
    for n, (number, mobile) in enumerate(zip(ID_NUMBERS, [*MOBILES, FULLWIDTH_MOBILE], strict=True)):
        ws.append([f"人员{n}", number if n != 1 else fullwidth(number), mobile])
    wb.save(path)
    return path


# ----------------------------------------------------------------------------- the file system
def special_files(folder: Path, outside: Path) -> dict[str, Path]:
    """Links out of the tree (file and folder), a link loop, a dangling link, a FIFO, a socket,
    and (as root) a character device: none may be opened, none may hang the audit."""
    folder.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    secret = outside / f"外部身份证{ID_NUMBERS[0]}.txt"
    secret.write_text(f"身份证 {ID_NUMBERS[0]}", encoding="utf-8")
    made: dict[str, Path] = {}
    made["file-link-out"] = folder / "指向外部的链接.txt"
    made["file-link-out"].symlink_to(secret)
    made["folder-link-out"] = folder / "外部文件夹"
    made["folder-link-out"].symlink_to(outside, target_is_directory=True)
    made["loop-a"] = folder / "loop-a.pdf"
    made["loop-b"] = folder / "loop-b.pdf"
    made["loop-a"].symlink_to(made["loop-b"])
    made["loop-b"].symlink_to(made["loop-a"])
    made["dir-loop"] = folder / "回环"
    made["dir-loop"].symlink_to(folder, target_is_directory=True)
    made["dangling"] = folder / "dangling.docx"
    made["dangling"].symlink_to(folder / "no-such-file.docx")
    made["fifo"] = folder / "管道.csv"
    os.mkfifo(made["fifo"])
    made["socket"] = folder / "套接字.pdf"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    here = os.getcwd()
    try:  # bound by its own name from its folder: a socket's full path may exceed AF_UNIX's 108 bytes
        os.chdir(folder)
        sock.bind(made["socket"].name)
    finally:
        os.chdir(here)
        sock.close()
    made["fifo-link"] = folder / "指向管道.txt"
    made["fifo-link"].symlink_to(made["fifo"])
    device = folder / "设备.xlsx"
    try:
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
        made["device"] = device
    except (PermissionError, OSError):
        pass
    made["dev-zero-link"] = folder / "零.pdf"
    made["dev-zero-link"].symlink_to("/dev/zero")
    return made


def odd_names(folder: Path) -> list[Path]:
    """Names with terminal escapes (OSC 52 clipboard write, window title, CSI colour), C1 and bidi
    controls, Rich markup, a 250-byte name, and an ID number."""
    folder.mkdir(parents=True, exist_ok=True)
    names = [
        "a\x1b]52;c;ZWNobyBwd25lZA==\x07b.txt",
        "\x1b]0;pwned\x07标题.txt",
        "\x1b[31m红色\x1b[0m.txt",
        "c1\x9b31m控制.txt",
        "反转\u202egpj.exe.txt",
        "[bold]粗体 [link=file:x]链接 [red on white].txt",
        "名" * 80 + ".txt",  # 80 × 3 bytes + 4 = 244 bytes
        f"身份证{ID_NUMBERS[1]}的照片.jpg",
        f"手机{FULLWIDTH_MOBILE}.txt",
        "tab\tand\nnewline.txt",
    ]
    # A name cannot hold "/", but a path can: folder "[bold]粗体[" + file "x].txt" shows as
    # "[bold]粗体[/x].txt", a closing tag that Rich markup refuses with an exception.
    (folder / "[bold]粗体[").mkdir(exist_ok=True)
    names.append("[bold]粗体[/x].txt")
    out = []
    for name in names:
        path = folder / name
        if path.suffix == ".jpg":
            Image.new("RGB", (80, 60), (200, 100, 100)).save(path)
        else:
            path.write_text("普通文本 2024年5月6日", encoding="utf-8")
        out.append(path)
    return out


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "thin-png": lambda d: thin_png(d / "长条.png"),
    "wide-png": lambda d: thin_png(d / "横条.png", 65535, 1),
    "png-bomb": lambda d: png_bomb(d / "炸弹.png"),
    "huge-mediabox": lambda d: huge_mediabox_pdf(d / "巨幅.pdf"),
    "surrogate-pdf": lambda d: surrogate_pdf(d / "代理项.pdf"),
    "docx-zip-bomb": lambda d: docx_zip_bomb(d / "压缩炸弹.docx"),
    "docx-entity-bomb": lambda d: docx_entity_bomb(d / "实体炸弹.docx"),
    "xlsx-xfd": lambda d: xlsx_xfd(d / "XFD列.xlsx"),
    "xlsx-9999": lambda d: xlsx_year_9999(d / "许可公示台账9999.xlsx"),
    "csv-one-line": lambda d: one_line_csv(d / "一行.csv"),
    "pdf-operators": lambda d: text_pdf(d / "百万指令.pdf", ["Many drawing operators"], ops=1_000_000),
    "pii-text": lambda d: pii_text(d / "公示名单.txt"),
    "pii-sheet": lambda d: pii_sheet(d / "人员名单公示.xlsx"),
}
