"""The home page and the report pages with their CSV downloads: parse the filters, read
the panels or build the tables, render. The home page lives here, with the reports, because
its panels come from every app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from roles.models import RoleFamily
from supervision import services as supervision_services
from workforce.organisations import access
from workforce.organisations import selectors as organisation_selectors
from workforce.organisations.models import Capacity
from workforce.platform import disclosure, exports
from workforce.register import selectors
from workforce.reports import common, dashboard, navigation, registry


@access.access_required()
def home(request):
    memberships = list(organisation_selectors.memberships_of(request.user))
    held = access.all_capacities(request.user)
    summaries = [
        (label, navigation.CAPACITY_SUMMARIES[value])
        for value, label in Capacity.choices
        if value in held
    ]
    training = selectors.training_home(request.user) if memberships else None
    panels = None
    if memberships:  # someone in no organisation is shown none of the panels
        panels = dashboard.home_panels(request.user)
        # The panel shows the actions' words: the read log notes who saw them, as on every
        # page.
        supervision_services.log_actions_shown(request.user, panels.actions, request.path)
    return render(
        request,
        "workforce/home.html",
        {
            "memberships": memberships,
            "summaries": summaries,
            "quick_actions": navigation.quick_actions_for(held),
            "training": training,
            "panels": panels,
        },
    )


@access.access_required(*registry.ANY_REPORT)
def index(request):
    return render(request, "reports/index.html", {"reports": registry.reports_for(request.user)})


def _prepare(request, slug: str):
    report = registry.BY_SLUG[slug]
    if not access.has_capacity(request.user, *report.capacities):
        raise PermissionDenied
    filters = common.parse_filters(request.user, request.GET, report.capacities)
    return report, filters, report.build(request.user, filters)


def report_page(request, slug: str):
    report, filters, tables = _prepare(request, slug)
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "reports": registry.reports_for(request.user),
            "filters": filters,
            "tables": tables,
            "teams": common.team_choices(filters) if report.uses_filters else [],
            "families": RoleFamily.choices,
            "disclosure_rule": disclosure.RULE,
        },
    )


def report_csv(request, slug: str):
    report, filters, tables = _prepare(request, slug)
    response = StreamingHttpResponse(
        exports.render_csv(common.report_lines(tables)), content_type="text/csv; charset=utf-8"
    )
    name = f"{slug}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"
    if not report.uses_filters:
        name = f"{slug}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def page_view(slug: str):
    @access.access_required()
    def view(request):
        return report_page(request, slug)

    view.__name__ = f"{slug}_report"
    return view


def csv_view(slug: str):
    @access.access_required()
    def view(request):
        return report_csv(request, slug)

    view.__name__ = f"{slug}_csv"
    return view
