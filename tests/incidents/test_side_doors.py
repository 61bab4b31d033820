"""Mandatory escalation follows the most serious classification ever recorded (only a
safeguarding lead lifts it, with a reason, in the chronology), and the classification and
narrative change only through a correction row, even by raw SQL."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from supervision.incidents import rules, services
from supervision.incidents.models import Incident, IncidentEvent
from supervision.incidents.services import IncidentError
from tests.factories import make_login, report_incident
from workforce.models import Capacity as C

NARRATIVE = "At the youth club the worker met the person's daughter alone after hours."


@pytest.fixture
def safeguarding2(org):
    return make_login("safeguarding2", org, C.SAFEGUARDING_LEAD)


@pytest.fixture
def other_safeguarding(other_org):
    return make_login("other_safeguarding", other_org, C.SAFEGUARDING_LEAD)


def _critical_child_report(supervisor, peer):
    return report_incident(
        supervisor,
        peer.person,
        category="dual_relationship",
        severity="critical",
        safeguarding="child",
        narrative=NARRATIVE,
    )


def _correct_to_low(incident, by, **extra):
    return services.incident_correct(
        incident=incident,
        by=by,
        reason="On reflection it was minor.",
        severity="low",
        safeguarding="none",
        **extra,
    )


def _state(incident):
    fresh = Incident.objects.get(pk=incident.pk)
    return (
        fresh.state,
        fresh.severity,
        fresh.safeguarding,
        fresh.peak_severity,
        fresh.peak_safeguarding,
        fresh.events.count(),
    )


# --- Finding 3: a correction before triage no longer lifts mandatory escalation.


def test_a_supervisors_correction_to_low_still_must_be_escalated(client, version, supervisor, peer):
    incident = _critical_child_report(supervisor, peer)
    _correct_to_low(incident, supervisor)
    incident = Incident.objects.get(pk=incident.pk)
    assert (incident.severity, incident.safeguarding) == ("low", "none")
    assert rules.escalation_mandatory(incident)

    client.force_login(supervisor)
    url = reverse("incidents:triage", args=[incident.pk])
    html = client.get(url).content.decode()
    assert 'value="supervision"' not in html and 'value="escalate"' in html
    assert "Escalation is mandatory here" in html

    with pytest.raises(IncidentError) as refused:
        services.incident_triage(
            incident=incident, by=supervisor, decision="supervision", reason="It was minor."
        )
    assert "must be escalated because it was recorded as critical severity" in (
        refused.value.message
    )
    assert "Child at risk" in refused.value.message
    assert "only a safeguarding lead can lift" in refused.value.message.lower()
    # A hand-made POST is refused beside the field, and nothing changes.
    response = client.post(url, {"decision": "supervision", "reason": "It was minor."})
    assert "There is a problem" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).state == "reported"


def test_a_safeguarding_leads_downgrade_with_reason_lifts_it_and_is_in_the_chronology(
    client, version, supervisor, peer, safeguarding
):
    incident = _critical_child_report(supervisor, peer)
    _correct_to_low(incident, supervisor)
    services.incident_correct(
        incident=incident,
        by=safeguarding,
        reason="Spoke to the school: no child was involved.",
        lift_escalation=True,
    )
    incident = Incident.objects.get(pk=incident.pk)
    assert not rules.escalation_mandatory(incident)
    assert (incident.peak_severity, incident.peak_safeguarding) == ("low", "none")
    lifted = incident.events.get(kind="downgraded")
    assert lifted.actor == safeguarding
    assert lifted.detail == "Spoke to the school: no child was involved."
    assert lifted.before == {"peak_severity": "critical", "peak_safeguarding": "child"}
    assert lifted.after == {"peak_severity": "low", "peak_safeguarding": "none"}
    client.force_login(supervisor)
    html = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "Mandatory escalation lifted" in html
    # Now it may be managed through supervision.
    services.incident_triage(
        incident=incident, by=supervisor, decision="supervision", reason="Minor after all."
    )
    assert Incident.objects.get(pk=incident.pk).state == "triaged"


def test_the_correction_page_offers_the_lift_to_safeguarding_leads_only(
    client, version, supervisor, peer, safeguarding
):
    incident = _critical_child_report(supervisor, peer)
    url = reverse("incidents:correct", args=[incident.pk])
    client.force_login(supervisor)
    assert 'name="lift_escalation"' not in client.get(url).content.decode()
    client.force_login(safeguarding)
    assert 'name="lift_escalation"' in client.get(url).content.decode()
    data = {
        "occurred_on": incident.occurred_on.isoformat(),
        "occurred_time": "",
        "category": "dual_relationship",
        "exclusion": "",
        "severity": "low",
        "safeguarding": "none",
        "reason": "Checked with the club: a misunderstanding.",
        "lift_escalation": "on",
    }
    client.post(url, data)
    assert not rules.escalation_mandatory(Incident.objects.get(pk=incident.pk))


def test_a_downgrade_without_a_reason_or_by_anyone_else_is_refused_and_changes_nothing(
    version, supervisor, peer, lead, safeguarding, other_safeguarding
):
    incident = _critical_child_report(supervisor, peer)
    before = _state(incident)
    for by in (supervisor, lead):
        with pytest.raises(IncidentError, match="Only a safeguarding lead"):
            _correct_to_low(incident, by, lift_escalation=True)
        assert _state(incident) == before
    with pytest.raises(IncidentError, match="cannot correct"):
        _correct_to_low(incident, other_safeguarding, lift_escalation=True)
    with pytest.raises(IncidentError, match="Say what is being corrected"):
        services.incident_correct(
            incident=incident,
            by=safeguarding,
            reason="  ",
            severity="low",
            safeguarding="none",
            lift_escalation=True,
        )
    # Still critical now: it cannot be lifted while the classification itself needs it.
    with pytest.raises(IncidentError, match="low or moderate"):
        services.incident_correct(
            incident=incident, by=safeguarding, reason="Not needed.", lift_escalation=True
        )
    assert _state(incident) == before
    assert rules.escalation_mandatory(Incident.objects.get(pk=incident.pk))


def test_the_database_refuses_a_downgrade_by_anyone_but_a_safeguarding_lead(
    version, supervisor, peer, safeguarding
):
    incident = _critical_child_report(supervisor, peer)
    _correct_to_low(incident, supervisor)
    sql = (
        "INSERT INTO incidents_incidentevent (incident_id, at, actor_id, kind, summary, detail,"
        " before, after) VALUES (%s, now(), %s, 'downgraded', 'Lifted', %s, '{}', '{}')"
    )
    for actor, reason in ((supervisor, "I say so."), (safeguarding, "")):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [incident.pk, actor.pk, reason])
    assert Incident.objects.get(pk=incident.pk).peak_severity == "critical"


def test_a_later_correction_raises_the_bar_again(version, supervisor, peer, safeguarding):
    incident = report_incident(supervisor, peer.person, severity="low")
    services.incident_correct(incident=incident, by=supervisor, reason="Worse.", severity="high")
    services.incident_correct(incident=incident, by=supervisor, reason="No.", severity="low")
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.peak_severity == "high" and rules.escalation_mandatory(incident)


# --- Finding 5: the classification and narrative change only through a correction row.


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("severity", "low"),
        ("safeguarding", "none"),
        ("category", "other"),
        ("occurred_on", "2020-01-01"),
        ("occurred_time", "03:00"),
        ("exclusion_id", None),
        ("narrative", "Nothing happened."),
        ("peak_severity", "low"),
        ("peak_safeguarding", "none"),
    ],
)
def test_raw_sql_cannot_change_the_classification(version, supervisor, peer, column, value):
    incident = _critical_child_report(supervisor, peer)
    if column == "exclusion_id":
        services.incident_correct(
            incident=incident,
            by=supervisor,
            reason="It was clinical advice.",
            exclusion=version.exclusions.first(),
        )
    before = _state(incident)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE incidents_incident SET {column} = %s WHERE id = %s",  # noqa: S608
            [value, incident.pk],
        )
    assert _state(incident) == before


def test_the_orm_cannot_change_the_classification_either(version, supervisor, peer):
    incident = _critical_child_report(supervisor, peer)
    with pytest.raises(IntegrityError, match="only through a correction"), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(severity="low")
    assert Incident.objects.get(pk=incident.pk).severity == "critical"


def test_a_correction_row_is_what_changes_the_classification(version, supervisor, peer):
    incident = report_incident(supervisor, peer.person, severity="low")
    services.incident_correct(
        incident=incident, by=supervisor, reason="More serious.", severity="moderate"
    )
    fresh = Incident.objects.get(pk=incident.pk)
    assert fresh.severity == "moderate" and fresh.reported_severity == "low"
    event = IncidentEvent.objects.filter(incident=incident).last()
    assert (event.kind, event.before, event.after) == (
        "corrected",
        {"severity": "low"},
        {"severity": "moderate"},
    )
    # The same row written by hand applies it too, and leaves it in the chronology.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO incidents_incidentevent (incident_id, at, actor_id, kind, summary,"
            " detail, before, after) VALUES (%s, now(), %s, 'corrected', 'Corrected', 'x',"
            ' \'{"category": "gifts_or_money"}\', \'{"category": "other"}\')',
            [incident.pk, supervisor.pk],
        )
    assert Incident.objects.get(pk=incident.pk).category == "other"
