"""Supervision compliance, worked out in the database.

One row per (active assignment x supervision requirement of its role version): the last
confirmed session of that type, the next due date and a status. The rows are one SQL query
(a join to the requirements plus correlated subqueries), however many people and sessions
there are, so a team of thousands costs what a team of three does.

Rules:
- Only confirmed sessions count (for a group, for each attendee who confirmed their own
  presence; a withdrawn session for nobody), and only those at least as long as the requirement's
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

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    CharField,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone
from django.utils.formats import date_format

from supervision.choices import DUE_SOON_DAYS, Answer
from supervision.choices import ComplianceStatus as Status
from supervision.models import SessionStatus, SessionSupervisee, SupervisionSession
from workforce.organisations import access
from workforce.platform import figures
from workforce.register.models import Assignment, Person, current_q

# Whether a supervisee link counts: the attendee's own answer, or the session's status for a
# link without one. The due-date refresh in migration 0005 holds the same test.
COUNTED = Q(withdrawn=False) & (
    Q(answer=Answer.CONFIRMED) | Q(answer=Answer.NONE, session__status=SessionStatus.CONFIRMED)
)
COUNTED_SQL = (
    f"NOT s.withdrawn AND (s.answer = '{Answer.CONFIRMED.value}'"
    f" OR (s.answer = '' AND ss.status = '{SessionStatus.CONFIRMED.value}'))"
)


class _NextDue(Func):
    """supervision_next_due(last_confirmed, required_since, days): migration 0002."""

    function = "supervision_next_due"
    output_field = DateField()


class _Status(Func):
    """supervision_status(last_confirmed, next_due, today, due_soon_days): migration 0002."""

    function = "supervision_status"
    output_field = CharField()


def _next_due_sql(last_confirmed: str, required_since: str, days: str) -> str:
    """The same database function as `_NextDue`, for the hand-written SQL below, so "next
    due" has one definition (migration 0002) whichever way a page asks for it."""
    return f"{_NextDue.function}({last_confirmed}, {required_since}, {days})"


def _status_sql(last_confirmed: str, next_due: str, today: str, due_soon_days: str) -> str:
    """The same database function as `_Status`, for the hand-written SQL below."""
    return f"{_Status.function}({last_confirmed}, {next_due}, {today}, {due_soon_days})"


class _StatusRank(Func):
    """supervision_status_rank(status): 0 never ... 3 in date, worst first."""

    function = "supervision_status_rank"
    output_field = IntegerField()


def _status_expression(today: datetime.date) -> Func:
    return _Status(
        F("last_confirmed"),
        F("next_due"),
        Value(today, output_field=DateField()),
        Value(DUE_SOON_DAYS),
    )


