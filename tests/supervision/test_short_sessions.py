"""A session shorter than a supervisee's role asks for its type says so when it is logged,
on its page and when it is confirmed: it is kept, but it will not count for them."""

from django.urls import reverse

from supervision.models import SupervisionDue, SupervisionSession
from tests.factories import assign_direct, days_ago, version_with

WILL_NOT_COUNT = "will not count towards their supervision, even once confirmed"
DOES_NOT_COUNT = "It is on the record, but does not count towards their supervision."


def _html(response) -> str:
    return response.content.decode()


def _peer_logs(client, peer, supervisor, minutes):
    client.force_login(peer)
    return client.post(
        reverse("supervision:log"),
        {
            "date": days_ago(1).isoformat(),
            "minutes": str(minutes),
            "kind": "line_management",
            "format": "video",
            "supervisor": supervisor.pk,
        },
        follow=True,
    )


def test_a_short_session_says_when_logged_and_on_its_page_that_it_will_not_count(
    client, peer, supervisor, assignments
):
    html = _html(_peer_logs(client, peer, supervisor, 30))
    said = (
        "This 30-minute session is shorter than their role asks for line management "
        "supervision: Peer (at least 60 minutes)."
    )
    # Once as the message after logging, once on the session's own page.
    assert html.count(said) == 2
    assert f"Session logged. {said}" in html and WILL_NOT_COUNT in html
    assert "It counts once the other party confirms it." not in html

    session = SupervisionSession.objects.get()
    client.force_login(supervisor)
    page = _html(client.get(reverse("supervision:session", kwargs={"pk": session.pk})))
    assert said in page and "Yes, confirm it" in page


def test_a_long_enough_session_says_nothing_of_the_kind(client, peer, supervisor, assignments):
    html = _html(_peer_logs(client, peer, supervisor, 60))
    assert "Session logged. It counts once the other party confirms it." in html
    assert "shorter than their role asks" not in html


def test_confirming_a_short_session_says_it_does_not_count_and_it_does_not(
    client, peer, supervisor, assignments
):
    _peer_logs(client, peer, supervisor, 30)
    session = SupervisionSession.objects.get()
    client.force_login(supervisor)
    html = _html(
        client.post(reverse("supervision:confirm", kwargs={"pk": session.pk}), follow=True)
    )
    session.refresh_from_db()
    assert session.is_confirmed
    assert "Confirmed. This 30-minute session is shorter than their role asks" in html
    assert DOES_NOT_COUNT in html and WILL_NOT_COUNT not in html
    assert "now counts towards supervision" not in html
    # What it says is what the compliance rule does: the clock has no confirmed session.
    due = SupervisionDue.objects.get(person=peer.person)
    assert due.last_confirmed is None


def test_a_group_session_names_only_those_it_is_too_short_for(
    client, org, peer, peer2, supervisor, assignments
):
    # peer and peer2 hold the 60-minute role, so both are named; a third person whose only
    # current role asks for 20 minutes is not.
    from tests.factories import make_login
    from workforce.models import Capacity as C

    third = make_login("third", org, C.PEER_WORKER)
    short_role = version_with(org, ("line_management", 28, 20), title="Peer educator")
    assign_direct(third.person, short_role, supervisor=supervisor)
    # An ended role asking for 90 minutes does not count against the session.
    assign_direct(
        third.person,
        version_with(org, ("line_management", 28, 90), title="Peer researcher"),
        supervisor=supervisor,
        start=days_ago(400),
        end=days_ago(200),
    )
    client.force_login(supervisor)
    html = _html(
        client.post(
            reverse("supervision:log_given"),
            {
                "supervisees": [peer.person.pk, peer2.person.pk, third.person.pk],
                "date": days_ago(0).isoformat(),
                "minutes": "30",
                "kind": "line_management",
                "format": "in_person",
            },
            follow=True,
        )
    )
    assert "supervision: Peer (at least 60 minutes), Peer2 (at least 60 minutes). It stays" in html
    assert "Third (" not in html


def test_another_type_of_supervision_is_not_held_to_this_minimum(
    client, peer, supervisor, assignments
):
    client.force_login(peer)
    html = _html(
        client.post(
            reverse("supervision:log"),
            {
                "date": days_ago(1).isoformat(),
                "minutes": "15",
                "kind": "peer",
                "format": "video",
                "supervisor": supervisor.pk,
            },
            follow=True,
        )
    )
    # The role asks nothing of peer supervision, so there is no minimum to fall short of.
    assert "Session logged. It counts once the other party confirms it." in html
