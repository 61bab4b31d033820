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
