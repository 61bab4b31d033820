"""Pages that read supervision: my supervision, my supervisees, the session list, a session,
and the printable record. Private notes, topics and actions reach a template only through
`selectors.private_content`, which returns them for the parties alone."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from supervision import rules, selectors, services
from supervision.forms import ActionForm, DisputeForm, RecordRangeForm, SessionFilterForm
from supervision.models import SupervisionSession
from supervision.selectors.compliance import annotate_compliance
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Capacity as C
from workforce.platform.query import Query, page_number
from workforce.platform.read_log import What, read_log_record, read_log_record_each
from workforce.register.models import Assignment, Person

PAGE_SIZE = 25
# Who has anything to find in the session list: parties and metadata readers.
SESSION_READERS = (*groups.SUPERVISED, C.ADMIN)
RECORD_DEFAULT_DAYS = 365


def _page(request, rows, size=PAGE_SIZE):
    return Paginator(rows, size).get_page(page_number(request))


@access.access_required(*groups.SUPERVISED)
def mine(request):
    user = request.user
    actions = list(selectors.open_actions(user))
    services.log_actions_shown(user, actions, request.path)
    return render(
        request,
        "supervision/mine.html",
        {
            "rows": list(selectors.my_compliance(user)),
            "awaiting": list(selectors.awaiting_answer(user)),
            "actions": actions,
            "page": _page(request, selectors.my_history(user).order_by("-date", "-pk")),
            "today": timezone.localdate(),
            "has_person": getattr(user, "person", None) is not None,
        },
    )


@access.access_required(*groups.SUPERVISING)
def supervisees(request):
    user = request.user
    return render(
        request,
        "supervision/supervisees.html",
        {
            "page": _page(request, selectors.supervisee_compliance(user), size=50),
            "awaiting": list(selectors.awaiting_answer(user)),
            "recent": list(selectors.given_sessions(user).order_by("-date", "-pk")[:10]),
        },
    )


SORTS = {"-date": ("Newest first", ("-date", "-pk")), "date": ("Oldest first", ("date", "pk"))}


@access.access_required(*SESSION_READERS)
def session_list(request):
    form = SessionFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.SessionFilters(
        q=data.get("q", "").strip(),
        kind=data.get("kind", ""),
        status=data.get("status", ""),
        start=data.get("start"),
        end=data.get("end"),
    )
    sort = Query(request.GET).choice("sort", SORTS, default="-date")
    sessions = selectors.session_list(request.user, filters).order_by(*SORTS[sort][1])
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "supervision/session_list.html",
        {
            "form": form,
            "page": _page(request, sessions),
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "sort": sort,
            "sorts": [(key, label) for key, (label, _) in SORTS.items()],
            "filtered": any(filters.__dict__.values()),
        },
    )


def _parties(session: SupervisionSession) -> list[tuple[object, str]]:
    supervisor = session.supervisor
    person = getattr(supervisor, "person", None)
    parties = [(supervisor, f"{person.full_name if person else supervisor} (supervisor)")]
    for link in session.supervisee_links.all():
        if link.person.user_id:
            parties.append((link.person.user, link.person.full_name))
    return parties


def action_form_for(session: SupervisionSession, data=None) -> ActionForm:
    initial = {"due_date": timezone.localdate() + datetime.timedelta(days=28)}
    return ActionForm(data, parties=_parties(session), initial=initial, prefix="action")


def shortfall_text(session: SupervisionSession, *, confirmed: bool = False) -> str:
    """What to tell the parties when a session is too short to count for someone in it;
    empty when it counts for everyone."""
    shortfalls = selectors.session_shortfalls(session)
    if not shortfalls:
        return ""
    who = ", ".join(f"{s.person.full_name} (at least {s.minimum} minutes)" for s in shortfalls)
    kind = session.get_kind_display().lower()
    outcome = (
        "It is on the record, but does not count towards their supervision."
        if confirmed
        else "It stays on the record, but will not count towards their supervision, even "
        "once confirmed."
    )
    return (
        f"This {session.minutes}-minute session is shorter than their role asks for "
        f"{kind}: {who}. {outcome}"
    )


def render_detail(request, session, *, dispute_form=None, action_form=None, status=200):
    user = request.user
    private = None
    if access.can(user, "view_notes", session):
        private = selectors.private_content(user, [session]).get(session.pk)
    if private is not None:
        # The page shows the session's private notes: the read log notes who opened them.
        read_log_record(user=user, obj=session, what=What.SUPERVISION_NOTES, url=request.path)
        services.log_actions_shown(
            user, private["actions"], request.path, lambda action: session.organisation_id
        )
    links = list(session.supervisee_links.all())
    return render(
        request,
        "supervision/session_detail.html",
        {
            "session": session,
            "links": links,
            # In a group each attendee answers for themselves: show where each one stands.
            "answers": [(link, rules.answer_of(session, link)) for link in links]
            if len(links) > 1 and not session.is_withdrawn
            else [],
            "may_correct": access.can(user, "correct", session),
            "private": private,
            "may_confirm": access.can(user, "confirm", session),
            "may_dispute": access.can(user, "dispute", session),
            "dispute_form": dispute_form or DisputeForm(),
            "action_form": (action_form or action_form_for(session)) if private else None,
            "today": timezone.localdate(),
            "shortfall": shortfall_text(session, confirmed=session.is_confirmed),
        },
        status=status,
    )


@access.access_required()
def session_detail(request, pk: int):
    return render_detail(request, selectors.session_detail(request.user, pk))


@access.access_required()
def record(request, pk: int):
    """A person's supervision over a date range, for appraisal; prints cleanly."""
    user = request.user
    person = access.get_object_for(user, Person, "view_supervision", pk=pk)
    today = timezone.localdate()
    defaults = {"start": today - datetime.timedelta(days=RECORD_DEFAULT_DAYS), "end": today}
    form = RecordRangeForm(request.GET if "start" in request.GET else defaults)
    start, end = defaults["start"], defaults["end"]
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    sessions = selectors.person_record(user, person, start, end)
    private = selectors.private_content(user, sessions)
    read_log_record_each(
        user=user,
        objs=[s for s in sessions if s.pk in private],
        what=What.SUPERVISION_NOTES,
        url=request.path,
    )
    organisations = {s.pk: s.organisation_id for s in sessions}
    services.log_actions_shown(
        user,
        [action for content in private.values() for action in content["actions"]],
        request.path,
        lambda action: organisations[action.session_id],
    )
    rows = annotate_compliance(access.scoped(user, Assignment).filter(person=person)).order_by(
        "status_rank", "next_due", "pk"
    )
    confirmed = [s for s in sessions if rules.confirmed_for(s, person.pk)]
    return render(
        request,
        "supervision/record.html",
        {
            "person": person,
            "form": form,
            "start": start,
            "end": end,
            "sessions": [(s, private.get(s.pk)) for s in sessions],
            "rows": list(rows.select_related("role_version", "team")),
            "confirmed_count": len(confirmed),
            "confirmed_minutes": sum(s.minutes for s in confirmed),
            "shows_private": bool(private),
            "printed_on": today,
        },
    )
