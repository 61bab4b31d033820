"""What every incident service shares: the domain error, the row lock, and the one helper that
appends a step to the chronology and the audit trail together."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from supervision.incidents import deadlines
from supervision.incidents.models import OPEN_STATES, Incident, IncidentEvent, State
from workforce.platform import audit


class IncidentError(Exception):
    """A broken rule, in plain English, safe to show to the person who tried.

    `field` names the form field it is about, if any, so a view can show it beside it.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def name_of(user) -> str:
    person = getattr(user, "person", None)
    return person.display_name if person else user.get_username()


def when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def lock(incident: Incident) -> Incident:
    """The incident, re-read under a row lock: two people acting at once are served one after
    the other, and the second sees what the first did."""
    return (
        Incident.objects.select_for_update(of=("self",))
        .select_related("person", "organisation")
        .get(pk=incident.pk)
    )


# In which states each step can be taken (the services enforce it; pages use it to offer
# only the steps that make sense now). Corrections and visibility are possible in any state.
STEP_STATES = {
    "triage": (State.REPORTED,),
    "escalate": (State.TRIAGED, State.ESCALATED),
    "acknowledge": (State.ESCALATED,),
    "referral": (State.ACKNOWLEDGED, State.IN_REVIEW),
    "action_add": (State.TRIAGED, State.ACKNOWLEDGED, State.IN_REVIEW),
    "review": (State.TRIAGED, State.ACKNOWLEDGED),
    "close": (State.IN_REVIEW,),
    "correct": tuple(State.values),
    "visibility": tuple(State.values),
    # Escalated or later (the service and the database refuse an unescalated one).
    "leads_only": (State.ESCALATED, State.ACKNOWLEDGED, State.IN_REVIEW, State.CLOSED),
    # The safeguarding record (services/safeguarding.py).
    "abuse_types": OPEN_STATES,
    "personal": (State.ACKNOWLEDGED, State.IN_REVIEW),
    "dbs": (State.ACKNOWLEDGED, State.IN_REVIEW),
}


def refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise IncidentError(message)


# What happened since the page was loaded, for the person whose step came too late.
_ALREADY = {
    State.TRIAGED: "triaged (to be managed through supervision)",
    State.ESCALATED: "escalated to a safeguarding lead",
    State.ACKNOWLEDGED: "acknowledged by the safeguarding lead",
    State.IN_REVIEW: "moved to review",
    State.CLOSED: "closed",
}


def wrong_state(incident: Incident, doing: str, needs: str) -> IncidentError:
    """The error for a step tried in the wrong state: says what state it is in, and by whom
    and when it got there if that was a step someone just took."""
    last = incident.events.order_by("-at", "-pk").select_related("actor__person").first()
    if incident.state in _ALREADY and last is not None and last.actor is not None:
        what = _ALREADY[incident.state]
        return IncidentError(
            f"You cannot {doing}: it was {what} by {name_of(last.actor)} at {when(last.at)}. "
            f"Nothing you entered was saved. {needs}"
        )
    return IncidentError(
        f"You cannot {doing} while it is “{incident.get_state_display().lower()}”. {needs}"
    )


def step(
    *,
    incident: Incident,
    kind: str,
    by,
    summary: str,
    detail: str = "",
    before: dict | None = None,
    after: dict | None = None,
    audit_changes: dict | None = None,
    at: datetime.datetime | None = None,
) -> IncidentEvent:
    """Append one step to the incident's chronology and to the audit trail.

    The chronology keeps the words (`detail`) for those who may see the incident; the audit
    entry gets only the step's name and codes (`audit_changes`), never the narrative or notes,
    because the audit trail is read by administrators, who never see incident narratives.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("incident steps must be recorded inside the service's transaction")
    event = IncidentEvent.objects.create(
        incident=incident,
        at=at or deadlines.now(),
        actor=by,
        kind=kind,
        summary=summary[:300],
        detail=detail,
        before=before or {},
        after=after or {},
    )
    audit.record(
        actor=by,
        action=f"incident.{kind}",
        obj=incident,
        summary=f"Boundary incident {incident.reference}: {IncidentEvent.Kind(kind).label.lower()}",
        changes=audit_changes or {},
    )
    return event
