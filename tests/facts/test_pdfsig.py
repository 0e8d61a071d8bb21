"""PDF signatures (pdfsig): the real signed PDFs of the corpus, signed PDFs made here with SM2 and
ECDSA, files changed after signing, broken signatures; and the files' own metadata (created,
modified, producer) of PDF and DOCX."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import algos, cms, x509

from credit_check.facts import ExtractOptions, pdf, pdfsig, sigcrypto
from credit_check.facttypes import DocumentFacts

NO_OCR = ExtractOptions(ocr=False)
SIGNED = ("formats", "signed-pdf")
APPENDED = pdfsig.APPENDED_PROBLEM
RANGE = pdfsig.RANGE_PROBLEM


def _facts(path: Path) -> DocumentFacts:
    got = pdf.extract(path, NO_OCR)
    assert isinstance(got.facts, DocumentFacts)
    return got.facts


def _corpus_file(corpus: Path, name: str) -> Path:
    path = corpus.joinpath(*SIGNED, name)
    if not path.is_file():
        pytest.skip(f"corpus file missing: {name}")
    return path


# ------------------------------------------------------------------------- the real corpus
@dataclass(frozen=True)
class Expect:
    covers: tuple[bool, ...]  # per signature, in signing order
    seal: bool | None  # the document's seal after the signatures are counted
    visible: bool = False  # some signature has a visible appearance
    verified: bool | None = True  # digest_ok and signature_ok of every signature
    problem: str | None = None  # in the last signature's problem (None: no problem at all)
    appended: str | None = None  # the last signature's `appended`


CORPUS = {
    "signclient_ServerSigned.pdf": Expect((True,), seal=True, visible=True, verified=None, problem="SM2"),
    "signclient_11411000747423482Y111000000060001.pdf": Expect((), seal=False),
    "signclient_ClientSigned.pdf": Expect((True,), seal=True, visible=True, verified=None, problem="SM2"),
    "endesive_pdf-adobe-webcapture-x509.rsa_sha1.pdf": Expect((True,), seal=True, visible=True),
    "endesive_test-signed-cms-hsm-Google.pdf": Expect((True,), seal=None),
    "pyhanko_pades-lta-dss-indirect-arrs-test-2.pdf": Expect((False, False, False), seal=True, visible=True,
                                                             appended="validation"),
    "pyhanko_minimal-signed-twice-both-created.pdf": Expect((False, True), seal=True, visible=True),
    "pyhanko_tail-uncovered.pdf": Expect((False,), seal=False, problem=APPENDED, appended="metadata"),
    "pyhanko_weird-byterange.pdf": Expect((False,), seal=False, verified=None, problem=RANGE, appended="unknown"),
    # The later revision re-uses an object of the first signer's revision; pages look the same, and
    # that trick is not detected here (pyHanko's difference analysis would).
    "pyhanko_form-update-override-appearance-stream-sneaky.pdf": Expect((False, True), seal=True, visible=True),
    "pyhanko_minimal-with-field.pdf": Expect((), seal=False),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_signed_pdfs(corpus: Path, name: str) -> None:
    want = CORPUS[name]
    f = _facts(_corpus_file(corpus, name))
    sigs = f.signatures
    assert tuple(s.covers_whole_file for s in sigs) == want.covers
    assert f.seal is want.seal
    assert any(s.visible for s in sigs) is want.visible
    if want.visible:
        assert f.seal_kind == "electronic" and f.seal_page == 1 and "电子签章" in (f.seal_reason or "")
    for s in sigs:
        assert s.kind == "pdf" and s.trust == "not-established"
        if want.verified is not None or want.problem != "SM2":
            assert s.signature_ok is True  # every corpus signature verifies over what it signed
        if want.verified:
            assert s.digest_ok is True
    if want.problem is None:
        assert all(s.problem is None for s in sigs)
    else:
        assert want.problem in (sigs[-1].problem or "")
    if sigs:
        assert sigs[-1].appended == want.appended
        assert all(s.appended is None for s in sigs[:-1])


def test_corpus_details(corpus: Path) -> None:
    client = _facts(_corpus_file(corpus, "signclient_ClientSigned.pdf"))
    (sig,) = client.signatures  # ten fields, one signature dictionary
    assert sig.algorithm is not None and "sm3-sm2" in sig.algorithm
    assert sig.signer is not None and "91610133MA6U5NTXXX" in sig.signer
    assert sig.signed_at == dt.datetime(2018, 9, 17, 15, 55, 41, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert sig.digest_ok is None and sig.signature_ok is None  # vendor SM2 that does not verify as the standard says
    assert "共 10 处" in (client.seal_reason or "")
    server = _facts(_corpus_file(corpus, "signclient_ServerSigned.pdf"))
    # The seal the page analysis found is the signature's own appearance.
    assert server.seal_kind == "electronic" and "测试名称" in (server.seal_reason or "")
    assert server.producer is not None and "Aspose" in server.producer and "WPS" in server.producer
    capture = _facts(_corpus_file(corpus, "endesive_pdf-adobe-webcapture-x509.rsa_sha1.pdf")).signatures[0]
    assert capture.algorithm == "adbe.x509.rsa_sha1 sha1-rsa" and capture.signer and "Alice" in capture.signer
    lta = _facts(_corpus_file(corpus, "pyhanko_pades-lta-dss-indirect-arrs-test-2.pdf")).signatures
    assert [s.timestamp for s in lta] == [False, True, False]
    tail = _facts(_corpus_file(corpus, "pyhanko_tail-uncovered.pdf")).signatures[0]
    assert pdfsig.SHORT_RANGE in (tail.problem or "")
    weird = _facts(_corpus_file(corpus, "pyhanko_weird-byterange.pdf")).signatures[0]
    assert weird.digest_ok is None and "40 / 7486" in (weird.problem or "")
    hsm = _facts(_corpus_file(corpus, "endesive_test-signed-cms-hsm-Google.pdf"))
    assert hsm.created == dt.datetime(2020, 9, 7, 18, 35, 49, tzinfo=dt.UTC) and hsm.producer == "Microsoft Word"
    assert "电子签名" in (hsm.seal_reason or "")  # invisible: no seal, but said


# -------------------------------------------------------------------- changed after signing
def _overlay() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(300, 144))
    c.drawString(20, 20, "PAID 1000000")
    c.save()
    return buf.getvalue()


def test_incremental_update_with_a_changed_page(corpus: Path, tmp_path: Path) -> None:
    import pypdf

    src = _corpus_file(corpus, "pyhanko_minimal-signed-twice-both-created.pdf")
    writer = pypdf.PdfWriter(src, incremental=True)
    writer.pages[0].merge_page(pypdf.PdfReader(io.BytesIO(_overlay())).pages[0])
    out = tmp_path / "edited.pdf"
    with out.open("wb") as fh:
        writer.write(fh)
    assert out.read_bytes().startswith(src.read_bytes())  # an appended revision, the signed bytes untouched
    sigs = _facts(out).signatures
    last = sigs[-1]
    assert last.covers_whole_file is False and last.appended == "content"
    assert APPENDED in (last.problem or "") and "第 1 页" in (last.problem or "")
    assert last.digest_ok is True and last.signature_ok is True  # what was signed is still intact


def test_appended_bytes(corpus: Path, tmp_path: Path) -> None:
    data = _corpus_file(corpus, "endesive_test-signed-cms-hsm-Google.pdf").read_bytes()
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(data + b"\n1000 0 obj\n<< /Foo (bar) >>\nendobj\n")
    (sig,) = _facts(junk).signatures
    assert sig.covers_whole_file is False and sig.appended == "other" and APPENDED in (sig.problem or "")
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(data + b"\r\n  \n")  # trailing whitespace is no change
    (sig,) = _facts(blank).signatures
    assert sig.covers_whole_file is True and sig.problem is None


def test_flipped_byte_inside_the_signed_range(corpus: Path, tmp_path: Path) -> None:
    data = bytearray(_corpus_file(corpus, "endesive_test-signed-cms-hsm-Google.pdf").read_bytes())
    at = data.find(b"Microsoft Word")
    assert 0 < at < 25949  # in the first signed range
    data[at] = ord("m")
    path = tmp_path / "flipped.pdf"
    path.write_bytes(bytes(data))
    (sig,) = _facts(path).signatures
    assert sig.digest_ok is False and sig.signature_ok is True and sig.covers_whole_file is True


def test_bad_input_never_raises(corpus: Path, tmp_path: Path) -> None:
    for name in ("signclient_ServerSigned.pdf", "endesive_test-signed-cms-hsm-Google.pdf"):
        data = _corpus_file(corpus, name).read_bytes()
        for cut in (0.5, 0.97, 0.999):
            path = tmp_path / f"cut-{cut}-{name}"
            path.write_bytes(data[: int(len(data) * cut)])
            got = pdf.extract(path, NO_OCR)  # the reader itself, without the dispatcher's safety net
            assert isinstance(got.facts, DocumentFacts)
            if cut == 0.999:  # the last revision's cross-reference is gone: found in the bytes
                (sig,) = got.facts.signatures
                assert sig.covers_whole_file is False and sig.digest_ok is None
                assert "文件可能被截断" in (sig.problem or "") and pdfsig.RAW_NOTE in (sig.problem or "")
    data = _corpus_file(corpus, "endesive_test-signed-cms-hsm-Google.pdf").read_bytes()
    start, end = data.index(b"<308205bd"), data.index(b">", data.index(b"<308205bd"))
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(data[: start + 1] + b"ab" * ((end - start - 1) // 2) + data[end:])
    (sig,) = _facts(garbage).signatures
    assert sig.signature_ok is None and "无法解析签名值" in (sig.problem or "")


# --------------------------------------------------------- signed PDFs made here (SM2, ECDSA)
SM2_SIGN = "1.2.156.10197.1.501"


def _sm3(data: bytes) -> bytes:
    try:
        return hashlib.new("sm3", data).digest()
    except ValueError:
        pytest.skip("this Python's OpenSSL has no SM3")


def _mul(curve: sigcrypto.Curve, k: int) -> tuple[int, int]:
    point = sigcrypto._twin(curve, k, 0, curve.g)  # k·G
    assert point is not None
    return point


def _sm2_sign(d: int, q: tuple[int, int], message: bytes) -> bytes:
    """GB/T 32918.2 signing, written from the standard: e = SM3(Z_A ‖ M), Z_A over the default id."""
    c = sigcrypto.CURVES[sigcrypto.SM2]
    uid = b"1234567812345678"
    za = _sm3(b"\x00\x80" + uid + b"".join(v.to_bytes(32, "big") for v in (c.p - 3, c.b, *c.g, *q)))
    e = int.from_bytes(_sm3(za + message), "big")
    while True:
        k = secrets.randbelow(c.n - 1) + 1
        r = (e + _mul(c, k)[0]) % c.n
        s = pow(1 + d, -1, c.n) * (k - r * d) % c.n
        if r and r + k != c.n and s:
            return algos.DSASignature({"r": r, "s": s}).dump()


def _ecdsa_sign(d: int, message: bytes) -> bytes:
    c = sigcrypto.CURVES["1.2.840.10045.3.1.7"]
    e = int.from_bytes(hashlib.sha256(message).digest(), "big")
    while True:
        k = secrets.randbelow(c.n - 1) + 1
        r = _mul(c, k)[0] % c.n
        s = pow(k, -1, c.n) * (e + r * d) % c.n
        if r and s:
            return algos.DSASignature({"r": r, "s": s}).dump()


def _cert(curve_oid: str, q: tuple[int, int]) -> x509.Certificate:
    name = x509.Name.build({"common_name": "莱芜区交通运输局", "organization_name": "济南市莱芜区城乡交通运输局"})
    when = x509.Time({"utc_time": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)})
    tbs = x509.TbsCertificate({
        "version": "v3", "serial_number": 7, "signature": {"algorithm": "sha256_ecdsa"}, "issuer": name,
        "validity": {"not_before": when, "not_after": when}, "subject": name,
        "subject_public_key_info": {"algorithm": {"algorithm": "ec", "parameters": ("named", curve_oid)},
                                    "public_key": b"\x04" + q[0].to_bytes(32, "big") + q[1].to_bytes(32, "big")},
    })
    return x509.Certificate({"tbs_certificate": tbs, "signature_algorithm": {"algorithm": "sha256_ecdsa"},
                             "signature_value": b"\x00"})


def _cms(kind: str, signed: bytes) -> bytes:
    curve_oid = sigcrypto.SM2 if kind == "sm2" else "1.2.840.10045.3.1.7"
    c = sigcrypto.CURVES[curve_oid]
    d = secrets.randbelow(c.n - 2) + 1
    q = _mul(c, d)
    cert = _cert(curve_oid, q)
    digest_oid = "1.2.156.10197.1.401" if kind == "sm2" else "2.16.840.1.101.3.4.2.1"
    content_hash = _sm3(signed) if kind == "sm2" else hashlib.sha256(signed).digest()
    attrs = cms.CMSAttributes([cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
                               cms.CMSAttribute({"type": "message_digest", "values": [content_hash]})])
    to_sign = attrs.dump()
    value = _sm2_sign(d, q, to_sign) if kind == "sm2" else _ecdsa_sign(d, to_sign)
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": {"issuer": cert.issuer,
                                                                  "serial_number": cert.serial_number}}),
        "digest_algorithm": {"algorithm": digest_oid}, "signed_attrs": attrs,
        "signature_algorithm": {"algorithm": SM2_SIGN if kind == "sm2" else "sha256_ecdsa"}, "signature": value,
    })
    sd = cms.SignedData({"version": "v1", "digest_algorithms": [{"algorithm": digest_oid}],
                         "encap_content_info": {"content_type": "data"}, "certificates": [cert],
                         "signer_infos": [signer]})
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": sd}).dump())


def signed_pdf(path: Path, kind: str, visible: bool = True) -> Path:
    """A one-page PDF with a signature field signed over its byte range (an incremental-free file)."""
    seal = b"1 0 0 RG 4 w 10 10 100 100 re S"
    rect = b"[400 100 520 220]" if visible else b"[0 0 0 0]"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Annots [4 0 R]"
        b" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Seal1) /F 4 /Rect " + rect
        + b" /P 3 0 R /V 5 0 R /AP << /N 7 0 R >> >>",
        b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Name (Test)"
        b" /M (D:20240512093000+08'00') /ByteRange [0 0000000000 0000000000 0000000000]"
        b" /Contents <" + b"0" * 8192 + b"> >>",
        b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 720 Td (Notice 2024) Tj ET\nendstream",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 120 120] /Length %d >>\nstream\n" % len(seal)
        + seal + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    start = out.index(b"/Contents <") + len(b"/Contents ")
    end = out.index(b">", start) + 1
    placeholder = b"[0 0000000000 0000000000 0000000000]"
    at = out.index(placeholder)
    out[at:at + len(placeholder)] = b"[0 %010d %010d %010d]" % (start, end, len(out) - end)
    value = _cms(kind, bytes(out[:start] + out[end:])).hex().encode()
    assert len(value) <= 8192
    out[start + 1:start + 1 + len(value)] = value
    path.write_bytes(bytes(out))
    return path


@pytest.mark.parametrize("kind", ["sm2", "ecdsa"])
def test_signed_here_verifies(tmp_path: Path, kind: str) -> None:
    f = _facts(signed_pdf(tmp_path / f"{kind}.pdf", kind))
    (sig,) = f.signatures
    assert sig.digest_ok is True and sig.signature_ok is True and sig.covers_whole_file is True
    assert sig.problem is None and sig.visible is True and sig.page == 1
    assert sig.algorithm == ("adbe.pkcs7.detached sm3-sm2" if kind == "sm2" else "adbe.pkcs7.detached sha256-ecdsa")
    assert sig.signer is not None and "莱芜区交通运输局" in sig.signer
    assert sig.signed_at == dt.datetime(2024, 5, 12, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert f.seal is True and f.seal_kind == "electronic" and f.seal_page == 1 and f.seal_box is not None
    assert "莱芜区交通运输局" in (f.seal_reason or "")


@pytest.mark.parametrize("kind", ["sm2", "ecdsa"])
def test_signed_here_then_changed(tmp_path: Path, kind: str) -> None:
    path = signed_pdf(tmp_path / f"{kind}.pdf", kind)
    data = path.read_bytes().replace(b"(Notice 2024)", b"(Notice 2025)")
    path.write_bytes(data)
    (sig,) = _facts(path).signatures
    assert sig.digest_ok is False and sig.signature_ok is True


def test_invisible_signature_is_no_seal(tmp_path: Path) -> None:
    f = _facts(signed_pdf(tmp_path / "inv.pdf", "ecdsa", visible=False))
    assert f.signatures[0].visible is False and f.seal is not True
    assert "电子签名" in (f.seal_reason or "")


def test_a_signature_over_a_tampered_value_fails(tmp_path: Path) -> None:
    path = signed_pdf(tmp_path / "e.pdf", "ecdsa")
    data = bytearray(path.read_bytes())
    m = re.search(rb"03420004[0-9a-f]{128}", data)  # the certificate's public key (BIT STRING 04‖x‖y)
    assert m is not None
    data[m.end() - 1] = ord("0") if data[m.end() - 1] != ord("0") else ord("1")
    path.write_bytes(bytes(data))
    (sig,) = _facts(path).signatures
    assert sig.signature_ok is False


# ------------------------------------------------------------------------------- metadata
@pytest.mark.parametrize(("text", "want"), [
    ("D:20240512093000+08'00'", dt.datetime(2024, 5, 12, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))),
    ("D:20240512093000-05'30", dt.datetime(2024, 5, 12, 9, 30, tzinfo=dt.timezone(-dt.timedelta(hours=5, minutes=30)))),
    ("D:20141029120800Z", dt.datetime(2014, 10, 29, 12, 8, tzinfo=dt.UTC)),
    ("20240512", dt.datetime(2024, 5, 12)),
    ("D:2024", dt.datetime(2024, 1, 1)),
    ("D:20241332000000", None),
    ("D:00000000000000", None),
    ("yesterday", None),
    ("", None),
    (None, None),
])
def test_pdf_dates(text: str | None, want: dt.datetime | None) -> None:
    assert pdfsig.parse_pdf_date(text) == want


def test_pdf_info_gives_created_modified_producer(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "info.pdf"
    c = canvas.Canvas(str(path), invariant=1)  # invariant: CreationDate D:20000101000000+00'00'
    c.setCreator("WPS Office")
    c.setProducer("ReportLab")
    c.drawString(72, 720, "Notice")
    c.save()
    f = _facts(path)
    assert f.created == dt.datetime(2000, 1, 1, tzinfo=dt.UTC) and f.modified == f.created
    assert f.producer == "WPS Office / ReportLab"
    assert f.signatures == ()


def test_pdf_xmp_when_info_has_no_dates(tmp_path: Path) -> None:
    import pypdf
    from pypdf.generic import NameObject, StreamObject

    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    xmp = StreamObject()
    xmp.set_data(b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description xmp:CreateDate="2023-03-01T08:00:00+08:00">'
                 b"<xmp:ModifyDate>not a date</xmp:ModifyDate></rdf:Description></rdf:RDF></x:xmpmeta>")
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    path = tmp_path / "xmp.pdf"
    writer.write(path)
    f = _facts(path)
    assert f.created == dt.datetime(2023, 3, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert f.modified is None


def test_docx_core_and_app_properties(tmp_path: Path) -> None:
    import docx

    from credit_check.facts import docx as docx_reader

    path = tmp_path / "p.docx"
    document = docx.Document()
    document.add_paragraph("通知")
    document.core_properties.created = dt.datetime(2024, 5, 12, 1, 30)
    document.save(str(path))
    with zipfile.ZipFile(path, "a") as zf:  # python-docx writes no app.xml: add the one Word would
        if "docProps/app.xml" not in zf.namelist():
            zf.writestr("docProps/app.xml", "<Properties><Application>WPS Office_11.1.0.14309</Application></Properties>")
    f = docx_reader.extract(path, NO_OCR).facts
    assert isinstance(f, DocumentFacts)
    assert f.created == dt.datetime(2024, 5, 12, 1, 30, tzinfo=dt.UTC)
    assert f.producer is not None and f.producer.startswith(("WPS Office", "Microsoft"))
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:created[^>]*>)[^<]*", rb"\g<1>2024-13-45", data)
            dst.writestr(item, data)
    assert docx_reader.extract(bad, NO_OCR).facts.created is None  # type: ignore[union-attr]


def test_esign_findings_for_signed_pdfs(corpus: Path, tmp_path: Path) -> None:
    """The esign check on real signed PDFs: a page drawn on after signing asks a person to look
    (warning); objects appended without a visible change are only noted; a clean file says nothing."""
    import datetime as dt

    import pypdf

    from credit_check.catalogue import load_catalogue
    from credit_check.checks import CheckContext, esign
    from credit_check.discover import Discovered
    from credit_check.model import Period
    from credit_check.records import build_record

    src = _corpus_file(corpus, "pyhanko_minimal-signed-twice-both-created.pdf")
    writer = pypdf.PdfWriter(src, incremental=True)
    writer.pages[0].merge_page(pypdf.PdfReader(io.BytesIO(_overlay())).pages[0])
    edited = tmp_path / "edited.pdf"
    with edited.open("wb") as fh:
        writer.write(fh)
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(_corpus_file(corpus, "endesive_test-signed-cms-hsm-Google.pdf").read_bytes()
                     + b"\n1000 0 obj\n<< /Foo (bar) >>\nendobj\n")
    cat = load_catalogue()
    ctx = CheckContext(catalogue=cat, period=Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
                       audit_date=dt.date(2025, 1, 1))
    records = [build_record(Discovered(path=f"1.1 x/{p.name}", abs_path=p, size=p.stat().st_size, task="1.1"),
                            "0" * 64, pdf.extract(p, NO_OCR), cat) for p in (src, edited, junk)]
    found = sorted((f.path.rsplit("/", 1)[-1], f.check, f.severity.value) for f in esign.check(records, ctx))
    assert found == [("edited.pdf", "esign-appended", "warning"), ("junk.pdf", "esign-appended-other", "info")]
