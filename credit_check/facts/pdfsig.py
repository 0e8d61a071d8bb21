"""PDF signatures and electronic seals (电子签章): what was signed, by whom, and whether it still holds.

A signed PDF keeps each signature in a signature dictionary, the value (`/V`) of a form field
`/FT /Sig`. Its `/ByteRange` names the signed bytes — the whole file as it was at signing time,
less the `/Contents` hex string that holds the signature itself (a CMS/PKCS#7 `SignedData`). What
is read, all offline:

- **Fields**: AcroForm fields and page widgets with `/FT /Sig`. Fields sharing one `/V` are one
  signature (a seal stamped on every page); a field without `/V` is an empty box, not a signature.
- **Appearance**: a widget with a non-empty `/Rect`, not hidden, whose `/AP` draws something is a
  visible signature, on that page. A visible signature counts as an electronic seal (D6).
- **Coverage**: the range must start at byte 0 and leave out exactly the `/Contents` string
  ("签名字节范围异常" otherwise). Bytes after the last signature's range (beyond trailing
  whitespace) were added after signing: the signed revision is compared with the file as it is.
  Only validation data added (DSS, certificates, OCSP/CRL — normal for long-term signatures) is no
  problem; changed pages, document properties or other objects are ("签名后文件又被追加修改").
  Earlier signatures of a multi-signature file leave the later revisions uncovered by design;
  what each later signer added is not judged here.
- **Digest** (`digest_ok`): the `messageDigest` attribute against SHA-1/SHA-2/SM3 of the signed
  bytes (for a document timestamp, the timestamp's message imprint).
- **Signature** (`signature_ok`): RSA (PKCS#1 v1.5 and PSS), ECDSA (P-256/384/521) and SM2 (SM3
  over Z‖M, user id 1234567812345678) verified with the public key of the certificate inside the
  signature; the legacy `adbe.x509.rsa_sha1` (a bare PKCS#1 signature, certificate in `/Cert`)
  too. An SM2 signature that fails is `None`, not `False`: vendors of Chinese e-seal software sign
  in ways of their own, so a failure does not prove a change. Trust in the signer is never
  established (no trust store, no network): `trust` stays `not-established`.

The public-key arithmetic is plain Python: verifying needs no secret, so none of the care that
signing needs, and it spares a compiled dependency (see docs/signatures.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from asn1crypto import cms, core, tsp, x509

from credit_check.facts.sigcrypto import (
    CURVES,
    DIGESTS,
    SM2,
    digest,
    ec_point,
    ecdsa_verify,
    rsa_pkcs1_verify,
    rsa_pss_verify,
    sm2_signature_values,
    sm2_verify_digest,
    sm2_verify_point,
    sm3,
)
from credit_check.facttypes import Box, DocumentFacts, Signature

MAX_PAGES_SCANNED = 500  # pages whose annotations are searched for signature widgets
WHITESPACE = b" \t\r\n\x00\x0c"
RANGE_PROBLEM = "签名字节范围异常"
APPENDED_PROBLEM = "签名后文件又被追加修改"
SHORT_RANGE = "签名范围没有覆盖到签名时文件的结尾"

# ------------------------------------------------------------------------------------- dates
_PDF_DATE = re.compile(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*([Zz+\-])?\s*(\d{2})?'?\s*(\d{2})?")


def parse_pdf_date(value: Any) -> dt.datetime | None:
    """`D:20240512093000+08'00'` → datetime, aware when the string gives its offset; None when bad."""
    if value is None:
        return None
    m = _PDF_DATE.match(str(value).strip())
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(g) if g else d for g, d in zip(m.groups()[:6], (0, 1, 1, 0, 0, 0),
                                                                                   strict=True))
    if not 1900 <= year <= 2200:
        return None
    try:
        when = dt.datetime(year, month, day, hour, minute, second)
        sign, oh, om = m.group(7), m.group(8), m.group(9)
        if sign in ("Z", "z"):
            return when.replace(tzinfo=dt.UTC)
        if sign in ("+", "-") and oh:
            offset = dt.timedelta(hours=int(oh), minutes=int(om or 0))
            return when.replace(tzinfo=dt.timezone(offset if sign == "+" else -offset))
    except (ValueError, OverflowError):
        return None
    return when


# ---------------------------------------------------------------------------------- CMS
class _ContentInfo(core.Sequence):  # type: ignore[misc]
    """ContentInfo with any content type (GB/T 35275 SM2 SignedData has its own OID)."""

    _fields: ClassVar[list[Any]] = [("content_type", core.ObjectIdentifier),
                                    ("content", core.Any, {"explicit": 0, "optional": True})]


SIGNED_DATA = ("1.2.840.113549.1.7.2", "1.2.156.10197.6.1.4.2.2")
_RSA_SIG = {"1.2.840.113549.1.1.1": None, "1.2.840.113549.1.1.4": "md5", "1.2.840.113549.1.1.5": "sha1",
            "1.2.840.113549.1.1.14": "sha224", "1.2.840.113549.1.1.11": "sha256",
            "1.2.840.113549.1.1.12": "sha384", "1.2.840.113549.1.1.13": "sha512"}
_ECDSA_SIG = {"1.2.840.10045.2.1": None, "1.2.840.10045.4.1": "sha1", "1.2.840.10045.4.3.1": "sha224",
              "1.2.840.10045.4.3.2": "sha256", "1.2.840.10045.4.3.3": "sha384", "1.2.840.10045.4.3.4": "sha512"}
_SM2_SIG = ("1.2.156.10197.1.501", "1.2.156.10197.1.301.1", SM2)
_PSS = "1.2.840.113549.1.1.10"


@dataclass
class Checked:
    """What the cryptography said about one signature value."""

    signer: str | None = None
    algorithm: str | None = None
    digest_ok: bool | None = None
    signature_ok: bool | None = None
    signed_at: dt.datetime | None = None
    problems: list[str] = field(default_factory=list)


def _absent(value: Any) -> bool:
    """An optional ASN.1 field that is not there (asn1crypto gives a Void), or an empty one."""
    return isinstance(value, core.Void) or (hasattr(value, "__len__") and len(value) == 0)


def _name(cert: x509.Certificate) -> str | None:
    subject = cert.subject.native
    cn, org = subject.get("common_name"), subject.get("organization_name")
    cn = cn[0] if isinstance(cn, list) else cn
    org = org[0] if isinstance(org, list) else org
    if cn and org and org != cn:
        return f"{cn}（{org}）"
    return str(cn or org) if cn or org else None


def _signer_cert(sd: cms.SignedData, si: cms.SignerInfo) -> x509.Certificate | None:
    certs = [] if _absent(sd["certificates"]) else [c.chosen for c in sd["certificates"] if c.name == "certificate"]
    sid = si["sid"]
    for cert in certs:
        if sid.name == "issuer_and_serial_number":
            if cert.issuer == sid.chosen["issuer"] and cert.serial_number == sid.chosen["serial_number"].native:
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return certs[0] if len(certs) == 1 else None


def verify_key(spki: Any, sig_alg: Any, digest_name: str, message: bytes, sig: bytes) -> tuple[bool | None, str, str | None]:
    """(verified, algorithm label, why not checked) for `sig` over `message` with a SubjectPublicKeyInfo."""
    sig_oid = sig_alg["algorithm"].dotted
    key_oid = spki["algorithm"]["algorithm"].dotted
    params = spki["algorithm"]["parameters"]
    curve_oid = params.chosen.dotted if key_oid == "1.2.840.10045.2.1" and params.name == "named" else key_oid
    if sig_oid in _SM2_SIG or (curve_oid == SM2 and sig_oid in _ECDSA_SIG):
        q = ec_point(CURVES[SM2], bytes(spki["public_key"].native))
        rs = _rs(sig)
        if q is None or rs is None:
            return False, "sm3-sm2", None
        ok = sm2_verify_point(q, message, *rs)
        if not ok:  # a vendor that left Z_A out: e = SM3(M)
            ok = sm2_verify_digest(q, sm3(message), *rs)
        if not ok:
            return None, "sm3-sm2", ("SM2 签名未能按 GB/T 35275 的标准方式验证（签章软件可能使用了私有的签名方式，"
                                     "也可能文件在签名后被改动），请用签章软件的验证工具核验")
        return True, "sm3-sm2", None
    if sig_oid in _RSA_SIG or sig_oid == _PSS:
        if key_oid not in ("1.2.840.113549.1.1.1", _PSS):
            return False, "rsa", "签名算法与证书公钥类型不符"
        key = spki["public_key"].parsed
        n, e = int(key["modulus"].native), int(key["public_exponent"].native)
        if sig_oid == _PSS:
            p = sig_alg["parameters"]
            h = DIGESTS.get(p["hash_algorithm"]["algorithm"].dotted)
            mgf = DIGESTS.get(p["mask_gen_algorithm"]["parameters"]["algorithm"].dotted)
            if h is None or mgf is None:
                return None, "rsa-pss", "不支持的摘要算法"
            return rsa_pss_verify(n, e, sig, h, message, mgf, int(p["salt_length"].native)), f"{h}-rsa-pss", None
        name = _RSA_SIG[sig_oid] or digest_name
        h_value = digest(name, message)
        if h_value is None:
            return None, f"{name}-rsa", f"本机 Python 不支持 {name} 摘要算法"
        return rsa_pkcs1_verify(n, e, sig, name, h_value), f"{name}-rsa", None
    if sig_oid in _ECDSA_SIG:
        curve = CURVES.get(curve_oid)
        name = _ECDSA_SIG[sig_oid] or digest_name
        h_value = digest(name, message)
        if curve is None or h_value is None:
            return None, f"{name}-ecdsa", "不支持的椭圆曲线或摘要算法"
        q = ec_point(curve, bytes(spki["public_key"].native))
        rs = _rs(sig)
        ok = q is not None and rs is not None and ecdsa_verify(curve, q, h_value, *rs)
        return ok, f"{name}-ecdsa", None
    return None, sig_oid, f"不支持的签名算法（{sig_oid}）"


def _rs(sig: bytes) -> tuple[int, int] | None:
    """(r, s) of a DER `SEQUENCE { r, s }` (leniently parsed), or of a bare r‖s (64 bytes for SM2)."""
    return sm2_signature_values(sig, strict=False)


def check_cms(contents: bytes, signed: bytes | None) -> Checked:
    """The CMS SignedData in `/Contents` against the signed bytes (None: the range is unusable)."""
    out = Checked()
    try:
        info = _ContentInfo.load(contents, strict=False)
        ctype = info["content_type"].dotted
        if ctype not in SIGNED_DATA:
            out.problems.append(f"签名值不是 CMS 签名数据（{ctype}）")
            return out
        sd = info["content"].parse(cms.SignedData)
        si = sd["signer_infos"][0]
        digest_oid = si["digest_algorithm"]["algorithm"].dotted
        cert = _signer_cert(sd, si)
        encap = sd["encap_content_info"]
        # the bytes as received: reading `.native` first would make asn1crypto re-encode them
        econtent = None if _absent(encap["content"]) else bytes(encap["content"].contents)
        attrs = si["signed_attrs"]
    except Exception as exc:  # asn1crypto reports bad DER with many exception types
        out.problems.append(f"无法解析签名值（{type(exc).__name__}）")
        return out
    name = DIGESTS.get(digest_oid)
    if cert is not None:
        out.signer = _name(cert)
    if name is None:
        out.problems.append(f"不支持的摘要算法（{digest_oid}）")
        return out
    doc_hash = digest(name, signed) if signed is not None else None
    if not _absent(attrs):
        values = {a["type"].dotted: a["values"] for a in attrs}
        md = values.get("1.2.840.113549.1.9.4")
        target_hash = digest(name, econtent) if econtent is not None else doc_hash
        md_ok = None if md is None or target_hash is None else md[0].native == target_hash
        when = values.get("1.2.840.113549.1.9.5")
        if when is not None:
            out.signed_at = _aware(when[0].native)
        if encap["content_type"].dotted == "1.2.840.113549.1.9.16.1.4":  # RFC 3161 TSTInfo
            tst = tsp.TSTInfo.load(econtent)
            imprint = tst["message_imprint"]
            algo = DIGESTS.get(imprint["hash_algorithm"]["algorithm"].dotted)
            doc_imprint = digest(algo, signed) if algo and signed is not None else None
            out.digest_ok = None if doc_imprint is None else (doc_imprint == imprint["hashed_message"].native
                                                              and md_ok is not False)
            out.signed_at = _aware(tst["gen_time"].native)
        elif econtent is not None:  # adbe.pkcs7.sha1: the signed content is the SHA-1 of the range
            sha1 = digest("sha1", signed) if signed is not None else None
            out.digest_ok = None if sha1 is None or md_ok is None else md_ok and econtent == sha1
        else:
            out.digest_ok = md_ok
        message = b"\x31" + attrs.dump()[1:]  # signed over the attributes as a SET, not [0] IMPLICIT
    elif econtent is not None or signed is not None:
        message = econtent if econtent is not None else signed
    else:
        out.problems.append("签名字节范围不可用，无法核对签名")
        return out
    if cert is None:
        out.problems.append("签名中没有签名人证书，无法验证签名")
        return out
    try:
        ok, out.algorithm, why = verify_key(cert["tbs_certificate"]["subject_public_key_info"],
                                            si["signature_algorithm"], name, message, si["signature"].native)
    except Exception as exc:
        ok, why = None, f"无法验证签名（{type(exc).__name__}）"
    out.signature_ok = ok
    if _absent(attrs) and ok:  # no attributes: the signature itself vouches for the bytes
        out.digest_ok = True
    if why:
        out.problems.append(why)
    return out


def check_x509_rsa_sha1(contents: bytes, certs: Any, signed: bytes | None) -> Checked:
    """`adbe.x509.rsa_sha1`: `/Contents` is a DER OCTET STRING holding a PKCS#1 signature of the
    SHA-1 of the range; the signer's certificate is the first of `/Cert`."""
    out = Checked(algorithm="sha1-rsa")
    try:
        sig = core.OctetString.load(contents, strict=False).native
        first = certs[0] if isinstance(certs, list) else certs
        cert = x509.Certificate.load(_raw_string(first))
        out.signer = _name(cert)
        spki = cert["tbs_certificate"]["subject_public_key_info"]
        key = spki["public_key"].parsed
        n, e = int(key["modulus"].native), int(key["public_exponent"].native)
    except Exception as exc:
        out.problems.append(f"无法解析签名值或 /Cert 证书（{type(exc).__name__}）")
        return out
    if signed is None:
        out.problems.append("签名字节范围不可用，无法核对签名")
        return out
    out.signature_ok = rsa_pkcs1_verify(n, e, sig, "sha1", hashlib.sha1(signed).digest())
    out.digest_ok = True if out.signature_ok else None
    return out


