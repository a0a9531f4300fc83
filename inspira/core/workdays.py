"""Swedish working days, for deadlines such as "five working days before the visit".

A working day is a weekday (Monday to Friday) that is not a Swedish public holiday. Besides the
public holidays proper, Midsummer Eve, Christmas Eve and New Year's Eve count as holidays: by law
and collective agreements they are treated as Sundays (the ``holidays`` package calls them
"de facto" holidays), and schools are closed.
"""

from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.utils import translation


@lru_cache(maxsize=32)
def _holidays_of(year: int) -> frozenset[date]:
    # include_sundays=False: the package otherwise lists every Sunday as a Swedish holiday.
    calendar = holidays.Sweden(years=[year], include_sundays=False, categories=("public", "de_facto"))
    return frozenset(calendar.keys())


@lru_cache(maxsize=32)
def _holiday_names(year: int, language: str) -> dict[date, str]:
    calendar = holidays.Sweden(years=[year], include_sundays=False, categories=("public", "de_facto"),
                               language=language)
    return dict(calendar.items())


def holiday_name(day: date) -> str | None:
    """The holiday's name in the active language (Swedish or English), or None on other days."""
    language = "sv" if (translation.get_language() or "sv").startswith("sv") else "en_US"
    return _holiday_names(day.year, language).get(day)


def is_holiday(day: date) -> bool:
    return day in _holidays_of(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def _step(day: date, count: int, direction: int, is_working: Callable[[date], bool]) -> date:
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=direction)
        if is_working(current):
            remaining -= 1
    return current


def working_days_before(day: date, count: int, is_working: Callable[[date], bool] = is_working_day) -> date:
    """The ``count``-th working day before ``day`` (``day`` itself is not counted).

    With ``count`` 0, ``day`` itself. ``is_working`` narrows the calendar, e.g. to the days an office
    is open as well.
    """
    return _step(day, count, -1, is_working)


def working_days_after(day: date, count: int, is_working: Callable[[date], bool] = is_working_day) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself is not counted); ``day`` for 0."""
    return _step(day, count, 1, is_working)