def _per_requirement(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """One row per assignment and supervision requirement of its role version, with the
    requirement's id, kind, frequency (days) and minimum minutes, the day it was first
    required and the last counted session, as the database keeps them (SupervisionDue)."""
    due = "due_rows__"
    return assignments.annotate(
        requirement_id=F(f"{due}requirement_id"),
        requirement_kind=F(f"{due}kind"),
        requirement_days=F(f"{due}days"),
        requirement_minutes=F(f"{due}minutes"),
        required_since=F(f"{due}required_since"),
        kept_last_confirmed=F(f"{due}last_confirmed"),
    ).filter(requirement_id__isnull=False)


def _is_current(day: datetime.date) -> bool:
    """Whether the kept last session holds on `day`: sessions are never dated after the
    day they were logged, so on today (or later) every confirmed one counts."""
    return day >= timezone.localdate()


def last_confirmed_on(today: datetime.date) -> Subquery:
    """The row's last counted session on or before `today`, searched from scratch: for
    a day in the past, and the proof that the kept one is right."""
    return Subquery(
        SessionSupervisee.objects.filter(
            COUNTED,
            person=OuterRef("person_id"),
            kind=OuterRef("requirement_kind"),
            date__lte=today,
            session__minutes__gte=OuterRef("requirement_minutes"),
        )
        .order_by("-date")
        .values("date")[:1],
        output_field=DateField(),
    )


def annotate_compliance(
    assignments: QuerySet[Assignment], today: datetime.date | None = None
) -> QuerySet[Assignment]:
    """Turn assignments into compliance rows: one per current assignment and requirement.

    Each row is an Assignment with requirement_id, requirement_kind, requirement_days,
    requirement_minutes, last_confirmed, required_since, next_due, status and status_rank.
    """
    today = today or timezone.localdate()
    last_confirmed = F("kept_last_confirmed") if _is_current(today) else last_confirmed_on(today)
    return (
        _per_requirement(assignments.filter(current_q(on=today)))
        .annotate(last_confirmed=last_confirmed)
        .annotate(
            next_due=_NextDue(F("last_confirmed"), F("required_since"), F("requirement_days"))
        )
        .annotate(status=_status_expression(today))
        .annotate(status_rank=_StatusRank(F("status")))
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


def team_compliance_page(
    user,
    team,
    *,
    status: str = "",
    page_number: str | None = None,
    per_page: int = 50,
    today: datetime.date | None = None,
) -> Page:
    """One page of `team_compliance` (the page `page_number` asks for, as Paginator.get_page
    reads it)."""
    rows = team_compliance(user, team, status=status, today=today)
    return Paginator(rows, per_page).get_page(page_number)


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


def _window_rows(user, organisation, first: datetime.date, last: datetime.date) -> QuerySet:
    """The organisation's assignments (as `user` may see them) in force at some time between
    `first` and `last`, one per requirement of their role version: the rows that
    `annotate_compliance` gives on any day in between, before its filter to that day.

    The kept `required_since` (the earliest start of all) holds on any day the row is in
    force: its own assignment has started by then, so no later start is the earliest.
    """
    return _in_window(access.scoped(user, Assignment), first, last).filter(
        team__organisation=organisation
    )


def _in_window(
    assignments: QuerySet[Assignment], first: datetime.date, last: datetime.date
) -> QuerySet[Assignment]:
    """`assignments` in force at some time between `first` and `last`, one row per
    requirement of their role version."""
    in_force = assignments.filter(
        Q(start_date__lte=last) & (Q(end_date__isnull=True) | Q(end_date__gte=first))
    )
    return _per_requirement(in_force)


def counts_on_days(
    assignments: QuerySet[Assignment],
    days: list[datetime.date],
    keys: dict[str, str] | None = None,
    sets: list[tuple[str, ...]] | None = None,
) -> list[dict]:
    """Counts per status of `annotate_compliance(assignments, day)` on each of `days`
    (oldest first; the same day may come twice), in one query: see `_counts_by_day` for
    `keys`, `sets` and the rows it gives (ordered by day, then by the keys as given).
    `assignments` must already be scoped to what the user may see."""
    return _counts_by_day(_in_window(assignments, days[0], days[-1]), days, keys, sets)


def late_on(assignments: QuerySet[Assignment], today: datetime.date) -> list[dict]:
    """The rows `annotate_compliance(assignments, today)` gives as overdue or never
    supervised, as dicts of assignment `id`, `requirement_id`, `requirement_kind`,
    `last_confirmed`, `next_due` and `status`, ordered by next due date, then the
    person's name, the assignment and the requirement. `assignments` must already be
    scoped to what the user may see.

    One query. Written with the ORM, filtering and ordering on the status repeat its
    correlated subqueries in the WHERE and ORDER BY clauses, many subplans per row
    (bench/README.md); here each row's last counted session is looked up once
    (`_last_confirmed_dates`).
    """
    rows = _in_window(assignments, today, today).order_by()
    inner = rows.annotate(c_id=F("id"), c_person=F("person_id")).values(
        "c_id",
        "c_person",
        "requirement_id",
        "requirement_kind",
        "requirement_days",
        "required_since",
        "requirement_minutes",
        "kept_last_confirmed",
    )
    sql, params = inner.query.sql_with_params()
    last_dates, last_values = _last_confirmed_dates([today])
    person = Person._meta.db_table
    next_due = _next_due_sql("l.lasts[1]", "r.required_since", "r.requirement_days")
    status = _status_sql("l.lasts[1]", "due.next_due", "%s::date", "%s::integer")
    query = f"""
        WITH base AS MATERIALIZED ({sql}),
        {last_dates}
        SELECT r.c_id AS id, r.requirement_id, r.requirement_kind,
               l.lasts[1] AS last_confirmed, due.next_due,
               {status} AS status
          FROM base r
          JOIN last_dates l ON l.c_id = r.c_id AND l.requirement_id = r.requirement_id
         CROSS JOIN LATERAL (SELECT {next_due} AS next_due) due
          JOIN {person} p ON p.id = r.c_person
         WHERE due.next_due < %s::date
         ORDER BY due.next_due, p.full_name, r.c_id, r.requirement_id
    """  # noqa: S608 - only our own compiled SQL and table names are interpolated
    values = [*params, *last_values, today, DUE_SOON_DAYS, today]
    with connection.cursor() as cursor:
        cursor.execute(query, values)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _counts_by_day(
    rows: QuerySet[Assignment],
    days: list[datetime.date],
    keys: dict[str, str] | None = None,
    sets: list[tuple[str, ...]] | None = None,
) -> list[dict]:
    """Counts of compliance rows per status on each of `days` (oldest first, the last one
    today), in one query: the statuses `annotate_compliance(..., day)` gives on each day.

    `rows` come from `_window_rows`; each counts on the days between its start and end.
    `keys` ({alias: field}) add grouping columns, and `sets` (tuples of aliases) group by
    several of them at once (GROUPING SETS), always by day too. Every result has "day"
    (1-based position in `days`), "total", one count per status and "key_<alias>" for
    every key (None in the sets not grouped by it). Results come ordered by day, then by
    the keys in the order `keys` gives them (in the database's collation).

    Instead of two correlated subqueries per row and day (an index probe and a session
    lookup each, so rows times days of them, bench/README.md), each row
    is joined once to its person's confirmed sessions of its type (a hash join), and one
    aggregate takes the latest on or before each day: an array of last confirmed dates,
    one per day. For one day alone, each row reads its person's sessions newest first and
    stops at the first that counts (`_last_confirmed_dates`).
    """
    keys = keys or {}
    sets = sets or [()]
    inner = (
        rows.order_by()
        .annotate(
            c_id=F("id"),
            c_person=F("person_id"),
            c_start=F("start_date"),
            c_end=F("end_date"),
            **{f"key_{alias}": F(field) for alias, field in keys.items()},
        )
        .values(
            "c_id",
            "c_person",
            "c_start",
            "c_end",
            "requirement_id",
            "requirement_kind",
            "requirement_days",
            "requirement_minutes",
            "required_since",
            "kept_last_confirmed",
            *[f"key_{alias}" for alias in keys],
        )
    )
    sql, params = inner.query.sql_with_params()
    key_columns = [f'"key_{alias}"' for alias in keys]
    row_keys = "".join(f", r.{column}" for column in key_columns)
    outer_keys = "".join(f"{column}, " for column in key_columns)
    grouping = ", ".join(
        "(" + ", ".join(["day", *[f'"key_{alias}"' for alias in keyset]]) + ")" for keyset in sets
    )
    last_dates, last_values = _last_confirmed_dates(days)
    next_due = _next_due_sql("last.confirmed", "r.required_since", "r.requirement_days")
    status = _status_sql("last.confirmed", "due.next_due", "days.day", "%s::integer")
    query = f"""
        WITH base AS MATERIALIZED ({sql}),
        {last_dates}
        SELECT day, {outer_keys}count(*) AS total,
               count(*) FILTER (WHERE status = %s) AS {Status.NEVER},
               count(*) FILTER (WHERE status = %s) AS {Status.OVERDUE},
               count(*) FILTER (WHERE status = %s) AS {Status.DUE_SOON},
               count(*) FILTER (WHERE status = %s) AS {Status.IN_DATE}
          FROM (
            SELECT days.ord AS day{row_keys},
                   {status} AS status
              FROM base r
              JOIN last_dates l ON l.c_id = r.c_id AND l.requirement_id = r.requirement_id
              JOIN unnest(%s::date[]) WITH ORDINALITY AS days(day, ord)
                ON r.c_start <= days.day AND (r.c_end IS NULL OR r.c_end >= days.day)
             CROSS JOIN LATERAL (SELECT l.lasts[days.ord::integer] AS confirmed) last
             CROSS JOIN LATERAL (SELECT {next_due} AS next_due) due
          ) counted
         GROUP BY GROUPING SETS ({grouping})
         ORDER BY day{"".join(f", {column}" for column in key_columns)}
    """  # noqa: S608 - only our own compiled SQL, table names and fixed aliases are interpolated
    # Placeholders in text order: the rows' own query, the last confirmed dates', the
    # FILTERs, the status, then the days.
    values = [
        *params,
        *last_values,
        Status.NEVER,
        Status.OVERDUE,
        Status.DUE_SOON,
        Status.IN_DATE,
        DUE_SOON_DAYS,
        days,
    ]
    with connection.cursor() as cursor:
        cursor.execute(query, values)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _last_confirmed_dates(days: list[datetime.date]) -> tuple[str, list]:
    """The `last_dates` CTE of `_counts_by_day` (each base row's last confirmed session on
    or before each day, as an array) and its placeholder values.

    Over several days every confirmed session of the row's type may matter, so the rows are
    hash-joined to all of them (of the rows' people only: without that, the join reads the
    whole sessions table). For one day only the latest counted session does: a lateral
    index scan newest first (supsupervisee_person_kind_idx) stops at it, after one or two
    session lookups instead of every session the person has had (bench/README.md). For
    today, the database keeps it (SupervisionDue): nothing is searched.
    """
    session_link = SessionSupervisee._meta.db_table
    session = SupervisionSession._meta.db_table
    if len(days) == 1 and _is_current(days[0]):
        kept = "SELECT c_id, requirement_id, ARRAY[kept_last_confirmed] AS lasts FROM base"
        return f"last_dates AS ({kept})", []
    if len(days) == 1:
        cte = f"""last_dates AS (
            SELECT r.c_id, r.requirement_id, l.lasts
              FROM base r
              LEFT JOIN LATERAL (
                SELECT ARRAY[s.date] AS lasts
                  FROM {session_link} s
                  JOIN {session} ss ON ss.id = s.session_id
                 WHERE s.person_id = r.c_person AND s.kind = r.requirement_kind
                   AND s.date <= %s::date
                   AND {COUNTED_SQL} AND ss.minutes >= r.requirement_minutes
                 ORDER BY s.date DESC
                 LIMIT 1
              ) l ON true
        )"""  # noqa: S608 - table names only
        return cte, [days[0]]
    lasts = ", ".join("max(s.date) FILTER (WHERE s.date <= %s::date)" for _ in days)
    cte = f"""sessions AS (
            SELECT s.person_id, s.kind, s.date, ss.minutes
              FROM {session_link} s
              JOIN {session} ss ON ss.id = s.session_id
             WHERE {COUNTED_SQL} AND s.date <= %s::date
               AND s.person_id IN (SELECT c_person FROM base)
        ),
        last_dates AS (
            SELECT r.c_id, r.requirement_id, ARRAY[{lasts}] AS lasts
              FROM base r
              LEFT JOIN sessions s
                ON s.person_id = r.c_person AND s.kind = r.requirement_kind
               AND s.minutes >= r.requirement_minutes
             GROUP BY r.c_id, r.requirement_id
        )"""  # noqa: S608 - table names only
    return cte, [days[-1], *days]


def _summary(row: dict, name: str, pk: int | None = None) -> Summary:
    return Summary(
        name=name, pk=pk, total=row["total"], **{status: row[status] for status in Status.LABELS}
    )


_BY_TEAM_AND_SUPERVISOR = {
    "team": "team_id",
    "team_name": "team__name",
    "supervisor": "supervisor_id",
    "supervisor_name": "supervisor__person__full_name",
}


def _split(counted: list[dict], day: int, organisation) -> tuple[Summary, list, list]:
    """(totals, per team, per supervisor) on `day` from grouping-set rows. Assignments
    always have a team and a supervisor, so a row's non-empty key says its set."""
    teams, supervisors = [], []
    for row in counted:
        if row["day"] != day:
            continue
        if row["key_team"] is not None:
            teams.append(_summary(row, row["key_team_name"] or "", row["key_team"]))
        elif row["key_supervisor"] is not None:
            supervisors.append(
                _summary(row, row["key_supervisor_name"] or "", row["key_supervisor"])
            )
    teams.sort(key=lambda summary: (summary.name, summary.pk or 0))
    supervisors.sort(key=lambda summary: (summary.name, summary.pk or 0))
    total = Summary(name=organisation.name, pk=organisation.pk)
    for summary in teams:
        total.add(summary)
    return total, teams, supervisors


def organisation_summaries(
    user, organisation, *, today: datetime.date | None = None
) -> tuple[Summary, list[Summary], list[Summary]]:
    """(the organisation's totals, one summary per team, one per named supervisor), counted
    by the database in one query (grouping sets by team and by supervisor), and kept until
    supervision data changes (workforce/figures.py)."""
    today = today or timezone.localdate()

    def count():
        counted = _counts_by_day(
            _window_rows(user, organisation, today, today),
            [today],
            keys=_BY_TEAM_AND_SUPERVISOR,
            sets=[("team", "team_name"), ("supervisor", "supervisor_name")],
        )
        return _split(counted, 1, organisation)

    return figures.cached(
        figures.SUPERVISION,
        ("summaries", user.pk, organisation.pk, today),
        count,
        organisations=[organisation.pk],
    )


def organisation_overview(
    user, organisation, *, months: int = 12, today: datetime.date | None = None
) -> tuple[Summary, list[Summary], list[Summary], list[Summary]]:
    """`organisation_summaries` and `monthly_summaries` together, in one query: (totals,
    per team, per supervisor, per month; no months when there are no teams). Kept until
    supervision data changes (workforce/figures.py): for a large trust this query is slow
    (bench/README.md), and the page is opened far more often than supervision is logged."""
    today = today or timezone.localdate()

    def count():
        days = month_ends(today, months)
        counted = _counts_by_day(
            _window_rows(user, organisation, days[0], today),
            days,
            keys=_BY_TEAM_AND_SUPERVISOR,
            sets=[(), ("team", "team_name"), ("supervisor", "supervisor_name")],
        )
        total, teams, supervisors = _split(counted, len(days), organisation)
        if not teams:
            return total, teams, supervisors, []
        by_day = {
            row["day"]: row
            for row in counted
            if row["key_team"] is None and row["key_supervisor"] is None
        }
        return total, teams, supervisors, _months(by_day, days)

    return figures.cached(
        figures.SUPERVISION,
        ("overview", user.pk, organisation.pk, today, months),
        count,
        organisations=[organisation.pk],
    )


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
    for this one), all months in one set-based query however many people there are.

    Assignments are taken as they were on each date; sessions as they stand now, so a log
    confirmed late counts from the day the session happened.
    """
    today = today or timezone.localdate()
    days = month_ends(today, months)
    counted = _counts_by_day(_window_rows(user, organisation, days[0], today), days)
    return _months({row["day"]: row for row in counted}, days)


def _months(by_day: dict[int, dict], days: list[datetime.date]) -> list[Summary]:
    empty = {"total": 0, **dict.fromkeys(Status.LABELS, 0)}
    return [
        _summary(by_day.get(position, empty), date_format(day, "F Y"))
        for position, day in enumerate(days, start=1)
    ]


def default_kind(user, today: datetime.date | None = None) -> str | None:
    """The type of supervision the signed-in person most needs next, if they have any."""
    return my_compliance(user, today).values_list("requirement_kind", flat=True).first()
