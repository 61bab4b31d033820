"""Reporting an incident, and what may change about the report afterwards: corrections
(appended, never overwriting the original) and whether the worker may see it. Also the
organisation's deadlines."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from roles.models import RoleExclusion
from supervision.incidents import deadlines, rules, selectors
from supervision.incidents.models import (
    Category,
    EventKind,
    Incident,
    IncidentPolicy,
    IncidentRecurrence,
    NoticeKind,
    Safeguarding,
    Severity,
    State,
    escalation_is_mandatory,
)
from supervision.incidents.models.choices import (
    SEVERITY_ORDER,
    more_serious,
    safeguarding_peak,
)
from supervision.incidents.services import notify
from supervision.incidents.services.base import IncidentError, lock, refuse_unless, step
from supervision.incidents.services.safeguarding import clean_abuse_types
from workforce.organisations.models import Organisation
from workforce.platform import audit
from workforce.register.models import Person

RECURRENCE_MONTHS = 12
# What a correction may change: the classification, never the narrative, reporter or worker
# (a wrong worker means a new report, so nobody is linked to someone else's incident).
CORRECTABLE = ("occurred_on", "occurred_time", "category", "exclusion", "severity", "safeguarding")


def _choice(value: str, choices, field: str, message: str) -> str:
    if value not in choices.values:
        raise IncidentError(message, field=field)
    return value


# Without a start date on the register (or any assignment) an incident may be dated at
# most this far back: an incident dated 1900 was accepted before.
UNKNOWN_START_MONTHS = 12


def worker_time(person: Person) -> tuple[datetime.date, datetime.date, bool]:
    """The first and last days an incident about `person` can have happened on: their time
    with the organisation. The bool says whether the first day is known from the register."""
    today = deadlines.today()
    first = person.start_date or person.assignments.aggregate(first=Min("start_date"))["first"]
    last = min(person.end_date, today) if person.end_date else today
    if first is None:
        return _months_before(today, UNKNOWN_START_MONTHS), last, False
    return first, last, True


def _check_when(
    occurred_on: datetime.date, occurred_time: datetime.time | None, person: Person
) -> None:
    now = deadlines.now()
    if occurred_on > deadlines.today():
        raise IncidentError("The date it happened cannot be in the future.", field="occurred_on")
    first, last, known = worker_time(person)
    if occurred_on > last:
        raise IncidentError(
            f"{person.display_name} left on {last:%d/%m/%Y}: an incident about them cannot "
            "have happened after that.",
            field="occurred_on",
        )
    if occurred_on < first:
        raise IncidentError(
            f"{person.display_name} started here on {first:%d/%m/%Y}: the date it happened "
            "cannot be before that."
            if known
            else f"The date it happened cannot be more than {UNKNOWN_START_MONTHS} months ago "
            f"while {person.display_name}'s start date is not on the register: ask a "
            "co-production lead to add it.",
            field="occurred_on",
        )
    if (
        occurred_time is not None
        and occurred_on == deadlines.today()
        and occurred_time > timezone.localtime(now).time()
    ):
        raise IncidentError("The time it happened cannot be later than now.", field="occurred_time")


def _check_exclusion(person: Person, exclusion: RoleExclusion | None) -> None:
    if exclusion is None:
        return
    if not selectors.current_exclusions(person).filter(pk=exclusion.pk).exists():
        raise IncidentError(
            f"Choose one of the exclusions of {person.display_name}'s current role, or none.",
            field="exclusion",
        )


def _classification(incident: Incident) -> dict:
    return {
        "occurred_on": incident.occurred_on.isoformat(),
        "occurred_time": incident.occurred_time.isoformat() if incident.occurred_time else None,
        "category": incident.category,
        "exclusion": incident.exclusion_id,
        "exclusion_text": incident.exclusion.text if incident.exclusion_id else "",
        "severity": incident.severity,
        "safeguarding": incident.safeguarding,
    }


def _months_before(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.month - 1 - months, 12)
    year, month = day.year + year, month + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _earlier_incidents(person: Person, category: str, occurred_on: datetime.date) -> list[int]:
    """Incidents for the same worker and category within 12 months either side of this one
    (a late report can be about an earlier date than one already on file)."""
    start = _months_before(occurred_on, RECURRENCE_MONTHS)
    end = _months_before(occurred_on, -RECURRENCE_MONTHS)
    return list(
        Incident.objects.filter(
            person=person, category=category, occurred_on__gte=start, occurred_on__lte=end
        )
        .order_by("occurred_on", "pk")
        .values_list("pk", flat=True)
    )


def _alert_safeguarding_leads(incident: Incident, event) -> None:
    """Tell every safeguarding lead of the organisation at once that a report needs one of
    them (it became so with `event`: the report, or the correction that made it so). Each
    email is recorded with the job that sends it, so the worker sends it once, after
    commit, and tries again if sending fails."""
    for lead in selectors.safeguarding_leads(incident):
        notify.record(
            key=f"concern:{incident.pk}:{event.pk}:{lead.pk}",
            kind=NoticeKind.CONCERN,
            incident=incident,
            recipient=lead,
        )


@transaction.atomic
def incident_report(
    *,
    by,
    person: Person,
    occurred_on: datetime.date,
    category: str,
    severity: str,
    safeguarding: str,
    narrative: str,
    occurred_time: datetime.time | None = None,
    exclusion: RoleExclusion | None = None,
    told_someone: bool = False,
    told_whom: str = "",
    abuse_types=(),
) -> Incident:
    """Record a boundary incident. The report can never be edited afterwards (the types of
    abuse, if any, change later as a step: services.incident_record_abuse_types). If it must
    be escalated, the organisation's safeguarding leads are emailed at once."""
    # One report about a worker at a time, so two reports at once still see each other as
    # recurrences.
    person = Person.objects.select_for_update().get(pk=person.pk)
    refuse_unless(
        rules.may_report_about(by, person), "You cannot report an incident about this person."
    )
    _choice(category, Category, "category", "Choose what kind of boundary it was about.")
    _choice(severity, Severity, "severity", "Choose how serious it was.")
    _choice(safeguarding, Safeguarding, "safeguarding", "Say whether anyone is at risk.")
    narrative = (narrative or "").strip()
    if not narrative:
        raise IncidentError("Say what happened.", field="narrative")
    told_whom = (told_whom or "").strip() if told_someone else ""
    if told_someone and not told_whom:
        raise IncidentError("Say who you told.", field="told_whom")
    _check_when(occurred_on, occurred_time, person)
    _check_exclusion(person, exclusion)
    abuse_types = clean_abuse_types(abuse_types, safeguarding)

    now = deadlines.now()
    policy = deadlines.policy_for(person.organisation_id)
    earlier = _earlier_incidents(person, category, occurred_on)
    incident = Incident.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        reported_by=by,
        reported_at=now,
        narrative=narrative,
        told_someone=told_someone,
        told_whom=told_whom,
        reported_occurred_on=occurred_on,
        reported_occurred_time=occurred_time,
        reported_category=category,
        reported_exclusion=exclusion,
        reported_severity=severity,
        reported_safeguarding=safeguarding,
        occurred_on=occurred_on,
        occurred_time=occurred_time,
        category=category,
        exclusion=exclusion,
        severity=severity,
        safeguarding=safeguarding,
        peak_severity=severity,
        peak_safeguarding=safeguarding,
        is_recurrence=bool(earlier),
        abuse_types=abuse_types,
        triage_due_at=deadlines.triage_due(
            now, policy.triage_working_days, nation=person.organisation.nation
        ),
    )
    IncidentRecurrence.objects.bulk_create(
        IncidentRecurrence(incident=incident, earlier_id=pk) for pk in earlier
    )
    event = step(
        incident=incident,
        kind=EventKind.REPORTED,
        by=by,
        at=now,
        summary=f"Reported: {incident.get_category_display()}, "
        f"{incident.get_severity_display().lower()} severity, "
        f"{incident.get_safeguarding_display().lower()}",
        after={**_classification(incident), "state": State.REPORTED},
        audit_changes={
            "category": category,
            "severity": severity,
            "safeguarding": safeguarding,
            "abuse_types": abuse_types,
            "recurrence_of": earlier,
        },
    )
    if rules.escalation_mandatory(incident):
        _alert_safeguarding_leads(incident, event)
    return incident