def _aware(value: Any) -> dt.datetime | None:
    return value if isinstance(value, dt.datetime) else None


def _raw_string(value: Any) -> bytes:
    """The bytes of a PDF string as written (pypdf decodes some binary strings as text)."""
    raw = getattr(value, "original_bytes", None)
    if isinstance(raw, bytes):
        return raw
    return bytes(value) if isinstance(value, bytes) else str(value).encode("latin-1", "replace")


# --------------------------------------------------------------------------------- fields
@dataclass
class Widget:
    page: int | None  # 1-based
    box: Box | None  # page fractions, top-left origin
    visible: bool
    picture: bool  # the appearance draws a picture (a seal image)


@dataclass
class SigField:
    value: Any  # the signature dictionary
    widgets: list[Widget] = field(default_factory=list)


def _get(obj: Any, key: str) -> Any:
    try:
        return obj.get(key)
    except Exception:
        return None


def _raw(obj: Any, key: str) -> Any:
    """`obj[key]` as stored (an indirect reference stays one)."""
    return obj.raw_get(key) if hasattr(obj, "raw_get") else obj.get(key)


def _resolve(obj: Any) -> Any:
    try:
        return obj.get_object() if obj is not None else None
    except Exception:
        return None


_PAINT = re.compile(rb"(?<![A-Za-z])(?:f\*?|F|B\*?|b\*?|S|s|Tj|TJ|'|\"|sh|BI)(?![A-Za-z])")
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")


