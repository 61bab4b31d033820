"""The safeguarding record (Care Act 2014): the ten types of abuse, an adult and a child at
risk together, Making Safeguarding Personal and the duty to refer to the DBS. Each rule, each
refusal, the audit entries, and who never sees it."""

import datetime
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from supervision.incidents import deadlines, selectors, services
from supervision.incidents.models import AbuseType, Incident
from supervision.incidents.models.choices import safeguarding_peak
from supervision.incidents.services import IncidentError
from tests import factories
from tests.factories import report_incident
from workforce.models import AuditEntry


@contextmanager
def _refused(match: str = ""):
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        yield


def _audit(incident, action):
    return AuditEntry.objects.filter(
        object_type="incidents.incident", object_id=str(incident.pk), action=action
    )


# --- The ten types of abuse and neglect, more than one per incident.


def test_the_ten_types_are_the_care_and_support_statutory_guidance_list():
    assert AbuseType.labels == [
        "Physical abuse",
        "Domestic abuse",
        "Sexual abuse",
        "Psychological or emotional abuse",
        "Financial or material abuse",
        "Modern slavery",
        "Discriminatory abuse",
        "Organisational or institutional abuse",
        "Neglect and acts of omission",
        "Self-neglect",
    ]


def test_a_report_records_several_types_each_once_in_the_guidance_order(version, supervisor, peer):
    incident = report_incident(
        supervisor,
        peer.person,
        safeguarding="adult",
        abuse_types=["psychological", "financial", "psychological"],
    )
    assert incident.abuse_types == ["psychological", "financial"]
    reported = _audit(incident, "incident.reported").get()
    assert reported.changes["abuse_types"] == ["psychological", "financial"]


def test_types_are_refused_without_anyone_at_risk_or_off_the_list(version, supervisor, peer):
    with pytest.raises(IncidentError, match="recorded when someone is at risk") as refused:
        report_incident(supervisor, peer.person, abuse_types=["physical"])
    assert refused.value.field == "abuse_types"
    with pytest.raises(IncidentError, match="from the list"):
        report_incident(supervisor, peer.person, safeguarding="adult", abuse_types=["bullying"])
    assert not Incident.objects.exists()


def test_the_database_refuses_a_type_off_the_list(make):
    incident = make("reported", safeguarding="adult")
    with _refused("incident_abuse_types_valid"):
        Incident.objects.filter(pk=incident.pk).update(abuse_types=["physical", "bullying"])


def test_the_reporter_or_a_safeguarding_lead_changes_the_types_audited(
    make, supervisor, safeguarding, lead, peer
):
    incident = make("triaged", safeguarding="adult", abuse_types=["physical"])
    for who in (lead, peer):
        with pytest.raises(IncidentError, match="Only the person who reported it"):
            services.incident_record_abuse_types(
                incident=incident, by=who, abuse_types=["sexual"], reason="x"
            )
    with pytest.raises(IncidentError, match="Say why") as refused:
        services.incident_record_abuse_types(
            incident=incident, by=supervisor, abuse_types=["physical", "domestic"], reason=" "
        )
    assert refused.value.field == "reason"
    services.incident_record_abuse_types(
        incident=incident, by=supervisor, abuse_types=["domestic", "physical"], reason="Partner"
    )
    services.incident_record_abuse_types(
        incident=incident, by=safeguarding, abuse_types=["domestic"], reason="Not physical"
    )
    incident.refresh_from_db()
    assert incident.abuse_types == ["domestic"]
    changes = [entry.changes for entry in _audit(incident, "incident.abuse_types").order_by("pk")]
    assert changes == [
        {"abuse_types": [["physical"], ["physical", "domestic"]]},
        {"abuse_types": [["physical", "domestic"], ["domestic"]]},
    ]
    with pytest.raises(IncidentError, match="already recorded"):
        services.incident_record_abuse_types(
            incident=incident, by=safeguarding, abuse_types=["domestic"], reason="Again"
        )
    # The worker sees the incident once triaged, never these entries.
    kinds = {event.kind for event in selectors.chronology(peer, incident)}
    assert "triaged" in kinds and "abuse_types" not in kinds


# --- An adult and a child at risk together.


def test_adult_and_child_together_is_escalated_and_acknowledged_within_four_hours(
    make, supervisor, safeguarding
):
    incident = make("reported", severity="low", safeguarding="both")
    assert incident.escalation_mandatory
    with pytest.raises(IncidentError, match="must be escalated"):
        services.incident_triage(
            incident=incident, by=supervisor, decision="supervision", reason="x"
        )
    incident = services.incident_triage(
        incident=incident,
        by=supervisor,
        decision="escalate",
        reason="Parent and child at risk.",
        escalate_to=safeguarding,
    )
    assert incident.acknowledge_due_at - incident.escalated_at == datetime.timedelta(hours=4)


