"""The safeguarding record a safeguarding lead keeps (Care Act 2014): the types of abuse or
neglect, Making Safeguarding Personal, and the duty to refer to the DBS.

Each is a step like any other: the incident row locked, the state checked, the step appended
to the chronology (with the words) and the audit trail (codes only, never the person's views
or the notes). None of it changes once the incident is closed (the database refuses it too:
migration 0007).
"""

from __future__ import annotations

import datetime

from django.db import transaction

from supervision.incidents import deadlines, rules
from supervision.incidents.models import (
    AbuseType,
    DbsDecision,
    EventKind,
    Incident,
    ReferralConsent,
    Safeguarding,
)
from supervision.incidents.services.base import (
    STEP_STATES,
    IncidentError,
    lock,
    refuse_unless,
    step,
    wrong_state,
)


def clean_abuse_types(abuse_types, safeguarding: str) -> list[str]:
    """The types as stored: known values only, each once, in the guidance's order. Refused
    without a safeguarding concern: abuse or neglect means someone is at risk."""
    chosen = set(abuse_types or ())
    unknown = chosen - set(AbuseType.values)
    if unknown:
        raise IncidentError("Choose types of abuse or neglect from the list.", field="abuse_types")
    if chosen and safeguarding == Safeguarding.NONE:
        raise IncidentError(
            "Types of abuse or neglect are recorded when someone is at risk: say who is at "
            "risk, or leave the types empty.",
            field="abuse_types",
        )
    return [value for value in AbuseType.values if value in chosen]


def _labels(values) -> str:
    return ", ".join(AbuseType(value).label.lower() for value in values) or "none"


@transaction.atomic
def incident_record_abuse_types(*, incident: Incident, by, abuse_types, reason: str) -> Incident:
    """Record which types of abuse or neglect the incident involves (any number of them)."""
    incident = lock(incident)
    refuse_unless(
        rules.may_record_abuse_types(by, incident),
        "Only the person who reported it or a safeguarding lead can record the types of abuse.",
    )
    if incident.state not in STEP_STATES["abuse_types"]:
        raise wrong_state(
            incident, "change the types of abuse", "A closed incident stays as it was."
        )
    new = clean_abuse_types(abuse_types, incident.safeguarding)
    reason = (reason or "").strip()
    if not reason:
        raise IncidentError("Say why the types are being recorded or changed.", field="reason")
    before = list(incident.abuse_types)
    if new == before:
        raise IncidentError("Those are the types already recorded.", field="abuse_types")
    incident.abuse_types = new
    incident.save(update_fields=["abuse_types"])
    step(
        incident=incident,
        kind=EventKind.ABUSE_TYPES,
        by=by,
        summary=f"Types of abuse or neglect: {_labels(new)}",
        detail=reason,
        before={"abuse_types": before},
        after={"abuse_types": new},
        audit_changes={"abuse_types": [before, new]},
    )
    return incident


def _check_open_escalation(incident: Incident, doing: str) -> None:
    if not incident.is_escalated:
        raise IncidentError(
            f"Escalate it first: {doing} is recorded on incidents a safeguarding lead has."
        )


@transaction.atomic
def incident_record_personal(
    *,
    incident: Incident,
    by,
    views: str,
    consent: str,
    without_consent_reason: str = "",
    capacity_considered: bool | None,
    capacity_note: str,
) -> Incident:
    """Making Safeguarding Personal: what the person wants, whether they agreed to a referral
    (or why it is made without their agreement), and whether their mental capacity to decide
    was considered. May be recorded again as things change, until the incident is closed."""
    incident = lock(incident)
    refuse_unless(
        rules.may_safeguard(by, incident),
        "Only a safeguarding lead of the organisation can record Making Safeguarding Personal.",
    )
    if incident.state not in STEP_STATES["personal"]:
        raise wrong_state(
            incident,
            "record Making Safeguarding Personal",
            "It is recorded once a safeguarding lead has acknowledged the escalation, and "
            "before closing.",
        )
    _check_open_escalation(incident, "Making Safeguarding Personal")
    views = (views or "").strip()
    if not views:
        raise IncidentError(
            "Record the person's views and wishes, in their words where you can, or why they "
            "could not be asked.",
            field="views",
        )
    if consent not in ReferralConsent.values:
        raise IncidentError("Say whether they agreed to a referral.", field="consent")
    without_consent_reason = (without_consent_reason or "").strip()
    if consent != ReferralConsent.WITHOUT:
        without_consent_reason = ""
    elif not without_consent_reason:
        raise IncidentError(
            "Say why the referral is made without their agreement (for example, others are "
            "at risk, or a crime has been committed).",
            field="without_consent_reason",
        )
    if capacity_considered is None:
        raise IncidentError(
            "Say whether their mental capacity to make this decision was considered.",
            field="capacity_considered",
        )
    capacity_note = (capacity_note or "").strip()
    if not capacity_note:
        raise IncidentError(
            "Add a note: what was concluded about their capacity, or why it was not in doubt.",
            field="capacity_note",
        )
    before = {
        "consent": incident.referral_consent,
        "capacity_considered": incident.capacity_considered,
    }
    now = deadlines.now()
    incident.personal_views = views
    incident.referral_consent = consent
    incident.referral_without_consent_reason = without_consent_reason
    incident.capacity_considered = capacity_considered
    incident.capacity_note = capacity_note
    incident.personal_recorded_at, incident.personal_recorded_by = now, by
    incident.save(
        update_fields=[
            "personal_views",
            "referral_consent",
            "referral_without_consent_reason",
            "capacity_considered",
            "capacity_note",
            "personal_recorded_at",
            "personal_recorded_by",
        ]
    )
    after = {"consent": consent, "capacity_considered": capacity_considered}
    step(
        incident=incident,
        kind=EventKind.PERSONAL,
        by=by,
        at=now,
        summary=f"Making Safeguarding Personal: {ReferralConsent(consent).label.lower()}; "
        f"mental capacity {'considered' if capacity_considered else 'not considered'}",
        detail="\n\n".join(
            part
            for part in (
                f"Views and wishes: {views}",
                f"Referred without agreement because: {without_consent_reason}"
                if without_consent_reason
                else "",
                f"Mental capacity: {capacity_note}",
            )
            if part
        ),
        before=before,
        after=after,
        audit_changes={name: [before[name], after[name]] for name in after},
    )
    return incident