def _paints(form: Any, depth: int = 0) -> tuple[bool, bool]:
    """(draws anything, draws a picture) for an appearance stream and the forms it calls."""
    form = _resolve(form)
    if form is None or depth > 5 or not hasattr(form, "get_data"):
        return False, False
    try:
        content = re.sub(rb"%[^\r\n]*", b"", form.get_data())
    except Exception:
        return False, False
    draws = bool(_PAINT.search(content))
    picture = b"BI" in content and draws
    xobjects = _resolve(_get(_resolve(_get(form, "/Resources")), "/XObject")) or {}
    for called in _DO.findall(content):
        target = _resolve(_get(xobjects, "/" + called.decode("latin-1")))
        if target is None:
            continue
        if _get(target, "/Subtype") == "/Image":
            draws = picture = True
        else:
            d, p = _paints(target, depth + 1)
            draws, picture = draws or d, picture or p
    return draws, picture


def _widget(annot: Any, page: int | None, size: tuple[float, float, float, float] | None) -> Widget:
    rect = [float(v) for v in (_resolve(_get(annot, "/Rect")) or [0, 0, 0, 0])][:4]
    x0, y0, x1, y1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
    flags = int(_get(annot, "/F") or 0)
    ap = _resolve(_get(_resolve(_get(annot, "/AP")), "/N"))
    draws, picture = _paints(ap) if ap is not None else (False, False)
    visible = x1 - x0 > 1 and y1 - y0 > 1 and not flags & (2 | 32) and draws
    box: Box | None = None
    if size is not None and visible:
        left, bottom, right, top = size
        w, h = (right - left) or 1, (top - bottom) or 1
        box = ((x0 - left) / w, (top - y1) / h, (x1 - left) / w, (top - y0) / h)
    return Widget(page=page, box=box, visible=visible, picture=picture)


