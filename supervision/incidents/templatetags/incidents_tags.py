"""Deadlines and chronology changes in plain English, for the incident templates."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from supervision.incidents import deadlines
from supervision.incidents.models.choices import Category, Outcome, Safeguarding, Severity, State

register = template.Library()

_LABELS = {
    "occurred_on": "Date it happened",
    "occurred_time": "Time it happened",
    "category": "Kind of boundary",
    "exclusion_text": "Part of the role crossed",
    "severity": "Severity",
    "safeguarding": "Safeguarding concern",
    "acknowledge_due_at": "Acknowledge by",
    "state": "State",
    "worker_restricted": "Hidden from the worker",
    "peak_severity": "Most serious severity recorded",
    "peak_safeguarding": "Most serious safeguarding concern recorded",
}
_CHOICES = {
    "category": Category,
    "severity": Severity,
    "safeguarding": Safeguarding,
    "state": State,
    "outcome": Outcome,
    "peak_severity": Severity,
    "peak_safeguarding": Safeguarding,
}


@register.filter
def when(moment: datetime.datetime | None) -> str:
    """ "23:59 on Wednesday 4 March 2026"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"


@register.filter
def overdue_text(due: datetime.datetime | None) -> str:
    late = deadlines.overdue_by(due)
    return f"overdue by {deadlines.describe_duration(late)}" if late else ""


def _readable(name: str, value) -> str:
    if value in (None, ""):
        return "None" if name == "exclusion_text" else "Not given"
    if name in _CHOICES:
        try:
            return str(_CHOICES[name](value).label)
        except ValueError:
            return str(value)
    if name == "occurred_on":
        day = parse_date(value)
        return f"{day.day} {day:%B %Y}" if day else str(value)
    if name == "occurred_time":
        moment = parse_time(value)
        return f"{moment:%H:%M}" if moment else str(value)
    if name == "acknowledge_due_at":
        return when(parse_datetime(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


@register.simple_tag
def change_rows(event) -> list[tuple[str, str, str]]:
    """(what, before, after) for each value a step changed, in plain English."""
    if not event.before:
        return []
    return [
        (label, _readable(name, event.before.get(name)), _readable(name, event.after.get(name)))
        for name, label in _LABELS.items()
        if name in event.before or name in event.after
    ]
