"""Personal data in text: resident ID numbers, mobile numbers, bank card numbers — found and masked.

Shared by the personal-data check (D2) and by the pipeline, which runs `mask_text` over every
path and message of the report so that no full value can ever leave the tool.

What counts:
- Resident ID (GB 11643): 18 characters, 17 digits + check character (weights 7 9 10 5 8 4 2 1 6 3
  7 9 10 5 8 4 2, sum mod 11 → ``10X98765432``), a known province code and a real birth date;
  15-digit legacy numbers with a province code and a real 19YYMMDD birth date.
- Mobile numbers ``1[3-9]`` + 9 digits, also written ``138-1234-5678`` / ``+86 13812345678``.
- Bank cards: 16–19 digits passing Luhn, after a card word (银行卡, 卡号, 账号, 开户), or without one
  when they look like a UnionPay card (62…, 16 or 19 digits); never an ID-shaped number.

Full-width digits (``１３８１２３４５６７８``, typed with Chinese input methods), a full-width
``Ｘ``, hyphen and the ideographic space count like their ASCII forms: the text is folded to ASCII
one character for one before matching, so positions stay those of the original.

What does not count: masked values (``370116********1234``, ``138****5678``), 18-digit numbers with
a wrong check digit (order and invoice numbers), unified social credit codes (GB 32100, a
company's public identifier), digits inside longer digit runs.

A hit is `confident` when a context word (身份证, 证件, 电话, 手机, 联系方式, 银行卡, 卡号 …) stands
just before it, or when it is an 18-digit ID whose check digit and birth date are both valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass

RESIDENT_ID = "resident_id"
MOBILE = "mobile"
BANK_CARD = "bank_card"

KIND_LABELS = {RESIDENT_ID: "身份证号", MOBILE: "手机号", BANK_CARD: "银行卡号"}
KIND_LABELS_EN = {RESIDENT_ID: "resident ID numbers", MOBILE: "mobile numbers", BANK_CARD: "bank card numbers"}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCES = frozenset({
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
})
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# One pass finds every candidate; text without one returns at once (the cheap early exit).
_CANDIDATE = re.compile(
    r"(?P<run>(?<![0-9])\d{11,19}[Xx]?(?![0-9]))"
    r"|(?P<phone>(?<![0-9])1[3-9]\d[- ]\d{4}[- ]\d{4}(?![0-9]))"
    r"|(?P<card>(?<![0-9])\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,2}[\dXx]?)?(?![0-9]))"
    r"|(?P<spaced>(?<![0-9])\d{6}[ -]\d{8}[ -]\d{3}[\dXx](?![0-9]))"  # IDs as 6-8-4, often from OCR
)
# An ID number broken across two lines by text wrapping in a PDF or a narrow table column.
_WRAPPED = re.compile(r"(?<![0-9])(\d{2,17})[ \t]*\r?\n[ \t\u3000]*(\d{1,16}[0-9Xx])(?![0-9])")
_CONTEXT = {
    RESIDENT_ID: re.compile(r"身份证|证件|公民身份|身份号码|居民身份"),
    MOBILE: re.compile(r"电话|手机|联系方式|联系人|移动电话|Tel|tel|TEL|电\s*话"),
    BANK_CARD: re.compile(r"银行卡|卡号|账号|帐号|开户|银行账户|收款"),
}
_CREDIT_CONTEXT = re.compile(r"信用代码|社会信用|组织机构代码|纳税人识别号|税号|注册号|营业执照")
_CARD_PREFIX = ("62",)  # UnionPay; other cards are reported only after a card word
_CONTEXT_WINDOW = 24


# Full-width digits, Ｘ/ｘ, hyphen and space fold to ASCII, one character for one.
_FOLD = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)}, "Ｘ": "X", "ｘ": "x", "－": "-",
                       "\u3000": " ", "\u00a0": " "})
_FOLDABLE = re.compile("[\uff10-\uff19Ｘｘ－\u3000\u00a0]")  # any character `fold` changes


def fold(text: str) -> str:
    """`text` with full-width digits, Ｘ, hyphen and spaces as ASCII; same length, same positions."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Hit:
    kind: str  # resident_id | mobile | bank_card
    start: int
    end: int
    masked: str  # the value with its middle replaced by *
    confident: bool


