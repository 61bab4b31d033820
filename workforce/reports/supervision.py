"""Supervision compliance over the period, from the supervision app's own rules
(supervision.selectors.annotate_compliance): one grouped query per month, so the cost
grows with the months asked for, never with the number of people or sessions."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from roles.models import SupervisionKind
from supervision.selectors import Status, Summary, annotate_compliance
from workforce import access
from workforce.models import Assignment, Capacity
from workforce.reports.common import Chart, Filters, Table, month_end, month_label

CAPACITIES = (Capacity.COPRODUCTION_LEAD, Capacity.ADMIN)
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
    by_team_month: list[list] = []
    by_month: list[list] = []
    latest: list[list] = []
    months = filters.months()
    for month in months:
        as_at = _as_at(filters, month)
        # Counted per status, so the supervision app's Summary decides what "in date" and
        # its percentage mean (rounded down: 100% only when everyone really is in date).
        counts = {status: Count("pk", filter=Q(status=status)) for status in Status.LABELS}
        grouped = (
            annotate_compliance(base, as_at)
            .order_by()
            .values("team_id", "team__name")
            .annotate(total=Count("pk"), **counts)
            .order_by("team__name", "team_id")
        )
        whole = Summary(name=month_label(month))
        for row in grouped:
            team = Summary(
                name=row["team__name"],
                total=row["total"],
                **{status: row[status] for status in Status.LABELS},
            )
            line = [team.name, team.total, team.compliant, team.percent_compliant]
            by_team_month.append([month_label(month), *line])
            if month == months[-1]:
                latest.append(line)
            whole.add(team)
        by_month.append([whole.name, whole.total, whole.compliant, whole.percent_compliant])

    end = _as_at(filters, months[-1])
    overdue = (
        annotate_compliance(base, end)
        .filter(status__in=LATE)
        .select_related("person", "team", "role_version", "supervisor__person")
        .order_by("next_due", "person__full_name", "pk", "requirement_id")
    )
    kinds = dict(SupervisionKind.choices)
    overdue_rows = [
        [
            row.person.full_name,
            row.team.name,
            row.role_version.title,
            kinds.get(row.requirement_kind, row.requirement_kind),
            row.last_confirmed,
            row.next_due,
            Status.LABELS[row.status],
            getattr(getattr(row.supervisor, "person", None), "full_name", "")
            or row.supervisor.get_username(),
        ]
        for row in overdue
    ]
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
        ),
    ]
