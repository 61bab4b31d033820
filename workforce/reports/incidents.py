"""Boundary incidents for co-production and safeguarding leads: counts and medians over the
incidents they may see (the incidents app's own scope and overdue rule), reported in the
period. Finance and administrators never reach this: they hold no incident capacity."""

from __future__ import annotations

from django.db.models import Count, F, Func, Q
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from payments.selectors import Median
from supervision.incidents import deadlines
from supervision.incidents import rules as incident_rules
from supervision.incidents import selectors as incident_selectors
from supervision.incidents.models import Category, Incident, IncidentAction, State
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.reports.common import Chart, Filters, Table


class HoursBetween(Func):
    """later - earlier in hours, by PostgreSQL (an interval's seconds / 3600)."""

    arg_joiner = " - "
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)"


def _incidents(user, filters: Filters):
    orgs = access.organisation_ids(user, *groups.INCIDENT_LEADS).intersection(
        filters.organisation_ids
    )
    return (
        incident_selectors.visible(user)
        .filter(filters.person_q("person_id"), organisation_id__in=orgs)
        .filter(reported_at__date__range=(filters.start, filters.end))
        .order_by()
    )


def _restricted_note(user, filters: Filters) -> str:
    """How many incidents of the period are restricted to safeguarding leads and so not in
    these figures (they know these exist; a breakdown would say what they are about). None
    said for a team or role family: that would tell whom they are about."""
    if filters.team is not None or filters.family:
        return ""
    orgs = access.organisation_ids(user, *groups.INCIDENT_LEADS).intersection(
        filters.organisation_ids
    )
    hidden = Incident.objects.filter(
        incident_rules.restricted_q(user),
        organisation_id__in=orgs,
        reported_at__date__range=(filters.start, filters.end),
    ).count()
    if not hidden:
        return ""
    return (
        f" {hidden} more {'is' if hidden == 1 else 'are'} restricted to safeguarding leads "
        "and not counted in these tables."
    )


def _quarter(day) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def incidents_report(user, filters: Filters) -> list[Table]:
    incidents = _incidents(user, filters)
    now = deadlines.now()
    summary = incident_selectors.summary(incidents)
    steps = incidents.aggregate(
        triage=Count("pk", filter=Q(state=State.REPORTED, triage_due_at__lt=now)),
        acknowledge=Count("pk", filter=Q(state=State.ESCALATED, acknowledge_due_at__lt=now)),
        triage_hours=Median(HoursBetween(F("triaged_at"), F("reported_at"))),
        triaged=Count("pk", filter=Q(triaged_at__isnull=False)),
        acknowledge_hours=Median(HoursBetween(F("acknowledged_at"), F("escalated_at"))),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
    )
    late_actions = IncidentAction.objects.filter(
        incident__in=incidents.values("pk"),
        done_at__isnull=True,
        due_on__lt=timezone.localdate(now),
    ).count()
    grouped = list(
        incidents.annotate(quarter=TruncQuarter("reported_at"))
        .values("quarter", "category")
        .annotate(
            n=Count("pk"),
            recurrences=Count("pk", filter=Q(recurs_visible=True)),
        )
        .order_by("quarter", "category")
    )
    labels = dict(Category.choices)
    by_category: dict[str, list[int]] = {}
    by_quarter: dict[str, list[int]] = {}
    for row in grouped:
        for key, bucket in ((row["category"], by_category), (_quarter(row["quarter"]), by_quarter)):
            totals = bucket.setdefault(key, [0, 0])
            totals[0] += row["n"]
            totals[1] += row["recurrences"]
    period = f"Incidents reported from {filters.start:%-d %B %Y} to {filters.end:%-d %B %Y}."
    return [
        Table(
            "open",
            "Open incidents by state",
            f"{period} Where each open one is now.",
            ["State", "Incidents"],
            [[label, count] for label, count, _ in summary["by_state"]],
            Chart(0, (1,), "incidents"),
            f"{summary['open']} open of {summary['total']} reported in the period."
            + _restricted_note(user, filters),
        ),
        Table(
            "overdue",
            "Overdue steps",
            f"{period} Steps past their deadline now.",
            ["Step", "Overdue"],
            [
                ["Triage", steps["triage"]],
                ["Acknowledgement by the safeguarding lead", steps["acknowledge"]],
                ["Agreed actions", late_actions],
            ],
            Chart(0, (1,), "overdue"),
        ),
        Table(
            "category",
            "Incidents by category",
            period,
            ["Category", "Incidents", "Recurrences"],
            [[labels[key], *by_category[key]] for key in Category.values if key in by_category],
            Chart(0, (1, 2), "incidents"),
            "A recurrence is an incident linked to an earlier one about the same worker.",
        ),
        Table(
            "quarter",
            "Incidents by quarter",
            period,
            ["Quarter", "Incidents", "Recurrences"],
            [[key, *values] for key, values in by_quarter.items()],
            Chart(0, (1, 2), "incidents"),
        ),
        Table(
            "category_quarter",
            "Incidents by category and quarter",
            period,
            ["Quarter", "Category", "Incidents", "Recurrences"],
            [
                [_quarter(row["quarter"]), labels[row["category"]], row["n"], row["recurrences"]]
                for row in grouped
            ],
        ),
        Table(
            "timeliness",
            "Time to triage and to acknowledgement",
            f"{period} Medians, in hours (half of the incidents took longer, half less).",
            ["Step", "Median hours", "Incidents counted"],
            [
                ["Report to triage", steps["triage_hours"], steps["triaged"]],
                [
                    "Escalation to acknowledgement",
                    steps["acknowledge_hours"],
                    steps["acknowledged"],
                ],
            ],
            Chart(0, (1,), "hours"),
            blank="No incidents yet",
        ),
    ]
