"""OFD signature values (`SignedValue.dat`): parse them and verify them, offline.

An OFD signature (GB/T 33190 §18, GM/T 0099) is a `Signature.xml` that lists the protected files
with their digests, and a signature value over that `Signature.xml`. The value comes in four forms,
all handled here with asn1crypto (pure Python) and `sigcrypto` (SM2/SM3):

- **GB/T 38540-2020 SES_Signature** (version 4; the same layout is used by the later "v5"):
  `SEQUENCE { TBS_Sign, cert OCTET STRING, signatureAlgID OID, signature BIT STRING, [0] timeStamp }`
  with `TBS_Sign = SEQUENCE { version, SESeal, timeInfo GeneralizedTime, dataHash BIT STRING,
  propertyInfo IA5String, [0] extDatas }`. dataHash = SM3(Signature.xml); the signature is SM2 over
  the DER of TBS_Sign, by the signer certificate `cert`.
- **GM/T 0031-2014 SES_Signature** (version 1): `SEQUENCE { TBS_Sign, signature BIT STRING }` with
  the certificate and algorithm inside TBS_Sign (`..., propertyInfo, cert, signatureAlgorithm`).
  One vendor (HNCA "GX", in the corpus) signs differently: its dataHash is SM3(Z_A ‖ Signature.xml),
  its signature is the plain SM2 signature of Signature.xml (so TBS_Sign itself is not signed) and
  its reference digests are SM3(Z_A ‖ file). Both ways are tried; the second is named in a note.
- **PKCS#7 / CMS SignedData** (GB/T 35275, used for `Type="Sign"` digital signatures): signed
  attributes whose messageDigest is SM3(Signature.xml), or an encapsulated SM3(Signature.xml).
- **a bare SM2 value** (`SEQUENCE { r, s }`, 70–72 bytes, or r ‖ s, 64 bytes): no certificate,
  so it cannot be verified here (`signature_ok` None, with the reason).

The seal (`SESeal`) gives the seal name, its id and its picture (PNG/JPEG/GIF/BMP, or an OFD file,
which is recorded, not rendered). Trust in the certificate is not judged here: that needs the
issuing CA's roots, which a county does not hold offline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from asn1crypto import algos, cms, core, keys, parser, x509

from credit_check.facts import sigcrypto

OID_SM2_SM3 = "1.2.156.10197.1.501"
_SM2 = {OID_SM2_SM3, "1.2.156.10197.1.301", "1.2.156.10197.1.301.1"}
_RSA = {"1.2.840.113549.1.1.11": "sha256", "1.2.840.113549.1.1.5": "sha1", "1.2.840.113549.1.1.12": "sha384",
        "1.2.840.113549.1.1.13": "sha512"}
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
ALGORITHM_NAMES = {OID_SM2_SM3: "SM2-SM3", "1.2.156.10197.1.301": "SM2", "1.2.156.10197.1.301.1": "SM2",
                   "1.2.840.113549.1.1.11": "RSA-SHA256", "1.2.840.113549.1.1.5": "RSA-SHA1",
                   "1.2.840.113549.1.1.12": "RSA-SHA384", "1.2.840.113549.1.1.13": "RSA-SHA512",
                   RSA_ENCRYPTION: "RSA", "1.2.840.10045.4.3.2": "ECDSA-SHA256"}
_HASH_OIDS = {"1.2.156.10197.1.401": "sm3", "2.16.840.1.101.3.4.2.1": "sha256", "1.3.14.3.2.26": "sha1",
              "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512"}
PICTURE_KINDS = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "gif": "gif", "bmp": "bmp", "ofd": "ofd",
                 "svg": "svg", "tif": "tiff", "tiff": "tiff"}


class SesError(ValueError):
    """A signature value that cannot be parsed."""


@dataclass(frozen=True)
class SealPicture:
    kind: str  # png | jpeg | gif | bmp | ofd | svg | tiff | the declared type
    data: bytes
    width_mm: float | None
    height_mm: float | None


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a signature value against its Signature.xml."""

    data_ok: bool | None  # the signed digest is that of this Signature.xml (False: changed after signing)
    signature_ok: bool | None
    problem: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignedValue:
    """What a SignedValue.dat holds, parsed; `verify` checks it against Signature.xml."""

    format: str  # "GB/T 38540 v4" | "GM/T 0031 v1" | "PKCS#7" | "SM2（裸签名值）"
    version: int | None = None
    seal_name: str | None = None
    seal_id: str | None = None
    signer: str | None = None
    signed_at: dt.datetime | None = None
    algorithm: str | None = None
    picture: SealPicture | None = None
    eseal_der: bytes | None = None  # the SESeal, to compare with Seal.esl
    cert_der: bytes | None = None
    # what is needed to verify
    _tbs_der: bytes = b""
    _signature: bytes = b""
    _algorithm_oid: str = ""
    _data_hash: bytes | None = None
    _cms: cms.SignedData | None = field(default=None, repr=False)

    def public_point(self) -> tuple[int, int] | None:
        """The signer's SM2 public key, when the certificate holds one."""
        key = _sm2_key(self.cert_der)
        return sigcrypto.public_point(key) if key else None

    def verify(self, signature_xml: bytes) -> Verification:
        try:
            if self._cms is not None:
                return _verify_cms(self._cms, signature_xml)
            if self.format.startswith("SM2"):
                return Verification(None, None, "签名值只有 SM2 签名值、不含签名证书，无法离线验证签名")
            return _verify_ses(self, signature_xml)
        except Exception as exc:  # a malformed certificate or key must not stop the document
            return Verification(None, None, f"无法验证签名值：{type(exc).__name__}")


