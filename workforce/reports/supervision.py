"""Supervision compliance over the period, from the supervision app's own rules
(supervision.selectors): one grouped query for all the months and one for who is
overdue, however many months, people or sessions there are."""

from __future__ import annotations

import datetime

from django.utils import timezone

from roles.models import SupervisionKind
from supervision.selectors import Status, Summary, counts_on_days, late_on
from workforce.organisations import access
from workforce.platform import figures
from workforce.register.models import Assignment
from workforce.reports.common import Chart, Filters, Table, month_end, month_label

LATE = (Status.OVERDUE, Status.NEVER)


def _assignments(user, filters: Filters):
    rows = access.scoped(user, Assignment).filter(
        team__organisation_id__in=filters.organisation_ids
    )
    if filters.team is not None:
        rows = rows.filter(team=filters.team)
    if filters.family:
        rows = rows.filter(role_version__role__family=filters.family)
    return rows


def _as_at(filters: Filters, month: datetime.date) -> datetime.date:
    return min(month_end(month), filters.end, timezone.localdate())


def supervision_report(user, filters: Filters) -> list[Table]:
    base = _assignments(user, filters)
    months = filters.months()
    days = [_as_at(filters, month) for month in months]
    # Every month's counts per team and status in one query (the supervision app's rules:
    # its Summary decides what "in date" and its percentage mean, rounded down so 100% only
    # when everyone really is in date), in team name order within each month; and who is
    # late on the last day. Kept until supervision data changes (workforce/figures.py: the
    # topic's tables are everything these read, access included): for a large trust the
    # counts are slow (bench/README.md) and the report is opened far more often than
    # supervision changes.
    key = (
        "report",
        user.pk,
        tuple(filters.organisation_ids),
        filters.team.pk if filters.team is not None else None,
        filters.family,
        tuple(days),
    )

    def count():
        counts = counts_on_days(
            base,
            days,
            keys={"team_name": "team__name", "team": "team_id"},
            sets=[("team_name", "team")],
        )
        return counts, late_on(base, days[-1])

    counts, late = figures.cached(
        figures.SUPERVISION, key, count, organisations=filters.organisation_ids
    )
    by_team_month: list[list] = []
    by_month: list[list] = []
    latest: list[list] = []
    for position, month in enumerate(months, start=1):
        whole = Summary(name=month_label(month))
        for row in counts:
            if row["day"] != position:
                continue
            team = Summary(
                name=row["key_team_name"],
                total=row["total"],
                **{status: row[status] for status in Status.LABELS},
            )
            line = [team.name, team.total, team.compliant, team.percent_compliant]
            by_team_month.append([month_label(month), *line])
            if position == len(months):
                latest.append(line)
            whole.add(team)
        by_month.append([whole.name, whole.total, whole.compliant, whole.percent_compliant])

    end = days[-1]
    shown = {
        row["pk"]: row
        for row in base.filter(pk__in={row["id"] for row in late}).values(
            "pk",
            "person__full_name",
            "team__name",
            "role_version__title",
            "supervisor__person__full_name",
            "supervisor__username",
        )
    }
    kinds = dict(SupervisionKind.choices)
    overdue_rows = []
    for row in late:
        assignment = shown.get(row["id"])
        if assignment is None:  # removed since the kept figures were counted (a moment)
            continue
        overdue_rows.append(
            [
                assignment["person__full_name"],
                assignment["team__name"],
                assignment["role_version__title"],
                kinds.get(row["requirement_kind"], row["requirement_kind"]),
                row["last_confirmed"],
                row["next_due"],
                Status.LABELS[row["status"]],
                # The supervisor's name, or their login's if they are not on a register.
                assignment["supervisor__person__full_name"] or assignment["supervisor__username"],
            ]
        )

    counted = ["Requirements", "In date", "% in date"]
    what = (
        "Each row counts requirements: a person whose role asks for two kinds of supervision "
        "counts twice. In date includes due within the next 14 days."
    )
    return [
        Table(
            "team",
            f"In date by team on {end:%-d %B %Y}",
            "The share of supervision requirements met, team by team.",
            ["Team", *counted],
            latest,
            Chart(0, (3,), "%"),
            what,
        ),
        Table(
            "month",
            "In date by month",
            "The share of supervision requirements met at the end of each month.",
            ["Month", *counted],
            by_month,
            Chart(0, (3,), "%"),
            what,
        ),
        Table(
            "team_month",
            "In date by team and month",
            "Each team at the end of each month.",
            ["Month", "Team", *counted],
            by_team_month,
        ),
        Table(
            "overdue",
            "Overdue supervision",
            f"Requirements not met on {end:%-d %B %Y}: dates only, never what was discussed.",
            [
                "Person",
                "Team",
                "Role",
                "Supervision",
                "Last counted session",
                "Was due",
                "Status",
                "Supervisor",
            ],
            overdue_rows,
            blank="Never",  # no session counted yet, or never due
        ),
    ]