def _is_sig(obj: Any) -> bool:
    node, depth = obj, 0
    while node is not None and depth < 10:
        ft = _get(node, "/FT")
        if ft is not None:
            return bool(ft == "/Sig")
        node, depth = _resolve(_get(node, "/Parent")), depth + 1
    return False


def _value(obj: Any) -> Any:
    node, depth = obj, 0
    while node is not None and depth < 10:
        v = node.raw_get("/V") if hasattr(node, "raw_get") and "/V" in node else None
        if v is not None:
            return v
        node, depth = _resolve(_get(node, "/Parent")), depth + 1
    return None


def _sig_dict(reader: Any, ref: Any, data: bytes | None) -> Any:
    """The signature dictionary `ref`. pypdf reads a hex string a character at a time, slow for a
    signature value of tens of kilobytes: the dictionary is parsed from the file's bytes with its
    /Contents taken out, and the value put back from the bytes."""
    if data is None or not hasattr(ref, "idnum") or getattr(reader, "is_encrypted", False):
        return _resolve(ref)  # (pypdf decrypts the strings of an encrypted file as it resolves them)
    try:
        import pypdf.generic as g

        offset = reader.xref[ref.generation][ref.idnum]
        head = re.match(rb"\s*\d+\s+\d+\s+obj\s*", data[offset:offset + 64])
        end = data.find(b"endobj", offset)
        if head is None or end < 0:
            return _resolve(ref)
        body = data[offset + head.end():end]
        contents = _RAW_CONTENTS.search(body)
        if contents is not None:
            body = body[:contents.start(1)] + body[contents.end(1):]
        obj = g.read_object(io.BytesIO(body), reader)
        if not isinstance(obj, g.DictionaryObject) or "/ByteRange" not in obj:
            return _resolve(ref)
        if contents is not None:
            digits = re.sub(rb"\s", b"", contents.group(1))
            obj[g.NameObject("/Contents")] = g.ByteStringObject(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()))
        return obj
    except Exception:  # an object in a stream, a damaged offset: pypdf's own way
        return _resolve(ref)


