"""The periods payments are counted over: UK tax years, weeks and calendar months."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def tax_year_start(day: date) -> date:
    """The UK tax year runs 6 April to 5 April."""
    start = date(day.year, 4, 6)
    return start if day >= start else date(day.year - 1, 4, 6)


def tax_year_bounds(day: date) -> tuple[date, date]:
    start = tax_year_start(day)
    return start, date(start.year + 1, 4, 5)


def tax_year_label(day: date) -> str:
    """E.g. "2025/26" for any day from 6 April 2025 to 5 April 2026."""
    start = tax_year_start(day)
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def tax_year_from_label(label: str) -> date | None:
    """The first day of the tax year named like "2025/26", or None if it is not one."""
    try:
        first, second = label.split("/")
        year = int(first)
    except (AttributeError, ValueError):
        return None
    if not (2000 <= year <= 2100) or second != f"{(year + 1) % 100:02d}":
        return None
    return date(year, 4, 6)


def week_bounds(day: date) -> tuple[date, date]:
    """Monday to Sunday, the week benefits rules such as ESA permitted work count by."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_bounds(day: date) -> tuple[date, date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def _uc_period_start_in(year: int, month: int, start_day: int) -> date:
    """The day a Universal Credit assessment period begins in this month.

    The Universal Credit Regulations 2013, regulation 21(2) (legislation.gov.uk,
    https://www.legislation.gov.uk/uksi/2013/376/regulation/21): each period begins on the
    same day of each month, except that a claim starting on the 31st begins on the last day
    of each month, and one starting on the 29th or 30th begins on the 27th of February (the
    28th in a leap year).
    """
    last = calendar.monthrange(year, month)[1]
    if start_day == 31:
        return date(year, month, last)
    if start_day in (29, 30) and month == 2:
        return date(year, 2, 28 if calendar.isleap(year) else 27)
    return date(year, month, min(start_day, last))


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def uc_assessment_bounds(day: date, start_day: int) -> tuple[date, date]:
    """The Universal Credit assessment period containing `day`, for a claim whose first day
    of entitlement fell on `start_day` of a month (1 to 31). A period ends the day before
    the next one begins."""
    if not 1 <= start_day <= 31:
        raise ValueError("An assessment period starts on a day from 1 to 31.")
    start = _uc_period_start_in(day.year, day.month, start_day)
    if day < start:
        start = _uc_period_start_in(*_month_before(day.year, day.month), start_day)
    following = _uc_period_start_in(*_month_after(start.year, start.month), start_day)
    return start, following - timedelta(days=1)
