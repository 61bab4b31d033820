"""Deadlines for incident steps: working days, the acknowledgement clock, and "how overdue".

Working days skip weekends and the bank holidays of England and Wales. The table below is a
small dated table kept in code on purpose: it changes once a year, needs no network or extra
package, and a system check (checks.py) warns when it no longer covers the coming year.
Source: gov.uk/bank-holidays for 2024-2027; 2028 follows the usual rules (substitute days
when Christmas, Boxing Day or New Year's Day fall at a weekend) and should be checked
against gov.uk once published, in case a one-off holiday is added.

All times are timezone-aware; "a day" is a day in Europe/London (settings.TIME_ZONE).
"""

from __future__ import annotations

import contextvars
import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils import timezone

BANK_HOLIDAYS_ENGLAND_AND_WALES = frozenset(
    datetime.date.fromisoformat(day)
    for day in (
        # 2024
        "2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06",
        "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26",
        # 2025
        "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05",
        "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26",
        # 2026 (Boxing Day is a Saturday: substitute Monday 28 December)
        "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04",
        "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28",
        # 2027 (Christmas is a Saturday: substitutes Monday 27 and Tuesday 28 December)
        "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03",
        "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28",
        # 2028 (New Year's Day is a Saturday: substitute Monday 3 January)
        "2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01",
        "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26",
    )
)  # fmt: skip
FIRST_YEAR_COVERED = min(BANK_HOLIDAYS_ENGLAND_AND_WALES).year
LAST_YEAR_COVERED = max(BANK_HOLIDAYS_ENGLAND_AND_WALES).year

# Defaults from the spec; each organisation may set its own (IncidentPolicy).
DEFAULT_TRIAGE_WORKING_DAYS = 2
DEFAULT_ACKNOWLEDGE_HOURS = 24
# For critical severity or a child at risk (alone or with an adult).
DEFAULT_ACKNOWLEDGE_URGENT_HOURS = 4


# --- The clock. Services read the time here, so demo data can be dated in the past and
# tests can stand at a known moment; in normal running it is simply timezone.now().
_frozen_at: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "incidents_frozen_at", default=None
)


def now() -> datetime.datetime:
    return _frozen_at.get() or timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())


@contextmanager
def frozen(at: datetime.datetime):
    """Make now() return `at` inside the block (demo data and tests only)."""
    if timezone.is_naive(at):
        raise ValueError("frozen() needs an aware datetime")
    token = _frozen_at.set(at)
    try:
        yield at
    finally:
        _frozen_at.reset(token)


# --- Working days.


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS_ENGLAND_AND_WALES


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The `count`th working day after `day` (`day` itself never counts)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    current = day
    while count:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last second of `day`, local time, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def triage_due(reported_at: datetime.datetime, working_days: int) -> datetime.datetime:
    """ "Within N working days": by the end of the Nth working day after the day it was
    reported. Reported on Monday with 2 days: end of Wednesday. On Friday: end of Tuesday.
    On a Saturday: end of Tuesday (Monday is the first working day after it)."""
    return end_of_day(add_working_days(timezone.localdate(reported_at), working_days))


def needs_urgent_acknowledgement(*, severity: str, safeguarding: str) -> bool:
    return severity == "critical" or safeguarding in ("child", "both")


def acknowledge_due(
    escalated_at: datetime.datetime, *, severity: str, safeguarding: str, policy: Policy
) -> datetime.datetime:
    """Clock hours, not working hours: safeguarding does not wait for Monday."""
    urgent = needs_urgent_acknowledgement(severity=severity, safeguarding=safeguarding)
    hours = policy.acknowledge_urgent_hours if urgent else policy.acknowledge_hours
    return escalated_at + datetime.timedelta(hours=hours)


def action_due(due_on: datetime.date) -> datetime.datetime:
    """An action is due by the end of its due date."""
    return end_of_day(due_on)


@dataclass(frozen=True)
class Policy:
    triage_working_days: int = DEFAULT_TRIAGE_WORKING_DAYS
    acknowledge_hours: int = DEFAULT_ACKNOWLEDGE_HOURS
    acknowledge_urgent_hours: int = DEFAULT_ACKNOWLEDGE_URGENT_HOURS


def policy_for(organisation_id: int) -> Policy:
    """The organisation's deadlines, or the defaults if it has not set its own."""
    from supervision.incidents.models import IncidentPolicy

    row = IncidentPolicy.objects.filter(organisation_id=organisation_id).first()
    if row is None:
        return Policy()
    return Policy(
        triage_working_days=row.triage_working_days,
        acknowledge_hours=row.acknowledge_hours,
        acknowledge_urgent_hours=row.acknowledge_urgent_hours,
    )


# --- Saying how late something is.


def overdue_by(due: datetime.datetime | None, at: datetime.datetime | None = None):
    """How long past `due` it is at `at` (now by default), or None if not overdue."""
    if due is None:
        return None
    late = (at or now()) - due
    return late if late > datetime.timedelta(0) else None


def describe_duration(delta: datetime.timedelta) -> str:
    """ "2 days 3 hours", "5 hours 10 minutes", "12 minutes": the two largest units."""
    minutes = max(1, int(delta.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    for amount, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")):
        if amount:
            parts.append(f"{amount} {unit}{'' if amount == 1 else 's'}")
    return " ".join(parts[:2])
