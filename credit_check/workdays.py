"""PRC working days: the State Council holiday schedule with its make-up working days (调休).

The schedule comes from the `chinese-calendar` package (it covers 2004 up to the year its release
knows, currently 2026). Users add days for other years in the catalogue (`settings.holidays`,
`settings.workdays`); a year named there is counted as weekdays plus those days. A year that
neither covers raises `CalendarError` — never a silent weekday count, which is wrong around
every holiday.

Counting rule (DOMAIN.md): the decision day is day 0; the deadline is the n-th working day after
it; publication on or before the deadline is on time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import chinese_calendar

from credit_check.dates import MAX_YEAR, MIN_YEAR


class CalendarError(ValueError):
    """A date in a year that neither chinese-calendar nor the user's lists cover."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year} 年的法定节假日安排未知（chinese-calendar 未收录），请在目录 settings.holidays / "
            f"settings.workdays 中补充该年的放假和调休日期 / the holiday schedule for {year} is unknown: "
            "add its holidays and make-up working days to settings.holidays / settings.workdays"
        )


class WorkCalendar:
    """Working days from chinese-calendar plus user-supplied holidays and make-up working days."""

    def __init__(self, holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = ()) -> None:
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        # A year the user wrote any day for is a year the user vouches for.
        self.user_years = frozenset(d.year for d in self.holidays | self.workdays)
        self.is_workday = lru_cache(maxsize=8192)(self._is_workday)

    def _is_workday(self, day: dt.date) -> bool:
        if not MIN_YEAR <= day.year <= MAX_YEAR:  # never counted: no schedule, and date.max is near
            raise CalendarError(day.year)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year in self.user_years:
                return day.weekday() < 5
            raise CalendarError(day.year) from None

    def check_year(self, year: int) -> None:
        """Raise `CalendarError` unless `year` is covered."""
        self.is_workday(dt.date(year, 6, 30))

    def deadline(self, decision_date: dt.date, n_working_days: int) -> dt.date:
        """The n-th working day after `decision_date` (the decision day itself is day 0). A date
        outside `dates.MIN_YEAR`..`MAX_YEAR` raises `CalendarError`, never `OverflowError`."""
        day, counted = decision_date, 0
        self.is_workday(decision_date)
        while counted < n_working_days:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days d with a < d <= b (negative, counted the same way, when b is before a)."""
        if b < a:
            return -self.working_days_between(b, a)
        self.is_workday(a)
        self.is_workday(b)
        count, day = 0, a
        while day < b:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


_DEFAULT = WorkCalendar()


def deadline(decision_date: dt.date, n_working_days: int, calendar: WorkCalendar | None = None) -> dt.date:
    return (calendar or _DEFAULT).deadline(decision_date, n_working_days)


def working_days_between(a: dt.date, b: dt.date, calendar: WorkCalendar | None = None) -> int:
    return (calendar or _DEFAULT).working_days_between(a, b)
