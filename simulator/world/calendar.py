"""Public-holiday calendars (US federal, UK England & Wales) computed by rule for any year range."""

from __future__ import annotations

import datetime as dt


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based; -1 = last) given weekday (Mon=0) of a month."""
    if n > 0:
        d = dt.date(year, month, 1)
        d += dt.timedelta(days=(weekday - d.weekday()) % 7)
        return d + dt.timedelta(weeks=n - 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    d = nxt - dt.timedelta(days=1)
    return d - dt.timedelta(days=(d.weekday() - weekday) % 7)


def _observed(d: dt.date) -> dt.date:
    """US rule: a Saturday holiday is observed on Friday, a Sunday one on Monday."""
    if d.weekday() == 5:
        return d - dt.timedelta(days=1)
    if d.weekday() == 6:
        return d + dt.timedelta(days=1)
    return d


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month = (h + m - 7 * n + 114) // 31
    day = (h + m - 7 * n + 114) % 31 + 1
    return dt.date(year, month, day)


def us_holidays(year: int) -> set[dt.date]:
    """US federal holidays (the days US banks close)."""
    return {
        _observed(dt.date(year, 1, 1)),
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _observed(dt.date(year, 6, 19)),
        _observed(dt.date(year, 7, 4)),
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _observed(dt.date(year, 11, 11)),
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
        _observed(dt.date(year, 12, 25)),
    }


def uk_holidays(year: int) -> set[dt.date]:
    """England & Wales bank holidays (substitute days simplified to the next weekday)."""

    def sub(d: dt.date) -> dt.date:
        while d.weekday() >= 5:
            d += dt.timedelta(days=1)
        return d

    e = easter(year)
    christmas = sub(dt.date(year, 12, 25))
    boxing = sub(max(dt.date(year, 12, 26), christmas + dt.timedelta(days=1)))
    return {
        sub(dt.date(year, 1, 1)),
        e - dt.timedelta(days=2),
        e + dt.timedelta(days=1),
        _nth_weekday(year, 5, 0, 1),
        _nth_weekday(year, 5, 0, -1),
        _nth_weekday(year, 8, 0, -1),
        christmas,
        boxing,
    }


def holiday_calendars(first_year: int = 2020, last_year: int = 2035) -> dict[str, frozenset[dt.date]]:
    """Holiday sets per calendar name for a range of years."""
    us: set[dt.date] = set()
    uk: set[dt.date] = set()
    for y in range(first_year, last_year + 1):
        us |= us_holidays(y)
        uk |= uk_holidays(y)
    return {"US": frozenset(us), "UK": frozenset(uk)}
