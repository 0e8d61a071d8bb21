from __future__ import annotations

import datetime as dt

import pytest

from credit_check.dates import date_from_name, find_dates, month_from_name, parse_date, parse_period

D = dt.date


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-05-12 会议", D(2024, 5, 12)), ("会议20240512.pdf", D(2024, 5, 12)), ("2024年5月12日", D(2024, 5, 12)),
    ("2024.5.12", D(2024, 5, 12)), ("2024/5/6", D(2024, 5, 6)), ("2024 年 4 月 28 日", D(2024, 4, 28)),
    ("二〇二四年四月二十八日", D(2024, 4, 28)), ("二〇二四年十二月三十一日", D(2024, 12, 31)),
    ("二〇二四年十月十日", D(2024, 10, 10)),
])
def test_find_dates_forms(text: str, expected: dt.date) -> None:
    assert find_dates(text)[0][0] == expected


@pytest.mark.parametrize("text", ["2024-13-01", "2024年2月30日", "20241340", "12345678901234567890", "1.1 成立"])
def test_no_false_dates(text: str) -> None:
    assert find_dates(text) == []


def test_name_with_two_different_dates_is_ambiguous() -> None:
    assert date_from_name("2024-01-01至2024-03-31 台账.xlsx") is None
    assert date_from_name("2024-01-01 会议 20240101.pdf") == D(2024, 1, 1)


def test_month_names_and_values() -> None:
    assert month_from_name("2024年3月工作台账.xlsx") == (2024, 3)
    assert month_from_name("台账 2024-11.xlsx") == (2024, 11)
    assert parse_date(45423) == D(2024, 5, 11)  # Excel serial
    assert parse_date("45423") == D(2024, 5, 11)
    assert parse_date(dt.datetime(2024, 1, 2, 3, 4)) == D(2024, 1, 2)
    assert parse_date("") is None and parse_date(None) is None


def test_parse_period() -> None:
    assert parse_period("2024-01-01..2024-06-30") == (D(2024, 1, 1), D(2024, 6, 30))
    for bad in ("2024", "2024-01-01..x", "2024-06-30..2024-01-01"):
        with pytest.raises(ValueError):
            parse_period(bad)
