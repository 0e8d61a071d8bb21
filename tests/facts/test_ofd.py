"""OFD: layout, text, 公文 elements, electronic seals (SES/SM2/SM3), hostile archives, the corpus.

Synthetic OFDs are built here (a 公文 with a red header, a number and an SES v4 e-seal signed with a
test SM2 key); hostile ones are written under tmp_path; the 14 real OFD files of the shared corpus
(../shared/corpus/formats/ofd, SOURCES.md) are read when the corpus is there.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import math
import secrets
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape

import pytest
from asn1crypto import core, keys, x509
from PIL import Image, ImageDraw

from credit_check.checks import CheckContext, esign
from credit_check.facts import ExtractOptions, ofd, ses, sigcrypto
from credit_check.facts import extract as dispatch
from credit_check.facttypes import DocumentFacts, ErrorKind, Signature
from credit_check.model import EvidenceFile, Kind, Severity

OPTS = ExtractOptions(ocr=False)
NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
RED, BROWN, BLACK = "255 0 0", "156 82 35", "0 0 0"


# --------------------------------------------------------------------------------- SM3 / SM2
def test_sm3_published_vectors() -> None:
    # GB/T 32905-2016 appendix A: "abc" and the 512-bit "abcd" × 16
    assert sigcrypto.sm3_pure(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sigcrypto.sm3_pure(b"abcd" * 16).hex() == \
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    assert sigcrypto.sm3(b"abc") == sigcrypto.sm3_pure(b"abc")


@pytest.mark.parametrize("size", [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000])
def test_sm3_pure_matches_hashlib_at_block_edges(size: int) -> None:
    data = bytes((i * 7 + 3) % 256 for i in range(size))
    try:
        expected = hashlib.new("sm3", data).digest()
    except ValueError:
        pytest.skip("this Python's OpenSSL has no SM3")
    assert sigcrypto.sm3_pure(data) == expected


def _mul(k: int) -> tuple[int, int]:
    point = sigcrypto._twin(sigcrypto.SM2_CURVE, k, 0, sigcrypto.G)
    assert point is not None
    return point


@dataclass(frozen=True)
class Key:
    d: int
    point: tuple[int, int]

    @property
    def public(self) -> bytes:
        return b"\x04" + self.point[0].to_bytes(32, "big") + self.point[1].to_bytes(32, "big")

    def sign(self, message: bytes) -> tuple[int, int]:
        """SM2 signature (GB/T 32918.2) with the default user id: test-only signing."""
        e = int.from_bytes(sigcrypto.sm3(sigcrypto.z_value(self.point) + message), "big")
        while True:
            k = secrets.randbelow(sigcrypto.N - 1) + 1
            r = (e + _mul(k)[0]) % sigcrypto.N
            if r == 0 or r + k == sigcrypto.N:
                continue
            s = pow(1 + self.d, -1, sigcrypto.N) * (k - r * self.d) % sigcrypto.N
            if s:
                return r, s


def new_key(d: int | None = None) -> Key:
    d = d or secrets.randbelow(sigcrypto.N - 2) + 1
    return Key(d, _mul(d))


def der_signature(r: int, s: int) -> bytes:
    return core.Sequence(contents=core.Integer(r).dump() + core.Integer(s).dump()).dump()


def test_sm2_verifies_its_own_signatures_and_rejects_changes() -> None:
    key = new_key()
    r, s = key.sign(b"message")
    assert sigcrypto.sm2_verify(key.public, b"message", r, s)
    assert sigcrypto.sm2_verify(key.public[1:], b"message", r, s)  # the bare 64-byte key
    assert not sigcrypto.sm2_verify(key.public, b"messagf", r, s)
    assert not sigcrypto.sm2_verify(new_key().public, b"message", r, s)
    assert not sigcrypto.sm2_verify(key.public, b"message", r, s + 1)
    assert not sigcrypto.sm2_verify(key.public, b"message", 0, s)
    assert not sigcrypto.sm2_verify(key.public, b"message", r, sigcrypto.N)
    assert not sigcrypto.sm2_verify(b"\x04" + b"\x01" * 64, b"message", r, s)  # not on the curve
    assert sigcrypto.sm2_signature_values(der_signature(r, s)) == (r, s)
    assert sigcrypto.sm2_signature_values(r.to_bytes(32, "big") + s.to_bytes(32, "big")) == (r, s)
    assert sigcrypto.sm2_signature_values(b"\x30\x03junk") is None


def test_sm2_key_whose_x_starts_with_0_or_4_verifies() -> None:
    """gmssl strips a leading "04" with str.lstrip, which also eats such digits of x."""
    d = 1
    while f"{_mul(d)[0]:064x}"[0] not in "04":
        d += 1
    key = new_key(d)
    assert sigcrypto.sm2_verify(key.public, b"abc", *key.sign(b"abc"))


# ------------------------------------------------------------------------------- OFD builders
def text_obj(oid: int, x: float, y: float, text: str, *, size: float = 5.0, colour: str | None = None,
             param: str | None = None) -> str:
    fill = f'<ofd:FillColor Value="{colour}"/>' if colour else ""
    dp = f' DrawParam="{param}"' if param else ""
    return (f'<ofd:TextObject ID="{oid}" Boundary="{x} {y} {len(text) * size + 4} {size * 1.4}" Font="1" '
            f'Size="{size}"{dp}>{fill}<ofd:TextCode X="0" Y="{size}" DeltaX="g {max(len(text) - 1, 0)} {size}">'
            f"{escape(text)}</ofd:TextCode></ofd:TextObject>")


def path_obj(oid: int, x: float, y: float, w: float, h: float, colour: str, *, subpaths: int = 1) -> str:
    data = " ".join(f"M {i} 0 L {i + 1} 0 L {i + 1} {h} C" for i in range(subpaths))
    return (f'<ofd:PathObject ID="{oid}" Boundary="{x} {y} {w} {h}" Fill="true" Stroke="false">'
            f'<ofd:FillColor Value="{colour}"/><ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>')


def image_obj(oid: int, x: float, y: float, w: float, h: float, resource: int) -> str:
    return f'<ofd:ImageObject ID="{oid}" Boundary="{x} {y} {w} {h}" CTM="{w} 0 0 {h} 0 0" ResourceID="{resource}"/>'


def page_xml(objects: str, *, template: str | None = None) -> bytes:
    tpl = f'<ofd:Template TemplateID="{template}" ZOrder="Background"/>' if template else ""
    return (f'{XML}<ofd:Page {NS}>{tpl}<ofd:Content><ofd:Layer ID="900">{objects}</ofd:Layer>'
            f"</ofd:Content></ofd:Page>").encode()


GONGWEN = [
    text_obj(10, 30, 30, "某某县交通运输局文件", size=12, colour=RED),
    path_obj(11, 25, 62, 160, 1, RED),
    text_obj(12, 75, 50, "某交字〔2024〕19号", size=5),
    text_obj(13, 35, 75, "关于印发信用交通县创建工作方案的通知", size=7),
    text_obj(14, 25, 95, "各乡镇交通运输所：", size=5),
    text_obj(15, 35, 105, "现将工作方案印发给你们，请认真贯彻执行。", size=5),
    text_obj(16, 110, 200, "某某县交通运输局", size=5),
    text_obj(17, 110, 210, "2024年4月28日", size=5),
]


def build(pages: list[bytes], *, media: dict[str, bytes] | None = None, docinfo: str = "",
          annotations: dict[int, bytes] | None = None, template: bytes | None = None,
          layout: str = "standard") -> dict[str, bytes]:
    """The members of an OFD (not yet signed). `layout`: standard (Doc_0/Pages/Page_N), root (every
    part at the zip root), absolute (absolute BaseLoc paths)."""
    media = media or {}
    root = layout == "root"
    doc_dir = "" if root else "Doc_0/"
    res_dir = "" if root else "Res/"
    mm = "".join(f'<ofd:MultiMedia ID="{100 + i}" Type="Image"><ofd:MediaFile>{name}</ofd:MediaFile></ofd:MultiMedia>'
                 for i, name in enumerate(media))
    files: dict[str, bytes] = {}
    page_locs = []
    for i, content in enumerate(pages):
        loc = f"Content_{i}.xml" if root else f"Pages/Page_{i}/Content.xml"
        files[doc_dir + loc] = content
        page_locs.append(f"/{doc_dir}{loc}" if layout == "absolute" else loc)
    tpl = ""
    if template is not None:
        files[doc_dir + "Tpls/Tpl_0/Content.xml"] = template
        tpl = '<ofd:TemplatePage ID="800" BaseLoc="Tpls/Tpl_0/Content.xml"/>'
    annots = ""
    if annotations:
        entries = "".join(f'<ofd:Page PageID="{500 + i}"><ofd:FileLoc>Page_{i}/Annotation.xml</ofd:FileLoc></ofd:Page>'
                          for i in annotations)
        files[doc_dir + "Annots/Annotations.xml"] = f"{XML}<ofd:Annotations {NS}>{entries}</ofd:Annotations>".encode()
        for i, body in annotations.items():
            files[f"{doc_dir}Annots/Page_{i}/Annotation.xml"] = body
        annots = "<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>"
    page_list = "".join(f'<ofd:Page ID="{500 + i}" BaseLoc="{loc}"/>' for i, loc in enumerate(page_locs))
    files[doc_dir + "Document.xml"] = (
        f"{XML}<ofd:Document {NS}><ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea>"
        f"<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
        f"<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>{tpl}</ofd:CommonData><ofd:Pages>{page_list}</ofd:Pages>"
        f"{annots}</ofd:Document>").encode()
    files[doc_dir + "PublicRes.xml"] = (
        f'{XML}<ofd:Res {NS} BaseLoc="{res_dir.rstrip("/")}"><ofd:ColorSpaces><ofd:ColorSpace ID="1" Type="RGB"/>'
        f'</ofd:ColorSpaces><ofd:DrawParams><ofd:DrawParam ID="2"><ofd:FillColor Value="#FF #00 #00"/></ofd:DrawParam>'
        f'<ofd:DrawParam ID="3" Relative="2"/></ofd:DrawParams><ofd:Fonts><ofd:Font ID="1" FontName="宋体"/></ofd:Fonts>'
        f"</ofd:Res>").encode()
    files[doc_dir + "DocumentRes.xml"] = (
        f'{XML}<ofd:Res {NS} BaseLoc="{res_dir.rstrip("/")}"><ofd:MultiMedias>{mm}</ofd:MultiMedias></ofd:Res>').encode()
    for name, data in media.items():
        files[doc_dir + res_dir + name] = data
    files["OFD.xml"] = (
        f'{XML}<ofd:OFD {NS} Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID>{docinfo}'
        f"</ofd:DocInfo><ofd:DocRoot>{doc_dir}Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>").encode()
    return files


def write(path: Path, files: dict[str, bytes] | list[tuple[str, bytes]]) -> Path:
    items = files.items() if isinstance(files, dict) else files
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items:
            zf.writestr(name, data)
    return path


def seal_png(px: int = 320) -> bytes:
    """A red round seal (ring and star) with a transparent background."""
    img = Image.new("RGBA", (px, px), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    lw = px // 28
    d.ellipse([lw, lw, px - lw, px - lw], outline=(230, 0, 18, 255), width=lw)
    star = [(px / 2 + (px * 0.17 if i % 2 == 0 else px * 0.065) * math.cos(-math.pi / 2 + i * math.pi / 5),
             px / 2 + (px * 0.17 if i % 2 == 0 else px * 0.065) * math.sin(-math.pi / 2 + i * math.pi / 5))
            for i in range(10)]
    d.polygon(star, fill=(230, 0, 18, 255))
    for i in range(18):  # characters along the rim, as short strokes
        a = -math.pi * 0.1 - math.pi * 0.8 * i / 17 - math.pi / 10
        x, y = px / 2 + px * 0.36 * math.cos(a), px / 2 + px * 0.36 * math.sin(a)
        d.rectangle([x - px * 0.02, y - px * 0.025, x + px * 0.02, y + px * 0.025], fill=(230, 0, 18, 255))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def certificate(key: Key, name: str = "测试签章人", org: str = "某某县交通运输局") -> bytes:
    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    tbs = x509.TbsCertificate({
        "version": "v3", "serial_number": 7, "signature": {"algorithm": ses.OID_SM2_SM3},
        "issuer": x509.Name.build({"common_name": "测试 CA"}),
        "validity": {"not_before": x509.Time({"utc_time": when}),
                     "not_after": x509.Time({"utc_time": when.replace(year=2034)})},
        "subject": x509.Name.build({"common_name": name, "organization_name": org}),
        "subject_public_key_info": keys.PublicKeyInfo({
            "algorithm": {"algorithm": "ec", "parameters": ("named", "1.2.156.10197.1.301")},
            "public_key": key.public})})
    return x509.Certificate({"tbs_certificate": tbs, "signature_algorithm": {"algorithm": ses.OID_SM2_SM3},
                             "signature_value": b"\x00" * 64}).dump()


def seq(*parts: bytes) -> bytes:
    return core.Sequence(contents=b"".join(parts)).dump()


def ses_v4(key: Key, signature_xml: bytes, prop: str, *, seal_name: str = "某某县交通运输局",
           picture: bytes | None = None) -> tuple[bytes, bytes]:
    """(SES_Signature, SESeal) as GB/T 38540 lays them out."""
    cert = certificate(key)
    when = dt.datetime(2024, 4, 28, 2, 0, tzinfo=dt.UTC)
    gt = core.GeneralizedTime(when).dump()
    info = seq(seq(core.IA5String("ES").dump(), core.Integer(4).dump(), core.IA5String("TEST").dump()),
               core.IA5String("37000000000001").dump(),
               seq(core.Integer(1).dump(), core.UTF8String(seal_name).dump(), core.Integer(1).dump(),
                   seq(core.OctetString(cert).dump()), gt, gt, gt),
               seq(core.IA5String("PNG").dump(), core.OctetString(picture or seal_png()).dump(),
                   core.Integer(40).dump(), core.Integer(40).dump()))
    maker = der_signature(*key.sign(info))
    eseal = seq(info, core.OctetString(cert).dump(), core.ObjectIdentifier(ses.OID_SM2_SM3).dump(),
                core.OctetBitString(maker).dump())
    tbs = seq(core.Integer(4).dump(), eseal, gt, core.OctetBitString(sigcrypto.sm3(signature_xml)).dump(),
              core.IA5String(prop).dump())
    value = seq(tbs, core.OctetString(cert).dump(), core.ObjectIdentifier(ses.OID_SM2_SM3).dump(),
                core.OctetBitString(der_signature(*key.sign(tbs))).dump())
    return value, eseal


def sign(files: dict[str, bytes], key: Key, *, page_id: str = "500", boundary: str = "120 185 40 40",
         kind: str = "Seal", seal: bool = True) -> dict[str, bytes]:
    """Add an SES v4 e-seal (or a bare-certificate digital signature when `seal` is False)."""
    files = dict(files)
    n = sum(1 for name in files if name.endswith("/Signature.xml"))
    sign_dir = f"Doc_0/Signs/Sign_{n}"
    if b"<ofd:Signatures>" not in files["OFD.xml"]:  # the signer names the list before signing
        files["OFD.xml"] = files["OFD.xml"].replace(
            b"</ofd:DocBody>", b"<ofd:Signatures>/Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody>")
    refs = "".join(f'<ofd:Reference FileRef="/{name}"><ofd:CheckValue>'
                   f"{base64.b64encode(sigcrypto.sm3(data)).decode()}</ofd:CheckValue></ofd:Reference>"
                   for name, data in sorted(files.items()) if not name.endswith("Signatures.xml"))
    stamp = f'<ofd:StampAnnot ID="{700 + n}" PageRef="{page_id}" Boundary="{boundary}"/>' if seal else ""
    seal_loc = f"<ofd:Seal><ofd:BaseLoc>/{sign_dir}/Seal.esl</ofd:BaseLoc></ofd:Seal>" if seal else ""
    signature_xml = (
        f'{XML}<ofd:Signature {NS}><ofd:SignedInfo><ofd:Provider ProviderName="test" Company="test"/>'
        f"<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>"
        f"<ofd:SignatureDateTime>2024-04-28 10:00:00</ofd:SignatureDateTime>"
        f'<ofd:References CheckMethod="1.2.156.10197.1.401">{refs}</ofd:References>{stamp}{seal_loc}'
        f"</ofd:SignedInfo><ofd:SignedValue>SignedValue.dat</ofd:SignedValue></ofd:Signature>").encode()
    value, eseal = ses_v4(key, signature_xml, f"/{sign_dir}/Signature.xml")
    files[f"{sign_dir}/Signature.xml"] = signature_xml
    files[f"{sign_dir}/SignedValue.dat"] = value if seal else der_signature(*key.sign(signature_xml))
    if seal:
        files[f"{sign_dir}/Seal.esl"] = eseal
    entries = "".join(f'<ofd:Signature ID="{i + 1}" Type="{kind}" BaseLoc="Sign_{i}/Signature.xml"/>'
                      for i in range(n + 1))
    files["Doc_0/Signs/Signatures.xml"] = f"{XML}<ofd:Signatures {NS}>{entries}</ofd:Signatures>".encode()
    return files


def read(path: Path) -> tuple[DocumentFacts, tuple[str, ...]]:
    result = ofd.extract(path, OPTS)
    assert result.error is None, result.error
    assert isinstance(result.facts, DocumentFacts)
    return result.facts, result.pages


def failed(path: Path) -> tuple[ErrorKind | None, str]:
    result = ofd.extract(path, OPTS)
    assert result.kind is Kind.DOCUMENT
    return result.error_kind, result.error or ""


# --------------------------------------------------------------------------------- a 公文
@pytest.fixture(scope="module")
def key() -> Key:
    return new_key()


def test_sealed_gongwen(tmp_path: Path, key: Key) -> None:
    docinfo = ("<ofd:CreationDate>2024-04-28</ofd:CreationDate><ofd:ModDate>2024-4-29</ofd:ModDate>"
               "<ofd:Creator>书生电子公文</ofd:Creator><ofd:CreatorVersion>7.0</ofd:CreatorVersion>")
    files = sign(build([page_xml("".join(GONGWEN))], docinfo=docinfo), key)
    facts, pages = read(write(tmp_path / "通知.ofd", files))
    assert pages[0].splitlines()[:3] == ["某某县交通运输局文件", "某交字〔2024〕19号", "关于印发信用交通县创建工作方案的通知"]
    assert facts.format == "ofd" and facts.pages == 1 and facts.scanned is False
    assert facts.red_header is True and "某某县交通运输局文件" in (facts.red_header_reason or "")
    assert "红色分隔线" in (facts.red_header_reason or "") and facts.red_header_box is not None
    assert facts.doc_number == "某交字〔2024〕19号" and facts.doc_number_status == "found"
    assert facts.title == "关于印发信用交通县创建工作方案的通知"
    assert facts.issued_on == dt.date(2024, 4, 28)
    assert facts.created == dt.datetime(2024, 4, 28) and facts.modified == dt.datetime(2024, 4, 29)
    assert facts.producer == "书生电子公文 7.0"
    assert facts.seal is True and facts.seal_kind == "electronic" and facts.seal_page == 1
    assert "某某县交通运输局" in (facts.seal_reason or "") and "测试签章人" in (facts.seal_reason or "")
    assert facts.seal_blank is False  # pressed over the organ name and the date
    (sig,) = facts.signatures
    assert sig.kind == "ofd-ses" and sig.format == "GB/T 38540 v4"
    assert sig.seal_name == "某某县交通运输局" and sig.signer == "测试签章人（某某县交通运输局）"
    assert sig.digest_ok is True and sig.signature_ok is True and sig.trust == "not-established"
    assert sig.visible is True and sig.page == 1 and sig.covers_whole_file is True and sig.problem is None
    assert sig.signed_at == dt.datetime(2024, 4, 28, 2, 0, tzinfo=dt.UTC) and sig.algorithm == "SM2-SM3"


def test_unsigned_gongwen_without_red_header_or_seal(tmp_path: Path) -> None:
    objects = "".join(GONGWEN).replace(f'Value="{RED}"', f'Value="{BLACK}"')
    facts, _ = read(write(tmp_path / "a.ofd", build([page_xml(objects)])))
    assert facts.red_header is False and facts.seal is False and facts.signatures == ()
    assert facts.doc_number == "某交字〔2024〕19号"


def test_colours() -> None:
    res = ofd.Resources(spaces={"g": ("GRAY", 8), "c": ("CMYK", 8), "r16": ("RGB", 16)})

    def colour(value: str, space: str | None = None) -> tuple[int, int, int] | None:
        el = ofd.ET.Element("FillColor", {"Value": value, **({"ColorSpace": space} if space else {})})
        return res.colour(el)

    assert colour("255 0 0") == (255, 0, 0) and colour("#FF #00 #00") == (255, 0, 0)
    assert colour("128", "g") == (128, 128, 128)
    assert colour("0 255 255 0", "c") == (255, 0, 0) and ofd.is_red(colour("0 255 255 0", "c"))
    assert colour("65535 0 0", "r16") == (255, 0, 0)
    assert colour("red") is None and not ofd.is_red(colour("156 82 35"))


@pytest.mark.parametrize(("objects", "expected"), [
    ([text_obj(1, 30, 20, "某某县交通运输局", size=12, colour=RED)], True),
    ([text_obj(1, 30, 20, "某某县交通运输局", size=12, param="3")], True),  # colour from a DrawParam chain, #hex
    ([text_obj(1, 30, 20, "特急", size=8, colour=RED)], False),  # red, but no organ name
    ([text_obj(1, 60, 8, "浙江增值税电子普通发票", size=7, colour=BROWN)], False),  # brown invoice title
    ([text_obj(1, 60, 8, "增值税电子普通发票", size=7, colour=RED)], False),  # an invoice title is no 发文机关标志
    ([text_obj(1, 30, 200, "某某县交通运输局", size=12, colour=RED)], False),  # red, but at the bottom
    ([path_obj(1, 70, 5, 70, 30, RED)], False),  # a red box
    ([path_obj(1, 90, 10, 25, 28, RED, subpaths=20)], False),  # a red emblem: not wide
    ([path_obj(i, 40 + 14 * i, 25, 12, 12, RED, subpaths=3) for i in range(9)], True),  # red text as outlines
    ([path_obj(1, 25, 20, 160, 20, RED), text_obj(2, 40, 22, "某某县交通运输局", size=10, colour="255 255 255")], True),
])
def test_red_header_cases(tmp_path: Path, objects: list[str], expected: bool) -> None:
    facts, _ = read(write(tmp_path / "h.ofd", build([page_xml("".join(objects))])))
    assert facts.red_header is expected, facts.red_header_reason


def test_header_picture_and_scanned_page(tmp_path: Path) -> None:
    header = Image.new("RGB", (1400, 160), "white")
    draw = ImageDraw.Draw(header)
    for i in range(10):  # ten red "characters" in a row
        draw.rectangle([60 + i * 130, 30, 160 + i * 130, 130], outline=(220, 0, 0), width=14)
    buf = io.BytesIO()
    header.save(buf, "PNG")
    files = build([page_xml(image_obj(1, 20, 20, 170, 20, 100) + "".join(GONGWEN[2:]))],
                  media={"header.png": buf.getvalue()})
    facts, _ = read(write(tmp_path / "p.ofd", files))
    assert facts.red_header is True and "图片" in (facts.red_header_reason or "")
    scan = build([page_xml(image_obj(1, 0, 0, 210, 297, 100))], media={"scan.png": _png((420, 594), "white")})
    facts, _ = read(write(tmp_path / "scan.ofd", scan))
    assert facts.scanned is True and facts.doc_number_status == "undetermined"
    assert any("扫描" in n for n in facts.notes)


def _png(size: tuple[int, int], colour: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


def test_seal_picture_on_a_page_and_a_stamp_annotation(tmp_path: Path) -> None:
    files = build([page_xml("".join(GONGWEN) + image_obj(30, 110, 185, 40, 40, 100))], media={"seal.png": seal_png()})
    facts, _ = read(write(tmp_path / "pic.ofd", files))
    assert facts.seal is True and facts.seal_kind == "printed" and facts.seal_page == 1
    assert "圆形" in (facts.seal_reason or "") and facts.seal_blank is False
    annot = (f'{XML}<ofd:PageAnnot {NS}><ofd:Annot Type="Stamp" ID="7"><ofd:Appearance Boundary="110 185 40 40">'
             f'<ofd:ImageObject ID="9" CTM="40 0 0 40 0 0" Boundary="0 0 40 40" ResourceID="100"/></ofd:Appearance>'
             f"</ofd:Annot></ofd:PageAnnot>").encode()
    files = build([page_xml("".join(GONGWEN))], media={"seal.png": seal_png()}, annotations={0: annot})
    facts, _ = read(write(tmp_path / "annot.ofd", files))
    assert facts.seal is True and facts.seal_kind == "printed" and facts.signatures == ()
    assert "注释（Stamp）" in (facts.seal_reason or "") and "未经电子签章" in (facts.seal_reason or "")


@pytest.mark.parametrize("layout", ["root", "absolute"])
def test_layouts(tmp_path: Path, layout: str) -> None:
    template = page_xml(text_obj(1, 30, 280, "模板页脚文字", size=4))
    pages = [page_xml("".join(GONGWEN), template="800"), page_xml(text_obj(1, 20, 20, "第二页正文"))]
    facts, texts = read(write(tmp_path / "l.ofd", build(pages, layout=layout, template=template)))
    assert facts.pages == 2 and facts.red_header is True and facts.doc_number == "某交字〔2024〕19号"
    assert "模板页脚文字" in texts[0] and texts[1] == "第二页正文"


def test_text_order_runs_and_deltas(tmp_path: Path) -> None:
    objects = (
        text_obj(1, 100, 50, "右边") + text_obj(2, 20, 50, "左边") + text_obj(3, 20, 30, "第一行")
        + '<ofd:TextObject ID="4" Boundary="20 70 100 20" Size="4"><ofd:TextCode X="0" Y="4" '
          'DeltaX="g 2 4 -8 g 2 4" DeltaY="g 2 0 6 g 2 0">上一行下一行</ofd:TextCode></ofd:TextObject>'
        + '<ofd:TextObject ID="5" Boundary="20 100 100 20" Size="4" CTM="2 0 0 2 0 0"><ofd:TextCode X="0" Y="4" '
          'DeltaX="4 4">放大字</ofd:TextCode></ofd:TextObject>')
    _, texts = read(write(tmp_path / "t.ofd", build([page_xml(objects)])))
    assert texts[0].splitlines() == ["第一行", "左边  右边", "上一行", "下一行", "放大字"]


# ----------------------------------------------------------------------- tampering with a seal
def _rewrite(src: Path, dst: Path, change: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change.get(info.filename, zin.read(info.filename)))
    return dst


def _flip(data: bytes, needle: bytes) -> bytes:
    at = data.index(needle)
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]


def test_tampered_after_signing_synthetic(tmp_path: Path, key: Key) -> None:
    signed = write(tmp_path / "signed.ofd", sign(build([page_xml("".join(GONGWEN))]), key))
    page = "Doc_0/Pages/Page_0/Content.xml"
    with zipfile.ZipFile(signed) as zf:
        content, signature_xml = zf.read(page), zf.read("Doc_0/Signs/Sign_0/Signature.xml")
        value = zf.read("Doc_0/Signs/Sign_0/SignedValue.dat")
    changed = content.replace("19号".encode(), "29号".encode())
    facts, _ = read(_rewrite(signed, tmp_path / "edited.ofd", {page: changed}))
    (sig,) = facts.signatures
    assert sig.digest_ok is False and sig.signature_ok is True and "第1页内容" in (sig.problem or "")
    # The forger also updates the digest in Signature.xml: the signed hash of Signature.xml catches it.
    old = base64.b64encode(sigcrypto.sm3(content))
    new_xml = signature_xml.replace(old, base64.b64encode(sigcrypto.sm3(changed)))
    facts, _ = read(_rewrite(signed, tmp_path / "forged.ofd", {page: changed, "Doc_0/Signs/Sign_0/Signature.xml": new_xml}))
    assert facts.signatures[0].digest_ok is False and "Signature.xml" in (facts.signatures[0].problem or "")
    # A damaged signature value: the digests still match, the signature does not verify.
    broken = value[:-3] + bytes([value[-3] ^ 0x40]) + value[-2:]
    facts, _ = read(_rewrite(signed, tmp_path / "badsig.ofd", {"Doc_0/Signs/Sign_0/SignedValue.dat": broken}))
    assert facts.signatures[0].digest_ok is True and facts.signatures[0].signature_ok is False
    # A page removed from the package after signing
    with zipfile.ZipFile(signed) as zf:
        kept = [(i.filename, zf.read(i.filename)) for i in zf.infolist() if i.filename != "Doc_0/PublicRes.xml"]
    facts, _ = read(write(tmp_path / "removed.ofd", kept))
    assert facts.signatures[0].digest_ok is False and "删除" in (facts.signatures[0].problem or "")


def test_signature_problems(tmp_path: Path, key: Key) -> None:
    files = sign(build([page_xml("".join(GONGWEN))]), key)
    missing = {k: v for k, v in files.items() if not k.endswith("SignedValue.dat")}
    facts, _ = read(write(tmp_path / "m.ofd", missing))
    (sig,) = facts.signatures
    assert sig.digest_ok is None and sig.signature_ok is None and "签名值文件缺失" in (sig.problem or "")
    assert sig.seal_name == "某某县交通运输局"  # read from Seal.esl
    assert facts.seal is True  # a stamp position and a seal picture: a seal, whose signature is broken
    garbage = {**files, "Doc_0/Signs/Sign_0/SignedValue.dat": b"\x30\x82\xff\xff" + b"\x00" * 40}
    facts, _ = read(write(tmp_path / "g.ofd", garbage))
    assert facts.signatures[0].signature_ok is None and "无法解析" in (facts.signatures[0].problem or "")
    nested = {**files, "Doc_0/Signs/Sign_0/SignedValue.dat": b"\x30\x80" * 5000}
    facts, _ = read(write(tmp_path / "n.ofd", nested))
    assert facts.signatures[0].problem
    no_xml = {k: v for k, v in files.items() if not k.endswith("/Signature.xml")}
    facts, _ = read(write(tmp_path / "x.ofd", no_xml))
    assert "签名文件缺失" in (facts.signatures[0].problem or "") and facts.signatures[0].digest_ok is None
    other_seal = {**files, "Doc_0/Signs/Sign_0/Seal.esl": ses_v4(new_key(), b"x", "p", seal_name="别的章")[1]}
    facts, _ = read(write(tmp_path / "s.ofd", other_seal))
    assert "Seal.esl" in (facts.signatures[0].problem or "")


def test_digital_signature_without_seal(tmp_path: Path, key: Key) -> None:
    files = sign(build([page_xml("".join(GONGWEN))]), key, kind="Sign", seal=False)
    facts, _ = read(write(tmp_path / "d.ofd", files))
    (sig,) = facts.signatures
    assert sig.kind == "ofd-sign" and sig.visible is False and sig.signature_ok is None
    assert sig.format == "SM2（裸签名值）" and "不含签名证书" in (sig.problem or "")
    assert facts.seal is False  # a digital signature is no seal


def test_two_seals_and_the_signature_list(tmp_path: Path, key: Key) -> None:
    files = sign(build([page_xml("".join(GONGWEN)), page_xml(text_obj(1, 20, 20, "附件"))]), key)
    files = sign(files, key, page_id="501", boundary="100 200 40 40")
    facts, _ = read(write(tmp_path / "two.ofd", files))
    assert [s.digest_ok for s in facts.signatures] == [True, True]
    assert all(s.signature_ok for s in facts.signatures)
    assert facts.seal_page == 2 and "共 2 个电子签章" in (facts.seal_reason or "")


# ---------------------------------------------------------------------------- hostile archives
def _zip_with(tmp_path: Path, name: str, entries: list[tuple[str, bytes]]) -> Path:
    path = tmp_path / name
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for entry, data in entries:
            zf.writestr(entry, data)
    path.write_bytes(buf.getvalue())
    return path


def _base(tmp_path: Path) -> list[tuple[str, bytes]]:
    return list(build([page_xml("".join(GONGWEN))]).items())


def test_hostile_names(tmp_path: Path) -> None:
    base = _base(tmp_path)
    with pytest.warns(UserWarning):
        dup = _zip_with(tmp_path, "dup.ofd", [*base, ("OFD.xml", b"<x/>")])
    kind, error = failed(dup)
    assert kind is ErrorKind.CORRUPT and "重名" in error
    for name in ("../../evil.txt", "/etc/evil", "Doc_0/../../evil", "C:/evil", "..\\evil"):
        kind, error = failed(_zip_with(tmp_path, "n.ofd", [*base, (name, b"x")]))
        assert kind is ErrorKind.CORRUPT and "包外" in error, name
    assert not (tmp_path.parent / "evil.txt").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["dup.ofd", "n.ofd"]


def test_hostile_layout(tmp_path: Path) -> None:
    good = write(tmp_path / "good.ofd", dict(_base(tmp_path)))
    data = good.read_bytes()
    # a file entry appended after the central directory
    appended = tmp_path / "after.ofd"
    appended.write_bytes(data + b"PK\x03\x04" + b"\x00" * 26 + b"evil")
    kind, error = failed(appended)
    assert kind is ErrorKind.CORRUPT and "中央目录之后" in error
    # two central-directory entries pointing at the same local data (a quoted-overlap bomb)
    with zipfile.ZipFile(good) as zf:
        first = zf.infolist()[0]
    eocd = data.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<II", data, eocd + 12)
    cd = data[cd_offset:cd_offset + cd_size]
    entry_len = 46 + len(first.filename.encode()) + len(first.extra) + len(first.comment)
    clone = bytearray(cd[:entry_len])
    clone[46:46 + len(first.filename)] = b"X" * len(first.filename)
    count = struct.unpack_from("<H", data, eocd + 10)[0] + 1
    end = bytearray(data[eocd:])
    struct.pack_into("<HHI", end, 8, count, count, cd_size + entry_len)
    overlap = tmp_path / "overlap.ofd"
    overlap.write_bytes(data[:cd_offset] + cd + bytes(clone) + bytes(end))
    kind, error = failed(overlap)
    assert kind is ErrorKind.CORRUPT and "重叠" in error
    # not a zip at all, and an empty one
    (tmp_path / "junk.ofd").write_bytes(b"PK\x03\x04 not really")
    assert failed(tmp_path / "junk.ofd")[0] is ErrorKind.CORRUPT
    assert "OFD.xml" in failed(_zip_with(tmp_path, "e.ofd", [("a.txt", b"a")]))[1]


def test_encrypted_member(tmp_path: Path) -> None:
    data = bytearray(write(tmp_path / "plain.ofd", dict(_base(tmp_path))).read_bytes())
    at = data.index(b"PK\x01\x02" + bytes(data[data.index(b"PK\x01\x02") + 4:][:4]))  # first central entry
    data[at + 8] |= 0x1  # general purpose flag: encrypted
    (tmp_path / "enc.ofd").write_bytes(bytes(data))
    kind, error = failed(tmp_path / "enc.ofd")
    assert kind is ErrorKind.ENCRYPTED and "加密" in error


def test_zip_bombs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = dict(_base(tmp_path))
    bomb = write(tmp_path / "ratio.ofd", {**base, "Doc_0/Pages/Page_0/Content.xml": b" " * (3 * ofd.MB)})
    kind, error = failed(bomb)
    assert kind is ErrorKind.TOO_LARGE and "压缩比" in error
    monkeypatch.setattr(ofd, "MEMBER_MAX", 1000)
    kind, error = failed(write(tmp_path / "big.ofd", {**base, "OFD.xml": base["OFD.xml"] + b" " * 2000}))
    assert kind is ErrorKind.TOO_LARGE and "OFD.xml" in error
    monkeypatch.setattr(ofd, "MEMBER_MAX", 50 * ofd.MB)
    monkeypatch.setattr(ofd, "TOTAL_MAX", 1500)
    kind, error = failed(write(tmp_path / "total.ofd", base))
    assert kind is ErrorKind.TOO_LARGE and "超过" in error
    monkeypatch.setattr(ofd, "TOTAL_MAX", 200 * ofd.MB)
    monkeypatch.setattr(ofd, "ENTRIES_MAX", 10)
    many = write(tmp_path / "many.ofd", {**base, **{f"pad/{i}": b"" for i in range(20)}})
    kind, error = failed(many)
    assert kind is ErrorKind.TOO_LARGE and "条目" in error


BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
        b'&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content>&lol3;</ofd:Content></ofd:Page>')
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content>&x;</ofd:Content></ofd:Page>')


@pytest.mark.parametrize(("content", "words"), [
    (BOMB, "DOCTYPE"),
    (EXTERNAL, "DOCTYPE"),
    (b'<?xml version="1.0"?><!DOCTYPE p SYSTEM "http://example.invalid/p.dtd"><p/>', "DOCTYPE"),
    (b"<a>" * 5000 + b"</a>" * 5000, "嵌套"),
])
def test_hostile_xml(tmp_path: Path, content: bytes, words: str) -> None:
    files = {**dict(_base(tmp_path)), "Doc_0/Pages/Page_0/Content.xml": content}
    kind, error = failed(write(tmp_path / "x.ofd", files))
    assert kind is ErrorKind.CORRUPT and words in error and "Content.xml" in error
    kind, error = failed(write(tmp_path / "y.ofd", {**dict(_base(tmp_path)), "OFD.xml": content}))
    assert kind is ErrorKind.CORRUPT and words in error


def test_malformed_parts(tmp_path: Path) -> None:
    base = dict(_base(tmp_path))
    files = {**base, "Doc_0/Pages/Page_1/Content.xml": b"<ofd:Page><broken"}
    files["Doc_0/Document.xml"] = files["Doc_0/Document.xml"].replace(
        b"</ofd:Pages>", b'<ofd:Page ID="501" BaseLoc="Pages/Page_1/Content.xml"/><ofd:Page ID="502" '
                         b'BaseLoc="Pages/Page_9/Content.xml"/></ofd:Pages>')
    facts, _ = read(write(tmp_path / "m.ofd", files))
    assert facts.pages == 3 and facts.red_header is True
    assert any("第2页内容无法解析" in n for n in facts.notes) and any("第3页内容文件缺失" in n for n in facts.notes)
    kind, error = failed(write(tmp_path / "o.ofd", {**base, "OFD.xml": b"<ofd:OFD><oops"}))
    assert kind is ErrorKind.CORRUPT and "OFD.xml" in error
    no_root = {**base, "OFD.xml": base["OFD.xml"].replace(b"Doc_0/Document.xml", b"Doc_0/Nothing.xml")}
    assert "DocRoot" in failed(write(tmp_path / "r.ofd", no_root))[1]
    gbk = base["Doc_0/Pages/Page_0/Content.xml"].decode().replace('encoding="UTF-8"', 'encoding="GBK"').encode("gbk")
    facts, texts = read(write(tmp_path / "gbk.ofd", {**base, "Doc_0/Pages/Page_0/Content.xml": gbk}))
    assert texts[0].startswith("某某县交通运输局文件")


def test_dispatcher(tmp_path: Path) -> None:
    files = dict(_base(tmp_path))
    assert dispatch(write(tmp_path / "a.ofd", files)).facts.red_header is True  # type: ignore[union-attr]
    renamed = dispatch(write(tmp_path / "通知.pdf", files))  # an OFD saved under another name
    assert renamed.kind is Kind.DOCUMENT and renamed.error is None and renamed.facts.format == "ofd"
    assert renamed.facts.mislabelled == ".pdf → zip"
    assert dispatch(_zip_with(tmp_path, "plain.zip", [("a.txt", b"a")])).kind is Kind.OTHER
    (tmp_path / "text.ofd").write_text("not an ofd", encoding="utf-8")
    assert dispatch(tmp_path / "text.ofd").error_kind is ErrorKind.MISLABELLED


# --------------------------------------------------------------------------------- the check
def _file(sigs: tuple[Signature, ...]) -> EvidenceFile:
    return EvidenceFile(path="1.1/通知.ofd", abs_path=Path("/x/1.1/通知.ofd"), size=1, task="1.1", kind=Kind.DOCUMENT,
                        facts=DocumentFacts(signatures=sigs))


def test_esign_check() -> None:
    ctx = cast(CheckContext, None)  # the check needs no context
    ok = Signature(kind="ofd-ses", digest_ok=True, signature_ok=True, seal_name="某局")
    changed = Signature(kind="ofd-ses", digest_ok=False, signature_ok=True, seal_name="某局", page=1,
                        problem="签名后被修改：第1页内容")
    invalid = Signature(kind="ofd-ses", digest_ok=True, signature_ok=False, problem="签名值与签章数据不符")
    unknown = Signature(kind="ofd-sign", problem="签名值只有 SM2 签名值、不含签名证书，无法离线验证签名")
    found = list(esign.check([_file((ok, changed, invalid, unknown))], ctx))
    assert [(f.check, f.rule, f.severity) for f in found] == [
        ("esign-modified", "D1", Severity.ERROR), ("esign-invalid", "D1", Severity.WARNING),
        ("esign-unverified", "D1", Severity.WARNING)]
    assert "电子签章后文件被修改" in found[0].message and found[0].page == 1
    assert list(esign.check([_file((ok,))], ctx)) == []  # trust not established: no finding


# ---------------------------------------------------------------------------------- the corpus
@dataclass(frozen=True)
class Expect:
    pages: int
    signatures: int = 0
    seal: bool = False
    seal_kind: str | None = None
    seal_names: tuple[str, ...] = ()
    visible: tuple[bool, ...] = ()
    verified: int = 0  # signatures whose digests and signature value both check out
    doc_number: bool = False


CORPUS_OFD: dict[str, Expect] = {
    # doc_number: a number the licence cites, taken for its own (test_corpus_licence_cites_…)
    "ofdrw_testImageOverridePage.ofd": Expect(1, 2, visible=(False, False), verified=2, doc_number=False),
    "ofdrw_testImageNotFound.ofd": Expect(2, 2, visible=(False, False), verified=2),
    "ofdrw_1.ofd": Expect(1, 1, True, "electronic", ("国家税务总局浙江省税务局",), (True,), 1),
    "ofdrw_h.ofd": Expect(5, 2, True, "electronic", ("OFD R&W 测试用印章",) * 2, (True, True), 2),
    "ofdrw_DigitalSign.ofd": Expect(1, 1, visible=(False,)),
    "ofdrw_path_unstd.ofd": Expect(2),
    "ofdrw_no_page_container.ofd": Expect(1),
    "ofdrw_20240531141733.ofd": Expect(1, seal=True, seal_kind="printed"),  # the 监制章 picture of a watermark
    "ofdjs_6.2.002_平行结构文件.ofd": Expect(2),
    "ofdjs_6.2.004_2_路径中含有空格.ofd": Expect(2),
    "signclient_test.ofd": Expect(2),
    "signclient_test-signed.ofd": Expect(2, 2, True, "electronic", ("GX", "GX"), (True, True), 2),
    "esldemo_output.ofd": Expect(2, 4, True, "electronic", visible=(True,) * 4, verified=3),
    "esldemo_test-edit-real.ofd": Expect(1, seal=True, seal_kind="printed"),
}


@pytest.mark.parametrize("name", sorted(CORPUS_OFD))
def test_corpus_ofd(corpus: Path, name: str) -> None:
    path = corpus / "formats" / "ofd" / name
    expect = CORPUS_OFD[name]
    result = dispatch(path, OPTS)
    assert result.error is None and result.kind is Kind.DOCUMENT, result.error
    facts = result.facts
    assert isinstance(facts, DocumentFacts) and facts.format == "ofd"
    assert facts.pages == expect.pages and len(result.pages) == expect.pages
    blank = {"ofdrw_h.ofd", "esldemo_test-edit-real.ofd"}  # red boxes only; a blank page with a stamp
    assert any(p.strip() for p in result.pages) is (name not in blank)
    assert facts.red_header is False, facts.red_header_reason  # no 公文 in the corpus has a red header
    assert (facts.doc_number is not None) is expect.doc_number, facts.doc_number
    assert facts.seal is expect.seal and facts.seal_kind == expect.seal_kind, facts.seal_reason
    sigs = facts.signatures
    assert len(sigs) == expect.signatures
    if expect.seal_names:
        assert tuple(s.seal_name for s in sigs) == expect.seal_names
    if expect.visible:
        assert tuple(bool(s.visible) for s in sigs) == expect.visible
    assert sum(1 for s in sigs if s.digest_ok and s.signature_ok) == expect.verified
    assert all(s.trust == "not-established" for s in sigs)
    assert all(s.digest_ok is not False and s.signature_ok is not False for s in sigs)  # nothing here was tampered


def test_corpus_licence_cites_a_number_that_is_not_its_own(corpus: Path) -> None:
    """The licence text cites '临翔发改复[2018]172号' in parentheses at the end of a wrapped line:
    a citation, not the document's own number."""
    result = dispatch(corpus / "formats" / "ofd" / "ofdrw_testImageOverridePage.ofd", OPTS)
    assert isinstance(result.facts, DocumentFacts)
    assert result.facts.doc_number is None


