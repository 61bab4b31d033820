"""The database itself refuses what the services never do: proof that the rules hold even
against bulk updates and raw SQL."""

from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from supervision.incidents import deadlines, services
from supervision.incidents.models import (
    Incident,
    IncidentAction,
    IncidentEvent,
    IncidentRecurrence,
    IncidentReferral,
)
from tests.factories import report_incident


@contextmanager
def _refused(match: str = ""):
    """The database refuses the write (inside a savepoint, so the test carries on)."""
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        yield


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- The chronology is append-only.


def test_chronology_rows_cannot_be_updated_or_deleted(make):
    incident = make("triaged")
    event = incident.events.first()
    with _refused("append-only"):
        IncidentEvent.objects.filter(pk=event.pk).update(summary="Rewritten")
    with _refused("append-only"):
        IncidentEvent.objects.filter(pk=event.pk).delete()
    with _refused("append-only"):
        _raw(
            "UPDATE incidents_incidentevent SET detail = 'x' WHERE incident_id = %s", [incident.pk]
        )
    with _refused("append-only"):
        _raw("DELETE FROM incidents_incidentevent WHERE incident_id = %s", [incident.pk])
    assert IncidentEvent.objects.get(pk=event.pk).summary == event.summary


def test_referrals_and_recurrence_links_are_append_only(make, safeguarding, supervisor, peer):
    incident = make("acknowledged")
    referral = services.incident_record_referral(
        incident=incident,
        by=safeguarding,
        agency="police",
        reference="P1",
        referred_on=deadlines.today(),
    )
    with _refused("append-only"):
        IncidentReferral.objects.filter(pk=referral.pk).update(reference="P2")
    with _refused("append-only"):
        IncidentReferral.objects.filter(pk=referral.pk).delete()
    again = report_incident(supervisor, peer.person, category=incident.category)
    link = IncidentRecurrence.objects.get(incident=again)
    with _refused("append-only"):
        IncidentRecurrence.objects.filter(pk=link.pk).delete()


# --- The original report never changes; steps are recorded once; no skipping steps.


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("narrative", "Something else entirely"),
        ("reported_severity", "low"),
        ("reported_category", "other"),
        ("reported_safeguarding", "child"),
        ("told_someone", True),
        ("reported_at", timezone.now()),
        ("triage_due_at", timezone.now()),
    ],
)
def test_the_original_report_cannot_be_changed(make, column, value):
    incident = make("reported")
    with _refused("original report"):
        Incident.objects.filter(pk=incident.pk).update(**{column: value})


def test_an_incident_cannot_be_deleted_or_inserted_past_reported(make):
    incident = make("reported")
    with _refused("never deleted"):
        _raw("DELETE FROM incidents_incident WHERE id = %s", [incident.pk])
    copy = {
        f.attname: getattr(incident, f.attname)
        for f in Incident._meta.concrete_fields
        if f.attname != "id"
    }
    with _refused("starts as reported"):
        Incident.objects.create(**{**copy, "state": "closed"})


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("reported", "closed"),
        ("reported", "acknowledged"),
        ("triaged", "reported"),
        ("escalated", "closed"),
        ("closed", "in_review"),
    ],
)
def test_the_state_moves_only_along_the_workflow(make, start, target):
    incident = make(start)
    with _refused("not a step in the workflow"):
        Incident.objects.filter(pk=incident.pk).update(state=target)


def test_a_step_is_recorded_once(make, lead):
    incident = make("closed")
    with _refused("recorded once"):
        Incident.objects.filter(pk=incident.pk).update(triaged_by=lead)
    with _refused("recorded once"):
        Incident.objects.filter(pk=incident.pk).update(learning="Different learning")
    with _refused("recorded once"):
        Incident.objects.filter(pk=incident.pk).update(outcome="other")


def test_the_lead_is_fixed_once_acknowledged(make, lead):
    incident = make("acknowledged")
    with _refused("only before acknowledging"):
        Incident.objects.filter(pk=incident.pk).update(escalated_to=lead)


# --- Mandatory escalation, in the database.


@pytest.mark.parametrize(("severity", "concern"), [("high", "none"), ("low", "child")])
def test_database_refuses_unescalated_high_risk_past_triage(make, supervisor, severity, concern):
    incident = make("reported", severity=severity, safeguarding=concern)
    with _refused("incident_escalation_mandatory"):
        Incident.objects.filter(pk=incident.pk).update(
            state="triaged",
            triage_decision="supervision",
            triaged_at=timezone.now(),
            triaged_by=supervisor,
        )


def test_database_refuses_a_correction_that_would_dodge_escalation(make, supervisor):
    incident = make("triaged")  # moderate, managed through supervision
    # The classification changes only through a correction row; even written by hand, the
    # row that would need escalation is refused.
    for change in ('{"severity": "critical"}', '{"safeguarding": "adult"}'):
        with _refused("incident_escalation_mandatory"):
            _raw(
                "INSERT INTO incidents_incidentevent (incident_id, at, actor_id, kind, summary,"
                " detail, before, after) VALUES (%s, now(), %s, 'corrected', 'x', 'x', '{}', %s)",
                [incident.pk, supervisor.pk, change],
            )
    assert Incident.objects.get(pk=incident.pk).severity == "moderate"


def test_escalate_decision_needs_a_named_lead(make, supervisor):
    incident = make("reported")
    with _refused("incident_"):
        Incident.objects.filter(pk=incident.pk).update(
            state="escalated",
            triage_decision="escalate",
            triaged_at=timezone.now(),
            triaged_by=supervisor,
        )


def test_hiding_from_the_worker_needs_a_reason(make):
    incident = make("triaged")
    with _refused("incident_restriction_has_reason"):
        Incident.objects.filter(pk=incident.pk).update(worker_restricted=True)


# --- Actions: only ever marked done, once.


def test_actions_are_only_marked_done_once(make, supervisor):
    incident = make("triaged")
    action = services.incident_add_action(
        incident=incident,
        by=supervisor,
        description="x",
        owner=supervisor,
        due_on=deadlines.today(),
    )
    with _refused("can only be marked done"):
        IncidentAction.objects.filter(pk=action.pk).update(description="Something easier")
    with _refused("never deleted"):
        IncidentAction.objects.filter(pk=action.pk).delete()
    services.action_complete(action=action, by=supervisor)
    with _refused("can only be marked done"):
        IncidentAction.objects.filter(pk=action.pk).update(done_at=None, done_by=None)
    with _refused("can only be marked done"):
        IncidentAction.objects.filter(pk=action.pk).update(done_note="Changed my mind")