def find_fields(reader: Any, data: bytes | None = None) -> list[SigField]:
    """Signature fields that hold a signature, one per signature dictionary, with their widgets."""
    placed: dict[int, tuple[int, tuple[float, float, float, float] | None]] = {}  # annotation id → (page, box)
    widgets: list[tuple[Any, Any]] = []  # (annotation reference, annotation)
    for i, page in enumerate(reader.pages[:MAX_PAGES_SCANNED]):
        try:
            box = tuple(float(v) for v in page.mediabox)
            annots = _resolve(page.get("/Annots")) or []
        except Exception:
            continue
        for ref in annots:
            annot = _resolve(ref)
            if annot is None or not _is_sig(annot):
                continue
            key = getattr(ref, "idnum", id(annot))
            placed[key] = (i + 1, box)  # type: ignore[assignment]
            widgets.append((ref, annot))
    stack: list[Any] = list(_resolve(_get(_resolve(_get(reader.trailer.get("/Root"), "/AcroForm")), "/Fields")) or [])
    seen: set[int] = set()
    while stack and len(seen) < 5000:
        ref = stack.pop()
        node = _resolve(ref)
        key = getattr(ref, "idnum", id(node))
        if node is None or key in seen:
            continue
        seen.add(key)
        kids = _resolve(_get(node, "/Kids")) or []
        stack.extend(kids)
        if _is_sig(node) and "/Rect" in node and key not in placed:
            widgets.append((ref, node))
    out: dict[Any, SigField] = {}
    for ref, annot in widgets:
        value = _value(annot)
        key = ("ref", value.idnum, value.generation) if hasattr(value, "idnum") else ("obj", id(_resolve(value)))
        if key not in out:
            sig_dict = _sig_dict(reader, value, data) if value is not None else None
            if sig_dict is None:
                continue  # an empty signature field: not a signature
            out[key] = SigField(value=sig_dict)
        page, size = placed.get(getattr(ref, "idnum", id(annot)), (None, None))
        out[key].widgets.append(_widget(annot, page, size))
    return list(out.values())


_RAW_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_RAW_CONTENTS = re.compile(rb"/Contents\s*<([0-9A-Fa-f\s]{64,})>")
_RAW_NAMES = {"/SubFilter": re.compile(rb"/SubFilter\s*(/[A-Za-z0-9.#_\-]+)"),
              "/Type": re.compile(rb"/Type\s*(/[A-Za-z0-9]+)"),
              "/M": re.compile(rb"/M\s*\(((?:[^()\\]|\\.)*)\)"), "/Name": re.compile(rb"/Name\s*\(((?:[^()\\]|\\.)*)\)")}
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(raw: bytes) -> str:
    """A PDF literal string's bytes with its escapes (\\053, \\n, \\( …) undone."""
    def one(m: re.Match[bytes]) -> bytes:
        token = m.group(1)
        return bytes([int(token, 8) & 0xFF]) if token[:1].isdigit() else _ESCAPES.get(token, token)

    text = re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)
    if text.startswith((b"\xfe\xff", b"\xff\xfe")):
        return text.decode("utf-16", "replace")
    return text.decode("latin-1")
RAW_NOTE = "签名字段无法从文件结构中读取（文件可能被截断或损坏），已按原始字节核对"


def raw_fields(data: bytes) -> list[SigField]:
    """Signature dictionaries found in the bytes, for a file whose structure pypdf cannot follow
    (a truncated last revision, a broken form tree): no widgets, so no appearance."""
    out: list[SigField] = []
    for m in _RAW_RANGE.finditer(data):
        start, end = data.rfind(b" obj", 0, m.start()), data.find(b"endobj", m.end())
        body = data[max(start, m.start() - 200_000, 0):end if end > 0 else len(data)]
        value: dict[str, Any] = {"/ByteRange": [int(g) for g in m.groups()]}
        contents = _RAW_CONTENTS.search(body)
        digits = re.sub(rb"\s", b"", contents.group(1)) if contents else b""
        if digits and not len(digits) % 2:  # else cut off: the signature is there, its value is not
            value["/Contents"] = bytes.fromhex(digits.decode())
        for key, pattern in _RAW_NAMES.items():
            found = pattern.search(body)
            if found:
                value[key] = _literal(found.group(1)) if key in ("/M", "/Name") else found.group(1).decode("latin-1")
        out.append(SigField(value=value))
    return out


# ------------------------------------------------------------------------------ coverage
@dataclass
class Range:
    ranges: list[int] | None  # the /ByteRange when it is four non-negative integers
    signed: bytes | None  # the bytes it names, when they lie inside the file
    end: int | None  # where the signed bytes end
    problem: str | None = None