# ------------------------------------------------------------------------------------ parsing
def _children(value: core.Asn1Value) -> list[core.Asn1Value]:
    """The elements of a constructed value, each loaded as its universal type."""
    data = value.contents or b""
    out: list[core.Asn1Value] = []
    pos = 0
    while pos < len(data):
        size = parser.peek(data[pos:])
        chunk = data[pos:pos + size]
        try:
            out.append(core.load(chunk, strict=True))
        except ValueError:  # a context-tagged element ([0] extDatas, [0] content): kept as it is
            cls, method, tag, _, contents, _ = parser.parse(chunk, strict=True)
            out.append(core.Asn1Value(class_=cls, tag=tag, method=method, contents=contents))
        pos += size
        if len(out) > 64:
            raise SesError("too many elements")
    return out


def _load(der: bytes) -> core.Asn1Value:
    try:
        return core.load(der, strict=True)
    except (ValueError, TypeError) as exc:
        raise SesError(f"不是 DER 编码：{exc}") from exc


def _bits(value: core.Asn1Value) -> bytes:
    """The bytes of a BIT STRING (or an OCTET STRING used in its place)."""
    if isinstance(value, core.BitString):
        return bytes(value.contents[1:])
    if isinstance(value, core.OctetString):
        return bytes(value.native)
    raise SesError(f"expected a BIT STRING, got {type(value).__name__}")


def _text(value: core.Asn1Value) -> str | None:
    if isinstance(value, core.AbstractString):
        text = value.native
        return text.strip() or None if isinstance(text, str) else None
    return None


