"""The escalation workflow, one service per step:

    reported -> triaged (manage through supervision) ----------------------> in review -> closed
             \\-> escalated (named safeguarding lead) -> acknowledged ------/
    triaged -> escalated (when it turns out to need it)

Referrals and actions are recorded along the way (actions, review and closing are in
closing.py). Every service locks the incident row,
checks the state, and appends the step to the chronology and the audit trail; the database
refuses any other move (migration 0002) and an unescalated incident that was ever recorded as
high-risk (constraint incident_escalation_mandatory), whatever the code does.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from supervision.incidents import deadlines, rules
from supervision.incidents.models import (
    Agency,
    EventKind,
    Incident,
    IncidentReferral,
    NoticeKind,
    State,
    TriageDecision,
)
from supervision.incidents.services import notify
from supervision.incidents.services.base import (
    STEP_STATES,
    IncidentError,
    lock,
    name_of,
    refuse_unless,
    step,
    when,
    wrong_state,
)
from workforce.organisations.models import Capacity


def _check_lead(incident: Incident, lead) -> None:
    if lead is None:
        raise IncidentError("Choose the safeguarding lead to escalate it to.", field="escalate_to")
    is_lead = (
        lead.is_active
        and lead.memberships.filter(
            organisation_id=incident.organisation_id, capacity=Capacity.SAFEGUARDING_LEAD
        ).exists()
    )
    if not is_lead or rules.is_worker(lead, incident):
        raise IncidentError(
            f"Choose a safeguarding lead of {incident.organisation.name}.", field="escalate_to"
        )


def _escalate(incident: Incident, *, to, by, now: datetime.datetime) -> None:
    incident.escalated_at = now
    incident.escalated_by = by
    incident.escalated_to = to
    incident.acknowledge_due_at = deadlines.acknowledge_due(
        now,
        # The most serious classification recorded sets the deadline too: a milder correction
        # does not buy time.
        severity=incident.peak_severity,
        safeguarding=incident.peak_safeguarding,
        policy=deadlines.policy_for(incident.organisation_id),
    )
    incident.state = State.ESCALATED


def _tell_lead(incident: Incident, event, lead) -> None:
    """Email the safeguarding lead at once: the worker sends it after commit, and tries
    again if sending fails rather than lose it."""
    notify.record(
        key=f"escalated:{incident.pk}:{event.pk}:{lead.pk}",
        kind=NoticeKind.ESCALATED,
        incident=incident,
        recipient=lead,
    )


def _escalation_step(incident: Incident, *, kind: str, by, at, detail: str = ""):
    return step(
        incident=incident,
        kind=kind,
        by=by,
        at=at,
        summary=f"Escalated to {name_of(incident.escalated_to)}, to acknowledge by "
        f"{when(incident.acknowledge_due_at)}"
        if kind == EventKind.ESCALATED
        else f"Passed to {name_of(incident.escalated_to)}",
        detail=detail,
        after={
            "escalated_to": incident.escalated_to_id,
            "acknowledge_due_at": incident.acknowledge_due_at.isoformat(),
        },
        audit_changes={"escalated_to": incident.escalated_to_id},
    )


@transaction.atomic
def incident_triage(
    *,
    incident: Incident,
    by,
    decision: str,
    reason: str,
    escalate_to=None,
) -> Incident:
    """Decide: manage it through supervision, or escalate it to a named safeguarding lead
    (mandatory for high or critical severity or any safeguarding concern)."""
    incident = lock(incident)
    refuse_unless(
        rules.may_triage(by, incident),
        "Only the worker's supervisor or a co-production or safeguarding lead can triage it.",
    )
    if incident.state not in STEP_STATES["triage"]:
        raise wrong_state(incident, "triage it", "See what was decided on the incident page.")
    if decision not in TriageDecision.values:
        raise IncidentError("Choose what should happen next.", field="decision")
    reason = (reason or "").strip()
    if not reason:
        raise IncidentError("Say briefly why you decided this.", field="reason")
    if decision == TriageDecision.SUPERVISION and rules.escalation_mandatory(incident):
        raise IncidentError(
            f"This incident must be escalated because {rules.why_mandatory(incident)}: it "
            "cannot be managed through supervision alone. Choose a safeguarding lead to "
            "escalate it to.",
            field="decision",
        )
    if decision == TriageDecision.ESCALATE:
        _check_lead(incident, escalate_to)
    now = deadlines.now()
    before = {"state": incident.state}
    incident.triaged_at, incident.triaged_by, incident.triage_decision = now, by, decision
    if decision == TriageDecision.ESCALATE:
        _escalate(incident, to=escalate_to, by=by, now=now)
    else:
        incident.state = State.TRIAGED
    incident.save(
        update_fields=[
            "state",
            "triaged_at",
            "triaged_by",
            "triage_decision",
            "escalated_at",
            "escalated_by",
            "escalated_to",
            "acknowledge_due_at",
        ]
    )
    step(
        incident=incident,
        kind=EventKind.TRIAGED,
        by=by,
        at=now,
        summary=f"Triaged: {TriageDecision(decision).label.lower()}",
        detail=reason,
        before=before,
        after={"state": incident.state, "decision": decision},
        audit_changes={"state": [before["state"], incident.state], "decision": decision},
    )
    if decision == TriageDecision.ESCALATE:
        event = _escalation_step(incident, kind=EventKind.ESCALATED, by=by, at=now)
        _tell_lead(incident, event, escalate_to)
    return incident


@transaction.atomic
def incident_escalate(*, incident: Incident, to, by, reason: str) -> Incident:
    """Escalate an incident being managed through supervision, or pass an escalation nobody has
    acknowledged yet to another safeguarding lead (the deadline stays as it was)."""
    incident = lock(incident)
    refuse_unless(
        rules.may_triage(by, incident),
        "Only the worker's supervisor or a co-production or safeguarding lead can escalate it.",
    )
    if incident.state == State.REPORTED:
        raise IncidentError(
            "Triage it first: choosing to escalate is part of triage.", field="escalate_to"
        )
    if incident.state not in STEP_STATES["escalate"]:
        raise wrong_state(
            incident,
            "escalate it",
            "Once a safeguarding lead has acknowledged it, it stays with them.",
        )
    reason = (reason or "").strip()
    if not reason:
        raise IncidentError("Say briefly why.", field="reason")
    _check_lead(incident, to)
    now = deadlines.now()
    if incident.state == State.ESCALATED:
        if to.pk == incident.escalated_to_id:
            raise IncidentError(f"It is already with {name_of(to)}.", field="escalate_to")
        incident.escalated_to = to
        incident.save(update_fields=["escalated_to"])
        event = _escalation_step(incident, kind=EventKind.REASSIGNED, by=by, at=now, detail=reason)
    else:
        _escalate(incident, to=to, by=by, now=now)
        incident.save(
            update_fields=[
                "state",
                "escalated_at",
                "escalated_by",
                "escalated_to",
                "acknowledge_due_at",
            ]
        )
        event = _escalation_step(incident, kind=EventKind.ESCALATED, by=by, at=now, detail=reason)
    _tell_lead(incident, event, to)
    return incident


@transaction.atomic
def incident_acknowledge(*, incident: Incident, by, note: str = "") -> Incident:
    """The named safeguarding lead takes it on."""
    incident = lock(incident)
    if incident.state not in STEP_STATES["acknowledge"]:
        raise wrong_state(incident, "acknowledge it", "")
    refuse_unless(
        rules.may_acknowledge(by, incident),
        f"Only {name_of(incident.escalated_to)}, the safeguarding lead it was escalated to, "
        "can acknowledge it. If they are away, pass it to yourself first.",
    )
    now = deadlines.now()
    late = deadlines.overdue_by(incident.acknowledge_due_at, now)
    incident.acknowledged_at, incident.acknowledged_by = now, by
    incident.state = State.ACKNOWLEDGED
    incident.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
    step(
        incident=incident,
        kind=EventKind.ACKNOWLEDGED,
        by=by,
        at=now,
        summary="Acknowledged"
        + (f", {deadlines.describe_duration(late)} after the deadline" if late else ", in time"),
        detail=(note or "").strip(),
        before={"state": State.ESCALATED},
        after={"state": State.ACKNOWLEDGED},
        audit_changes={"state": [State.ESCALATED, State.ACKNOWLEDGED], "late": bool(late)},
    )
    return incident


@transaction.atomic
def incident_record_referral(
    *,
    incident: Incident,
    by,
    agency: str,
    referred_on: datetime.date,
    agency_name: str = "",
    reference: str = "",
) -> IncidentReferral:
    """Record an external referral the safeguarding lead has made."""
    incident = lock(incident)
    refuse_unless(
        rules.may_safeguard(by, incident),
        "Only a safeguarding lead of the organisation can record a referral.",
    )
    if incident.state not in STEP_STATES["referral"]:
        raise wrong_state(
            incident,
            "record a referral",
            "A referral is recorded once a safeguarding lead has acknowledged the escalation.",
        )
    if not incident.is_escalated:
        raise IncidentError(
            "Escalate it first: external referrals are recorded on escalated incidents."
        )
    if agency not in Agency.values:
        raise IncidentError("Choose the agency it was referred to.", field="agency")
    agency_name = (agency_name or "").strip()
    if agency == Agency.OTHER and not agency_name:
        raise IncidentError("Name the agency.", field="agency_name")
    if referred_on > deadlines.today():
        raise IncidentError("The referral date cannot be in the future.", field="referred_on")
    if referred_on < incident.occurred_on:
        raise IncidentError(
            "The referral date cannot be before the incident happened.", field="referred_on"
        )
    now = deadlines.now()
    referral = IncidentReferral.objects.create(
        incident=incident,
        agency=agency,
        agency_name=agency_name,
        reference=(reference or "").strip(),
        referred_on=referred_on,
        recorded_at=now,
        recorded_by=by,
    )
    step(
        incident=incident,
        kind=EventKind.REFERRAL,
        by=by,
        at=now,
        summary=f"Referred to {referral.get_agency_display()} on {referred_on:%d/%m/%Y}",
        after={
            "agency": agency,
            "agency_name": agency_name,
            "reference": referral.reference,
            "referred_on": referred_on.isoformat(),
        },
        audit_changes={"agency": agency, "referral": referral.pk},
    )
    return referral


@transaction.atomic
def incident_restrict(*, incident: Incident, by, reason: str) -> Incident:
    """Restrict an escalated incident to the organisation's safeguarding leads (Caldicott: need
    to know). Everyone else who saw it then sees only that it exists (rules.restricted_q)."""
    return _set_leads_only(incident=incident, by=by, reason=reason, restrict=True)


@transaction.atomic
def incident_lift_restriction(*, incident: Incident, by, reason: str) -> Incident:
    """Lift the restriction: those who saw the incident before see it again."""
    return _set_leads_only(incident=incident, by=by, reason=reason, restrict=False)


def _set_leads_only(*, incident: Incident, by, reason: str, restrict: bool) -> Incident:
    incident = lock(incident)
    refuse_unless(
        rules.may_safeguard(by, incident),
        "Only a safeguarding lead of the organisation can restrict this incident or lift "
        "its restriction.",
    )
    if not incident.is_escalated:
        raise IncidentError(
            "Only an escalated incident can be restricted to safeguarding leads: this one is "
            f"“{incident.get_state_display().lower()}” and has not been escalated."
        )
    reason = (reason or "").strip()
    if not reason:
        raise IncidentError(
            "Give the reason: it is kept in the chronology and the audit trail.", field="reason"
        )
    if restrict == incident.is_leads_only:
        raise IncidentError(
            "It is already restricted to safeguarding leads."
            if restrict
            else "It is not restricted: everyone who may see it can already."
        )
    incident.leads_only_at = deadlines.now() if restrict else None
    incident.leads_only_by = by if restrict else None
    incident.leads_only_reason = reason if restrict else ""
    incident.save(update_fields=["leads_only_at", "leads_only_by", "leads_only_reason"])
    step(
        incident=incident,
        kind=EventKind.LEADS_ONLY if restrict else EventKind.LEADS_ONLY_LIFTED,
        by=by,
        summary="Restricted to safeguarding leads (need to know)"
        if restrict
        else "Restriction to safeguarding leads lifted",
        detail=reason,
        before={"leads_only": not restrict},
        after={"leads_only": restrict},
        # The reason is the accountability record (why access was narrowed or widened), so it
        # goes in the audit trail too: the form asks for it without details of the incident.
        audit_changes={"leads_only": [not restrict, restrict], "reason": reason},
    )
    return incident