def _peak_after(incident: Incident, severity: str, safeguarding: str) -> tuple[str, str]:
    """The most serious classification recorded once this correction is added (what the
    database will keep: migration 0004)."""
    return (
        more_serious(SEVERITY_ORDER, incident.peak_severity, severity),
        safeguarding_peak(incident.peak_safeguarding, safeguarding),
    )


def _check_correction_keeps_escalation_rule(incident: Incident, severity: str, safeguarding: str):
    peak_severity, peak_safeguarding = _peak_after(incident, severity, safeguarding)
    if not escalation_is_mandatory(severity=peak_severity, safeguarding=peak_safeguarding):
        return
    if incident.state == State.REPORTED or incident.escalated_to_id is not None:
        return  # triage will have to escalate it, or it already is
    if incident.state == State.TRIAGED:
        raise IncidentError(
            "With this severity or safeguarding concern the incident must be escalated to a "
            "safeguarding lead. Escalate it first, then add this correction.",
            field="severity",
        )
    raise IncidentError(
        "This incident was managed through supervision without escalation, so it cannot now "
        "be given a severity or safeguarding concern that needs escalation. Report a new "
        "incident instead, and mention this one in it.",
        field="severity",
    )


def _check_lift(incident: Incident, by, severity: str, safeguarding: str) -> None:
    refuse_unless(
        rules.may_lift_escalation(by, incident),
        f"Only a safeguarding lead of {incident.organisation.name} can lift mandatory "
        "escalation. Your correction was not saved.",
    )
    if not rules.escalation_mandatory(incident):
        raise IncidentError(
            "Escalation is not mandatory for this incident, so there is nothing to lift.",
            field="lift_escalation",
        )
    if escalation_is_mandatory(severity=severity, safeguarding=safeguarding):
        raise IncidentError(
            "Mandatory escalation can be lifted only when the severity is low or moderate and "
            "there is no safeguarding concern: correct those first, in the same step.",
            field="lift_escalation",
        )


