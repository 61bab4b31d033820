"""Supervision compliance, worked out in the database.

One row per (active assignment x supervision requirement of its role version): the last
confirmed session of that type, the next due date and a status. The rows are one SQL query
(a join to the requirements plus correlated subqueries), however many people and sessions
there are, so a team of thousands costs what a team of three does.

Rules:
- Only confirmed sessions count, and only those at least as long as the requirement's
  minimum minutes. Sessions count whichever supervisor held them and whichever version of
  the role the person held then, so moving to a newer version keeps the clock running.
- next due = last counted session + the requirement's frequency. Someone never supervised
  in that way is due `frequency` days after they first held a version of this role that
  asked for it: a new starter is not overdue on day one, a move to a newer version does not
  restart the clock, and a type of supervision a newer version adds runs from that move.
- Status: "never" (no counted session and the first due date has passed), "overdue" (due
  date passed), "due_soon" (due within 14 days), "in_date". In date and due soon are
  compliant.
- Ended assignments, and ones that have not started yet, are not counted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.formats import date_format

from supervision.models import SessionStatus, SessionSupervisee
from workforce import access
from workforce.models import Assignment, current_q

DUE_SOON_DAYS = 14


class Status:
    NEVER = "never"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    IN_DATE = "in_date"

    LABELS = {
        NEVER: "Never supervised",
        OVERDUE: "Overdue",
        DUE_SOON: f"Due within {DUE_SOON_DAYS} days",
        IN_DATE: "In date",
    }
    COMPLIANT = (DUE_SOON, IN_DATE)


def _status_expression(today: datetime.date) -> Case:
    return Case(
        When(last_confirmed__isnull=True, next_due__lt=today, then=Value(Status.NEVER)),
        When(next_due__lt=today, then=Value(Status.OVERDUE)),
        When(
            next_due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
            then=Value(Status.DUE_SOON),
        ),
        default=Value(Status.IN_DATE),
    )


def _rank_expression() -> Case:
    # Worst first: never supervised, overdue, due soon, in date.
    return Case(
        When(status=Status.NEVER, then=Value(0)),
        When(status=Status.OVERDUE, then=Value(1)),
        When(status=Status.DUE_SOON, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def annotate_compliance(
    assignments: QuerySet[Assignment], today: datetime.date | None = None
) -> QuerySet[Assignment]:
    """Turn assignments into compliance rows: one per current assignment and requirement.

    Each row is an Assignment with requirement_id, requirement_kind, requirement_days,
    requirement_minutes, last_confirmed, required_since, next_due, status and status_rank.
    """
    today = today or timezone.localdate()
    requirement = "role_version__supervision_requirements__"
    last_confirmed = (
        SessionSupervisee.objects.filter(
            person=OuterRef("person_id"),
            kind=OuterRef("requirement_kind"),
            date__lte=today,
            session__status=SessionStatus.CONFIRMED,
            session__minutes__gte=OuterRef("requirement_minutes"),
        )
        .order_by("-date")
        .values("date")[:1]
    )
    required_since = (
        Assignment.objects.filter(
            person=OuterRef("person_id"),
            role_version__role_id=OuterRef("role_version__role_id"),
            role_version__supervision_requirements__kind=OuterRef("requirement_kind"),
            start_date__lte=today,
        )
        .order_by("start_date")
        .values("start_date")[:1]
    )
    return (
        assignments.filter(current_q(on=today))
        .annotate(
            requirement_id=F(f"{requirement}id"),
            requirement_kind=F(f"{requirement}kind"),
            requirement_days=F(f"{requirement}min_frequency_days"),
            requirement_minutes=F(f"{requirement}min_minutes"),
        )
        .filter(requirement_id__isnull=False)
        .annotate(
            last_confirmed=Subquery(last_confirmed, output_field=DateField()),
            required_since=Subquery(required_since, output_field=DateField()),
        )
        .annotate(
            next_due=Case(
                When(
                    last_confirmed__isnull=False,
                    then=ExpressionWrapper(
                        F("last_confirmed") + F("requirement_days"), output_field=DateField()
                    ),
                ),
                default=ExpressionWrapper(
                    F("required_since") + F("requirement_days"), output_field=DateField()
                ),
                output_field=DateField(),
            )
        )
        .annotate(status=_status_expression(today))
        .annotate(status_rank=_rank_expression())
    )


def _rows(user, today: datetime.date | None = None) -> QuerySet[Assignment]:
    return annotate_compliance(access.scoped(user, Assignment), today).select_related(
        "person", "team", "role_version", "supervisor__person"
    )


def _worst_first(rows: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return rows.order_by("status_rank", "next_due", "person__full_name", "pk", "requirement_id")


def my_compliance(user, today: datetime.date | None = None) -> QuerySet[Assignment]:
    """The signed-in person's own rows, most urgent first."""
    return _worst_first(_rows(user, today).filter(person__user_id=user.pk))


def supervisee_compliance(user, today: datetime.date | None = None) -> QuerySet[Assignment]:
    """Rows of the assignments `user` is the named supervisor of, overdue first."""
    return _worst_first(_rows(user, today).filter(supervisor_id=user.pk))


def team_compliance(
    user, team, *, status: str = "", today: datetime.date | None = None
) -> QuerySet[Assignment]:
    rows = _rows(user, today).filter(team=team)
    if status in Status.LABELS:
        rows = rows.filter(status=status)
    return _worst_first(rows)


