"""Compliance for co-production leads and administrators: by organisation, team and
supervisor, with % compliant, and a CSV export of the rows. Metadata only: nothing here
reads notes, topics or actions."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from supervision import selectors
from supervision.selectors.compliance import Status, team_compliance_page
from supervision.selectors.export import compliance_lines
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Organisation, Team
from workforce.platform import exports, figures
from workforce.platform.query import Query

ROWS_PER_PAGE = 50


@access.access_required(*groups.LEADS_AND_ADMINS)
def compliance(request):
    user = request.user
    organisations = access.scoped(user, Organisation).filter(
        pk__in=access.organisation_ids(user, *groups.LEADS_AND_ADMINS)
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
            organisations=[organisation.pk],
        )
        overview.append({"organisation": organisation, "figures": shown if shown.strip() else ""})
    return render(
        request,
        "supervision/compliance.html",
        {"overview": overview, "due_soon_days": selectors.DUE_SOON_DAYS},
    )


@access.access_required(*groups.LEADS_AND_ADMINS)
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
        figures.SUPERVISION,
        key,
        "supervision/partials/team_table.html",
        table_context,
        request,
        organisations=[team.organisation_id],
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


@access.access_required(*groups.LEADS_AND_ADMINS)
def compliance_export(request, pk: int):
    """Every compliance row of the organisation, worst first, streamed as CSV."""
    user = request.user
    organisation = access.get_object_for(user, Organisation, "view_supervision_compliance", pk=pk)
    # No byte-order mark: this export has never had one, and its bytes stay the same.
    response = StreamingHttpResponse(
        exports.render_csv(compliance_lines(user, organisation), bom=False),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="supervision-compliance-{organisation.pk}-{stamp}.csv"'
    )
    return response
