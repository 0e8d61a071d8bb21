"""Signature arithmetic in plain Python: hashes (SM3 included), elliptic curves (P-256/384/521 and
SM2), RSA (PKCS#1 v1.5 and PSS). Verification only: no secret is ever involved, and nothing goes
to the network — the signer's public key travels in the certificate inside the signature.

Used by the PDF signature reader (`pdfsig`) and the OFD e-seal reader (`ses`, `ofd`).

- `sm3(data)`: Python's `hashlib` provides SM3 where its OpenSSL has it (OpenSSL 1.1.1 and 3.x
  usually do); otherwise the pure-Python compression function below is used (about 0.5 MB/s).
- `digest(name, data)`: by algorithm name or OID (sha1 … sha512, md5, sm3); None when unknown.
- `ecdsa_verify`, `sm2_verify_point` / `sm2_verify`: SM2 with e = SM3(Z_A ‖ M), where
  Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) and the user id "1234567812345678" every
  Chinese signer uses by default (GB/T 32918.2).
- `rsa_pkcs1_verify`, `rsa_pss_verify` (RFC 8017).

Why not a library: `cryptography` is a compiled wheel and has no SM2; pyHanko is heavy and wants
the network for revocation; `gmssl`'s `CryptSM2` strips a leading "04" from the public key with
`str.lstrip("04")`, which also eats leading 0 and 4 digits of the x coordinate (about one key in
eight then fails to verify), and it needs the compiled `pycryptodomex`. The curve arithmetic is
short; it is tested against the published SM3 vectors, signatures made in the tests, and the
real signatures of the corpus.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from asn1crypto import core

# ------------------------------------------------------------------------------------------ SM3
_IV = (0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E)
_MASK = 0xFFFFFFFF


def _rotl(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _MASK


_T = tuple(_rotl(0x79CC4519 if j < 16 else 0x7A879D8A, j) for j in range(64))


def _compress(v: tuple[int, ...], block: bytes) -> tuple[int, ...]:
    w = list(struct.unpack(">16I", block))
    for j in range(16, 68):
        x = w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)
        w.append(x ^ _rotl(x, 15) ^ _rotl(x, 23) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
    a, b, c, d, e, f, g, h = v
    for j in range(64):
        a12 = _rotl(a, 12)
        ss1 = _rotl((a12 + e + _T[j]) & _MASK, 7)
        ss2 = ss1 ^ a12
        if j < 16:
            ff, gg = a ^ b ^ c, e ^ f ^ g
        else:
            ff, gg = (a & b) | (a & c) | (b & c), (e & f) | (~e & g)
        tt1 = (ff + d + ss2 + (w[j] ^ w[j + 4])) & _MASK
        tt2 = (gg + h + ss1 + w[j]) & _MASK
        d, c, b, a = c, _rotl(b, 9), a, tt1
        h, g, f = g, _rotl(f, 19), e
        e = tt2 ^ _rotl(tt2, 9) ^ _rotl(tt2, 17)
    return tuple(x ^ y for x, y in zip(v, (a, b, c, d, e, f, g, h), strict=True))


def sm3_pure(data: bytes) -> bytes:
    """SM3 digest computed here (used when `hashlib` has no SM3)."""
    length = len(data) * 8
    padded = data + b"\x80" + b"\x00" * ((55 - len(data)) % 64) + struct.pack(">Q", length)
    v: tuple[int, ...] = _IV
    for i in range(0, len(padded), 64):
        v = _compress(v, padded[i:i + 64])
    return struct.pack(">8I", *v)


def _hashlib_has_sm3() -> bool:
    try:
        return hashlib.new("sm3", b"abc").hexdigest().startswith("66c7f0f4")
    except ValueError:
        return False


_HASHLIB_SM3 = _hashlib_has_sm3()


def sm3(data: bytes) -> bytes:
    """The 32-byte SM3 digest of `data`."""
    if _HASHLIB_SM3:
        return hashlib.new("sm3", data).digest()
    return sm3_pure(data)


# ---------------------------------------------------------------------------------- digests
# Digest algorithms by OID and by the names PDF and OFD signatures use.
DIGESTS = {
    "1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.4": "sha224", "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512", "1.2.840.113549.2.5": "md5",
    "1.2.156.10197.1.401": "sm3",
    "sm3": "sm3", "sha1": "sha1", "sha-1": "sha1", "sha224": "sha224", "sha256": "sha256", "sha-256": "sha256",
    "sha384": "sha384", "sha512": "sha512", "md5": "md5",
}
DIGEST_OID = {"sha1": "1.3.14.3.2.26", "sha224": "2.16.840.1.101.3.4.2.4", "sha256": "2.16.840.1.101.3.4.2.1",
              "sha384": "2.16.840.1.101.3.4.2.2", "sha512": "2.16.840.1.101.3.4.2.3", "md5": "1.2.840.113549.2.5",
              "sm3": "1.2.156.10197.1.401"}


def digest(name: str, data: bytes) -> bytes | None:
    """`data` hashed with the algorithm `name` (an OID or a name, any case); None when unknown."""
    algo = DIGESTS.get(name.strip().lower())
    if algo is None:
        return None
    if algo == "sm3":
        return sm3(data)
    try:
        return hashlib.new(algo, data).digest()
    except ValueError:  # a Python built without this algorithm
        return None


# ------------------------------------------------------------------------- public-key checks
@dataclass(frozen=True)
class Curve:
    """A short Weierstrass curve y² = x³ − 3x + b over GF(p) (all the curves here have a = −3)."""

    p: int
    b: int
    n: int
    g: tuple[int, int]


CURVES = {
    "1.2.840.10045.3.1.7": Curve(  # P-256
        0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
        0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
         0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)),
    "1.3.132.0.34": Curve(  # P-384
        int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF", 16),
        int("B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF", 16),
        int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", 16),
        (int("AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7", 16),
         int("3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F", 16))),
    "1.3.132.0.35": Curve(  # P-521
        2 ** 521 - 1,
        int("0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF07"
            "3573DF883D2C34F1EF451FD46B503F00", 16),
        int("01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB"
            "5C9B8899C47AEBB6FB71E91386409", 16),
        (int("00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE33"
             "48B3C1856A429BF97E7E31C2E5BD66", 16),
         int("011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761"
             "353C7086A272C24088BE94769FD16650", 16))),
    "1.2.156.10197.1.301": Curve(  # SM2 (GB/T 32918.5)
        0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF,
        0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93,
        0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123,
        (0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
         0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0)),
}
SM2 = "1.2.156.10197.1.301"
SM2_USER_ID = b"1234567812345678"
_Jac = tuple[int, int, int]


def _double(c: Curve, q: _Jac) -> _Jac:
    x, y, z = q
    if y == 0 or z == 0:
        return (0, 1, 0)
    p = c.p
    yy = y * y % p
    s = 4 * x * yy % p
    zz = z * z % p
    m = 3 * (x - zz) * (x + zz) % p  # a = -3
    x3 = (m * m - 2 * s) % p
    return x3, (m * (s - x3) - 8 * yy * yy) % p, 2 * y * z % p


def _add(c: Curve, q1: _Jac, q2: _Jac) -> _Jac:
    if q1[2] == 0:
        return q2
    if q2[2] == 0:
        return q1
    p = c.p
    x1, y1, z1 = q1
    x2, y2, z2 = q2
    z1z1, z2z2 = z1 * z1 % p, z2 * z2 % p
    u1, u2 = x1 * z2z2 % p, x2 * z1z1 % p
    s1, s2 = y1 * z2 * z2z2 % p, y2 * z1 * z1z1 % p
    if u1 == u2:
        return _double(c, q1) if s1 == s2 else (0, 1, 0)
    h, r = (u2 - u1) % p, (s2 - s1) % p
    hh = h * h % p
    hhh = h * hh % p
    v = u1 * hh % p
    x3 = (r * r - hhh - 2 * v) % p
    return x3, (r * (v - x3) - s1 * hhh) % p, h * z1 * z2 % p


def _twin(c: Curve, k1: int, k2: int, q: tuple[int, int]) -> tuple[int, int] | None:
    """k1·G + k2·Q in affine coordinates (None: the point at infinity)."""
    g: _Jac = (*c.g, 1)
    qj: _Jac = (*q, 1)
    both = _add(c, g, qj)
    acc: _Jac = (0, 1, 0)
    for i in range(max(k1.bit_length(), k2.bit_length()) - 1, -1, -1):
        acc = _double(c, acc)
        bits = ((k1 >> i) & 1, (k2 >> i) & 1)
        if bits != (0, 0):
            acc = _add(c, acc, both if bits == (1, 1) else g if bits[0] else qj)
    if acc[2] == 0:
        return None
    zi = pow(acc[2], -1, c.p)
    return acc[0] * zi * zi % c.p, acc[1] * zi * zi * zi % c.p


def ec_point(c: Curve, raw: bytes) -> tuple[int, int] | None:
    """An uncompressed (04‖x‖y, or bare x‖y for SM2) or compressed (02/03‖x) point on `c`."""
    size = (c.p.bit_length() + 7) // 8
    if len(raw) == 2 * size:
        raw = b"\x04" + raw
    if len(raw) == 2 * size + 1 and raw[0] == 4:
        x, y = int.from_bytes(raw[1:size + 1], "big"), int.from_bytes(raw[size + 1:], "big")
    elif len(raw) == size + 1 and raw[0] in (2, 3):
        x = int.from_bytes(raw[1:], "big")
        y = pow((x ** 3 - 3 * x + c.b) % c.p, (c.p + 1) // 4, c.p)  # p ≡ 3 (mod 4) on every curve here
        if (y & 1) != (raw[0] & 1):
            y = c.p - y
    else:
        return None
    on_curve = x < c.p and y < c.p and (y * y - x ** 3 + 3 * x - c.b) % c.p == 0
    return (x, y) if on_curve else None


def ecdsa_verify(c: Curve, q: tuple[int, int], h: bytes, r: int, s: int) -> bool:
    if not (0 < r < c.n and 0 < s < c.n):
        return False
    e = int.from_bytes(h, "big") >> max(0, 8 * len(h) - c.n.bit_length())
    w = pow(s, -1, c.n)
    xy = _twin(c, e * w % c.n, r * w % c.n, q)
    return xy is not None and xy[0] % c.n == r


# ------------------------------------------------------------------------------------------ SM2
SM2_CURVE = CURVES[SM2]
P, B, N, G = SM2_CURVE.p, SM2_CURVE.b, SM2_CURVE.n, SM2_CURVE.g
A = P - 3
DEFAULT_ID = SM2_USER_ID


def on_curve(point: tuple[int, int]) -> bool:
    x, y = point
    return 0 <= x < P and 0 <= y < P and (y * y - x * x * x - A * x - B) % P == 0


def public_point(key: bytes) -> tuple[int, int] | None:
    """The point of an uncompressed SM2 public key (04 ‖ x ‖ y, or the bare 64 bytes)."""
    if len(key) == 65 and key[0] == 4:
        key = key[1:]
    if len(key) != 64:
        return None
    point = (int.from_bytes(key[:32], "big"), int.from_bytes(key[32:], "big"))
    return point if on_curve(point) else None


def z_value(point: tuple[int, int], uid: bytes = DEFAULT_ID) -> bytes:
    """Z_A: the hash of the user id, the curve and the public key that SM2 signs along."""
    entl = struct.pack(">H", len(uid) * 8)
    return sm3(entl + uid + b"".join(v.to_bytes(32, "big") for v in (A, B, G[0], G[1], point[0], point[1])))


def sm2_verify_digest(point: tuple[int, int], e: bytes, r: int, s: int) -> bool:
    """Verify (r, s) over the already computed e (= SM3(Z_A ‖ M))."""
    t = (r + s) % N
    if not (0 < r < N and 0 < s < N) or t == 0:
        return False
    xy = _twin(SM2_CURVE, s, t, point)
    return xy is not None and (int.from_bytes(e, "big") + xy[0]) % N == r


def sm2_verify_point(q: tuple[int, int], message: bytes, r: int, s: int, uid: bytes = SM2_USER_ID) -> bool:
    """SM2 with e = SM3(Z_A ‖ M) (GB/T 32918.2), the public key as a point."""
    return sm2_verify_digest(q, sm3(z_value(q, uid) + message), r, s)


def sm2_verify(public_key: bytes, message: bytes, r: int, s: int, uid: bytes = DEFAULT_ID) -> bool:
    """True when (r, s) is a valid SM2 signature of `message` by `public_key` (encoded bytes)."""
    point = public_point(public_key)
    return point is not None and sm2_verify_point(point, message, r, s, uid)


def sm2_signature_values(raw: bytes, *, strict: bool = True) -> tuple[int, int] | None:
    """(r, s) from a DER `SEQUENCE { r INTEGER, s INTEGER }` or a bare 64-byte r ‖ s."""
    if len(raw) == 64:
        return int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    from asn1crypto.algos import DSASignature

    try:
        sig = DSASignature.load(raw, strict=strict)
        return int(sig["r"].native), int(sig["s"].native)
    except (ValueError, TypeError, KeyError):
        return None


def _digest_info(name: str, h: bytes, null: bool) -> bytes:
    alg = core.ObjectIdentifier(DIGEST_OID[name]).dump() + (b"\x05\x00" if null else b"")
    body = b"\x30" + bytes([len(alg)]) + alg + b"\x04" + bytes([len(h)]) + h
    return b"\x30" + bytes([len(body)]) + bytes(body)


def rsa_pkcs1_verify(n: int, e: int, sig: bytes, name: str, h: bytes) -> bool:
    """EMSA-PKCS1-v1_5: the expected block is built and compared whole (RFC 8017 §8.2.2)."""
    k = (n.bit_length() + 7) // 8
    s = int.from_bytes(sig, "big")
    if len(sig) > k or s >= n:
        return False
    block = pow(s, e, n).to_bytes(k, "big")
    for null in (True, False):  # DigestInfo with and without the NULL parameters
        t = _digest_info(name, h, null)
        if k >= len(t) + 11 and block == b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t:
            return True
    return False


def rsa_pss_verify(n: int, e: int, sig: bytes, name: str, message: bytes, mgf_name: str, salt_len: int) -> bool:
    """EMSA-PSS-VERIFY (RFC 8017 §9.1.2)."""
    mod_bits = n.bit_length()
    em_len = (mod_bits - 1 + 7) // 8
    s = int.from_bytes(sig, "big")
    m_hash = digest(name, message)
    if s >= n or m_hash is None:
        return False
    try:
        em = pow(s, e, n).to_bytes(em_len, "big")
    except OverflowError:
        return False
    h_len = len(m_hash)
    if em_len < h_len + salt_len + 2 or em[-1] != 0xBC:
        return False
    masked, h = em[:em_len - h_len - 1], em[em_len - h_len - 1:-1]
    if digest(mgf_name, b"") is None:
        return False
    mask = b""
    counter = 0
    while len(mask) < len(masked):
        mask += digest(mgf_name, h + counter.to_bytes(4, "big")) or b""
        counter += 1
    db = bytearray(a ^ b for a, b in zip(masked, mask, strict=False))
    zero_bits = 8 * em_len - (mod_bits - 1)
    if zero_bits and masked[0] >> (8 - zero_bits):
        return False
    db[0] &= 0xFF >> zero_bits
    pad = em_len - h_len - salt_len - 2
    if any(db[:pad]) or db[pad] != 1:
        return False
    salt = bytes(db[len(db) - salt_len:]) if salt_len else b""
    return digest(name, b"\x00" * 8 + m_hash + salt) == h
