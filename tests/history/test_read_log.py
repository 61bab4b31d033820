"""The read log: opening a safeguarding narrative, a wellbeing plan, supervision notes or
agreed supervision actions leaves an entry saying who opened which record and when; being
refused leaves none, and pages that show only that a session happened leave none either."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import make_supervision_session, report_incident
from workforce.history.models import ReadLogEntry
from workforce.models import WellbeingPlan

What = ReadLogEntry.What


def _open(client, user, url):
    client.logout()
    client.force_login(user)
    return client.get(url).status_code


def _entries(obj):
    return list(
        ReadLogEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).values_list("user__username", "what", "organisation_id", "url")
    )


def test_opening_a_wellbeing_plan_is_logged_and_a_refusal_is_not(client, personas, supervised):
    peer = personas["peer"]
    plan = WellbeingPlan.objects.create(person=peer.person, keeps_me_well="Walks.")
    url = reverse("workforce:wellbeing", kwargs={"pk": peer.person.pk})
    for who in ["safeguarding", "finance", "admin", "peer2", "outsider"]:
        assert _open(client, personas[who], url) == 404, who
    assert _entries(plan) == []
    assert _open(client, peer, url) == 200
    assert _open(client, personas["supervisor"], url) == 200
    edit_url = reverse("workforce:wellbeing_edit", kwargs={"pk": peer.person.pk})
    assert _open(client, personas["lead"], edit_url) == 200
    org_id = peer.person.organisation_id
    assert sorted(_entries(plan)) == [
        ("lead", What.WELLBEING_PLAN, org_id, edit_url),
        ("peer", What.WELLBEING_PLAN, org_id, url),
        ("supervisor", What.WELLBEING_PLAN, org_id, url),
    ]


def test_opening_an_incident_narrative_is_logged_and_a_refusal_is_not(client, personas, supervised):
    incident = report_incident(personas["supervisor"], personas["peer"].person)
    detail = reverse("incidents:detail", kwargs={"pk": incident.pk})
    triage = reverse("incidents:triage", kwargs={"pk": incident.pk})
    for who in ["finance", "admin", "peer2", "outsider"]:
        assert _open(client, personas[who], detail) in (403, 404), who
        assert _open(client, personas[who], triage) in (403, 404), who
    assert _entries(incident) == []
    assert _open(client, personas["safeguarding"], detail) == 200
    assert _open(client, personas["supervisor"], triage) == 200
    org_id = incident.organisation_id
    assert sorted(_entries(incident)) == [
        ("safeguarding", What.NARRATIVE, org_id, detail),
        ("supervisor", What.NARRATIVE, org_id, triage),
    ]


def test_opening_supervision_notes_is_logged_but_metadata_is_not(client, personas, supervised):
    peer = personas["peer"]
    session = make_supervision_session(
        supervisor=personas["supervisor"], supervisees=[peer.person], notes="Talked it through."
    )
    url = reverse("supervision:session", kwargs={"pk": session.pk})
    # Leads and administrators see that it happened, not what was said: no read.
    assert _open(client, personas["lead"], url) == 200
    assert _open(client, personas["admin"], url) == 200
    for who in ["peer2", "finance", "safeguarding", "outsider"]:
        assert _open(client, personas[who], url) in (403, 404), who
    assert _entries(session) == []
    assert _open(client, personas["supervisor"], url) == 200
    record = reverse("supervision:record", kwargs={"pk": peer.person.pk})
    assert _open(client, peer, record) == 200
    org_id = session.organisation_id
    assert sorted(_entries(session)) == [
        ("peer", What.SUPERVISION_NOTES, org_id, record),
        ("supervisor", What.SUPERVISION_NOTES, org_id, url),
    ]


def test_the_database_refuses_an_unknown_kind_of_read(peer):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadLogEntry.objects.create(user=peer, what="diversity", object_type="x", object_id="1")


ACTION_TEXT = "Ring the housing officer about the flat"


@pytest.fixture
def agreed_action(personas, supervised):
    """An open action agreed in a session between `supervisor` and `peer`."""
    from supervision.models import SessionAction

    session = make_supervision_session(
        supervisor=personas["supervisor"], supervisees=[personas["peer"].person]
    )
    return SessionAction.objects.create(
        session=session,
        text=ACTION_TEXT,
        owner=personas["peer"],
        due_date=session.date,
        created_by=personas["supervisor"],
    )


ACTION_PAGES = {
    "home": lambda action: reverse("home"),
    "mine": lambda action: reverse("supervision:mine"),
    "session": lambda action: reverse("supervision:session", kwargs={"pk": action.session_id}),
    "record": lambda action: reverse(
        "supervision:record", kwargs={"pk": action.session.supervisee_links.get().person_id}
    ),
}


@pytest.mark.parametrize("page", ACTION_PAGES)
def test_seeing_an_agreed_action_is_logged_and_metadata_readers_see_no_text(
    client, personas, agreed_action, page
):
    url = ACTION_PAGES[page](agreed_action)
    readers = ["peer", "supervisor"]
    for who in readers:
        client.force_login(personas[who])
        response = client.get(url)
        assert response.status_code == 200, who
        assert ACTION_TEXT in response.content.decode(), who
    org_id = agreed_action.session.organisation_id
    assert sorted(_entries(agreed_action)) == [
        (who, What.SESSION_ACTIONS, org_id, url) for who in sorted(readers)
    ]
    # The lead sees that the session happened, never what was agreed: nothing to log.
    client.force_login(personas["lead"])
    response = client.get(url)
    assert ACTION_TEXT not in response.content.decode()
    assert sorted(who for who, *_ in _entries(agreed_action)) == readers