def test_corpus_broken_and_vendor_signatures(corpus: Path) -> None:
    folder = corpus / "formats" / "ofd"
    facts = dispatch(folder / "esldemo_output.ofd", OPTS).facts
    assert isinstance(facts, DocumentFacts)
    broken = facts.signatures[3]
    assert broken.digest_ok is None and broken.signature_ok is None and "签名值文件缺失" in (broken.problem or "")
    assert "SSC_A_user1" in (facts.seal_reason or "")
    digital = dispatch(folder / "ofdrw_DigitalSign.ofd", OPTS).facts
    assert isinstance(digital, DocumentFacts)
    assert digital.signatures[0].format == "SM2（裸签名值）" and digital.signatures[0].signature_ok is None
    assert digital.seal is False
    hnca = dispatch(folder / "signclient_test-signed.ofd", OPTS).facts
    assert isinstance(hnca, DocumentFacts)
    assert all(s.format == "GM/T 0031 v1" and any("Z" in n for n in s.notes) for s in hnca.signatures)
    pkcs7 = dispatch(folder / "ofdrw_testImageNotFound.ofd", OPTS).facts
    assert isinstance(pkcs7, DocumentFacts)
    assert {s.format for s in pkcs7.signatures} == {"PKCS#7"} and "一部手机办事通设备证书" in (pkcs7.signatures[0].signer or "")
    assert any("image_135.PNG" in n for n in pkcs7.notes)  # the broken resource path is named
    unsigned = dispatch(folder / "esldemo_test-edit-real.ofd", OPTS).facts
    assert isinstance(unsigned, DocumentFacts) and any("没有任何签名" in n for n in unsigned.notes)