def byte_range(value: Any, contents: bytes | None, data: bytes) -> Range:
    try:
        ranges = [int(v) for v in value]
    except (TypeError, ValueError):
        return Range(None, None, None, f"{RANGE_PROBLEM}：/ByteRange 缺失或不是整数")
    if len(ranges) != 4 or any(v < 0 for v in ranges):
        return Range(None, None, None, f"{RANGE_PROBLEM}：/ByteRange 应为 4 个非负整数")
    a, la, b, lb = ranges
    end = b + lb
    problem = None
    if end > len(data) or a + la > len(data):
        return Range(ranges, None, end, f"{RANGE_PROBLEM}：超出文件长度（文件可能被截断）")
    gap = data[a + la:b]
    if a != 0:
        problem = f"{RANGE_PROBLEM}：没有从文件开头开始"
    elif b < la or not re.fullmatch(rb"<[0-9A-Fa-f\s]*>", gap):
        problem = f"{RANGE_PROBLEM}：未签名的间隙不是签名值 /Contents（签名只覆盖了文件的 {la + lb} / {len(data)} 字节）"
    elif contents is not None:
        hex_digits = re.sub(rb"\s", b"", gap[1:-1])
        if len(hex_digits) % 2 or bytes.fromhex(hex_digits.decode()) != contents:
            problem = f"{RANGE_PROBLEM}：间隙中的内容与签名值 /Contents 不同"
    signed = data[a:a + la] + data[b:end] if b >= a + la else None
    return Range(ranges, signed, end, problem)


def _revision(data: bytes, end: int) -> bytes:
    """The file as signed: up to `end`, or up to the end of that revision's %%EOF when the range
    stops short of it (its cross-reference table then lies outside the signed bytes)."""
    if data[:end].rstrip(WHITESPACE).endswith(b"%%EOF"):
        return data[:end]
    eof = data.find(b"%%EOF", end)
    return data[:eof + 5] if eof >= 0 else data[:end]


def _stream_print(obj: Any, memo: dict[int, str], depth: int = 0) -> str:
    """A digest of a stream's data and of the streams its resources name (forms, pictures)."""
    obj = _resolve(obj)
    if obj is None or depth > 4:
        return ""
    key = id(obj)
    if key in memo:
        return memo[key]
    memo[key] = ""
    try:
        parts = [hashlib.sha1(obj.get_data()).hexdigest()] if hasattr(obj, "get_data") else []
    except Exception:
        parts = ["?"]
    xobjects = _resolve(_get(_resolve(_get(obj, "/Resources")), "/XObject")) or {}
    for name in sorted(xobjects):
        parts.append(f"{name}={_stream_print(_raw(xobjects, name), memo, depth + 1)}")
    memo[key] = hashlib.sha1("|".join(parts).encode()).hexdigest()
    return memo[key]


def _page_print(page: Any) -> str:
    """What a page shows: its content, its resources' pictures and forms, its annotations' looks."""
    memo: dict[int, str] = {}
    parts: list[str] = []
    try:
        contents = page.get_contents()
        parts.append(hashlib.sha1(contents.get_data() if contents is not None else b"").hexdigest())
    except Exception:
        parts.append("?")
    resources = _resolve(page.get("/Resources")) or {}
    xobjects = _resolve(_get(resources, "/XObject")) or {}
    parts += [f"{n}={_stream_print(_raw(xobjects, n), memo)}" for n in sorted(xobjects)]
    parts += sorted(str(n) for n in (_resolve(_get(resources, "/Font")) or {}))
    for ref in _resolve(page.get("/Annots")) or []:
        annot = _resolve(ref) or {}
        rect = [round(float(v), 1) for v in (_resolve(_get(annot, "/Rect")) or [])]
        ap = _stream_print(_get(_resolve(_get(annot, "/AP")), "/N"), memo)
        parts.append(f"{_get(annot, '/Subtype')}{rect}{_get(annot, '/F')}{ap}")
    for key in ("/MediaBox", "/CropBox", "/Rotate"):  # pypdf turns a box it was asked for into a RectangleObject
        value = _resolve(page.get(key))
        parts.append(str([float(v) for v in value]) if isinstance(value, list) else str(value))
    return "|".join(parts)