def _as_recorded(incident: Incident) -> str:
    return (
        f"{incident.get_peak_severity_display().lower()} severity, "
        f"{incident.get_peak_safeguarding_display().lower()}"
    )


@transaction.atomic
def incident_correct(
    *,
    incident: Incident,
    by,
    reason: str,
    lift_escalation: bool = False,
    **changes,
) -> Incident:
    """Append a correction. Changes (any of CORRECTABLE) update the current classification;
    the original report stays as it was, and the chronology keeps before and after. With no
    changes it is a note correcting the narrative, which itself never changes.

    The correction row is what changes the incident: the database applies it (migration
    0004), and refuses any other change to these columns. A milder correction does not lift
    mandatory escalation; `lift_escalation` does, for a safeguarding lead of the organisation
    only, recorded in the chronology with the same reason. A correction that makes escalation
    mandatory alerts the organisation's safeguarding leads at once, as a report would."""
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValueError(f"cannot correct {sorted(unknown)}")
    incident = lock(incident)
    refuse_unless(rules.may_correct(by, incident), "You cannot correct this incident.")
    reason = (reason or "").strip()
    if not reason:
        raise IncidentError("Say what is being corrected and why.", field="reason")
    new = {name: changes.get(name, getattr(incident, name)) for name in CORRECTABLE}
    _choice(new["category"], Category, "category", "Choose what kind of boundary it was about.")
    _choice(new["severity"], Severity, "severity", "Choose how serious it was.")
    _choice(new["safeguarding"], Safeguarding, "safeguarding", "Say whether anyone is at risk.")
    if new["occurred_on"] != incident.occurred_on or new["occurred_time"] != incident.occurred_time:
        _check_when(new["occurred_on"], new["occurred_time"], incident.person)
    exclusion = new["exclusion"]
    if exclusion is not None and exclusion.pk != incident.exclusion_id:
        _check_exclusion(incident.person, exclusion)
    if lift_escalation:
        _check_lift(incident, by, new["severity"], new["safeguarding"])
    _check_correction_keeps_escalation_rule(incident, new["severity"], new["safeguarding"])

    was_mandatory = rules.escalation_mandatory(incident)
    before = _classification(incident)
    proposed = Incident(**new)
    after = _classification(proposed)
    changed = [name for name in CORRECTABLE if after[name] != before[name]]
    shown = {*changed, *(["exclusion_text"] if "exclusion" in changed else [])}
    before = {name: value for name, value in before.items() if name in shown}
    after = {name: value for name, value in after.items() if name in shown}
    audit_changes = {name: [before[name], after[name]] for name in changed}
    sooner = None
    if incident.state == State.ESCALATED:
        # A correction can make the acknowledgement deadline sooner, never later: a deadline
        # once shown is not relaxed by reclassifying.
        peak_severity, peak_safeguarding = _peak_after(
            incident, new["severity"], new["safeguarding"]
        )
        sooner = deadlines.acknowledge_due(
            incident.escalated_at,
            severity=peak_severity,
            safeguarding=peak_safeguarding,
            policy=deadlines.policy_for(incident.organisation_id),
        )
        if sooner < incident.acknowledge_due_at:
            before["acknowledge_due_at"] = incident.acknowledge_due_at.isoformat()
            after["acknowledge_due_at"] = sooner.isoformat()
            audit_changes["acknowledge_due_at"] = [
                before["acknowledge_due_at"],
                after["acknowledge_due_at"],
            ]
        else:
            sooner = None
    labels = [str(Incident._meta.get_field(name).verbose_name) for name in changed]
    summary = f"Correction: {', '.join(labels)}" if labels else "Correction to the account"
    still = (
        was_mandatory
        and not lift_escalation
        and not escalation_is_mandatory(severity=new["severity"], safeguarding=new["safeguarding"])
    )
    if still:
        summary += (
            f" (escalation is still mandatory: it was recorded as {_as_recorded(incident)}, "
            "and only a safeguarding lead can lift that)"
        )
    if changed or not lift_escalation:
        # Inserting the row is what applies it (the database's trigger, migration 0004).
        event = step(
            incident=incident,
            kind=EventKind.CORRECTED,
            by=by,
            summary=summary,
            detail=reason,
            before=before,
            after=after,
            audit_changes=audit_changes,
        )
    if lift_escalation:
        # The most serious recorded, this correction included, back to the current one.
        peak = dict(
            zip(
                ("peak_severity", "peak_safeguarding"),
                _peak_after(incident, new["severity"], new["safeguarding"]),
                strict=True,
            )
        )
        lowered = {"peak_severity": new["severity"], "peak_safeguarding": new["safeguarding"]}
        step(
            incident=incident,
            kind=EventKind.DOWNGRADED,
            by=by,
            summary="Mandatory escalation lifted by a safeguarding lead (it was recorded as "
            f"{_as_recorded(incident)})",
            detail=reason,
            before=peak,
            after=lowered,
            audit_changes={name: [peak[name], lowered[name]] for name in peak},
        )
    if sooner is not None:
        Incident.objects.filter(pk=incident.pk).update(acknowledge_due_at=sooner)
    incident.refresh_from_db()
    if not was_mandatory and rules.escalation_mandatory(incident):
        _alert_safeguarding_leads(incident, event)
    return incident


