"""Word 97 `.doc` and Kingsoft `.wps` (OLE Word binary): the real files of ../shared/corpus/formats
(labels from its SOURCES.md), files LibreOffice saves as .doc when it is installed, and damaged
copies, which must give a read-error, never a traceback."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import struct
import subprocess
from pathlib import Path

import olefile
import pytest

from credit_check.facts import ExtractOptions, extract, msword, ole
from credit_check.facttypes import ErrorKind
from credit_check.model import Kind

OPTS = ExtractOptions(ocr=False)

# file: (red_header, blank-sequence 文号 line on page 1, seal) as SOURCES.md describes the file.
LABELS: dict[str, tuple[bool, bool, bool]] = {
    "doc/epowerjtt_党组发文.doc": (True, True, False),
    "doc/epowerjtt_能源局下行文.doc": (True, True, False),
    "doc/epowerjtt_机关委员会发文.doc": (True, True, False),
    "doc/epowerjtt_密码电报.doc": (False, True, False),  # red telegram cover, not an organ's header
    "doc/epowerjtt_建议提案.doc": (True, True, False),
    "doc/epowerjtt_创业投资备案.doc": (True, True, False),
    "doc/epowerjtt_办文单.doc": (False, False, False),  # a DOCX named .doc
    "doc/epowerjtt_江苏省发展和改革委员会拟文单.doc": (False, False, False),  # 发文字号 as an empty label
    "doc/epowerjtt_受理通知书.doc": (False, False, False),  # （印章） as text only
    "doc/epowerjtt_law.doc": (False, False, False),
    "doc/pageoffice_InsertSeal_AddSeal_test1.doc": (False, False, False),
    "doc/pageoffice_InsertSeal_BatchAddSeal_test4.doc": (False, False, False),  # red contract title
    "wps/t18577113435_test.wps": (False, False, False),
    "wps/mygit_test.wps": (False, False, False),
    "wps/chunxiao1_1.wps": (False, False, False),
    "wps/chunxiao1_howtostartlinux.wps": (False, False, False),
}


def _formats(corpus: Path) -> Path:
    folder = corpus / "formats"
    if not (folder / "doc").is_dir() or not (folder / "wps").is_dir():
        pytest.skip("corpus formats/doc and formats/wps missing")
    return folder


def test_every_corpus_doc_and_wps_reads_or_says_why(corpus: Path) -> None:
    folder = _formats(corpus)
    files = sorted(p for d in ("doc", "wps") for p in (folder / d).iterdir() if p.suffix in (".doc", ".wps"))
    assert len(files) >= 17
    for path in files:
        got = extract(path, OPTS)
        assert got.kind is Kind.DOCUMENT, path
        if got.error:
            assert got.error_kind is not None and " / " in got.error, path
        else:
            facts = got.facts
            assert facts.pages and facts.pages >= 1, path
            assert facts.red_header in (True, False) and facts.seal in (True, False), path
            assert "".join(got.pages).strip(), path


@pytest.mark.parametrize("name", sorted(LABELS))
def test_labelled_corpus_files(corpus: Path, name: str) -> None:
    path = _formats(corpus) / name
    if not path.exists():
        pytest.skip(f"{name} missing")
    red_header, blank_number, seal = LABELS[name]
    facts = extract(path, OPTS).facts
    assert facts.red_header is red_header, facts.red_header_reason
    assert facts.seal is seal, facts.seal_reason
    assert facts.doc_number is None  # none of these has a complete number
    assert ("没有序号" in (facts.doc_number_reason or "")) is blank_number, facts.doc_number_reason


def test_red_header_template_text_and_metadata(corpus: Path) -> None:
    path = _formats(corpus) / "doc" / "epowerjtt_党组发文.doc"
    got = extract(path, OPTS)
    facts = got.facts
    assert facts.red_header is True and "江苏省发展和改革委员会党组文件" in (facts.red_header_reason or "")
    assert facts.doc_number_status == "missing"
    assert "苏发改党〔2012〕号" in (facts.doc_number_reason or "")
    assert facts.title == "中共江苏省发展和改革委员会党组关于"
    assert facts.pages == 2 and facts.format == "doc"
    assert facts.producer == "Microsoft Office Word"
    assert facts.created == dt.datetime(2003, 10, 8, 2, 27, tzinfo=dt.UTC)
    assert facts.modified == dt.datetime(2012, 4, 18, 2, 31, tzinfo=dt.UTC)
    assert "主题词" in got.pages[-1]


def test_letter_spaced_organ_over_two_lines_and_other_number_style(corpus: Path) -> None:
    facts = extract(_formats(corpus) / "doc" / "epowerjtt_建议提案.doc", OPTS).facts
    assert facts.red_header is True and "江苏省发展和改革委员会" in (facts.red_header_reason or "")
    assert "（2012）苏发改字第号" in (facts.doc_number_reason or "")


def test_red_titles_that_are_not_headers(corpus: Path) -> None:
    folder = _formats(corpus) / "doc"
    contract = extract(folder / "pageoffice_InsertSeal_BatchAddSeal_test4.doc", OPTS).facts
    assert contract.red_header is False and "北京幻想科技销售合同" in (contract.red_header_reason or "")
    telegram = extract(folder / "epowerjtt_密码电报.doc", OPTS).facts
    assert telegram.red_header is False and "江苏省机关单位发电" in (telegram.red_header_reason or "")


def test_kingsoft_wps_text_and_utf16_metadata(corpus: Path) -> None:
    got = extract(_formats(corpus) / "wps" / "t18577113435_test.wps", OPTS)
    assert got.error is None
    assert "党委报送材料" in got.pages[0] and "公文文号模板" in got.pages[0]
    facts = got.facts
    assert facts.format == "wps" and facts.producer == "WPS Office"
    assert facts.created == dt.datetime(2014, 10, 29, 12, 8, tzinfo=dt.UTC)
    assert facts.modified == dt.datetime(2020, 7, 30, 3, 38, 43, tzinfo=dt.UTC)
    assert extract(_formats(corpus) / "wps" / "mygit_test.wps", OPTS).facts.producer == "WPS 文字"


def test_large_manual_with_screenshots(corpus: Path) -> None:
    got = extract(_formats(corpus) / "doc" / "epowerjtt_law.doc", OPTS)
    assert got.error is None and "操作手册" in got.pages[0]
    assert got.facts.pages is not None and got.facts.pages >= 13 and got.facts.seal is False


def test_docx_named_doc_and_non_word_wps(corpus: Path, tmp_path: Path) -> None:
    folder = _formats(corpus)
    docx_as_doc = extract(folder / "doc" / "epowerjtt_办文单.doc", OPTS)
    assert docx_as_doc.error is None and docx_as_doc.facts.mislabelled == ".doc → zip"
    assert "测试办文单" in "".join(docx_as_doc.pages)
    as_wps = tmp_path / "办文单.wps"
    shutil.copy(folder / "doc" / "epowerjtt_办文单.doc", as_wps)
    got = extract(as_wps, OPTS)
    assert got.error is None and got.facts.mislabelled == ".wps → zip"
    music = extract(folder / "wps" / "whitepigeon_test.wps", OPTS)
    assert music.error_kind is ErrorKind.MISLABELLED and "<version>Score File" in (music.error or "")


def test_word_found_by_its_stream_whatever_the_name(corpus: Path, tmp_path: Path) -> None:
    folder = _formats(corpus)
    for name in ("公文", "公文.tmp", "公文.dot", "公文.wpt"):
        copy = tmp_path / name
        shutil.copy(folder / "doc" / "epowerjtt_能源局下行文.doc", copy)
        got = extract(copy, OPTS)
        assert got.kind is Kind.DOCUMENT and got.facts.red_header is True, name
    sheet = tmp_path / "台账.doc"
    xls = next((folder / "xls").glob("*.xls"), None)
    if xls is not None:
        shutil.copy(xls, sheet)
        got = extract(sheet, OPTS)
        assert got.error_kind is ErrorKind.MISLABELLED and "Workbook" in (got.error or "")


@pytest.mark.parametrize(("head", "says"), [
    (b"{\\rtf1\\ansi\\ansicpg936 hello}", "RTF"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related", "web page"),
    (b"\x00\x01garbage", "neither an OLE Word document nor a DOCX"),
])
def test_other_content_named_doc(tmp_path: Path, head: bytes, says: str) -> None:
    path = tmp_path / "通知.doc"
    path.write_bytes(head + b"\x00" * 600)
    got = extract(path, OPTS)
    assert got.error_kind is ErrorKind.MISLABELLED and says in (got.error or "")


def _with_fib(src: Path, dst: Path, change: dict[int, bytes]) -> Path:
    """A copy of `src` whose WordDocument stream has bytes replaced at the given offsets."""
    shutil.copy(src, dst)
    with olefile.OleFileIO(str(dst), write_mode=True) as o:
        data = bytearray(o.openstream("WordDocument").read())
        for at, value in change.items():
            data[at:at + len(value)] = value
        o.write_stream("WordDocument", bytes(data))
    return dst


def test_encrypted_word_97_and_word_95(corpus: Path, tmp_path: Path) -> None:
    src = _formats(corpus) / "doc" / "pageoffice_InsertSeal_AddSeal_test1.doc"
    with olefile.OleFileIO(str(src)) as o:
        flags = struct.unpack("<H", o.openstream("WordDocument").read()[10:12])[0]
    locked = _with_fib(src, tmp_path / "加密.doc", {10: struct.pack("<H", flags | 0x0100)})
    got = extract(locked, OPTS)
    assert got.error_kind is ErrorKind.ENCRYPTED and got.facts.encrypted is True
    old = _with_fib(src, tmp_path / "旧.doc", {2: struct.pack("<H", 0x68)})
    got = extract(old, OPTS)
    assert got.error_kind is ErrorKind.UNSUPPORTED and "Word 6.0/95" in (got.error or "")


def test_broken_structures_are_precise_corrupt_errors(corpus: Path, tmp_path: Path) -> None:
    src = _formats(corpus) / "doc" / "pageoffice_InsertSeal_AddSeal_test1.doc"
    no_fib = _with_fib(src, tmp_path / "a.doc", {0: b"\x00\x00"})
    assert "no Word FIB" in (extract(no_fib, OPTS).error or "")
    with olefile.OleFileIO(str(src)) as o:
        wd = o.openstream("WordDocument").read()
    clx = _fclcb_offset(wd) + 8 * 33  # FibRgFcLcb97.fcClx / lcbClx
    bad = _with_fib(src, tmp_path / "b.doc", {clx: struct.pack("<II", 10_000_000, 4000)})
    got = extract(bad, OPTS)
    assert got.error_kind is ErrorKind.CORRUPT and "piece table (CLX)" in (got.error or ""), got.error
    truncated = tmp_path / "c.doc"
    truncated.write_bytes(src.read_bytes()[:1200])
    got = extract(truncated, OPTS)
    assert got.error_kind is ErrorKind.CORRUPT and "OLE" in (got.error or ""), got.error


def _fclcb_offset(wd: bytes) -> int:
    csw = struct.unpack_from("<H", wd, 32)[0]
    at = 34 + 2 * csw
    cslw = struct.unpack_from("<H", wd, at)[0]
    return at + 2 + 4 * cslw + 2


def test_truncated_and_garbled_copies_never_crash(corpus: Path, tmp_path: Path) -> None:
    folder = _formats(corpus)
    sources = [folder / "doc" / "epowerjtt_党组发文.doc", folder / "doc" / "pageoffice_InsertSeal_BatchAddSeal_test4.doc",
               folder / "wps" / "chunxiao1_1.wps"]
    rng = random.Random(9)
    for src in sources:
        data = src.read_bytes()
        copies = [data[:n] for n in (8, 600, len(data) // 3, len(data) - 700)]
        for _ in range(10):
            b = bytearray(data)
            at = rng.randrange(512, len(b) - 64)
            b[at:at + rng.choice((4, 64, 1500))] = bytes(rng.randrange(256) for _ in range(64))[:1500]
            copies.append(bytes(b))
        for i, raw in enumerate(copies):
            path = tmp_path / f"{src.stem}_{i}{src.suffix}"
            path.write_bytes(raw)
            got = msword.extract(path, OPTS)  # the reader itself, without the dispatcher's safety net
            assert got.error is None or got.error_kind is not None
            via_dispatcher = extract(path, OPTS)
            assert via_dispatcher.kind is Kind.DOCUMENT


def test_summary_with_utf16_strings_and_bad_bytes() -> None:
    assert ole.parse_summary(b"") == ole.Summary()
    assert ole.parse_summary(b"\xfe\xff" + b"\x00" * 100) == ole.Summary()


def test_sprm_operand_sizes() -> None:
    grpprl = struct.pack("<HB", 0x2A42, 6) + struct.pack("<H4B", 0x6870, 0xC0, 0, 0, 0) + struct.pack("<HB", 0xC64D, 2) + b"\x01\x02"
    assert list(msword.sprms(grpprl)) == [(0x2A42, b"\x06"), (0x6870, b"\xc0\x00\x00\x00"), (0xC64D, b"\x01\x02")]
    colour = msword.Colour()
    for sprm, operand in msword.sprms(grpprl):
        colour.apply(sprm, operand)
    assert colour.red is True  # the cv (192, 0, 0) after ico 6: both red
    dark = msword.Colour()
    dark.apply(0x6870, bytes((0x40, 0x40, 0x40, 0)))
    assert dark.red is False


# ------------------------------------------------------------- LibreOffice, only where installed
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed: it only writes extra test files")
def test_documents_saved_as_doc_by_libreoffice(tmp_path: Path) -> None:
    from tests.builders.documents import Gongwen, build_docx

    cases = {
        "std": (Gongwen(), True, True, True),
        "inline": (Gongwen(pages=2, seal_shape="square"), True, True, True),
        "band": (Gongwen(layout="band", seal=None), True, True, False),
        "news": (Gongwen(layout="news", seal=None, number=None), False, False, False),
        "redbody": (Gongwen(red_body=True, header=False, seal=None), False, True, False),
        "plain": (Gongwen(header=False, number=None, seal=None), False, False, False),
    }
    for name, (doc, *_rest) in cases.items():
        build_docx(tmp_path / f"{name}.docx", doc, floating_seal=name != "inline")
    subprocess.run([str(SOFFICE), "--headless", "--convert-to", "doc", "--outdir", str(tmp_path),
                    *(str(tmp_path / f"{n}.docx") for n in cases)], check=True, capture_output=True, timeout=300)
    for name, (_doc, header, number, seal) in cases.items():
        facts = extract(tmp_path / f"{name}.doc", OPTS).facts
        assert facts.red_header is header, (name, facts.red_header_reason)
        assert (facts.doc_number == "莱芜区交字〔2024〕19号") is number, (name, facts.doc_number)
        assert facts.seal is seal, (name, facts.seal_reason)
        assert facts.issued_on == dt.date(2024, 4, 28), name
