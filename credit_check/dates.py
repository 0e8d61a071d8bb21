"""Dates as bureaus write them: `2024-05-12`, `20240512`, `2024年5月12日`, `2024.5.12`, `2024/5/12`,
`二〇二四年四月二十八日`, and Excel serial numbers. Pure functions, no I/O.

Only dates in a plausible range (`MIN_YEAR`–`MAX_YEAR`) are dates: `九九九九年十二月三十一日` in a
ledger is a typing error, not a day that working-day arithmetic could reach.
"""

from __future__ import annotations

import datetime as dt
import re

MIN_YEAR, MAX_YEAR = 1990, 2100  # evidence of a 信用交通县 creation is dated in this range

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}

# Arabic forms. The separators must agree (2024-5-12, 2024.5.12, 2024/5/12) or be 年月日.
_ARABIC = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:"
    r"年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*[日号]?"
    r"|(?P<sep>[-./_])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2})(?!\d)"
    r")"
)
_COMPACT = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?!\d)")
_CHINESE = re.compile(
    r"(?P<y>[〇○零Ｏ一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十]{1,4})\s*[日号]"
)
_YEAR_MONTH = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m1>\d{1,2})\s*月(?!\s*\d)|[-.](?P<m2>\d{1,2})(?!\d)(?![.\-]\d))")


def _cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十八 → 28, 三十一 → 31."""
    if "十" not in text:
        return _CN_DIGITS.get(text, -1) if len(text) == 1 else -1
    tens, _, units = text.partition("十")
    value = (_CN_DIGITS.get(tens, -1) if tens else 1) * 10
    if units:
        value += _CN_DIGITS.get(units, -100)
    return value


def plausible(day: dt.date) -> bool:
    """Within `MIN_YEAR`..`MAX_YEAR`."""
    return MIN_YEAR <= day.year <= MAX_YEAR


def _make(year: int, month: int, day: int) -> dt.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[dt.date, int]]:
    """All full dates in `text` with their start offsets, in text order."""
    found: list[tuple[dt.date, int]] = []
    for m in _ARABIC.finditer(text):
        month = m.group("m1") or m.group("m2")
        day = m.group("d1") or m.group("d2")
        date = _make(int(m.group("y")), int(month), int(day))
        if date:
            found.append((date, m.start()))
    for m in _COMPACT.finditer(text):
        date = _make(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if date:
            found.append((date, m.start()))
    for m in _CHINESE.finditer(text):
        year = int("".join(str(_CN_DIGITS[c]) for c in m.group("y")))
        date = _make(year, _cn_number(m.group("m")), _cn_number(m.group("d")))
        if date:
            found.append((date, m.start()))
    found.sort(key=lambda item: item[1])
    return found


def parse_date(value: object) -> dt.date | None:
    """One date from a cell or a string: date/datetime objects, ISO text, Chinese forms, Excel serials."""
    if isinstance(value, dt.datetime):
        return value.date() if plausible(value.date()) else None
    if isinstance(value, dt.date):
        return value if plausible(value) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return excel_serial(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # an Excel serial number exported as text
        return excel_serial(float(text))
    dates = find_dates(text)
    return dates[0][0] if dates else None


def excel_serial(serial: float) -> dt.date | None:
    """Excel's 1900 date system (serial 1 = 1900-01-01, with its phantom 1900-02-29)."""
    if not 20000 <= serial <= 80000:  # 1954 .. 2119: anything else is not a plausible date here
        return None
    day = dt.date(1899, 12, 30) + dt.timedelta(days=int(serial))
    return day if plausible(day) else None


def date_from_name(name: str) -> dt.date | None:
    """The date written in a file or folder name, if exactly one distinct date is there."""
    dates = {d for d, _ in find_dates(name)}
    return dates.pop() if len(dates) == 1 else None


def month_from_name(name: str) -> tuple[int, int] | None:
    """A year and month written in a name without a day (`2024年3月工作台账`, `2024-03`)."""
    m = _YEAR_MONTH.search(name)
    if not m:
        return None
    month, year = int(m.group("m1") or m.group("m2")), int(m.group("y"))
    return (year, month) if 1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR else None


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """`2024-01-01..2024-12-31` → (start, end); raises ValueError with a readable message."""
    start_text, sep, end_text = text.partition("..")
    if not sep:
        raise ValueError("period must be START..END, e.g. 2024-01-01..2024-12-31")
    try:
        start = dt.date.fromisoformat(start_text.strip())
        end = dt.date.fromisoformat(end_text.strip())
    except ValueError:
        raise ValueError("period dates must be YYYY-MM-DD, e.g. 2024-01-01..2024-12-31") from None
    if not (plausible(start) and plausible(end)):
        raise ValueError(f"period dates must lie between {MIN_YEAR} and {MAX_YEAR}")
    if end < start:
        raise ValueError("period end is before its start")
    return start, end


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD date given on the command line (e.g. --audit-date), in the plausible range;
    raises ValueError with a readable message."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {text!r}") from None
    if not plausible(day):
        raise ValueError(f"date must lie between {MIN_YEAR} and {MAX_YEAR}: {text}")
    return day
