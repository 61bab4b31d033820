"""Lists: every incident the viewer may see (with filters and the dashboard counts), my
reports, the triage queue, the escalations queue, and a worker's chronology."""

from __future__ import annotations

from django.shortcuts import render

from supervision.incidents import selectors
from supervision.incidents.forms import FilterForm
from supervision.incidents.models import Category, Severity
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Capacity as C
from workforce.organisations.models import Organisation
from workforce.platform import paging
from workforce.register.models import Person

PAGE_SIZE = 25
uses_incidents = access.access_required(*groups.INCIDENT_USERS)


def _page(request, rows):
    return paging.page_of(request, rows, PAGE_SIZE)


def _filters(form: FilterForm) -> selectors.Filters:
    if not form.is_valid():
        return selectors.Filters()
    data = form.cleaned_data
    return selectors.Filters(
        state=data.get("state") or "",
        category=data.get("category") or "",
        severity=data.get("severity") or "",
        overdue=bool(data.get("overdue")),
        recurrence=bool(data.get("recurrence")),
        sort=data.get("sort") or "newest",
    )


def tabs(user) -> list[tuple[str, str]]:
    """The incident pages this user has, for the sub-navigation on each of them."""
    items = [("incidents:list", "All you can see"), ("incidents:mine", "Your reports")]
    if access.has_capacity(user, *groups.TRIAGERS):
        items.append(("incidents:triage_queue", "Waiting for triage"))
    if access.has_capacity(user, C.SAFEGUARDING_LEAD):
        items.append(("incidents:escalations", "Escalations"))
    return items


def _context(request, **extra) -> dict:
    return {
        "tabs": tabs(request.user),
        "can_report": selectors.reportable_people(request.user).exists(),
        **extra,
    }


@uses_incidents
def incident_list(request):
    form = FilterForm(request.GET or None)
    filters = _filters(form)
    incidents = selectors.incident_list(request.user, filters)
    query = request.GET.copy()
    query.pop("page", None)
    filtered = any(
        (filters.state, filters.category, filters.severity, filters.overdue, filters.recurrence)
    )
    return render(
        request,
        "incidents/list.html",
        _context(
            request,
            form=form,
            page=_page(request, incidents),
            filtered=filtered,
            summary=selectors.summary(selectors.visible(request.user)),
            restricted=selectors.restricted(request.user),
            query=query.urlencode(),
            # Leads set their organisations' deadlines.
            policy_organisations=Organisation.objects.filter(
                pk__in=access.organisation_ids(request.user, *groups.INCIDENT_LEADS)
            ).order_by("name"),
        ),
    )


@uses_incidents
def my_reports(request):
    return render(
        request,
        "incidents/mine.html",
        _context(
            request,
            page=_page(request, selectors.my_reports(request.user)),
            restricted=selectors.restricted(request.user, mine=True),
            about_me=list(selectors.about_me(request.user)[:50]),
        ),
    )


@access.access_required(*groups.TRIAGERS)
def triage_queue(request):
    return render(
        request,
        "incidents/triage_queue.html",
        _context(request, page=_page(request, selectors.triage_queue(request.user))),
    )


@access.access_required(C.SAFEGUARDING_LEAD)
def escalations(request):
    return render(
        request,
        "incidents/escalations.html",
        _context(request, page=_page(request, selectors.escalations_queue(request.user))),
    )


@uses_incidents
def person_chronology(request, pk: int):
    person = access.get_object_for(request.user, Person, "view_incidents", pk=pk)
    incidents = selectors.person_incidents(request.user, person)
    return render(
        request,
        "incidents/person.html",
        _context(
            request,
            person=person,
            incidents=incidents,
            events=selectors.person_events(request.user, incidents),
            sessions=selectors.supervision_metadata(request.user, person),
            categories=Category,
            severities=Severity,
            is_self=person.user_id == request.user.pk,
        ),
    )