def organisation_compliance(
    user, organisation, *, today: datetime.date | None = None
) -> QuerySet[Assignment]:
    return _worst_first(_rows(user, today).filter(team__organisation=organisation))


@dataclass
class Summary:
    """Counts of compliance rows, for one team or a whole organisation."""

    name: str
    pk: int | None = None
    total: int = 0
    in_date: int = 0
    due_soon: int = 0
    overdue: int = 0
    never: int = 0

    @property
    def compliant(self) -> int:
        return self.in_date + self.due_soon

    @property
    def percent_compliant(self) -> int | None:
        # Rounded down, so "100%" is only ever shown when everyone really is in date.
        return None if not self.total else self.compliant * 100 // self.total

    def add(self, other: Summary) -> None:
        for name in ("total", "in_date", "due_soon", "overdue", "never"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _status_counts(rows: QuerySet[Assignment], today: datetime.date, **keys: str) -> list[dict]:
    """Counts of rows per status, grouped by `keys` ({alias: field}), in one query.

    The status is worked out once per row from the row's two subqueries (last confirmed
    session, required since), in an outer query. Counting with
    ``Count(filter=Q(status=...))`` on the annotated rows instead repeats the whole status
    expression, and so both subqueries, in every FILTER: about sixteen subquery runs per
    row rather than two, which made the organisation's compliance page take tens of
    seconds with a few thousand people (bench/README.md).
    """
    inner = (
        rows.order_by()
        .annotate(**{f"key_{alias}": F(field) for alias, field in keys.items()})
        .values(
            *[f"key_{alias}" for alias in keys],
            "last_confirmed",
            "required_since",
            "requirement_days",
        )
    )
    sql, params = inner.query.sql_with_params()
    columns = ", ".join(f'"key_{alias}"' for alias in keys)
    group = f"GROUP BY {columns}" if keys else ""
    select_keys = f"{columns}, " if keys else ""
    query = f"""
        SELECT {select_keys}count(*) AS total,
               count(*) FILTER (WHERE status = %s) AS {Status.NEVER},
               count(*) FILTER (WHERE status = %s) AS {Status.OVERDUE},
               count(*) FILTER (WHERE status = %s) AS {Status.DUE_SOON},
               count(*) FILTER (WHERE status = %s) AS {Status.IN_DATE}
          FROM (SELECT {select_keys}
                       CASE WHEN last_confirmed IS NULL AND next_due < %s THEN %s
                            WHEN next_due < %s THEN %s
                            WHEN next_due <= %s THEN %s
                            ELSE %s END AS status
                  FROM (SELECT q.*, coalesce(q.last_confirmed + q.requirement_days,
                                             q.required_since + q.requirement_days) AS next_due
                          FROM ({sql}) q) due) rows
         {group}
    """  # noqa: S608 - only our own compiled SQL and fixed aliases are interpolated
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    # Placeholders in text order: the FILTERs, the CASE, then the inner query's own.
    values = [
        Status.NEVER,
        Status.OVERDUE,
        Status.DUE_SOON,
        Status.IN_DATE,
        today,
        Status.NEVER,
        today,
        Status.OVERDUE,
        soon,
        Status.DUE_SOON,
        Status.IN_DATE,
        *params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(query, values)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _grouped(
    rows: QuerySet[Assignment], key: str, label: str, today: datetime.date
) -> list[Summary]:
    counted = _status_counts(rows, today, pk=key, label=label)
    counted.sort(key=lambda row: (row["key_label"] or "", row["key_pk"] or 0))
    return [
        Summary(
            name=row["key_label"] or "",
            pk=row["key_pk"],
            total=row["total"],
            **{status: row[status] for status in Status.LABELS},
        )
        for row in counted
    ]


def organisation_summaries(
    user, organisation, *, today: datetime.date | None = None
) -> tuple[Summary, list[Summary], list[Summary]]:
    """(the organisation's totals, one summary per team, one per named supervisor), each
    counted by the database in one grouped query."""
    today = today or timezone.localdate()
    rows = annotate_compliance(access.scoped(user, Assignment), today).filter(
        team__organisation=organisation
    )
    teams = _grouped(rows, "team_id", "team__name", today)
    supervisors = _grouped(rows, "supervisor_id", "supervisor__person__full_name", today)
    total = Summary(name=organisation.name, pk=organisation.pk)
    for summary in teams:
        total.add(summary)
    return total, teams, supervisors


def month_ends(today: datetime.date, months: int) -> list[datetime.date]:
    """Today, then the last day of each month before it: `months` dates, oldest first."""
    days = [today]
    while len(days) < months:
        days.append(days[-1].replace(day=1) - datetime.timedelta(days=1))
    return list(reversed(days))


def monthly_summaries(
    user, organisation, *, months: int = 12, today: datetime.date | None = None
) -> list[Summary]:
    """The organisation's compliance at the end of each of the last `months` months (today
    for this one): one aggregate query per month, however many people there are.

    Assignments are taken as they were on each date; sessions as they stand now, so a log
    confirmed late counts from the day the session happened.
    """
    today = today or timezone.localdate()
    summaries = []
    for day in month_ends(today, months):
        rows = annotate_compliance(access.scoped(user, Assignment), day).filter(
            team__organisation=organisation
        )
        (totals,) = _status_counts(rows, day)
        summaries.append(Summary(name=date_format(day, "F Y"), **totals))
    return summaries


def default_kind(user, today: datetime.date | None = None) -> str | None:
    """The type of supervision the signed-in person most needs next, if they have any."""
    return my_compliance(user, today).values_list("requirement_kind", flat=True).first()