def test_an_adult_then_a_child_is_both_ever_recorded(make, supervisor):
    incident = make("reported", severity="low", safeguarding="adult")
    services.incident_correct(
        incident=incident, by=supervisor, reason="It was the child", safeguarding="child"
    )
    services.incident_correct(
        incident=incident, by=supervisor, reason="Nobody at risk", safeguarding="none"
    )
    incident.refresh_from_db()
    # The database keeps everyone ever recorded at risk, and the code agrees with it.
    assert (incident.safeguarding, incident.peak_safeguarding) == ("none", "both")
    assert safeguarding_peak("adult", "child") == safeguarding_peak("child", "adult") == "both"
    assert safeguarding_peak("both", "adult") == "both"
    assert safeguarding_peak("none", "child") == "child"


def test_a_correction_to_both_makes_the_acknowledgement_urgent(make, supervisor):
    incident = make("escalated", severity="high", safeguarding="adult")
    assert incident.acknowledge_due_at - incident.escalated_at == datetime.timedelta(hours=24)
    services.incident_correct(
        incident=incident, by=supervisor, reason="Their child too", safeguarding="both"
    )
    incident.refresh_from_db()
    assert incident.acknowledge_due_at - incident.escalated_at == datetime.timedelta(hours=4)


# --- Making Safeguarding Personal.

PERSONAL = {
    "views": "They want it to stop and to stay in the group.",
    "consent": "given",
    "capacity_considered": True,
    "capacity_note": "Able to decide.",
}


@pytest.mark.parametrize(
    ("changed", "field", "message"),
    [
        ({"views": " "}, "views", "views and wishes"),
        ({"consent": ""}, "consent", "agreed to a referral"),
        ({"consent": "without"}, "without_consent_reason", "without their agreement"),
        ({"capacity_considered": None}, "capacity_considered", "mental capacity"),
        ({"capacity_note": ""}, "capacity_note", "Add a note"),
    ],
)
def test_making_safeguarding_personal_needs_each_part(make, safeguarding, changed, field, message):
    incident = make("acknowledged", severity="high", safeguarding="adult")
    with pytest.raises(IncidentError, match=message) as refused:
        services.incident_record_personal(
            incident=incident, by=safeguarding, **{**PERSONAL, **changed}
        )
    assert refused.value.field == field
    assert Incident.objects.get(pk=incident.pk).personal_recorded_at is None


def test_making_safeguarding_personal_is_a_safeguarding_leads_after_acknowledging(
    make, safeguarding, lead, supervisor, peer
):
    incident = make("escalated", severity="high")
    with pytest.raises(IncidentError, match="You cannot record Making Safeguarding Personal"):
        services.incident_record_personal(incident=incident, by=safeguarding, **PERSONAL)
    services.incident_acknowledge(incident=incident, by=safeguarding)
    for who in (lead, supervisor, peer):
        with pytest.raises(IncidentError, match="Only a safeguarding lead"):
            services.incident_record_personal(incident=incident, by=who, **PERSONAL)
    services.incident_record_personal(
        incident=incident,
        by=safeguarding,
        **{**PERSONAL, "consent": "without", "without_consent_reason": "Others at risk."},
    )
    incident.refresh_from_db()
    assert incident.referral_consent == "without"
    assert incident.referral_without_consent_reason == "Others at risk."
    assert incident.personal_recorded_by == safeguarding
    # The audit trail has the codes, never the person's words.
    entry = _audit(incident, "incident.personal").get()
    assert entry.changes == {"consent": ["", "without"], "capacity_considered": [None, True]}
    assert "stop" not in str(entry.changes) + entry.summary
    assert "personal" not in {event.kind for event in selectors.chronology(peer, incident)}


def test_an_escalated_incident_closes_only_with_making_safeguarding_personal(make, safeguarding):
    incident = make("acknowledged", severity="high")
    services.incident_review(incident=incident, by=safeguarding, notes="Done.")
    close = {"outcome": "training", "learning": "x", "no_referral_reason": "Internal."}
    with pytest.raises(IncidentError, match="Making Safeguarding Personal is not recorded"):
        services.incident_close(incident=incident, by=safeguarding, **close)
    # The database refuses it too, whatever writes to it.
    with _refused("only with Making Safeguarding Personal recorded"):
        Incident.objects.filter(pk=incident.pk).update(
            state="closed",
            closed_at=deadlines.now(),
            closed_by=safeguarding,
            outcome="training",
            learning="x",
        )
    factories.record_personal(incident, safeguarding)
    services.incident_close(incident=incident, by=safeguarding, **close)
    assert Incident.objects.get(pk=incident.pk).state == "closed"


def test_the_database_refuses_a_half_recorded_making_safeguarding_personal(make, safeguarding):
    incident = make("acknowledged", severity="high")
    with _refused("incident_personal_recorded"):
        Incident.objects.filter(pk=incident.pk).update(
            personal_views="Views", personal_recorded_at=deadlines.now()
        )
    factories.record_personal(incident, safeguarding)
    with _refused("incident_referral_without_consent_has_reason"):
        Incident.objects.filter(pk=incident.pk).update(referral_consent="without")


