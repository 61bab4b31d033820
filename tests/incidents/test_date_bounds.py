"""Issue 22, finding 2: an incident is dated within the worker's time with the organisation
(an incident dated 1900-01-01 was accepted), on report and on correction."""

import datetime

import pytest

from supervision.incidents import services
from supervision.incidents.services.base import IncidentError
from tests.factories import report_incident
from workforce.models import Person


def test_an_incident_before_the_worker_started_is_refused(version, supervisor, peer):
    Person.objects.filter(pk=peer.person.pk).update(start_date=datetime.date(2024, 5, 1))
    peer.person.refresh_from_db()
    with pytest.raises(IncidentError, match="started here on 01/05/2024") as refused:
        report_incident(supervisor, peer.person, occurred_on=datetime.date(1900, 1, 1))
    assert refused.value.field == "occurred_on"
    incident = report_incident(supervisor, peer.person, occurred_on=datetime.date(2024, 5, 1))
    with pytest.raises(IncidentError, match="started here"):
        services.incident_correct(
            incident=incident,
            by=supervisor,
            reason="Wrong date",
            occurred_on=datetime.date(2024, 4, 30),
        )
    incident.refresh_from_db()
    assert incident.occurred_on == datetime.date(2024, 5, 1)


def test_without_a_start_date_a_year_back_at_most(lead, org, peer):
    person = peer.person
    Person.objects.filter(pk=person.pk).update(start_date=None)
    person.refresh_from_db()
    assert not person.assignments.exists()
    with pytest.raises(IncidentError, match="more than 12 months ago"):
        report_incident(lead, person, occurred_on=datetime.date(1900, 1, 1))


def test_an_incident_after_the_worker_left_is_refused(lead, org, peer):
    from supervision.incidents import deadlines

    today = deadlines.today()
    Person.objects.filter(pk=peer.person.pk).update(
        start_date=today - datetime.timedelta(days=400),
        end_date=today - datetime.timedelta(days=10),
        status="left",
        leaving_reason="resigned",
    )
    person = Person.objects.get(pk=peer.person.pk)
    with pytest.raises(IncidentError, match="left on"):
        services.incident_report(
            by=lead,
            person=person,
            occurred_on=today - datetime.timedelta(days=2),
            category="other",
            severity="low",
            safeguarding="none",
            narrative="After they left.",
        )
