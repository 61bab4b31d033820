"""What every workforce service shares: the domain error and the audit diff helper."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.db import models


class WorkforceError(Exception):
    """A broken rule, in plain English, safe to show to the person who tried."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        # The form field the problem is about, if any, so a view can show it beside it.
        self.field = field


def jsonable(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict:
    return {name: jsonable(getattr(obj, name)) for name in fields}


def diff(before: dict, after: dict) -> dict[str, list]:
    """{"field": [before, after]} for the fields that changed: the audit entry's `changes`."""
    return {
        name: [before.get(name), after[name]] for name in after if before.get(name) != after[name]
    }


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day if it has no such day (31 Jan + 1
    month is 28 or 29 Feb), as certificates are usually dated."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