def id_checksum_ok(number: str) -> bool:
    """True when an 18-character ID number has the right GB 11643 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _birth_ok(year: int, month: int, day: int) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def id_shaped(number: str) -> bool:
    """Province code and birth date valid (the check digit may still be wrong)."""
    if len(number) == 18 and number[:17].isdigit():
        return int(number[:2]) in _PROVINCES and _birth_ok(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    if len(number) == 15 and number.isdigit():
        return int(number[:2]) in _PROVINCES and _birth_ok(1900 + int(number[6:8]), int(number[8:10]),
                                                           int(number[10:12]))
    return False


def is_resident_id(number: str) -> bool:
    if len(number) == 18:
        return id_shaped(number) and id_checksum_ok(number)
    return len(number) == 15 and id_shaped(number)


def credit_code_ok(code: str) -> bool:
    """True for an 18-character unified social credit code with a valid GB 32100 check character."""
    code = code.upper()
    if len(code) != 18 or any(c not in _CREDIT_ALPHABET for c in code):
        return False
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31] == code[17]


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        n = int(c)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def mask_value(value: str) -> str:
    """Keep the first 6 (IDs), 3 (mobiles) or 4 (cards) and the last 4 characters; separators stay."""
    digits = [i for i, c in enumerate(value) if c.isalnum()]
    n = len(digits)
    keep_head = 3 if n == 11 else 6 if n in (15, 18) else 4
    hidden = set(digits[keep_head:n - 4])
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


def _token_around(text: str, start: int, end: int) -> str:
    """The run of code characters (0-9, A-Z) around a digit run — a credit code is one such run."""
    while start > 0 and text[start - 1].isascii() and text[start - 1].isalnum() and not text[start - 1].islower():
        start -= 1
    while end < len(text) and text[end].isascii() and text[end].isalnum() and not text[end].islower():
        end += 1
    return text[start:end]


def _classify(value: str, digits: str, before: str, text: str, start: int, end: int) -> tuple[str, bool] | None:
    n = len(digits)
    token = _token_around(text, start, end)
    if len(token) == 18 and token != value and not token[:17].isdigit():
        return None  # digits inside a credit code or another letter-and-digit code
    credit_context = bool(_CREDIT_CONTEXT.search(before))
    if n in (15, 18) and is_resident_id(digits):
        if credit_context and (n == 15 or credit_code_ok(digits)):
            return None  # a company's registration number or all-digit credit code that passes as an ID
        return RESIDENT_ID, n == 18 or bool(_CONTEXT[RESIDENT_ID].search(before))
    if n == 11 and digits[0] == "1" and digits[1] in "3456789":
        return MOBILE, bool(_CONTEXT[MOBILE].search(before))
    if 16 <= n <= 19 and digits.isdigit() and not id_shaped(digits) and luhn_ok(digits):
        if credit_context and credit_code_ok(digits):
            return None
        card_context = bool(_CONTEXT[BANK_CARD].search(before))
        if card_context or (n in (16, 19) and digits.startswith(_CARD_PREFIX)):
            return BANK_CARD, card_context
    return None


def find_personal_data(text: str, context: str = "") -> list[Hit]:
    """Every personal-data value in `text`; `context` (e.g. a column header) counts as preceding text.
    Full-width digits count (positions are those of `text`; `masked` is in ASCII)."""
    text, context = fold(text), fold(context)
    hits: list[Hit] = []
    for m in _CANDIDATE.finditer(text):
        start, value = m.start(), m.group(0)
        before = context + text[max(0, start - _CONTEXT_WINDOW):start]
        if m.lastgroup == "run" and len(value) == 13 and value.startswith("861") and value[3] in "3456789":
            start, value = start + 2, value[2:]  # 86 + mobile: the country code written without +
            before += "电话"
        digits = "".join(c for c in value if c.isalnum())
        found = _classify(value, digits, before, text, start, m.end())
        if found is not None:
            kind, confident = found
            if m.lastgroup in ("card", "spaced") and kind == MOBILE:
                continue  # a phone number is never written in these groups
            hits.append(Hit(kind=kind, start=start, end=m.end(), masked=mask_value(value), confident=confident))
    if "\n" in text:
        for m in _WRAPPED.finditer(text):
            joined = m.group(1) + m.group(2)
            overlaps = any(h.start < m.end() and m.start() < h.end for h in hits)
            if len(joined) == 18 and not overlaps and is_resident_id(joined.upper()):
                hits.append(Hit(kind=RESIDENT_ID, start=m.start(), end=m.end(), masked=mask_value(joined),
                                confident=True))
        hits.sort(key=lambda h: h.start)
    return hits


def _may_hold(text: str) -> bool:
    """The cheap early exit: no candidate at all."""
    folded = fold(text) if _FOLDABLE.search(text) else text
    return bool(_CANDIDATE.search(folded) or ("\n" in folded and _WRAPPED.search(folded)))


def mask_text(text: str) -> str:
    """`text` with every detected value masked (370102********1234, 138****5678; full-width
    digits stay full-width)."""
    if not text or not _may_hold(text):
        return text
    hits = find_personal_data(text)
    if not hits:
        return text
    out: list[str] = []
    pos = 0
    for hit in hits:
        out.append(text[pos:hit.start])
        out.append(mask_value(text[hit.start:hit.end]))
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)


# --------------------------------------------------------------------------- pseudonymisation
def _hidden(value: str) -> list[int]:
    """Indexes in `value` of the characters `mask_value` hides."""
    alnum = [i for i, c in enumerate(value) if c.isalnum()]
    n = len(alnum)
    keep_head = 3 if n == 11 else 6 if n in (15, 18) else 4
    return alnum[keep_head:n - 4]


class _Digits:
    """A deterministic stream of digits from a key and a value (HMAC-SHA256 in counter mode)."""

    def __init__(self, key: bytes, value: str, attempt: int) -> None:
        self.key, self.seed, self.counter, self.buffer = key, f"{attempt}:{value}".encode(), 0, b""

    def next(self, n: int) -> str:
        out: list[str] = []
        while len(out) < n:
            if not self.buffer:
                self.counter += 1
                self.buffer = hmac.new(self.key, self.seed + self.counter.to_bytes(4, "big"), hashlib.sha256).digest()
            byte, self.buffer = self.buffer[0], self.buffer[1:]
            if byte < 250:  # no modulo bias
                out.append(str(byte % 10))
        return "".join(out)


def _fake_middle(digits: str, kind: str, stream: _Digits) -> str | None:
    """New digits for the hidden middle of `digits` (ASCII alphanumerics of one hit) such that the
    value keeps its kind, checksum and masked form; None when none was found."""
    n = len(digits)
    keep_head = 3 if n == 11 else 6 if n in (15, 18) else 4
    width = n - 4 - keep_head
    if kind == RESIDENT_ID and n == 18:
        target = sum(int(c) * w for c, w in zip(digits[6:14], _ID_WEIGHTS[6:14], strict=True)) % 11
        for _ in range(400):
            day = dt.date(1940, 1, 1) + dt.timedelta(days=int(stream.next(5)) % 23000)
            middle = day.strftime("%Y%m%d")
            if sum(int(c) * w for c, w in zip(middle, _ID_WEIGHTS[6:14], strict=True)) % 11 == target:
                return middle
        return None
    if kind == RESIDENT_ID and n == 15:
        for _ in range(400):  # 19YYMMD, the day's last digit is kept
            day = dt.date(1930, 1, 1) + dt.timedelta(days=int(stream.next(5)) % 25500)
            if day.strftime("%d")[1] == digits[11] and day.year < 2000:
                return day.strftime("%y%m%d")[:5]
        return None
    middle = stream.next(width)
    if kind == BANK_CARD:
        for d in "0123456789":
            candidate = middle[:-1] + d
            if luhn_ok(digits[:keep_head] + candidate + digits[n - 4:]):
                return candidate
        return None
    return middle


def _hit_key(hits: list[Hit]) -> list[tuple[str, int, int, str, bool]]:
    return [(h.kind, h.start, h.end, h.masked, h.confident) for h in hits]


def pseudonymise(text: str, key: bytes, context: str = "") -> str:
    """`text` with the hidden digits of every personal-data value replaced by others derived from
    `key` and the value: the same value gives the same substitute (under the same key), and the
    substitute is found by `find_personal_data` as the same kind, at the same place, with the same
    masked form and confidence (an ID keeps its region, sequence and check character and gets
    another valid birth date; a card keeps Luhn). Without the key, the substitute says nothing of
    the real digits. When no such substitute is found (never seen), the value is masked."""
    if not text or not _may_hold(text):
        return text
    hits = find_personal_data(text, context)
    if not hits:
        return text
    for attempt in range(8):
        chars = list(text)
        ok = True
        for hit in hits:
            value = text[hit.start:hit.end]
            positions = [i for i, c in enumerate(value) if c.isalnum()]
            digits = fold("".join(value[i] for i in positions)).upper()
            middle = _fake_middle(digits, hit.kind, _Digits(key, digits, attempt))
            if middle is None:
                ok = False
                break
            for pos, digit in zip(_hidden(value), middle, strict=True):
                original = chars[hit.start + pos]
                chars[hit.start + pos] = chr(0xFF10 + int(digit)) if "\uff10" <= original <= "\uff19" else digit
        if ok:
            out = "".join(chars)
            if _hit_key(find_personal_data(out, context)) == _hit_key(hits):
                return out
    return mask_text(text)
