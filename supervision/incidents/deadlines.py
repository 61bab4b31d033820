"""Deadlines for incident steps: working days, the acknowledgement clock, and "how overdue".

Working days skip weekends and the bank holidays of the organisation's own nation: Scotland
keeps 2 January and St Andrew's Day but not Easter Monday, Northern Ireland keeps St
Patrick's Day and 12 July. The dates come from the maintained `holidays` package
(vacanza/holidays, https://github.com/vacanza/holidays; its UK calendar follows
https://www.gov.uk/bank-holidays, including substitute days and one-off holidays), so no
table here needs updating each year. Every caller names the nation: there is no default.

All times are timezone-aware; "a day" is a day in Europe/London (settings.TIME_ZONE), which
is the clock of all four nations. Clock-hour deadlines are counted in UTC, so the spring and
autumn clock changes neither take an hour away nor add one.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
from contextlib import contextmanager
from dataclasses import dataclass

import holidays
from django.utils import timezone

# The UK subdivision (ISO 3166-2:GB) of each nation an organisation can record: the
# `holidays` package's UK calendar is asked for that nation's bank holidays.
SUBDIVISIONS = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern_ireland": "NIR",
}

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


@functools.cache
def _calendar(nation: str) -> holidays.HolidayBase:
    try:
        subdivision = SUBDIVISIONS[nation]
    except KeyError:
        raise ValueError(f"unknown nation {nation!r}") from None
    # Years are filled in as they are asked for, so the calendar never runs out.
    return holidays.UK(subdiv=subdivision)


def bank_holiday(day: datetime.date, *, nation: str) -> str | None:
    """The name of the bank holiday on `day` in `nation`, or None."""
    return _calendar(nation).get(day)


def is_working_day(day: datetime.date, *, nation: str) -> bool:
    return day.weekday() < 5 and day not in _calendar(nation)


def add_working_days(day: datetime.date, count: int, *, nation: str) -> datetime.date:
    """The `count`th working day in `nation` after `day` (`day` itself never counts)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    current = day
    while count:
        current += datetime.timedelta(days=1)
        if is_working_day(current, nation=nation):
            count -= 1
    return current


def upcoming_bank_holidays(
    day: datetime.date, *, nation: str, count: int = 3
) -> list[tuple[datetime.date, str]]:
    """The next `count` bank holidays in `nation` from `day` on, as (date, name)."""
    _calendar(nation)  # refuses an unknown nation
    coming = holidays.UK(subdiv=SUBDIVISIONS[nation], years=(day.year, day.year + 1))
    return sorted((d, name) for d, name in coming.items() if d >= day)[:count]


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last second of `day`, local time, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def triage_due(
    reported_at: datetime.datetime, working_days: int, *, nation: str
) -> datetime.datetime:
    """ "Within N working days": by the end of the Nth working day in the organisation's
    nation after the day it was reported. Reported on Monday with 2 days: end of Wednesday.
    On Friday: end of Tuesday. On a Saturday: end of Tuesday (Monday is the first working
    day after it)."""
    day = timezone.localdate(reported_at)
    return end_of_day(add_working_days(day, working_days, nation=nation))


def needs_urgent_acknowledgement(*, severity: str, safeguarding: str) -> bool:
    return severity == "critical" or safeguarding in ("child", "both")


def acknowledge_due(
    escalated_at: datetime.datetime, *, severity: str, safeguarding: str, policy: Policy
) -> datetime.datetime:
    """Clock hours, not working hours: safeguarding does not wait for Monday. Counted in UTC:
    adding hours to a local time would add wall-clock hours, one too many or too few on the
    night the clocks change."""
    urgent = needs_urgent_acknowledgement(severity=severity, safeguarding=safeguarding)
    hours = policy.acknowledge_urgent_hours if urgent else policy.acknowledge_hours
    return escalated_at.astimezone(datetime.UTC) + datetime.timedelta(hours=hours)


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
    # Inside the function: the models import this module's pure deadline rules (a cycle).
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