@transaction.atomic
def incident_record_dbs(
    *,
    incident: Incident,
    by,
    removed: bool,
    decision: str = "",
    referred_on: datetime.date | None = None,
    reason: str = "",
) -> Incident:
    """Whether the worker was removed from regulated activity and, if so, the "duty to refer
    considered" decision: referred to the DBS on a date, or not referred with a reason. The
    decision may also be recorded when the worker was not removed."""
    incident = lock(incident)
    refuse_unless(
        rules.may_safeguard(by, incident),
        "Only a safeguarding lead of the organisation can record the duty to refer to the DBS.",
    )
    if incident.state not in STEP_STATES["dbs"]:
        raise wrong_state(
            incident,
            "record the duty to refer to the DBS",
            "It is recorded once a safeguarding lead has acknowledged the escalation, and "
            "before closing.",
        )
    _check_open_escalation(incident, "the duty to refer to the DBS")
    reason = (reason or "").strip()
    if decision not in ("", *DbsDecision.values):
        raise IncidentError("Choose whether they were referred to the DBS.", field="decision")
    if removed and not decision:
        raise IncidentError(
            "The worker was removed from regulated activity, so the duty to refer to the DBS "
            "applies: say whether they were referred.",
            field="decision",
        )
    if decision == DbsDecision.REFERRED:
        reason = ""
        if referred_on is None:
            raise IncidentError("Give the date of the DBS referral.", field="referred_on")
        if referred_on > deadlines.today():
            raise IncidentError(
                "The DBS referral date cannot be in the future.", field="referred_on"
            )
        if referred_on < incident.occurred_on:
            raise IncidentError(
                "The DBS referral date cannot be before the incident happened.",
                field="referred_on",
            )
    else:
        referred_on = None
        if decision == DbsDecision.NOT_REFERRED and not reason:
            raise IncidentError("Say why the worker was not referred to the DBS.", field="reason")
        if not decision:
            reason = ""
    before = {
        "removed": incident.removed_from_regulated_activity,
        "decision": incident.dbs_decision,
        "referred_on": incident.dbs_referred_on.isoformat() if incident.dbs_referred_on else None,
    }
    after = {
        "removed": removed,
        "decision": decision,
        "referred_on": referred_on.isoformat() if referred_on else None,
    }
    if before == after and reason == incident.dbs_not_referred_reason:
        raise IncidentError("That is what is already recorded.", field="decision")
    now = deadlines.now()
    incident.removed_from_regulated_activity = removed
    incident.dbs_decision = decision
    incident.dbs_referred_on = referred_on
    incident.dbs_not_referred_reason = reason
    incident.dbs_recorded_at = now if decision else None
    incident.dbs_recorded_by = by if decision else None
    incident.save(
        update_fields=[
            "removed_from_regulated_activity",
            "dbs_decision",
            "dbs_referred_on",
            "dbs_not_referred_reason",
            "dbs_recorded_at",
            "dbs_recorded_by",
        ]
    )
    removed_text = (
        "removed from regulated activity" if removed else "not removed from regulated activity"
    )
    outcome = (
        f"referred to the DBS on {referred_on:%d/%m/%Y}"
        if decision == DbsDecision.REFERRED
        else "not referred to the DBS"
        if decision
        else "no DBS decision recorded"
    )
    step(
        incident=incident,
        kind=EventKind.DBS,
        by=by,
        at=now,
        summary=f"Duty to refer: worker {removed_text}; {outcome}",
        detail=reason,
        before=before,
        after=after,
        audit_changes={
            name: [before[name], after[name]] for name in after if before[name] != after[name]
        },
    )
    return incident


def closing_needs(incident: Incident) -> str:
    """What the safeguarding record still needs before the incident can close ("" if
    nothing): the closing service refuses with this, and the close page says it up front."""
    if incident.is_escalated and incident.personal_recorded_at is None:
        return (
            "Making Safeguarding Personal is not recorded yet: a safeguarding lead records the "
            "person's views and wishes, consent to a referral and mental capacity first."
        )
    if incident.removed_from_regulated_activity and not incident.dbs_decision:
        return (
            "The worker was removed from regulated activity: a safeguarding lead records "
            "whether they were referred to the DBS first."
        )
    return ""