def _reachable(root: Any, limit: int = 2000) -> set[int]:
    """Object numbers reachable from `root` (validation data under /DSS)."""
    out: set[int] = set()
    stack = [root]
    while stack and len(out) < limit:
        item = stack.pop()
        if hasattr(item, "idnum"):
            if item.idnum in out:
                continue
            out.add(item.idnum)
            item = _resolve(item)
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def appended(reader: Any, data: bytes, end: int) -> tuple[str, str | None]:
    """What was added after the last signature: (kind, problem). Kinds as `Signature.appended`."""
    import pypdf

    tail = data[end:]
    try:
        before = pypdf.PdfReader(io.BytesIO(_revision(data, end)), strict=False)
        old = [_page_print(p) for p in before.pages]
        new = [_page_print(p) for p in reader.pages]
    except Exception:
        return "unknown", f"{APPENDED_PROBLEM}（无法判断改动了什么）"
    if len(old) != len(new):
        return "content", f"{APPENDED_PROBLEM}：页数由 {len(old)} 页变为 {len(new)} 页"
    changed = [i + 1 for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    if changed:
        pages = "、".join(str(i) for i in changed[:10]) + ("…" if len(changed) > 10 else "")
        return "content", f"{APPENDED_PROBLEM}：第 {pages} 页的内容与签名时不同"
    numbers = {int(m.group(1)) for m in re.finditer(rb"(?<![\d])(\d+)\s+\d+\s+obj\b", tail)}
    numbers |= {n for n, (stm, _) in _objstm(reader).items() if stm in numbers}  # compressed objects
    root = _raw(reader.trailer, "/Root") if "/Root" in reader.trailer else None
    catalog = _resolve(root) or {}
    dss = _reachable(_raw(catalog, "/DSS")) if "/DSS" in catalog else set()
    info = getattr(_raw(reader.trailer, "/Info"), "idnum", None) if "/Info" in reader.trailer else None
    meta = getattr(_raw(catalog, "/Metadata"), "idnum", None) if "/Metadata" in catalog else None
    kinds: set[str] = set()
    for number in numbers:
        obj = _resolve(reader.get_object(number)) if _exists(reader, number) else None
        if obj is None or _get(obj, "/Type") in ("/XRef", "/ObjStm"):
            continue
        if number in dss:
            kinds.add("validation")
        elif number in (info, meta):
            kinds.add("metadata")
        elif number == getattr(root, "idnum", None):
            old_root = _resolve(before.trailer.get("/Root")) or {}
            extra = {k for k in set(catalog) ^ set(old_root) if k not in ("/DSS", "/Extensions")}
            extra |= {k for k in set(catalog) & set(old_root) if k not in ("/DSS", "/Extensions", "/Metadata")
                      and str(_raw(catalog, k)) != str(_raw(old_root, k))}
            kinds.add("other" if extra else "validation")
        else:
            kinds.add("other")
    if "other" in kinds or not kinds:
        what = "页面内容未变，但追加了其他对象" if kinds else "页面内容未变，文件末尾追加了内容"
        return "other", f"{APPENDED_PROBLEM}：{what}（{len(tail)} 字节）"
    if "metadata" in kinds:
        return "metadata", f"{APPENDED_PROBLEM}：只改动了文档属性（作者、软件、时间等），页面内容未变"
    return "validation", None


def _objstm(reader: Any) -> dict[int, tuple[int, int]]:
    try:
        return {int(k): (int(v[0]), int(v[1])) for k, v in dict(reader.xref_objStm).items()}
    except Exception:
        return {}


def _exists(reader: Any, number: int) -> bool:
    try:
        return reader.get_object(number) is not None
    except Exception:
        return False


# --------------------------------------------------------------------------------- reading
@dataclass
class Found:
    """The signatures of one PDF, with where their appearances are (for the seal)."""

    signatures: tuple[Signature, ...] = ()
    appearances: list[tuple[int, int, Box | None, bool]] = field(default_factory=list)  # (sig, page, box, picture)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip().strip("\x00")
    return text[:200] or None


def _signer_from_name(name: str | None) -> str | None:
    """`/Name` as written by vendors: a plain name, or a DN such as "CN=测试名称"."""
    if name and re.match(r"(?i)\s*(CN|O|OU|C)\s*=", name):
        m = re.search(r"(?i)(?:^|[,/;]\s*)CN\s*=\s*([^,/;]+)", name)
        return m.group(1).strip() if m else name
    return name


def read_signature(sig_field: SigField, data: bytes) -> tuple[Signature, int | None]:
    """One signature, and where its signed bytes end."""
    v = sig_field.value
    sub = str(_get(v, "/SubFilter") or "")
    timestamp = _get(v, "/Type") == "/DocTimeStamp" or sub == "/ETSI.RFC3161"
    raw_contents = _get(v, "/Contents")
    contents = _raw_string(raw_contents) if raw_contents is not None else None
    rng = byte_range(_get(v, "/ByteRange"), contents, data)
    if contents is None:
        checked = Checked(problems=["签名字典中没有签名值 /Contents"])
    elif sub == "/adbe.x509.rsa_sha1":
        checked = check_x509_rsa_sha1(contents, _resolve(_get(v, "/Cert")), rng.signed)
    else:
        checked = check_cms(contents, rng.signed)
    problems = [p for p in (rng.problem, *checked.problems) if p]
    if rng.problem:  # the bytes signed are not the document: what they hash to says nothing about it
        checked.digest_ok = None
    visible = [w for w in sig_field.widgets if w.visible]
    pages = [w.page for w in visible or sig_field.widgets if w.page is not None]
    algorithm = checked.algorithm
    if sub:
        algorithm = f"{sub.lstrip('/')} {algorithm}" if algorithm else sub.lstrip("/")
    signature = Signature(
        kind="pdf", signer=checked.signer or _signer_from_name(_text(_get(v, "/Name"))),
        signed_at=parse_pdf_date(_get(v, "/M")) or checked.signed_at, algorithm=algorithm,
        digest_ok=checked.digest_ok, signature_ok=checked.signature_ok,
        visible=bool(visible), page=min(pages) if pages else None, timestamp=timestamp,
        problem="；".join(dict.fromkeys(problems))[:500] or None,
    )
    return signature, rng.end if rng.problem is None or rng.signed is not None else None


def read(reader: Any, data: bytes | None = None, path: Any = None) -> Found:
    """Every signature of the PDF open in `reader` (its bytes are read from `path` when needed)."""
    if data is None:
        with open(path, "rb") as fh:
            data = fh.read()
    fields = find_fields(reader, data)
    raw = not fields and b"/ByteRange" in data
    if raw:
        fields = raw_fields(data)
    if not fields:
        return Found()
    sigs: list[Signature] = []
    ends: list[int | None] = []
    found = Found()
    for i, sig_field in enumerate(fields):
        try:
            sig, end = read_signature(sig_field, data)
        except Exception as exc:  # a malformed dictionary must not cost the file its other facts
            sig, end = Signature(kind="pdf", problem=f"无法读取签名（{type(exc).__name__}）"), None
        sigs.append(sig)
        ends.append(end)
        found.appearances += [(i, w.page, w.box, w.picture) for w in sig_field.widgets if w.visible and w.page]
    valid = [e for e in ends if e is not None]
    last_end = max(valid) if valid else None
    for i, (sig, end) in enumerate(zip(sigs, ends, strict=True)):
        whole = end is not None and not data[end:].strip(WHITESPACE)
        update: dict[str, Any] = {"covers_whole_file": whole}
        if raw:
            sig = sig.model_copy(update={"visible": None, "page": None,
                                         "problem": "；".join(p for p in (RAW_NOTE, sig.problem) if p)})
        if end is not None and end == last_end and not whole:
            if sig.problem and RANGE_PROBLEM in sig.problem:
                update["appended"] = "unknown"
            else:
                update["appended"], problem = appended(reader, data, end)
                short = None if data[:end].rstrip(WHITESPACE).endswith(b"%%EOF") else SHORT_RANGE
                update["problem"] = "；".join(p for p in (problem, short, sig.problem) if p) or None
        elif end is None:
            update["covers_whole_file"] = False
        sigs[i] = sig.model_copy(update=update)
    order = sorted(range(len(sigs)), key=lambda k: (ends[k] is None, ends[k] or 0))
    remap = {old: new for new, old in enumerate(order)}
    found.signatures = tuple(sigs[k] for k in order)
    found.appearances = sorted(((remap[s], p, b, pic) for s, p, b, pic in found.appearances),
                               key=lambda t: (t[0], t[1]))
    return found


# ------------------------------------------------------------------------------------ seal
def _overlaps(a: Box, b: Box) -> bool:
    cx, cy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    pad_x, pad_y = (b[2] - b[0]) * 0.1, (b[3] - b[1]) * 0.1
    return b[0] - pad_x <= cx <= b[2] + pad_x and b[1] - pad_y <= cy <= b[3] + pad_y


def apply(facts: DocumentFacts, found: Found) -> DocumentFacts:
    """`facts` with the signatures, and the seal they make.

    A visible signature is an electronic seal. When the page analysis found a red seal too, the
    seal stays as found (page, box, 空白印章) and its kind says which it is: `electronic` when the
    seal found is the signature's own appearance, `printed` when it is another seal (a scanned or
    pasted one) — the signature is then named in the reason and listed under `signatures`.
    """
    if not found.signatures:
        return facts
    update: dict[str, Any] = {"signatures": found.signatures}
    people = [s for s in found.signatures if not s.timestamp]
    shown = [(found.signatures[i], page, box, pic) for i, page, box, pic in found.appearances
             if not found.signatures[i].timestamp]
    if shown:
        _, page, box, picture = shown[0]
        signers = list(dict.fromkeys(s.signer for s, *_ in shown if s.signer))
        who = f"签名人：{'、'.join(signers)}" if signers else "签名人不详"
        count = len(shown)
        if any(s.digest_ok is False or s.signature_ok is False for s, *_ in shown):
            tail = "，签名校验未通过"
        elif any(s.signature_ok is None for s, *_ in shown):
            tail = "，签名未能核验"
        else:
            tail = ""
        if facts.seal is True:
            same = any(p == facts.seal_page and b is not None and facts.seal_box is not None and _overlaps(facts.seal_box, b)
                       for _, p, b, _ in shown)
            if same:
                update["seal_kind"] = "electronic"
                update["seal_reason"] = f"电子签章（{who}{tail}）：{facts.seal_reason}"
            else:
                update["seal_reason"] = f"{facts.seal_reason}；另有电子签章（{who}，第{page}页{tail}）"
        else:
            what = "印章图片" if picture else "可见签名"
            more = f"，共 {count} 处" if count > 1 else ""
            update.update(seal=True, seal_kind="electronic", seal_page=page, seal_box=box, seal_blank=None,
                          seal_reason=f"第{page}页有电子签章（{who}，{what}{more}{tail}）")
    elif people and facts.seal is not True:
        who = "、".join(dict.fromkeys(s.signer or "签名人不详" for s in people))
        base = facts.seal_reason or ""
        update["seal_reason"] = f"{base}；文件有电子签名（{who}），但没有可见的签章外观".lstrip("；")
    return facts.model_copy(update=update)
