"""Incidents in any state, made the way people make them (through the services), for tests
and the access matrix rows (which cannot see this folder's fixtures).

The standard cast: `peer` holds a published role (with the exclusion "Clinical advice") and
is supervised by `supervisor`; `supervisor` reports; `safeguarding` is the safeguarding lead,
passed as `safeguarding_lead` (the incident's own `safeguarding` concern goes in `fields`).
"""

from __future__ import annotations

import datetime

from supervision.incidents import deadlines, services
from supervision.incidents.models import Incident
from tests.factories import report_incident
from tests.register.builders import assign, published_version


def supervise(org, lead, worker, supervisor):
    """`worker` in a published role in `org`, supervised by `supervisor`; the version."""
    version = published_version(org, lead)
    assign(worker.person, version, supervisor=supervisor, by=lead)
    # Incidents are dated within the worker's time here; tests date some years back.
    if worker.person.start_date is None:
        type(worker.person).objects.filter(pk=worker.person.pk).update(
            start_date=datetime.date(2010, 1, 1)
        )
        worker.person.start_date = datetime.date(2010, 1, 1)
    return version


def incident_in(
    state: str,
    *,
    reporter,
    worker,
    manager,
    safeguarding_lead,
    route: str = "",
    **fields,
) -> Incident:
    """An incident about `worker` moved along the workflow to `state`.

    `route` is "supervision" or "escalate" (default: escalate for escalated states and for
    anything that must be escalated, supervision otherwise); `manager` triages and manages.
    """
    incident = report_incident(reporter, worker.person, **fields)
    if state == "reported":
        return incident
    route = route or (
        "escalate"
        if state in ("escalated", "acknowledged") or incident.escalation_mandatory
        else "supervision"
    )
    services.incident_triage(
        incident=incident,
        by=manager,
        decision=route,
        reason="Triage reason.",
        escalate_to=safeguarding_lead if route == "escalate" else None,
    )
    if state in ("triaged", "escalated"):
        return _fresh(incident)
    if route == "escalate":
        services.incident_acknowledge(incident=incident, by=safeguarding_lead, note="On it.")
        if state == "acknowledged":
            return _fresh(incident)
        manager = safeguarding_lead
    services.incident_review(incident=incident, by=manager, notes="Review notes.")
    if route == "escalate":
        # Ready to close: an escalated incident closes only with this recorded.
        record_personal(incident, safeguarding_lead)
    if state == "in_review":
        return _fresh(incident)
    services.incident_close(
        incident=_fresh(incident),
        by=manager,
        outcome="training",
        learning="Learning for the team.",
        no_referral_reason="Nobody at risk." if route == "escalate" else "",
    )
    return _fresh(incident)


def record_personal(incident: Incident, lead, **fields) -> Incident:
    """Making Safeguarding Personal, as a safeguarding lead records it (needed to close an
    escalated incident)."""
    fields = {
        "views": "They want the contact to stop and to carry on coming to the group.",
        "consent": "given",
        "capacity_considered": True,
        "capacity_note": "Able to decide; nothing suggested otherwise.",
        **fields,
    }
    return services.incident_record_personal(incident=_fresh(incident), by=lead, **fields)


def _fresh(incident: Incident) -> Incident:
    return Incident.objects.get(pk=incident.pk)


def at(day: str, time: str = "10:00") -> datetime.datetime:
    """An aware local datetime, e.g. at("2026-03-02", "09:30")."""
    from django.utils import timezone

    naive = datetime.datetime.fromisoformat(f"{day}T{time}")
    return timezone.make_aware(naive)


def frozen(day: str, time: str = "10:00"):
    return deadlines.frozen(at(day, time))
