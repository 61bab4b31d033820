"""Reading the query string: what a link, a bookmark or a hand-typed address asks a page for.

Anything can arrive there (a date in year 9999, an id of thirty digits, a NUL byte, ten
thousand characters), so a page reads its GET parameters only through `Query`. Each read
returns a value the page can use, or the default with a plain-English message in `errors`
for the page to show; it never raises. Dates are kept within `EARLIEST_DATE` and
`latest_date()`, so month and tax-year arithmetic on them cannot leave the calendar, and
ids within what the database's integer columns hold.

GET filter forms (Django forms) use `BoundedDateField` for the same date range.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable, Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

# The records start in this century; a year ahead leaves room for planned work.
EARLIEST_DATE = datetime.date(2000, 1, 1)
MAX_ID = 2**31 - 1  # PostgreSQL's integer, the type of every primary key here
MAX_PAGE = 100_000
MAX_TEXT = 100  # a search box: longer text is cut, not refused


def latest_date() -> datetime.date:
    """31 December of next year."""
    return datetime.date(timezone.localdate().year + 1, 12, 31)


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def date_range_message(label: str) -> str:
    return (
        f"{label} must be a date like 2026-04-30 between {_long(EARLIEST_DATE)} "
        f"and {_long(latest_date())}"
    )


def clean_text(value: str, max_length: int = MAX_TEXT) -> str:
    """`value` without control characters (NUL included: PostgreSQL refuses it in text),
    trimmed and cut to `max_length`."""
    kept = "".join(c for c in value[: max_length * 4] if unicodedata.category(c) != "Cc")
    return kept.strip()[:max_length]


def parse_date(value: str) -> datetime.date | None:
    """An ISO date (2026-04-30) within the allowed range, or None."""
    text = value.strip()
    if len(text) != 10:
        return None
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= latest_date() else None


def parse_id(value: str) -> int | None:
    """A positive whole number a primary key can hold, or None."""
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class Query:
    """The GET parameters of one request, each read once into a usable value.

    With a parameter repeated, the last one counts (as Django's `QueryDict.get`)."""

    def __init__(self, params: Mapping):
        self.params = params
        self.errors: list[str] = []

    def raw(self, name: str) -> str:
        value = self.params.get(name, "")
        return value if isinstance(value, str) else ""

    def given(self, name: str) -> bool:
        return bool(self.raw(name).strip())

    def text(self, name: str, *, max_length: int = MAX_TEXT) -> str:
        return clean_text(self.raw(name), max_length)

    def date(
        self, name: str, *, label: str, default: datetime.date | None = None
    ) -> datetime.date | None:
        if not self.given(name):
            return default
        day = parse_date(self.raw(name))
        if day is None:
            self.errors.append(f"{date_range_message(label)}; {_fallback(default)}.")
            return default
        return day

    def id(
        self, name: str, *, message: str = "", allowed: Iterable[int] | None = None
    ) -> int | None:
        """An id, None if absent or (with `message`, if given, saying what is shown
        instead) not a valid id or, with `allowed`, not one of those."""
        if not self.given(name):
            return None
        number = parse_id(self.raw(name))
        if number is None or (allowed is not None and number not in set(allowed)):
            if message:
                self.errors.append(message)
            return None
        return number

    def choice(self, name: str, allowed: Iterable[str], *, default: str = "", message: str = ""):
        """One of `allowed`, else `default` (with `message`, if given, when something else
        was asked for)."""
        value = self.raw(name)
        if value in set(allowed):
            return value
        if value and message:
            self.errors.append(message)
        return default

    def page(self, name: str = "page") -> int:
        """A page number from 1; the paginator shows the last page for one past the end."""
        text = self.raw(name).strip()
        if text.isascii() and text.isdigit() and len(text) <= 6:
            return max(1, min(int(text), MAX_PAGE))
        return 1


def _fallback(default) -> str:
    return "the default is shown instead" if default is not None else "it was left out"


def page_number(request, name: str = "page") -> int:
    """`?page=` as a number the paginator can use, whatever was sent."""
    return Query(request.GET).page(name)


class BoundedDateField(forms.DateField):
    """A date field of a GET filter form: an ISO date in the allowed range."""

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not (EARLIEST_DATE <= day <= latest_date()):
            raise ValidationError(f"{date_range_message('The date')}.", code="out_of_range")
        return day
