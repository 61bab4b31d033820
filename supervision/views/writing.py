"""Logging sessions, confirming or disputing them, and agreed actions. All writes are POST
and go through supervision.services; a broken rule is shown to the user, nothing saved."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from supervision import selectors, services
from supervision.forms import DEFAULT_MINUTES, CorrectForm, DisputeForm, SessionForm
from supervision.models import SessionAction
from supervision.services import SupervisionError
from supervision.views.reading import action_form_for, render_detail, shortfall_text
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.register.models import Person

# Who logs their own supervision (supervisors and leads are supervised too).


def _show_error(form: forms.Form, error: SupervisionError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _initial(user) -> dict:
    """Today, my named supervisor, and the type of supervision I most need next."""
    rows = list(selectors.my_compliance(user)[:1])
    return {
        "date": timezone.localdate(),
        "supervisor": selectors.current_supervisor(user),
        "kind": rows[0].requirement_kind if rows else None,
        "minutes": rows[0].requirement_minutes if rows else DEFAULT_MINUTES,
        "action_due_date": None,
    }


def _log(request, *, mode: str):
    user = request.user
    person = getattr(user, "person", None)
    if mode == "supervisee":
        kwargs = {"supervisors": selectors.supervisor_choices(user)}
    else:
        kwargs = {"supervisees": selectors.supervisee_choices(user)}
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        mode=mode,
        user=user,
        initial=_initial(user),
        **kwargs,
    )
    able = person is not None or mode == "supervisor"
    if request.method == "POST" and able and form.is_valid():
        data = form.cleaned_data
        supervisor = data["supervisor"] if mode == "supervisee" else user
        try:
            session = services.session_log(
                logged_by=user,
                supervisor=supervisor,
                supervisees=[person] if mode == "supervisee" else list(data["supervisees"]),
                date=data["date"],
                minutes=data["minutes"],
                kind=data["kind"],
                format=data["format"],
                topics=data["topics"],
                notes=data["notes"],
                actions=form.action_inputs(supervisor),
            )
        except SupervisionError as error:
            _show_error(form, error)
        else:
            short = shortfall_text(session)
            if short:
                messages.warning(request, f"Session logged. {short}")
            else:
                messages.success(
                    request, "Session logged. It counts once the other party confirms it."
                )
            return redirect("supervision:session", pk=session.pk)
    return render(
        request,
        "supervision/log.html",
        {"form": form, "mode": mode, "person": person},
        status=400 if form.errors else 200,
    )


@access.access_required(*groups.SUPERVISED)
def log(request):
    """A peer worker (or anyone supervised) logs a session they had."""
    return _log(request, mode="supervisee")


@access.access_required(*groups.SUPERVISING)
def log_given(request):
    """A supervisor logs a session they ran, with one person or a group."""
    return _log(request, mode="supervisor")


@require_POST
@access.access_required()
def confirm(request, pk: int):
    session = selectors.session_detail(request.user, pk)
    try:
        services.session_confirm(session=session, by=request.user)
    except SupervisionError as error:
        messages.error(request, error.message)
    else:
        short = shortfall_text(session, confirmed=True)
        if short:
            messages.warning(request, f"Confirmed. {short}")
        else:
            messages.success(request, "Confirmed. This session now counts towards supervision.")
    return redirect("supervision:session", pk=session.pk)


@require_POST
@access.access_required()
def dispute(request, pk: int):
    session = selectors.session_detail(request.user, pk)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            services.session_dispute(
                session=session, by=request.user, reason=form.cleaned_data["reason"]
            )
        except SupervisionError as error:
            _show_error(form, error)
        else:
            messages.success(
                request,
                "Disputed. The log stays on both records with your reason; it does not count "
                "towards supervision.",
            )
            return redirect("supervision:session", pk=session.pk)
    return render_detail(request, session, dispute_form=form, status=400)


@access.access_required()
def correct(request, pk: int):
    """Whoever logged a session corrects it until everyone has confirmed it."""
    session = selectors.session_detail(request.user, pk)
    if not access.can(request.user, "correct", session):
        raise Http404  # as for any object the user may not act on (access.get_object_for)
    people = Person.objects.filter(supervision_links__session=session).order_by("full_name")
    form = CorrectForm(
        request.POST if request.method == "POST" else None, session=session, people=people
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_correct(
                session=session,
                by=request.user,
                date=data["date"],
                minutes=data["minutes"],
                kind=data["kind"],
                format=data["format"],
                remove=list(data.get("remove") or ()),
            )
        except SupervisionError as error:
            _show_error(form, error)
        else:
            session = selectors.session_detail(request.user, pk)
            short = shortfall_text(session)
            done = (
                "Log corrected. Everyone in it is asked to confirm it again."
                if session.status == session.Status.AWAITING
                else f"Log corrected. It is now {session.get_status_display().lower()}."
            )
            (messages.warning if short else messages.success)(request, f"{done} {short}".strip())
            return redirect("supervision:session", pk=session.pk)
    return render(
        request,
        "supervision/session_correct.html",
        {"form": form, "session": session},
        status=400 if form.errors else 200,
    )


@require_POST
@access.access_required()
def withdraw(request, pk: int):
    session = selectors.session_detail(request.user, pk)
    try:
        services.session_withdraw(session=session, by=request.user)
    except SupervisionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Log withdrawn. It stays on the record but counts for nobody, and its open actions "
            "are closed. You can log the session again if it did happen.",
        )
    return redirect("supervision:session", pk=session.pk)


@require_POST
@access.access_required()
def action_add(request, pk: int):

    session = selectors.session_detail(request.user, pk)
    form = action_form_for(session, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.action_add(
                session=session,
                by=request.user,
                text=data["text"],
                owner=data["owner"],
                due_date=data["due_date"],
            )
        except SupervisionError as error:
            _show_error(form, error)
        else:
            messages.success(request, "Action added.")
            return redirect("supervision:session", pk=session.pk)
    return render_detail(request, session, action_form=form, status=400)


@require_POST
@access.access_required()
def action_complete(request, pk: int):
    # Read the input before writing anything: a body Django refuses to parse (too many
    # fields) must be a 400 that changed nothing, not a 400 after the action was ticked off.
    next_url = request.POST.get("next", "")
    action = get_object_or_404(
        access.scoped(request.user, SessionAction).select_related("session"), pk=pk
    )
    try:
        services.action_complete(action=action, by=request.user)
    except SupervisionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Action marked done.")
    if next_url in ("home", "mine"):
        return redirect("home" if next_url == "home" else "supervision:mine")
    return redirect("supervision:session", pk=action.session_id)