@pytest.mark.parametrize(("name", "member"), [
    ("ofdrw_h.ofd", "Doc_0/Pages/Page_0/Content.xml"),
    ("signclient_test-signed.ofd", "Doc_0/Pages/Page_1/Content.xml"),
    ("ofdrw_1.ofd", "Doc_0/Pages/Page_0/Content.xml"),
])
def test_corpus_tampered_after_signing(corpus: Path, tmp_path: Path, name: str, member: str) -> None:
    src = corpus / "formats" / "ofd" / name
    untouched = dispatch(src, OPTS).facts
    assert isinstance(untouched, DocumentFacts)
    assert untouched.signatures and all(s.digest_ok is True for s in untouched.signatures)
    with zipfile.ZipFile(src) as zf:
        content = zf.read(member)
    at = content.index(b'Boundary="') + len(b'Boundary="')  # one digit of a position: still valid XML
    digit = b"1" if content[at:at + 1] != b"1" else b"2"
    edited = _rewrite(src, tmp_path / name, {member: content[:at] + digit + content[at + 1:]})
    facts = dispatch(edited, OPTS).facts
    assert isinstance(facts, DocumentFacts)
    assert all(s.digest_ok is False for s in facts.signatures), [s.problem for s in facts.signatures]
    assert all("签名后被修改" in (s.problem or "") for s in facts.signatures)


def test_verifies_with_the_pure_python_sm3(tmp_path: Path, key: Key, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where Python's OpenSSL lacks SM3, the pure-Python SM3 gives the same verdicts."""
    path = write(tmp_path / "s.ofd", sign(build([page_xml("".join(GONGWEN))]), key))
    monkeypatch.setattr(sigcrypto, "_HASHLIB_SM3", False)
    facts, _ = read(path)
    assert facts.signatures[0].digest_ok is True and facts.signatures[0].signature_ok is True


def test_caps_on_elements_and_signatures(tmp_path: Path, key: Key, monkeypatch: pytest.MonkeyPatch) -> None:
    files = sign(sign(build([page_xml("".join(GONGWEN))]), key), key)
    monkeypatch.setattr(ofd, "SIGNATURES_MAX", 1)
    facts, _ = read(write(tmp_path / "two.ofd", files))
    assert len(facts.signatures) == 1 and any("只检查了前 1 个" in n for n in facts.notes)
    monkeypatch.setattr(ofd, "XML_ELEMENTS_MAX", 5)
    kind, error = failed(write(tmp_path / "many.ofd", files))
    assert kind is ErrorKind.CORRUPT and "元素超过" in error