@transaction.atomic
def incident_restrict_visibility(
    *, incident: Incident, by, restricted: bool, reason: str
) -> Incident:
    """Hide the incident from the worker it is about (or show it again), with a reason."""
    incident = lock(incident)
    refuse_unless(
        rules.may_safeguard(by, incident),
        "Only a safeguarding lead of the organisation can change who sees this incident.",
    )
    reason = (reason or "").strip()
    if not reason:
        raise IncidentError("Give the reason: it is kept in the chronology.", field="reason")
    if restricted == incident.worker_restricted:
        raise IncidentError(
            "It is already hidden from the worker."
            if restricted
            else "The worker can already see it (once it has been triaged)."
        )
    incident.worker_restricted = restricted
    incident.worker_restricted_reason = reason if restricted else ""
    incident.save(update_fields=["worker_restricted", "worker_restricted_reason"])
    step(
        incident=incident,
        kind=EventKind.RESTRICTED if restricted else EventKind.UNRESTRICTED,
        by=by,
        summary="Hidden from the worker it is about"
        if restricted
        else "Shown to the worker it is about again",
        detail=reason,
        before={"worker_restricted": not restricted},
        after={"worker_restricted": restricted},
        audit_changes={"worker_restricted": [not restricted, restricted]},
    )
    return incident


@transaction.atomic
def policy_update(
    *,
    organisation: Organisation,
    by,
    triage_working_days: int,
    acknowledge_hours: int,
    acknowledge_urgent_hours: int,
) -> IncidentPolicy:
    """Set the organisation's deadlines. Deadlines already set on incidents stay as they are."""
    refuse_unless(
        rules.may_configure(by, organisation),
        "Only co-production and safeguarding leads of the organisation can change deadlines.",
    )
    if not 1 <= triage_working_days <= 10:
        raise IncidentError(
            "Triage must be due within 1 to 10 working days.", field="triage_working_days"
        )
    if not 1 <= acknowledge_hours <= 72:
        raise IncidentError(
            "Acknowledgement must be due within 1 to 72 hours.", field="acknowledge_hours"
        )
    if not 1 <= acknowledge_urgent_hours <= acknowledge_hours:
        raise IncidentError(
            "The urgent deadline must be at least 1 hour and no longer than the usual one.",
            field="acknowledge_urgent_hours",
        )
    policy = IncidentPolicy.objects.select_for_update().filter(organisation=organisation).first()
    values = {
        "triage_working_days": triage_working_days,
        "acknowledge_hours": acknowledge_hours,
        "acknowledge_urgent_hours": acknowledge_urgent_hours,
    }
    current = deadlines.policy_for(organisation.pk)
    before = {name: getattr(current, name) for name in values}
    if policy is None:
        policy = IncidentPolicy(organisation=organisation)
    for name, value in values.items():
        setattr(policy, name, value)
    policy.updated_at = deadlines.now()
    policy.updated_by = by
    policy.save()
    audit.record(
        actor=by,
        action="incident_policy.updated",
        obj=policy,
        summary=f"Incident deadlines changed for {organisation.name}",
        changes={
            name: [before[name], value] for name, value in values.items() if before[name] != value
        },
    )
    return policy
