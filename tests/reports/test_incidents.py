"""Incident figures against incidents moved through the real services at frozen times.

Four incidents about `peer`, all reported at 10:00 forty days ago:
- i1 stays reported (its triage deadline has long passed: overdue);
- i2 triaged into supervision at 12:00 (2 hours);
- i3 escalated at 16:00 (6 hours) and never acknowledged (overdue);
- i4 escalated at 11:00 (1 hour), acknowledged at 15:00 (4 hours), reviewed, closed.
Median hours to triage: median(2, 6, 1) = 2.0; to acknowledgement: 4.0.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.incidents import deadlines, services
from tests.factories import make_login, report_incident, supervise
from tests.reports.helpers import csv_rows, csv_tables, page_tables, table
from workforce.models import Capacity as C


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def incidents(org, other_org, personas):
    lead, supervisor, peer, sg = (
        personas[k] for k in ("lead", "supervisor", "peer", "safeguarding")
    )
    supervise(org, lead, peer, supervisor)
    day = timezone.localdate() - datetime.timedelta(days=40)
    made = {}
    with deadlines.frozen(_at(day, 10)):
        for key, category in (
            ("i1", "gifts_or_money"),
            ("i2", "social_media"),
            ("i3", "gifts_or_money"),
            ("i4", "confidentiality"),
        ):
            made[key] = report_incident(supervisor, peer.person, category=category)
    with deadlines.frozen(_at(day, 12)):
        services.incident_triage(
            incident=made["i2"], by=supervisor, decision="supervision", reason="Talk it over."
        )
    with deadlines.frozen(_at(day, 16)):
        services.incident_triage(
            incident=made["i3"],
            by=supervisor,
            decision="escalate",
            reason="Worried.",
            escalate_to=sg,
        )
    with deadlines.frozen(_at(day, 11)):
        services.incident_triage(
            incident=made["i4"],
            by=supervisor,
            decision="escalate",
            reason="Worried.",
            escalate_to=sg,
        )
    with deadlines.frozen(_at(day, 15)):
        services.incident_acknowledge(incident=made["i4"], by=sg, note="On it.")
    with deadlines.frozen(_at(day, 17)):
        services.incident_review(incident=made["i4"], by=sg, notes="Reviewed.")
        from supervision.incidents.models import Incident
        from tests.factories import record_personal

        record_personal(made["i4"], sg)

        services.incident_close(
            incident=Incident.objects.get(pk=made["i4"].pk),
            by=sg,
            outcome="training",
            learning="Learning.",
            no_referral_reason="Nobody at risk.",
        )
    # The other organisation's incident: never in this organisation's figures.
    other_peer = make_login("otherpeer", other_org, C.PEER_WORKER, full_name="Olive Other")
    other_sup = make_login("othersup", other_org, C.SUPERVISOR)
    supervise(other_org, personas["outsider"], other_peer, other_sup)
    with deadlines.frozen(_at(day, 10)):
        report_incident(other_sup, other_peer.person, category="lone_working")
    return made


def _params():
    today = timezone.localdate()
    return {"start": (today - datetime.timedelta(days=90)).isoformat(), "end": today.isoformat()}


def test_figures(client, personas, incidents):
    client.force_login(personas["lead"])
    tables = page_tables(client, "incidents", _params())
    assert table(tables, "Open incidents by state") == [
        ["Reported: waiting for triage", "1"],
        ["Being managed through supervision", "1"],
        ["Escalated: waiting for the safeguarding lead", "1"],
        ["Acknowledged by the safeguarding lead", "0"],
        ["In review", "0"],
    ]
    assert table(tables, "Overdue steps") == [
        ["Triage", "1"],
        ["Acknowledgement by the safeguarding lead", "1"],
        ["Agreed actions", "0"],
    ]
    assert table(tables, "Incidents by category") == [
        ["Social media contact", "1", "0"],
        # i3 is the same worker's second "gifts or money": the service links it to i1.
        ["Gifts or money", "2", "1"],
        ["Confidentiality", "1", "0"],
    ]
    quarter = table(tables, "Incidents by quarter")
    assert sum(int(row[1]) for row in quarter) == 4
    assert sum(int(row[2]) for row in quarter) == 1
    assert table(tables, "Time to triage") == [
        ["Report to triage", "2.0", "3"],
        ["Escalation to acknowledgement", "4.0", "1"],
    ]
    assert "Olive" not in str(tables) and "Lone working" not in str(tables)


def test_safeguarding_sees_the_same_and_csv_equals_the_page(client, personas, incidents):
    client.force_login(personas["safeguarding"])
    params = _params()
    page = page_tables(client, "incidents", params)
    assert csv_tables(client, "incidents", params) == page
    assert table(page, "Time to triage") == [
        ["Report to triage", "2.0", "3"],
        ["Escalation to acknowledgement", "4.0", "1"],
    ]


@pytest.mark.parametrize("who", ["finance", "admin", "peer", "supervisor"])
def test_no_incident_figures_for_those_who_may_not_see_them(client, personas, incidents, who):
    client.force_login(personas[who])
    assert client.get(reverse("reports:incidents")).status_code == 403
    assert client.get(reverse("reports:incidents_csv")).status_code == 403
    assert "Boundary incidents" not in client.get(reverse("home")).content.decode()


def test_outsider_sees_only_their_own(client, personas, incidents):
    client.force_login(personas["outsider"])
    tables = page_tables(client, "incidents", _params())
    assert table(tables, "Incidents by category") == [["Lone working", "1", "0"]]
    assert "Gifts" not in str(csv_rows(client, "incidents", _params()))
