"""Presence: who is in the lived experience workforce, at the end of the period, and who
came and went during it. Every figure is counted by the database.

These counts are not rounded under workforce/disclosure.py: role family, band, engagement type
and start and leaving dates are job facts, not the self-declared characteristics of the
diversity profile, and the leads and administrators who open this report see each of them by
name on the people register. Nothing here is counted by a diversity answer.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncMonth

from roles.models import AfcBand, Role, RoleFamily, RoleVersion
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.register.models import Assignment, Person, current_q
from workforce.register.models.people import EngagementType
from workforce.reports.common import Chart, Filters, Table, month_label

# Full time in the NHS (Agenda for Change): 37.5 hours a week is 1.0 FTE.
FULL_TIME_HOURS = Decimal("37.5")
FTE = DecimalField(max_digits=8, decimal_places=2)
NOT_BANDED = "Not on a band (sessional, paid per activity or voluntary)"


def _current_assignments(user, filters: Filters):
    rows = access.scoped(user, Assignment).filter(
        current_q(on=filters.end), team__organisation_id__in=filters.organisation_ids
    )
    if filters.team is not None:
        rows = rows.filter(team=filters.team)
    if filters.family:
        rows = rows.filter(role_version__role__family=filters.family)
    return rows.order_by()


def _grouped(assignments, key: str) -> list[dict]:
    # Headcount counts each person once per group; FTE adds up their hours in the group.
    return list(
        assignments.values(key)
        .annotate(
            headcount=Count("person", distinct=True),
            fte=Cast(Sum("hours_per_week") / Value(FULL_TIME_HOURS), FTE),
        )
        .order_by(key)
    )


def _rows(grouped: list[dict], key: str, labels: dict[str, str], blank: str) -> list[list]:
    order = list(labels)
    grouped = sorted(grouped, key=lambda r: order.index(r[key]) if r[key] in order else -1)
    return [
        [labels.get(row[key], row[key]) or blank, row["headcount"], row["fte"]] for row in grouped
    ]


def _starters_and_leavers(user, filters: Filters) -> list[list]:
    people = access.scoped(user, Person).filter(
        filters.person_q(), organisation_id__in=filters.organisation_ids
    )
    # Finance sees people as payees only: presence is for those who may read profiles.
    people = people.filter(
        organisation_id__in=access.organisation_ids(user, *groups.LEADS_AND_ADMINS)
    )
    starters = dict(
        people.filter(start_date__range=(filters.start, filters.end))
        .annotate(month=TruncMonth("start_date"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    leavers = dict(
        people.filter(status=Person.Status.LEFT, end_date__range=(filters.start, filters.end))
        .annotate(month=TruncMonth("end_date"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return [
        [month_label(month), starters.get(month, 0), leavers.get(month, 0)]
        for month in filters.months()
    ]


def _pay_parity(user, filters: Filters) -> tuple[list[str], list[list]]:
    """For each role family, the bands its published roles are on in each organisation."""
    versions = (
        access.scoped(user, RoleVersion)
        .filter(
            status=RoleVersion.Status.PUBLISHED,
            role__organisation_id__in=filters.organisation_ids,
        )
        .order_by()
    )
    if filters.family:
        versions = versions.filter(role__family=filters.family)
    grouped = versions.values("role__family", "role__organisation_id").annotate(
        bands=StringAgg(
            "afc_band", delimiter=",", distinct=True, filter=~Q(afc_band=""), default=Value("")
        ),
        unbanded=Count("pk", filter=Q(afc_band="")),
    )
    cells: dict[str, dict[int, str]] = {}
    band_order = list(AfcBand.values)
    for row in grouped:
        bands = sorted(filter(None, row["bands"].split(",")), key=band_order.index)
        text = ", ".join(AfcBand(b).label for b in bands)
        if row["unbanded"]:
            text = f"{text}; also not banded" if text else "Not banded"
        cells.setdefault(row["role__family"], {})[row["role__organisation_id"]] = text
    organisations = list(filters.organisations)
    headers = ["Role family", *[org.name for org in organisations]]
    rows = [
        [RoleFamily(family).label, *[cells[family].get(org.pk, "No role") for org in organisations]]
        for family in Role.Family.values
        if family in cells
    ]
    return headers, rows


def presence_report(user, filters: Filters) -> list[Table]:
    assignments = _current_assignments(user, filters)
    as_at = filters.end.strftime("%-d %B %Y")
    count_headers = ["Headcount", "FTE"]
    by_family = _rows(
        _grouped(assignments, "role_version__role__family"),
        "role_version__role__family",
        dict(RoleFamily.choices),
        "",
    )
    by_band = _rows(
        _grouped(assignments, "role_version__afc_band"),
        "role_version__afc_band",
        {"": NOT_BANDED, **dict(AfcBand.choices)},
        NOT_BANDED,
    )
    by_engagement = _rows(
        _grouped(assignments, "person__engagement_type"),
        "person__engagement_type",
        dict(EngagementType.choices),
        "",
    )
    totals = assignments.aggregate(
        headcount=Count("person", distinct=True),
        fte=Coalesce(
            Cast(Sum("hours_per_week") / Value(FULL_TIME_HOURS), FTE),
            Value(Decimal("0.00")),
            output_field=FTE,
        ),
    )
    parity_headers, parity_rows = _pay_parity(user, filters)
    why_overlap = (
        "Someone in two roles is counted in each, so the rows can add up to more than the "
        f"whole workforce ({totals['headcount']} people, {totals['fte']} FTE)."
    )
    return [
        Table(
            "family",
            "Headcount and FTE by role family",
            f"People in post on {as_at}, by the family of the role they hold.",
            ["Role family", *count_headers],
            by_family,
            Chart(0, (1,), "people"),
            why_overlap,
        ),
        Table(
            "band",
            "Headcount and FTE by Agenda for Change band",
            f"People in post on {as_at}, by the band of the role they hold.",
            ["Band", *count_headers],
            by_band,
            Chart(0, (1,), "people"),
            why_overlap,
        ),
        Table(
            "engagement",
            "Headcount and FTE by engagement type",
            f"People in post on {as_at}, by how they are engaged.",
            ["Engagement type", *count_headers],
            by_engagement,
            Chart(0, (1,), "people"),
            f"FTE: hours a week divided by {FULL_TIME_HOURS}.",
        ),
        Table(
            "movement",
            "Starters and leavers by month",
            "People whose first or last day fell in each month of the period.",
            ["Month", "Starters", "Leavers"],
            _starters_and_leavers(user, filters),
            Chart(0, (1, 2), "people"),
        ),
        Table(
            "parity",
            "Pay parity: the band of each role family in each organisation",
            "Published roles only. Different bands for the same family in different "
            "organisations are worth a conversation.",
            parity_headers,
            parity_rows,
        ),
    ]