# --- The DBS as a referral agency.


def test_a_worker_removed_from_regulated_activity_needs_a_duty_to_refer_decision(
    make, safeguarding, lead
):
    incident = make("acknowledged", severity="critical", safeguarding="adult")
    with pytest.raises(IncidentError, match="Only a safeguarding lead"):
        services.incident_record_dbs(incident=incident, by=lead, removed=True, decision="")
    with pytest.raises(IncidentError, match="duty to refer to the DBS applies") as refused:
        services.incident_record_dbs(incident=incident, by=safeguarding, removed=True)
    assert refused.value.field == "decision"
    with pytest.raises(IncidentError, match="Give the date") as refused:
        services.incident_record_dbs(
            incident=incident, by=safeguarding, removed=True, decision="referred"
        )
    assert refused.value.field == "referred_on"
    with pytest.raises(IncidentError, match="cannot be in the future"):
        services.incident_record_dbs(
            incident=incident,
            by=safeguarding,
            removed=True,
            decision="referred",
            referred_on=deadlines.today() + datetime.timedelta(days=1),
        )
    with pytest.raises(IncidentError, match="Say why the worker was not referred"):
        services.incident_record_dbs(
            incident=incident, by=safeguarding, removed=True, decision="not_referred"
        )
    services.incident_record_dbs(
        incident=incident,
        by=safeguarding,
        removed=True,
        decision="referred",
        referred_on=deadlines.today(),
        reason="ignored when referred",
    )
    incident.refresh_from_db()
    assert (incident.dbs_decision, incident.dbs_referred_on, incident.dbs_not_referred_reason) == (
        "referred",
        deadlines.today(),
        "",
    )
    entry = _audit(incident, "incident.dbs").get()
    assert entry.changes == {
        "removed": [False, True],
        "decision": ["", "referred"],
        "referred_on": [None, deadlines.today().isoformat()],
    }


def test_the_database_refuses_closing_with_the_worker_removed_and_no_decision(make, safeguarding):
    incident = make("in_review", severity="high")
    # Removed behind the services' back: the closing service and the database both refuse.
    Incident.objects.filter(pk=incident.pk).update(removed_from_regulated_activity=True)
    close = {"outcome": "formal_process", "learning": "x", "no_referral_reason": "Internal."}
    with pytest.raises(IncidentError, match="removed from regulated activity"):
        services.incident_close(incident=incident, by=safeguarding, **close)
    with _refused("incident_dbs_decision_before_closing"):
        Incident.objects.filter(pk=incident.pk).update(
            state="closed",
            closed_at=deadlines.now(),
            closed_by=safeguarding,
            outcome="formal_process",
            learning="x",
        )
    with _refused("incident_dbs_decision_recorded"):
        Incident.objects.filter(pk=incident.pk).update(dbs_decision="referred")
    services.incident_record_dbs(
        incident=incident,
        by=safeguarding,
        removed=True,
        decision="not_referred",
        reason="The harm test is not met: no one was harmed or put at risk.",
    )
    services.incident_close(incident=incident, by=safeguarding, **close)


def test_a_closed_incidents_safeguarding_record_never_changes(make, safeguarding):
    incident = make("closed", severity="high")
    with pytest.raises(IncidentError, match="You cannot record the duty to refer"):
        services.incident_record_dbs(
            incident=incident, by=safeguarding, removed=False, decision="not_referred", reason="x"
        )
    with pytest.raises(IncidentError, match="You cannot change the types of abuse"):
        services.incident_record_abuse_types(
            incident=incident, by=safeguarding, abuse_types=[], reason="x"
        )
    with _refused("safeguarding record"):
        Incident.objects.filter(pk=incident.pk).update(capacity_note="Rewritten")


# --- Who sees it: never the worker (nor finance, who see no incident at all).


def test_the_worker_never_sees_the_safeguarding_record(
    client, make, safeguarding, supervisor, peer, finance
):
    incident = make("in_review", severity="high", safeguarding="adult", abuse_types=["financial"])
    services.incident_record_dbs(
        incident=incident,
        by=safeguarding,
        removed=True,
        decision="referred",
        referred_on=deadlines.today(),
    )
    url = reverse("incidents:detail", args=[incident.pk])
    client.force_login(safeguarding)
    page = client.get(url).content.decode()
    assert "Safeguarding record" in page and "Financial or material abuse" in page
    assert "Referred to the DBS on" in page
    assert "They want the contact to stop" in page
    client.force_login(peer)
    page = client.get(url).content.decode()
    assert "What happened" in page  # the worker sees the incident itself
    for private in ("Safeguarding record", "Financial or material", "DBS", "contact to stop"):
        assert private not in page
    for name in ("abuse_types", "personal", "dbs"):
        assert client.get(reverse(f"incidents:{name}", args=[incident.pk])).status_code == 404
    client.force_login(finance)
    assert client.get(url).status_code == 403
    assert client.get(reverse("incidents:dbs", args=[incident.pk])).status_code == 403
