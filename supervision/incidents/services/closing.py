"""The end of the workflow: actions (owner, due date, done), the review, and closing with
an outcome and the learning. Same discipline as every step: the incident row locked, its
state checked, the step appended to the chronology and the audit trail."""

from __future__ import annotations

import datetime

from django.db import transaction

from supervision.incidents import deadlines, rules
from supervision.incidents.models import (
    EventKind,
    Incident,
    IncidentAction,
    Outcome,
    State,
)
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
from supervision.incidents.services.safeguarding import closing_needs


@transaction.atomic
def incident_add_action(
    *, incident: Incident, by, description: str, owner, due_on: datetime.date
) -> IncidentAction:
    incident = lock(incident)
    refuse_unless(rules.may_manage(by, incident), "You cannot agree actions on this incident.")
    if incident.state not in STEP_STATES["action_add"]:
        raise wrong_state(
            incident,
            "add an action",
            "Actions are agreed once it has been triaged and, if escalated, acknowledged.",
        )
    description = (description or "").strip()
    if not description:
        raise IncidentError("Say what needs doing.", field="description")
    if due_on < deadlines.today():
        raise IncidentError("The due date cannot be in the past.", field="due_on")
    if owner is None or not owner.is_active or not rules.may_view(owner, incident):
        raise IncidentError(
            "Choose someone who can see this incident to own the action.", field="owner"
        )
    now = deadlines.now()
    action = IncidentAction.objects.create(
        incident=incident,
        description=description,
        owner=owner,
        due_on=due_on,
        created_at=now,
        created_by=by,
    )
    step(
        incident=incident,
        kind=EventKind.ACTION_ADDED,
        by=by,
        at=now,
        summary=f"Action for {name_of(owner)}, due {due_on:%d/%m/%Y}",
        detail=description,
        after={"action": action.pk, "owner": owner.pk, "due_on": due_on.isoformat()},
        audit_changes={"action": action.pk, "owner": owner.pk, "due_on": due_on.isoformat()},
    )
    return action


@transaction.atomic
def action_complete(*, action: IncidentAction, by, note: str = "") -> IncidentAction:
    incident = lock(action.incident)
    action = IncidentAction.objects.select_for_update().get(pk=action.pk)
    action.incident = incident
    if action.is_done:
        raise IncidentError(
            f"This action was already marked done by {name_of(action.done_by)} at "
            f"{when(action.done_at)}."
        )
    refuse_unless(
        rules.may_complete_action(by, action),
        "Only the action's owner, or someone managing the incident, can mark it done.",
    )
    now = deadlines.now()
    late = deadlines.overdue_by(deadlines.action_due(action.due_on), now)
    action.done_at, action.done_by, action.done_note = now, by, (note or "").strip()
    action.save(update_fields=["done_at", "done_by", "done_note"])
    step(
        incident=incident,
        kind=EventKind.ACTION_DONE,
        by=by,
        at=now,
        summary=f"Action done (it was due {action.due_on:%d/%m/%Y})",
        detail=action.done_note,
        after={"action": action.pk},
        audit_changes={"action": action.pk, "late": bool(late)},
    )
    return action


@transaction.atomic
def incident_review(*, incident: Incident, by, notes: str) -> Incident:
    """Look back at what was done before closing."""
    incident = lock(incident)
    refuse_unless(rules.may_manage(by, incident), "You cannot review this incident.")
    if incident.state not in STEP_STATES["review"]:
        needs = (
            "The safeguarding lead must acknowledge it first."
            if incident.state == State.ESCALATED
            else "It must be triaged first."
            if incident.state == State.REPORTED
            else ""
        )
        raise wrong_state(incident, "start the review", needs)
    notes = (notes or "").strip()
    if not notes:
        raise IncidentError("Say what the review found.", field="notes")
    now = deadlines.now()
    before = incident.state
    incident.reviewed_at, incident.reviewed_by = now, by
    incident.state = State.IN_REVIEW
    incident.save(update_fields=["state", "reviewed_at", "reviewed_by"])
    step(
        incident=incident,
        kind=EventKind.REVIEWED,
        by=by,
        at=now,
        summary="Review started",
        detail=notes,
        before={"state": before},
        after={"state": State.IN_REVIEW},
        audit_changes={"state": [before, State.IN_REVIEW]},
    )
    return incident


@transaction.atomic
def incident_close(
    *, incident: Incident, by, outcome: str, learning: str, no_referral_reason: str = ""
) -> Incident:
    incident = lock(incident)
    refuse_unless(rules.may_manage(by, incident), "You cannot close this incident.")
    if incident.state not in STEP_STATES["close"]:
        raise wrong_state(incident, "close it", "An incident is closed after its review.")
    open_actions = incident.actions.filter(done_at__isnull=True).count()
    if open_actions:
        raise IncidentError(
            f"{open_actions} action{'s are' if open_actions > 1 else ' is'} still open: "
            "mark them done before closing."
        )
    needs = closing_needs(incident)
    if needs:
        raise IncidentError(needs)
    if outcome not in Outcome.values:
        raise IncidentError("Choose the outcome.", field="outcome")
    learning = (learning or "").strip()
    if not learning:
        raise IncidentError(
            "Say what has been learned, even if it is that the arrangements worked.",
            field="learning",
        )
    no_referral_reason = (no_referral_reason or "").strip()
    if not incident.is_escalated or incident.referrals.exists():
        no_referral_reason = ""
    elif not no_referral_reason:
        raise IncidentError(
            "No external referral is recorded: record it, or say why none was made.",
            field="no_referral_reason",
        )
    now = deadlines.now()
    incident.closed_at, incident.closed_by = now, by
    incident.outcome, incident.learning = outcome, learning
    incident.no_referral_reason = no_referral_reason
    incident.state = State.CLOSED
    incident.save(
        update_fields=[
            "state",
            "closed_at",
            "closed_by",
            "outcome",
            "learning",
            "no_referral_reason",
        ]
    )
    step(
        incident=incident,
        kind=EventKind.CLOSED,
        by=by,
        at=now,
        summary=f"Closed: {Outcome(outcome).label}",
        before={"state": State.IN_REVIEW},
        after={"state": State.CLOSED, "outcome": outcome},
        audit_changes={"state": [State.IN_REVIEW, State.CLOSED], "outcome": outcome},
    )
    return incident
