from __future__ import annotations

import datetime as dt

import pytest

from credit_check.workdays import CalendarError, WorkCalendar, deadline, working_days_between

D = dt.date


# Hand counts (decision day = day 0; deadline = 7th working day after it):
# Spring Festival 2024: off Sat 02-10 .. Sat 02-17; make-up working days Sun 02-04 and Sun 02-18.
# National Day 2024: off Tue 10-01 .. Mon 10-07; make-up working days Sun 09-29 and Sat 10-12.
@pytest.mark.parametrize(("decision", "expected"), [
    # Thu 02-01 → Fri 2 (1), Sun 4 make-up (2), Mon 5..Fri 9 (3..7)
    (D(2024, 2, 1), D(2024, 2, 9)),
    # Wed 02-07 → Thu 8 (1), Fri 9 (2), Sun 18 make-up (3), Mon 19..Thu 22 (4..7); weekdays alone say 02-16
    (D(2024, 2, 7), D(2024, 2, 22)),
    # Wed 09-25 → Thu 26 (1), Fri 27 (2), Sun 29 make-up (3), Mon 30 (4), Tue 10-08..Thu 10-10 (5..7)
    (D(2024, 9, 25), D(2024, 10, 10)),
    # Mon 09-30 → Tue 10-08..Fri 10-11 (1..4), Sat 10-12 make-up (5), Mon 14 (6), Tue 15 (7)
    (D(2024, 9, 30), D(2024, 10, 15)),
    # An ordinary week: Mon 05-13 → Tue 14 .. Wed 22 skipping the weekend
    (D(2024, 5, 13), D(2024, 5, 22)),
])
def test_deadline_across_holidays(decision: dt.date, expected: dt.date) -> None:
    assert deadline(decision, 7) == expected
    assert working_days_between(decision, expected) == 7
    assert working_days_between(decision, expected + dt.timedelta(days=1)) >= 7


def test_working_days_between_counts_make_up_days_and_is_signed() -> None:
    # Sat 02-03 (off), Sun 02-04 (make-up: on) → one working day in (02-02, 02-04]
    assert working_days_between(D(2024, 2, 2), D(2024, 2, 4)) == 1
    assert working_days_between(D(2024, 2, 10), D(2024, 2, 17)) == 0
    assert working_days_between(D(2024, 2, 9), D(2024, 2, 1)) == -working_days_between(D(2024, 2, 1), D(2024, 2, 9))
    assert working_days_between(D(2024, 5, 13), D(2024, 5, 13)) == 0


def test_uncovered_year_raises_clear_error() -> None:
    with pytest.raises(CalendarError) as info:
        deadline(D(2099, 3, 2), 7)
    assert info.value.year == 2099
    assert "settings.holidays" in str(info.value)


def test_user_supplied_days_cover_a_new_year() -> None:
    # 2099-03-02 is a Monday. Declare Tue 03-03 a holiday and Sat 03-07 a make-up working day.
    cal = WorkCalendar(holidays=[D(2099, 3, 3)], workdays=[D(2099, 3, 7)])
    # Wed 4 (1), Thu 5 (2), Fri 6 (3), Sat 7 (4), Mon 9 (5), Tue 10 (6), Wed 11 (7)
    assert cal.deadline(D(2099, 3, 2), 7) == D(2099, 3, 11)
    cal.check_year(2099)
    with pytest.raises(CalendarError):
        cal.check_year(2098)


def test_user_days_override_package_schedule() -> None:
    cal = WorkCalendar(holidays=[D(2024, 5, 14)])
    assert not cal.is_workday(D(2024, 5, 14))
    assert cal.deadline(D(2024, 5, 13), 7) == D(2024, 5, 23)
