"""The reports, who may open each, and where they come from.

Who may see what follows DOMAIN.md's "Who may do what": finance never sees incident
figures, administrators see incidents' audit trail only (so no incident report either), and
diversity figures go to those who may read the diversity report (leads and administrators).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.reports import (
    access_review,
    diversity,
    incidents,
    payments,
    presence,
    supervision,
)


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    summary: str
    capacities: tuple[str, ...]
    build: Callable
    uses_filters: bool = True
    # Small numbers are hidden (the diversity report): the page explains why.
    small_numbers_hidden: bool = False


REPORTS = [
    Report(
        "presence",
        "Presence",
        "Headcount and FTE by role family, band and engagement type; starters and leavers; "
        "pay parity across organisations.",
        groups.LEADS_AND_ADMINS,
        presence.presence_report,
    ),
    Report(
        "supervision",
        "Supervision compliance",
        "The share of supervision in date by team and month, and who is overdue.",
        groups.LEADS_AND_ADMINS,
        supervision.supervision_report,
    ),
    Report(
        "incidents",
        "Boundary incidents",
        "Open incidents by state, overdue steps, categories by quarter, recurrences and "
        "how fast they are triaged and acknowledged.",
        groups.INCIDENT_LEADS,
        incidents.incidents_report,
    ),
    Report(
        "payments",
        "Involvement payments",
        "Spend by month, tier and team; the approval backlog; time to pay; tax-year totals.",
        groups.TOTALS_READERS,
        payments.payments_report,
    ),
    Report(
        "diversity",
        "Diversity",
        "Self-declared equality monitoring, each organisation on its own, small numbers hidden.",
        groups.LEADS_AND_ADMINS,
        diversity.diversity_tables,
        uses_filters=False,
        small_numbers_hidden=True,
    ),
    Report(
        "access-review",
        "Access review",
        "Every login in your organisation, what it can see, its last sign-in and two-step "
        "sign-in; flags dormant logins, leavers who can still sign in and missing two-step "
        "sign-in. Review it every quarter.",
        groups.LEADS_AND_ADMINS,
        access_review.access_review_tables,
        uses_filters=False,
    ),
]
BY_SLUG = {report.slug: report for report in REPORTS}
# Everyone who may open at least one report (the menu entry and the index page).
ANY_REPORT = tuple(dict.fromkeys(c for report in REPORTS for c in report.capacities))


def reports_for(user) -> list[Report]:
    return [report for report in REPORTS if access.has_capacity(user, *report.capacities)]
