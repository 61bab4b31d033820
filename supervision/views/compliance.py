"""Compliance for co-production leads and administrators: by organisation, team and
supervisor, with % compliant, and a CSV export of the rows. Metadata only: nothing here
reads notes, topics or actions."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from supervision import rules, selectors
from supervision.models import SupervisionSession
from supervision.selectors.compliance import Status, team_compliance_page
from workforce.organisations import access
from workforce.organisations.models import Organisation, Team
from workforce.platform import figures
from workforce.platform.query import Query

ROWS_PER_PAGE = 50
# Characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@access.access_required(*rules.METADATA_CAPACITIES)
def compliance(request):
    user = request.user
    organisations = access.scoped(user, Organisation).filter(
        pk__in=access.organisation_ids(user, *rules.METADATA_CAPACITIES)
    )
    today = timezone.localdate()
    overview = []
    for organisation in organisations.order_by("name"):  # one or two, not one per person

        def figures_context(organisation=organisation):
            # One query per organisation: its totals, teams, supervisors and 12 months.
            total, teams, supervisors, months = selectors.organisation_overview(
                user, organisation, today=today
            )
            return {
                "organisation": organisation,
                "total": total,
                "teams": teams,
                "supervisors": supervisors,
                "months": months,
            }

        # Kept with the figures: rendering them was most of the page's time once they
        # were kept (bench/README.md).
        shown = figures.kept_html(
            figures.SUPERVISION,
            (user.pk, organisation.pk, today),
            "supervision/partials/organisation_figures.html",
            figures_context,
            request,
        )
        overview.append({"organisation": organisation, "figures": shown if shown.strip() else ""})
    return render(
        request,
        "supervision/compliance.html",
        {"overview": overview, "due_soon_days": selectors.DUE_SOON_DAYS},
    )


@access.access_required(*rules.METADATA_CAPACITIES)
def team_compliance(request, pk: int):
    user = request.user
    team = access.get_object_for(user, Team, "view_supervision_compliance", pk=pk)
    query = Query(request.GET)
    status = query.choice("status", Status.LABELS)
    page_number = query.page()
    today = timezone.localdate()

    def table_context():
        page = team_compliance_page(
            user, team, status=status, page_number=page_number, per_page=ROWS_PER_PAGE, today=today
        )
        query = f"status={status}" if status else ""
        return {"team": team, "page": page, "status": status, "query": query}

    # The table is kept until supervision data changes: its query and its rendering were
    # most of the page's time (bench/README.md).
    key = (user.pk, team.pk, status, today, ROWS_PER_PAGE, page_number)
    table = figures.kept_html(
        figures.SUPERVISION, key, "supervision/partials/team_table.html", table_context, request
    )
    return render(
        request,
        "supervision/team_compliance.html",
        {
            "team": team,
            "table": table,
            "status": status,
            "statuses": list(Status.LABELS.items()),
        },
    )


class _Echo:
    def write(self, value):
        return value


EXPORT_HEADER = [
    "Person",
    "Team",
    "Role",
    "Supervisor",
    "Type of supervision",
    "At least every (days)",
    "At least (minutes)",
    "Last confirmed session",
    "Next due",
    "Status",
]


@access.access_required(*rules.METADATA_CAPACITIES)
def compliance_export(request, pk: int):
    """Every compliance row of the organisation, worst first, streamed as CSV."""
    user = request.user
    organisation = access.get_object_for(user, Organisation, "view_supervision_compliance", pk=pk)
    rows = selectors.organisation_compliance(user, organisation)
    kinds = dict(SupervisionSession.Kind.choices)

    def lines():
        yield EXPORT_HEADER
        for row in rows.iterator(chunk_size=500):
            supervisor = getattr(row.supervisor, "person", None)
            yield [
                safe_cell(row.person.full_name),
                safe_cell(row.team.name),
                safe_cell(row.role_version.title),
                safe_cell(supervisor.full_name if supervisor else row.supervisor.username),
                kinds.get(row.requirement_kind, row.requirement_kind),
                row.requirement_days,
                row.requirement_minutes,
                row.last_confirmed.isoformat() if row.last_confirmed else "",
                row.next_due.isoformat() if row.next_due else "",
                Status.LABELS[row.status],
            ]

    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(line) for line in lines()), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="supervision-compliance-{organisation.pk}-{stamp}.csv"'
    )
    return response