def _time(value: core.Asn1Value) -> dt.datetime | None:
    """GeneralizedTime, UTCTime, or the BIT/OCTET STRING some v1 writers use (Unix seconds or
    YYYYMMDDHHMMSS)."""
    if isinstance(value, core.GeneralizedTime | core.UTCTime):
        native = value.native
        return native if isinstance(native, dt.datetime) else None
    if isinstance(value, core.BitString | core.OctetString | core.AbstractString):
        raw = _bits(value) if not isinstance(value, core.AbstractString) else str(value.native).encode()
        digits = raw.decode("ascii", "ignore").strip().rstrip("Z")
        try:
            if len(digits) == 10 and digits.isdigit():
                return dt.datetime.fromtimestamp(int(digits), tz=dt.UTC)
            if len(digits) >= 14 and digits[:14].isdigit():
                return dt.datetime.strptime(digits[:14], "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
        except (ValueError, OverflowError, OSError):
            return None
    return None


def _subject(cert_der: bytes | None) -> str | None:
    """Common name (and organisation) of a certificate's subject."""
    if not cert_der:
        return None
    try:
        native = x509.Certificate.load(cert_der).subject.native
    except Exception:
        return None
    cn = native.get("common_name") if isinstance(native, dict) else None
    org = native.get("organization_name") if isinstance(native, dict) else None
    cn = cn[0] if isinstance(cn, list) else cn
    org = org[0] if isinstance(org, list) else org
    if cn and org and org not in cn:
        return f"{cn}（{org}）"
    return cn or org or None


def _sm2_key(cert_der: bytes | None) -> bytes | None:
    if not cert_der:
        return None
    try:
        info = x509.Certificate.load(cert_der).public_key
        if info["algorithm"]["algorithm"].native != "ec":
            return None
        key = info["public_key"].native
        return bytes(key) if isinstance(key, bytes) else None
    except Exception:
        return None


def _seal(eseal: core.Asn1Value) -> tuple[str | None, str | None, SealPicture | None]:
    """(seal name, seal id, picture) of an SESeal (v1 and v4 share SES_SealInfo)."""
    parts = _children(eseal)
    info = _children(parts[0]) if parts and isinstance(parts[0], core.Sequence) else []
    seal_id = _text(info[1]) if len(info) > 1 else None
    name: str | None = None
    picture: SealPicture | None = None
    for item in info[2:]:
        if not isinstance(item, core.Sequence):
            continue
        kids = _children(item)
        if name is None and len(kids) > 1 and isinstance(kids[0], core.Integer) and _text(kids[1]):
            name = _text(kids[1])
        elif picture is None and len(kids) >= 2 and isinstance(kids[1], core.OctetString):
            declared = (_text(kids[0]) or "").lower()
            data = bytes(kids[1].native)
            w = int(kids[2].native) if len(kids) > 2 and isinstance(kids[2], core.Integer) else None
            h = int(kids[3].native) if len(kids) > 3 and isinstance(kids[3], core.Integer) else None
            picture = SealPicture(kind=_picture_kind(declared, data), data=data,
                                  width_mm=float(w) if w else None, height_mm=float(h) if h else None)
    return name, seal_id, picture


def _picture_kind(declared: str, data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "ofd"
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"BM"):
        return "bmp"
    return PICTURE_KINDS.get(declared, declared or "unknown")


def parse(der: bytes) -> SignedValue:
    """Parse a SignedValue.dat. Raises `SesError` when it is none of the known forms."""
    if not der:
        raise SesError("签名值文件为空")
    top = _load(der)
    if not isinstance(top, core.Sequence):
        raise SesError("签名值不是 ASN.1 SEQUENCE")
    try:
        kids = _children(top)
    except (ValueError, TypeError) as exc:
        raise SesError(f"签名值结构损坏：{exc}") from exc
    if len(kids) == 2 and all(isinstance(k, core.Integer) for k in kids):
        return SignedValue(format="SM2（裸签名值）", algorithm="SM2", _signature=der)
    if len(kids) == 2 and isinstance(kids[0], core.ObjectIdentifier):
        return _parse_cms(der)
    if len(kids) in (4, 5) and isinstance(kids[0], core.Sequence):
        return _parse_v4(kids)
    if len(kids) == 2 and isinstance(kids[0], core.Sequence):
        return _parse_v1(kids)
    raise SesError(f"未知的签名值结构（{len(kids)} 个元素）")


def _parse_v4(kids: list[core.Asn1Value]) -> SignedValue:
    tbs = _children(kids[0])
    if len(tbs) < 5:
        raise SesError("TBS_Sign 不完整")
    version = int(tbs[0].native) if isinstance(tbs[0], core.Integer) else None
    name, seal_id, picture = _seal(tbs[1])
    cert = bytes(kids[1].native) if isinstance(kids[1], core.OctetString) else None
    oid = kids[2].dotted if isinstance(kids[2], core.ObjectIdentifier) else ""
    return SignedValue(format="GB/T 38540 v4" if version in (None, 4) else f"GB/T 38540 v{version}", version=version,
                       seal_name=name, seal_id=seal_id, signer=_subject(cert), signed_at=_time(tbs[2]),
                       algorithm=ALGORITHM_NAMES.get(oid, oid or None), picture=picture, eseal_der=tbs[1].dump(),
                       cert_der=cert, _tbs_der=kids[0].dump(), _signature=_bits(kids[3]), _algorithm_oid=oid,
                       _data_hash=_bits(tbs[3]))


def _parse_v1(kids: list[core.Asn1Value]) -> SignedValue:
    tbs = _children(kids[0])
    if len(tbs) < 7:
        raise SesError("TBS_Sign（GM/T 0031）不完整")
    version = int(tbs[0].native) if isinstance(tbs[0], core.Integer) else None
    name, seal_id, picture = _seal(tbs[1])
    cert = bytes(tbs[5].native) if isinstance(tbs[5], core.OctetString) else None
    oid = tbs[6].dotted if isinstance(tbs[6], core.ObjectIdentifier) else ""
    return SignedValue(format="GM/T 0031 v1", version=version, seal_name=name, seal_id=seal_id,
                       signer=_subject(cert), signed_at=_time(tbs[2]), algorithm=ALGORITHM_NAMES.get(oid, oid or None),
                       picture=picture, eseal_der=tbs[1].dump(), cert_der=cert, _tbs_der=kids[0].dump(),
                       _signature=_bits(kids[1]), _algorithm_oid=oid, _data_hash=_bits(tbs[3]))


def _parse_cms(der: bytes) -> SignedValue:
    try:
        info = cms.ContentInfo.load(der)
        content = info["content"]
        signed = content if isinstance(content, cms.SignedData) else content.parse(cms.SignedData)
        signers = list(signed["signer_infos"])
        certs = [c.chosen for c in signed["certificates"] if isinstance(c.chosen, x509.Certificate)] \
            if signed["certificates"].native is not None else []
    except Exception as exc:
        raise SesError(f"PKCS#7 签名值无法解析：{type(exc).__name__}") from exc
    if not signers:
        raise SesError("PKCS#7 签名值中没有签名者")
    signer = signers[0]
    cert = _signer_cert(signer, certs)
    signed_at: dt.datetime | None = None
    attrs = signer["signed_attrs"]
    if attrs.native is not None:
        for attr in attrs:
            if attr["type"].native == "signing_time":
                value = attr["values"][0].native
                signed_at = value if isinstance(value, dt.datetime) else None
    oid = signer["signature_algorithm"]["algorithm"].dotted
    cert_der = cert.dump() if cert is not None else None
    return SignedValue(format="PKCS#7", signer=_subject(cert_der), signed_at=signed_at,
                       algorithm=ALGORITHM_NAMES.get(oid, oid), cert_der=cert_der, _algorithm_oid=oid, _cms=signed)


def _signer_cert(signer: cms.SignerInfo, certs: list[x509.Certificate]) -> x509.Certificate | None:
    sid = signer["sid"]
    if sid.name == "issuer_and_serial_number":
        serial = sid.chosen["serial_number"].native
        for c in certs:
            if c.serial_number == serial:
                return c
    return certs[0] if len(certs) == 1 else None


# ------------------------------------------------------------------------------- verification
def _hash(oid_or_name: str, data: bytes) -> bytes | None:
    return sigcrypto.digest(_HASH_OIDS.get(oid_or_name, oid_or_name), data)


def _check(cert_der: bytes | None, algorithm_oid: str, message: bytes, signature: bytes,
           digest_oid: str | None = None) -> bool | None:
    """Does `signature` verify over `message` with the certificate's key? None: cannot tell."""
    if not cert_der:
        return None
    if algorithm_oid in _SM2 or (algorithm_oid == "" and _sm2_key(cert_der)):
        key = _sm2_key(cert_der)
        values = sigcrypto.sm2_signature_values(signature)
        if key is None or values is None:
            return False if key is not None else None
        return sigcrypto.sm2_verify(key, message, *values)
    hash_name = _RSA.get(algorithm_oid)
    if hash_name is None and algorithm_oid == RSA_ENCRYPTION and digest_oid:
        hash_name = _HASH_OIDS.get(digest_oid)
    if hash_name is not None:
        return _rsa_verify(cert_der, message, signature, hash_name)
    return None


def _rsa_verify(cert_der: bytes, message: bytes, signature: bytes, hash_name: str) -> bool | None:
    """RSASSA-PKCS1-v1_5 with the certificate's RSA key."""
    info = x509.Certificate.load(cert_der).public_key
    if info["algorithm"]["algorithm"].native != "rsa":
        return None
    key = info["public_key"].parsed
    assert isinstance(key, keys.RSAPublicKey)
    n, e = int(key["modulus"].native), int(key["public_exponent"].native)
    size = (n.bit_length() + 7) // 8
    if len(signature) > size:
        return False
    em: bytes = pow(int.from_bytes(signature, "big"), e, n).to_bytes(size, "big")
    digest = sigcrypto.digest(hash_name, message)
    if digest is None:
        return None
    name = {"sha1": "sha1", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}[hash_name]
    info_der = algos.DigestInfo({"digest_algorithm": {"algorithm": name, "parameters": None},
                                 "digest": digest}).dump()
    expected = b"\x00\x01" + b"\xff" * (size - len(info_der) - 3) + b"\x00" + info_der
    return bool(em == expected)


def _verify_ses(value: SignedValue, signature_xml: bytes) -> Verification:
    notes: list[str] = []
    data_hash = value._data_hash or b""
    plain = sigcrypto.sm3(signature_xml)
    point = value.public_point()
    with_z = sigcrypto.sm3(sigcrypto.z_value(point) + signature_xml) if point else None
    if data_hash == plain:
        data_ok: bool | None = True
    elif with_z is not None and data_hash == with_z:
        data_ok = True
        notes.append("签章数据中的原文摘要按 SM3(Z‖Signature.xml) 计算（厂商做法）")
    else:
        data_ok = False
    standard = _check(value.cert_der, value._algorithm_oid, value._tbs_der, value._signature)
    if standard:
        return Verification(data_ok, True, None if data_ok else "签名后 Signature.xml 被修改", tuple(notes))
    # One GM/T 0031 writer signs Signature.xml itself (e = its dataHash), not TBS_Sign.
    if point is not None and with_z is not None and data_hash == with_z:
        values = sigcrypto.sm2_signature_values(value._signature)
        if values is not None and sigcrypto.sm2_verify_digest(point, data_hash, *values):
            notes.append("签名值是对 Signature.xml 的 SM2 签名，未覆盖签章信息（印章、时间）")
            return Verification(data_ok, True, None, tuple(notes))
    problem = None if data_ok else "签名后 Signature.xml 被修改"
    if standard is None:
        reason = "签名证书缺失" if not value.cert_der else f"不支持的签名算法 {value.algorithm or value._algorithm_oid}"
        return Verification(data_ok, None, problem or f"无法验证签名值：{reason}", tuple(notes))
    return Verification(data_ok, False, problem or "签名值与签章数据不符（验证失败）", tuple(notes))


def _verify_cms(signed: cms.SignedData, signature_xml: bytes) -> Verification:
    signer = signed["signer_infos"][0]
    digest_oid = signer["digest_algorithm"]["algorithm"].dotted
    content = signed["encap_content_info"]["content"].native
    econtent = bytes(content) if isinstance(content, bytes) else None
    certs = [c.chosen for c in signed["certificates"] if isinstance(c.chosen, x509.Certificate)] \
        if signed["certificates"].native is not None else []
    cert = _signer_cert(signer, certs)
    cert_der = cert.dump() if cert is not None else None
    oid = signer["signature_algorithm"]["algorithm"].dotted
    signature = bytes(signer["signature"].native)
    xml_digest = _hash(digest_oid, signature_xml)
    # What was signed: the encapsulated content when present (Signature.xml, or its SM3 digest), else
    # Signature.xml itself (detached).
    if econtent is None:
        content_ok: bool | None = True
        signed_content = signature_xml
    else:
        content_ok = econtent in (signature_xml, sigcrypto.sm3(signature_xml), xml_digest)
        signed_content = econtent
    attrs = signer["signed_attrs"]
    if attrs.native is not None:
        digest = next((a["values"][0].native for a in attrs if a["type"].native == "message_digest"), None)
        if digest != _hash(digest_oid, signed_content):
            content_ok = False
        message = b"\x31" + attrs.dump()[1:]  # signed attributes are signed as a SET
    else:
        message = signed_content
    ok = _check(cert_der, oid, message, signature, digest_oid)
    if ok is None:
        reason = "签名证书缺失" if cert_der is None else f"不支持的签名算法 {ALGORITHM_NAMES.get(oid, oid)}"
        return Verification(content_ok, None, f"无法验证签名值：{reason}")
    problem = None if content_ok else "签名后 Signature.xml 被修改"
    if not ok and problem is None:
        problem = "签名值与签名数据不符（验证失败）"
    return Verification(content_ok, ok, problem)


def z_digest(value: SignedValue, data: bytes) -> bytes | None:
    """SM3(Z_A ‖ data) with the signer's key: the reference digests of one vendor (see above)."""
    point = value.public_point()
    return sigcrypto.sm3(sigcrypto.z_value(point) + data) if point else None


def parse_seal(der: bytes) -> tuple[str | None, str | None, SealPicture | None]:
    """(seal name, seal id, picture) of a Seal.esl (an SESeal on its own)."""
    top = _load(der)
    if not isinstance(top, core.Sequence):
        raise SesError("印章数据不是 ASN.1 SEQUENCE")
    try:
        return _seal(top)
    except (ValueError, TypeError) as exc:
        raise SesError(f"印章数据结构损坏：{exc}") from exc
