"""One page per workflow step: a form (GET) that is sent by POST to the step's service.

Every step page first asks the access layer whether this user may take the step on this
incident (404 if not, the same as an incident that does not exist). A step the incident's
state no longer allows sends the user back to the incident page with a message saying what
happened, for example when someone else triaged it while they were typing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from supervision.incidents import forms, selectors, services
from supervision.incidents.models import Incident, IncidentAction, State
from supervision.incidents.services.base import STEP_STATES
from supervision.incidents.services.safeguarding import closing_needs
from supervision.incidents.views.helpers import show_error
from supervision.incidents.views.lists import _context, uses_incidents
from workforce.organisations import access
from workforce.platform.read_log import What, read_log_record


def _run_step(
    request,
    pk: int,
    *,
    name: str,
    rule: str,
    make_form: Callable,
    perform: Callable,
    success: str,
    title: str,
    submit: str,
    intro: str = "",
    danger: bool = False,
    template: str = "incidents/step.html",
):
    incident = access.get_object_for(request.user, Incident, rule, pk=pk)
    if request.method != "POST" and incident.state not in STEP_STATES[name]:
        messages.info(
            request,
            f"That step is not available now: the incident is "
            f"“{incident.get_state_display().lower()}”.",
        )
        return redirect("incidents:detail", pk=incident.pk)
    form = make_form(request.POST or None, incident)
    if request.method == "POST" and form.is_valid():
        try:
            perform(incident, form.cleaned_data)
        except services.IncidentError as error:
            incident.refresh_from_db()
            if incident.state not in STEP_STATES[name] or not access.can(
                request.user, rule, incident
            ):
                messages.error(request, error.message)
                return redirect("incidents:detail", pk=incident.pk)
            show_error(form, error)
        else:
            messages.success(request, success)
            return redirect("incidents:detail", pk=incident.pk)
    return render(
        request,
        template,
        _context(
            request,
            incident=incident,
            form=form,
            title=title,
            intro=intro,
            submit=submit,
            danger=danger,
        ),
    )


@uses_incidents
def triage(request, pk: int):
    def make_form(data, incident):
        leads = selectors.safeguarding_leads(incident)
        return forms.TriageForm(data, incident=incident, leads=leads)

    def perform(incident, data):
        services.incident_triage(
            incident=incident,
            by=request.user,
            decision=data["decision"],
            reason=data["reason"],
            escalate_to=data.get("escalate_to"),
        )

    response = _run_step(
        request,
        pk,
        name="triage",
        rule="triage",
        make_form=make_form,
        perform=perform,
        success="Triage recorded.",
        title="Triage",
        intro="Decide whether this can be managed through supervision or must go to a "
        "safeguarding lead. High or critical incidents and any safeguarding concern always go "
        "to a safeguarding lead.",
        submit="Record triage",
        template="incidents/triage.html",
    )
    if response.status_code == 200:
        # The triage form shows the narrative: the read log notes who opened it.
        incident = access.get_object_for(request.user, Incident, "triage", pk=pk)
        read_log_record(user=request.user, obj=incident, what=What.NARRATIVE, url=request.path)
    return response


@uses_incidents
def escalate(request, pk: int):
    def make_form(data, incident):
        return forms.EscalateForm(data, leads=selectors.safeguarding_leads(incident))

    def perform(incident, data):
        services.incident_escalate(
            incident=incident,
            by=request.user,
            to=data["escalate_to"],
            reason=data["reason"],
        )

    return _run_step(
        request,
        pk,
        name="escalate",
        rule="escalate",
        make_form=make_form,
        perform=perform,
        success="Escalated. The safeguarding lead has been emailed.",
        title="Escalate to a safeguarding lead",
        intro="The lead you choose is emailed straight away and must acknowledge it before "
        "the deadline. If it is already escalated, the deadline stays as it was.",
        submit="Escalate",
        danger=True,
    )


@uses_incidents
def acknowledge(request, pk: int):
    def make_form(data, incident):
        return forms.NoteForm(
            data,
            label="Anything to note now? (optional)",
            help_text="For example, first steps you have taken.",
        )

    return _run_step(
        request,
        pk,
        name="acknowledge",
        rule="acknowledge",
        make_form=make_form,
        perform=lambda incident, data: services.incident_acknowledge(
            incident=incident, by=request.user, note=data["note"]
        ),
        success="Acknowledged: it is now yours to take forward.",
        title="Acknowledge the escalation",
        intro="Acknowledging says you have it in hand. Record any external referral next.",
        submit="Acknowledge",
    )


@uses_incidents
def referral(request, pk: int):
    return _run_step(
        request,
        pk,
        name="referral",
        rule="refer",
        make_form=lambda data, incident: forms.ReferralForm(data),
        perform=lambda incident, data: services.incident_record_referral(
            incident=incident,
            by=request.user,
            agency=data["agency"],
            agency_name=data["agency_name"],
            reference=data["reference"],
            referred_on=data["referred_on"],
        ),
        success="Referral recorded.",
        title="Record an external referral",
        intro="Record each referral made outside the organisation: local authority "
        "safeguarding, LADO, police or another agency.",
        submit="Record referral",
    )


@uses_incidents
def action_add(request, pk: int):
    return _run_step(
        request,
        pk,
        name="action_add",
        rule="manage",
        make_form=lambda data, incident: forms.ActionForm(
            data, owners=selectors.action_owner_choices(incident)
        ),
        perform=lambda incident, data: services.incident_add_action(
            incident=incident,
            by=request.user,
            description=data["description"],
            owner=data["owner"],
            due_on=data["due_on"],
        ),
        success="Action added.",
        title="Add an action",
        submit="Add action",
    )


@uses_incidents
def review(request, pk: int):
    return _run_step(
        request,
        pk,
        name="review",
        rule="manage",
        make_form=lambda data, incident: forms.NoteForm(
            data,
            label="What did the review find?",
            help_text="Were the actions right, and were they done? Is anyone still at risk?",
            required=True,
        ),
        perform=lambda incident, data: services.incident_review(
            incident=incident, by=request.user, notes=data["note"]
        ),
        success="Review started. Close the incident when the actions are done.",
        title="Review",
        submit="Start the review",
    )


@uses_incidents
def close(request, pk: int):
    def make_form(data, incident):
        needs = incident.is_escalated and not incident.referrals.exists()
        return forms.CloseForm(data, needs_referral_reason=needs)

    incident = access.get_object_for(request.user, Incident, "manage", pk=pk)
    # What the safeguarding record still needs, said before anything is typed.
    needs = closing_needs(incident)
    return _run_step(
        request,
        pk,
        name="close",
        rule="manage",
        make_form=make_form,
        perform=lambda incident, data: services.incident_close(
            incident=incident,
            by=request.user,
            outcome=data["outcome"],
            learning=data["learning"],
            no_referral_reason=data.get("no_referral_reason", ""),
        ),
        success="Closed. The outcome and learning are on the incident page.",
        title="Close the incident",
        intro=(f"{needs} " if needs else "")
        + "Closing is final: after this only corrections can be added.",
        submit="Close the incident",
        danger=True,
    )


@uses_incidents
def correct(request, pk: int):
    def make_form(data, incident):
        exclusions = selectors.current_exclusions(incident.person)
        may_lift = access.can(request.user, "lift_escalation", incident)
        return forms.CorrectionForm(
            data, incident=incident, exclusions=exclusions, may_lift=may_lift
        )

    def perform(incident, data):
        changes = {name: data[name] for name in services.CORRECTABLE}
        services.incident_correct(
            incident=incident,
            by=request.user,
            reason=data["reason"],
            lift_escalation=data.get("lift_escalation", False),
            **changes,
        )

    return _run_step(
        request,
        pk,
        name="correct",
        rule="correct",
        make_form=make_form,
        perform=perform,
        success="Correction added to the chronology.",
        title="Add a correction",
        intro="The original report is never changed. What you change here becomes the "
        "incident's current details, and the chronology keeps both, with your reason.",
        submit="Add correction",
    )


@uses_incidents
def visibility(request, pk: int):
    def perform(incident, data):
        services.incident_restrict_visibility(
            incident=incident,
            by=request.user,
            restricted=not incident.worker_restricted,
            reason=data["reason"],
        )

    incident = access.get_object_for(request.user, Incident, "restrict", pk=pk)
    hiding = not incident.worker_restricted
    return _run_step(
        request,
        pk,
        name="visibility",
        rule="restrict",
        make_form=lambda data, incident: forms.VisibilityForm(data),
        perform=perform,
        success="The worker can no longer see this incident."
        if hiding
        else "The worker can see this incident again.",
        title="Hide it from the worker" if hiding else "Show it to the worker again",
        intro="Hide it only when telling the worker could put someone at risk or harm an "
        "investigation. They will not see it, or know that it exists."
        if hiding
        else "The worker will see the incident, its chronology and its outcome.",
        submit="Hide it from the worker" if hiding else "Show it to the worker",
        danger=hiding,
    )


@uses_incidents
def leads_only(request, pk: int):
    """Restrict an escalated incident to safeguarding leads (Caldicott: need to know), or lift
    the restriction."""
    incident = access.get_object_for(request.user, Incident, "restrict_to_leads", pk=pk)
    restricting = not incident.is_leads_only

    def perform(incident, data):
        change = services.incident_restrict if restricting else services.incident_lift_restriction
        change(incident=incident, by=request.user, reason=data["reason"])

    return _run_step(
        request,
        pk,
        name="leads_only",
        rule="restrict_to_leads",
        make_form=lambda data, incident: forms.LeadsOnlyForm(data),
        perform=perform,
        success="Only safeguarding leads can now see what this incident says."
        if restricting
        else "The restriction is lifted: those who saw this incident before can see it again.",
        title="Restrict it to safeguarding leads"
        if restricting
        else "Lift the restriction to safeguarding leads",
        intro="Restrict it when only safeguarding leads need to know (Caldicott). Co-production "
        "leads, the worker's supervisor, the reporter and the worker will see only that it "
        "exists and where it is in the workflow; the reporter keeps what they wrote. They "
        "cannot act on it while it is restricted."
        if restricting
        else "Everyone who saw the incident before it was restricted will see it again, with "
        "its chronology.",
        submit="Restrict it" if restricting else "Lift the restriction",
        danger=restricting,
    )


@uses_incidents
def action_complete(request, pk: int, action_pk: int):
    incident = get_object_or_404(access.scoped(request.user, Incident), pk=pk)
    action = get_object_or_404(
        access.scoped(request.user, IncidentAction).select_related("owner__person"),
        pk=action_pk,
        incident=incident,
    )
    if action.is_done:
        messages.info(request, "That action is already done.")
        return redirect("incidents:detail", pk=incident.pk)
    if not access.can(request.user, "complete", action):
        raise Http404
    form = forms.NoteForm(
        request.POST or None,
        label="Anything to note? (optional)",
        help_text="For example, what was done, or why it was done differently.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_complete(action=action, by=request.user, note=form.cleaned_data["note"])
        except services.IncidentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Action marked done.")
        return redirect("incidents:detail", pk=incident.pk)
    return render(
        request,
        "incidents/action_complete.html",
        _context(request, incident=incident, action=action, form=form, state=State),
    )


# --- The safeguarding record (services/safeguarding.py).


@uses_incidents
def abuse_types(request, pk: int):
    return _run_step(
        request,
        pk,
        name="abuse_types",
        rule="record_abuse_types",
        make_form=lambda data, incident: forms.AbuseTypesForm(data, incident=incident),
        perform=lambda incident, data: services.incident_record_abuse_types(
            incident=incident,
            by=request.user,
            abuse_types=data["abuse_types"],
            reason=data["reason"],
        ),
        success="Types of abuse or neglect recorded.",
        title="Types of abuse or neglect",
        intro="The ten types in the Care and Support Statutory Guidance (Care Act 2014). An "
        "incident may involve more than one. The worker it is about does not see them.",
        submit="Record the types",
    )


@uses_incidents
def personal(request, pk: int):
    return _run_step(
        request,
        pk,
        name="personal",
        rule="safeguard",
        make_form=lambda data, incident: forms.PersonalForm(data, incident=incident),
        perform=lambda incident, data: services.incident_record_personal(
            incident=incident,
            by=request.user,
            views=data["views"],
            consent=data["consent"],
            without_consent_reason=data["without_consent_reason"],
            capacity_considered=data["capacity_considered"],
            capacity_note=data["capacity_note"],
        ),
        success="Making Safeguarding Personal recorded.",
        title="Making Safeguarding Personal",
        intro="What the person at risk wants to happen, whether they agreed to a referral, and "
        "whether their mental capacity to decide was considered. Needed before an escalated "
        "incident can be closed. The worker it is about does not see it.",
        submit="Record it",
    )


@uses_incidents
def dbs(request, pk: int):
    return _run_step(
        request,
        pk,
        name="dbs",
        rule="safeguard",
        make_form=lambda data, incident: forms.DbsForm(data, incident=incident),
        perform=lambda incident, data: services.incident_record_dbs(
            incident=incident,
            by=request.user,
            removed=data["removed"],
            decision=data["decision"],
            referred_on=data["referred_on"],
            reason=data["reason"],
        ),
        success="The duty to refer to the DBS is recorded.",
        title="Duty to refer to the DBS",
        intro="If the worker has been removed from regulated activity because they harmed, or "
        "may harm, a child or an adult at risk, the organisation must consider referring them "
        "to the Disclosure and Barring Service, and record the decision before closing. See "
        "“Making barring referrals to the DBS” on GOV.UK.",
        submit="Record the decision",
    )
