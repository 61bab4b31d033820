"""Reporting an incident, and the incident page with its chronology, actions and next steps."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from supervision.incidents import deadlines, rules, selectors, services
from supervision.incidents.forms import ChoosePersonForm, FindPersonForm, ReportForm
from supervision.incidents.models import AbuseType, Incident, State
from supervision.incidents.services.base import STEP_STATES, when
from supervision.incidents.views.helpers import show_error
from supervision.incidents.views.lists import _context, uses_incidents
from workforce.organisations import access
from workforce.platform.query import parse_id
from workforce.platform.read_log import What, read_log_record

# Each step: (url name, label, access rule, button style). Shown when the rule allows it and
# the incident is in a state where the step can be taken.
STEPS = [
    ("triage", "Triage", "triage", "btn-primary"),
    ("acknowledge", "Acknowledge", "acknowledge", "btn-primary"),
    ("escalate", "Escalate", "escalate", "btn-outline-danger"),
    ("referral", "Record an external referral", "refer", "btn-outline-primary"),
    ("action_add", "Add an action", "manage", "btn-outline-primary"),
    ("review", "Start the review", "manage", "btn-outline-primary"),
    ("close", "Close", "manage", "btn-primary"),
    ("correct", "Add a correction", "correct", "btn-outline-secondary"),
    ("visibility", None, "restrict", "btn-outline-secondary"),
    ("leads_only", None, "restrict_to_leads", "btn-outline-danger"),
    ("abuse_types", "Types of abuse or neglect", "record_abuse_types", "btn-outline-secondary"),
    ("personal", "Making Safeguarding Personal", "safeguard", "btn-outline-primary"),
    ("dbs", "Duty to refer to the DBS", "safeguard", "btn-outline-primary"),
]


def available_steps(user, incident: Incident) -> list[dict]:
    steps = []
    for name, label, rule, style in STEPS:
        if incident.state not in STEP_STATES[name] or not access.can(user, rule, incident):
            continue
        if name in ("referral", "personal", "dbs") and not incident.is_escalated:
            continue
        if name == "leads_only":
            label = (
                "Lift the restriction to safeguarding leads"
                if incident.is_leads_only
                else "Restrict it to safeguarding leads"
            )
        if name == "escalate" and incident.state == State.ESCALATED:
            label = "Pass to another safeguarding lead"
        if name == "visibility":
            label = (
                "Show it to the worker again"
                if incident.worker_restricted
                else "Hide it from the worker"
            )
        steps.append(
            {
                "label": label,
                "url": reverse(f"incidents:{name}", kwargs={"pk": incident.pk}),
                "style": style,
            }
        )
    return steps


def open_deadlines(incident: Incident, actions) -> list[dict]:
    """Each open step with its deadline and how overdue it is."""
    rows = []
    if incident.state == State.REPORTED:
        rows.append({"label": "Triage", "due": incident.triage_due_at})
    if incident.state == State.ESCALATED:
        rows.append(
            {
                "label": "Acknowledgement by the safeguarding lead",
                "due": incident.acknowledge_due_at,
            }
        )
    for action in actions:
        if not action.is_done:
            rows.append({"label": f"Action: {action.description}", "due": action_due(action)})
    for row in rows:
        late = deadlines.overdue_by(row["due"])
        row["overdue_by"] = deadlines.describe_duration(late) if late else ""
    return rows


def action_due(action):
    return deadlines.action_due(action.due_on)


# Step 1 lists everyone the reporter may report about, up to this many. A lead of a large
# trust may report about thousands: a list that long is slow to load on a phone and hard to
# scroll, so past this they type part of the name first and choose from who matches.
CHOOSE_FROM_UP_TO = 50


def _choose(request, people):
    """Step 1: who it is about. A short list to choose from, or a search by name first."""
    total = people.count()
    find, found, text = None, [], ""
    if total > CHOOSE_FROM_UP_TO:
        find = FindPersonForm(request.GET if "q" in request.GET else None)
        if find.is_valid():
            text = find.cleaned_data["q"]
            people, found = selectors.first_named(people, text, CHOOSE_FROM_UP_TO)
            if not found:
                find.add_error(
                    "q",
                    f"Nobody you can report about has “{text}” in their name. Check the "
                    "spelling, or type less of the name.",
                )
        else:
            people = people.none()
    shown = find is None or bool(found)
    # One match is chosen already: Continue is all that is left to do.
    initial = {"person": found[0]} if len(found) == 1 else None
    choose = ChoosePersonForm(
        request.GET if "person" in request.GET else None, people=people, initial=initial
    )
    find_errors = [
        {"anchor": find["q"].id_for_label, "label": find["q"].label, "message": error}
        for error in (find.errors.get("q", []) if find is not None else [])
    ]
    return render(
        request,
        "incidents/report_choose.html",
        _context(
            request,
            form=choose if shown else None,
            find=find,
            find_errors=find_errors,
            text=text,
            more=len(found) > CHOOSE_FROM_UP_TO,
            limit=CHOOSE_FROM_UP_TO,
            nobody=total == 0,
        ),
    )


@uses_incidents
def report(request):
    """Step 1: who it is about (skipped when there is only one choice). Step 2: the report."""
    people = selectors.reportable_people(request.user)
    chosen = parse_id(request.POST.get("person") or request.GET.get("person") or "")
    if chosen is None and len(people[:2]) == 1:
        chosen = people[0].pk
    if chosen is None:
        return _choose(request, people)
    person = people.filter(pk=chosen).first()
    if person is None:
        raise Http404
    exclusions = selectors.current_exclusions(person)
    form = ReportForm(request.POST or None, exclusions=exclusions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_report(
                by=request.user,
                person=person,
                occurred_on=data["occurred_on"],
                occurred_time=data["occurred_time"],
                category=data["category"],
                exclusion=data["exclusion"],
                severity=data["severity"],
                safeguarding=data["safeguarding"],
                narrative=data["narrative"],
                told_someone=data["told_someone"],
                told_whom=data["told_whom"],
                abuse_types=data["abuse_types"],
            )
        except services.IncidentError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                f"Thank you. Incident {incident.reference} has been reported and is waiting for "
                f"triage by {when(incident.triage_due_at)}.",
            )
            # Only if the reporter may see an earlier one: the flag must not tell a worker
            # about an incident hidden from them.
            if incident.is_recurrence and selectors.earlier_visible(request.user, incident):
                messages.warning(
                    request,
                    "This worker has had an incident of the same kind in the last 12 months: "
                    "see the links on the incident page.",
                )
            return redirect("incidents:detail", pk=incident.pk)
    return render(
        request,
        "incidents/report.html",
        _context(
            request,
            form=form,
            person=person,
            is_self=person.user_id == request.user.pk,
            can_change_person=len(people[:2]) > 1,
        ),
    )


def _restricted_detail(request, pk: int):
    """A restricted incident, for those who may know it exists: that, and for its reporter
    their own report (rules.py)."""
    stub = selectors.restricted_one(request.user, pk)
    if stub is None:
        raise Http404
    own = selectors.own_report(request.user, pk)
    if own is not None:
        read_log_record(user=request.user, obj=own, what=What.NARRATIVE, url=request.path)
    return render(request, "incidents/restricted.html", _context(request, stub=stub, own=own))


@uses_incidents
def detail(request, pk: int):
    # Through the access layer's scope (as get_object_for does), with the page's joins.
    incident = selectors.visible(request.user).filter(pk=pk).first()
    if incident is None:
        return _restricted_detail(request, pk)
    actions = selectors.actions_of(request.user, incident)
    for action in actions:
        action.can_complete = access.can(request.user, "complete", action)
        action.late_by = deadlines.overdue_by(action_due(action)) if not action.is_done else None
        action.late_text = deadlines.describe_duration(action.late_by) if action.late_by else ""
    corrected = (
        any(
            getattr(incident, name) != getattr(incident, f"reported_{name}")
            for name in ("occurred_on", "occurred_time", "category", "severity", "safeguarding")
        )
        or incident.exclusion_id != incident.reported_exclusion_id
    )
    # The page shows the narrative: the read log notes who opened it.
    read_log_record(user=request.user, obj=incident, what=What.NARRATIVE, url=request.path)
    return render(
        request,
        "incidents/detail.html",
        _context(
            request,
            incident=incident,
            events=selectors.chronology(request.user, incident),
            actions=actions,
            referrals=selectors.referrals_of(request.user, incident),
            earlier=selectors.earlier_visible(request.user, incident),
            later=selectors.later_visible(request.user, incident),
            steps=available_steps(request.user, incident),
            deadlines=open_deadlines(incident, actions),
            corrected=corrected,
            is_worker=rules.is_worker(request.user, incident),
            can_see_person=access.can(request.user, "view_incidents", incident.person),
            sees_safeguarding_record=access.can(request.user, "view_safeguarding_record", incident),
            abuse_type_labels=[AbuseType(value).label for value in incident.abuse_types],
        ),
    )
