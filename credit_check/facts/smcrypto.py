"""SM3 and SM2 signature verification (GB/T 32905, GB/T 32918), in plain Python.

Chinese electronic seals and signatures hash with SM3 and sign with SM2. Verifying needs no
secret and no network: the signer's public key travels in the certificate inside the signature.

- `sm3(data)`: the digest. Python's `hashlib` provides SM3 where its OpenSSL has it (OpenSSL 1.1.1
  and 3.x usually do); otherwise the pure-Python compression function below is used (about
  0.5 MB/s — the OFD parts that are signed are small XML files and a few pictures).
- `sm2_verify(public_key, message, r, s)`: the SM2 signature check with the user id
  "1234567812345678" that every OFD signer uses by default: e = SM3(Z_A ‖ M), where
  Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A).
- `sm2_signature_values(raw)`: (r, s) from a DER `SEQUENCE { INTEGER r, INTEGER s }` or from a bare
  64-byte r ‖ s value, as vendors store it either way.

Why not the `gmssl` package: its `CryptSM2` strips a leading "04" from the public key with
`str.lstrip("04")`, which also eats leading 0 and 4 digits of the x coordinate (about one key in
eight then fails to verify), it needs the compiled `pycryptodomex`, and its SM3 works on lists of
ints. The curve arithmetic is forty lines; it is tested against the published SM3 vectors, against
signatures made in the tests, and against the real signatures of the corpus.
"""

from __future__ import annotations

import hashlib
import struct

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


# Digest algorithms an OFD `CheckMethod` may name, by OID and by name.
DIGESTS = {
    "1.2.156.10197.1.401": "sm3", "sm3": "sm3",
    "2.16.840.1.101.3.4.2.1": "sha256", "sha256": "sha256", "sha-256": "sha256",
    "1.3.14.3.2.26": "sha1", "sha1": "sha1", "sha-1": "sha1",
}


def digest(name: str, data: bytes) -> bytes | None:
    """`data` hashed with the algorithm `name` (an OID or a name, any case); None when unknown."""
    algo = DIGESTS.get(name.strip().lower())
    if algo is None:
        return None
    if algo == "sm3":
        return sm3(data)
    return hashlib.new(algo, data).digest()


# ------------------------------------------------------------------------------------------ SM2
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = P - 3
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
G = (0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
     0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0)
DEFAULT_ID = b"1234567812345678"

Point = tuple[int, int] | None  # None is the point at infinity
_Jacobian = tuple[int, int, int]


def _double(p: _Jacobian) -> _Jacobian:
    x, y, z = p
    if y == 0 or z == 0:
        return (0, 1, 0)
    yy = y * y % P
    s = 4 * x * yy % P
    zz = z * z % P
    m = 3 * (x - zz) * (x + zz) % P  # a = -3
    x3 = (m * m - 2 * s) % P
    return x3, (m * (s - x3) - 8 * yy * yy) % P, 2 * y * z % P


def _add(p: _Jacobian, q: _Jacobian) -> _Jacobian:
    if p[2] == 0:
        return q
    if q[2] == 0:
        return p
    x1, y1, z1 = p
    x2, y2, z2 = q
    z1z1, z2z2 = z1 * z1 % P, z2 * z2 % P
    u1, u2 = x1 * z2z2 % P, x2 * z1z1 % P
    s1, s2 = y1 * z2 * z2z2 % P, y2 * z1 * z1z1 % P
    if u1 == u2:
        return _double(p) if s1 == s2 else (0, 1, 0)
    h, r = (u2 - u1) % P, (s2 - s1) % P
    hh = h * h % P
    hhh = h * hh % P
    v = u1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    return x3, (r * (v - x3) - s1 * hhh) % P, h * z1 * z2 % P


def _affine(p: _Jacobian) -> Point:
    if p[2] == 0:
        return None
    zinv = pow(p[2], -1, P)
    z2 = zinv * zinv % P
    return p[0] * z2 % P, p[1] * z2 * zinv % P


def _twin_mul(k1: int, p1: tuple[int, int], k2: int, p2: tuple[int, int]) -> Point:
    """k1·P1 + k2·P2 (Shamir's trick)."""
    j1: _Jacobian = (p1[0], p1[1], 1)
    j2: _Jacobian = (p2[0], p2[1], 1)
    both = _add(j1, j2)
    acc: _Jacobian = (0, 1, 0)
    for i in range(max(k1.bit_length(), k2.bit_length()) - 1, -1, -1):
        acc = _double(acc)
        bits = ((k1 >> i) & 1, (k2 >> i) & 1)
        if bits == (1, 1):
            acc = _add(acc, both)
        elif bits == (1, 0):
            acc = _add(acc, j1)
        elif bits == (0, 1):
            acc = _add(acc, j2)
    return _affine(acc)


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
    parts = (A, B, G[0], G[1], point[0], point[1])
    return sm3(entl + uid + b"".join(v.to_bytes(32, "big") for v in parts))


def sm2_verify_digest(point: tuple[int, int], e: bytes, r: int, s: int) -> bool:
    """Verify (r, s) over the already computed e (= SM3(Z_A ‖ M))."""
    if not (1 <= r < N and 1 <= s < N):
        return False
    t = (r + s) % N
    if t == 0:
        return False
    xy = _twin_mul(s, G, t, point)
    if xy is None:
        return False
    return (int.from_bytes(e, "big") + xy[0]) % N == r


def sm2_verify(public_key: bytes, message: bytes, r: int, s: int, uid: bytes = DEFAULT_ID) -> bool:
    """True when (r, s) is a valid SM2 signature of `message` by `public_key` (SM3 with Z_A)."""
    point = public_point(public_key)
    if point is None:
        return False
    return sm2_verify_digest(point, sm3(z_value(point, uid) + message), r, s)


def sm2_signature_values(raw: bytes) -> tuple[int, int] | None:
    """(r, s) from a DER `SEQUENCE { r INTEGER, s INTEGER }` or a bare 64-byte r ‖ s."""
    if len(raw) == 64:
        return int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    from asn1crypto.algos import DSASignature

    try:
        sig = DSASignature.load(raw, strict=True)
        return int(sig["r"].native), int(sig["s"].native)
    except (ValueError, TypeError):
        return None
