"""Query counts stay the same as sessions and people grow: compliance is one query, lists
prefetch, nothing loops per person. Each page is measured with a little data, then the
data grows many times over and the page must not need a single query more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.models import SessionAction
from tests.factories import assign_direct, days_ago, make_login, make_supervision_session
from workforce.models import Capacity as C


def _pages(org, peer):
    team = org.teams.order_by("pk").first()
    return [
        ("peer", reverse("home")),
        ("supervisor", reverse("home")),
        ("peer", reverse("supervision:mine")),
        ("peer", reverse("supervision:log")),
        ("supervisor", reverse("supervision:log_given")),
        ("supervisor", reverse("supervision:supervisees")),
        ("lead", reverse("supervision:sessions")),
        ("supervisor", reverse("supervision:sessions")),
        ("peer", reverse("supervision:record", kwargs={"pk": peer.person.pk})),
        ("lead", reverse("supervision:record", kwargs={"pk": peer.person.pk})),
        ("lead", reverse("supervision:compliance")),
        ("lead", reverse("supervision:team_compliance", kwargs={"pk": team.pk})),
        ("lead", reverse("supervision:compliance_export", kwargs={"pk": org.pk})),
    ]


def _grow(org, version, peer, supervisor, *, people: int, sessions_each: int, first=0):
    """More supervisees, each with a history; and a long history of peer's own."""
    workers = [make_login(f"worker{first + i}", org, C.PEER_WORKER).person for i in range(people)]
    for person in workers:
        assign_direct(person, version, supervisor=supervisor, start=days_ago(400))
        for n in range(sessions_each):
            make_supervision_session(
                supervisor=supervisor, supervisees=[person], date=days_ago(10 + 30 * n)
            )
    for n in range(sessions_each * 3):
        session = make_supervision_session(
            supervisor=supervisor,
            supervisees=[peer.person],
            date=days_ago(5 + 7 * n + first),
            status="awaiting" if n % 3 else "confirmed",
            logged_by=supervisor if n % 2 else peer,
        )
        SessionAction.objects.create(
            session=session, text=f"Action {n}", owner=peer, created_by=peer, due_date=days_ago(n)
        )
    # A group session with everyone in it.
    make_supervision_session(
        supervisor=supervisor,
        supervisees=[peer.person, *workers],
        date=days_ago(1 + first),
        kind="reflective_practice",
        logged_by=supervisor,
    )


def _count(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_sessions_and_people(
    client, personas, org, version, assignments, django_assert_max_num_queries
):
    peer, supervisor = personas["peer"], personas["supervisor"]
    # A little of everything, so every section of every page is already showing something.
    _grow(org, version, peer, supervisor, people=1, sessions_each=1)
    pages = _pages(org, peer)
    few = {(who, url): _count(client, personas[who], url) for who, url in pages}

    _grow(org, version, peer, supervisor, people=30, sessions_each=4, first=1)

    for who, url in pages:
        client.force_login(personas[who])
        with django_assert_max_num_queries(few[(who, url)], info=f"{url} as {who}"):
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        assert response.status_code == 200


def test_session_page_query_count_is_small(client, personas, org, version, assignments):
    supervisor, peer = personas["supervisor"], personas["peer"]
    session = make_supervision_session(
        supervisor=supervisor, supervisees=[peer.person], date=days_ago(3), status="awaiting"
    )
    url = reverse("supervision:session", kwargs={"pk": session.pk})
    # 19: a party's sessions are found by key from their supervisee links, one small query
    # each time the page asks what the user may see (supervision/rules.py, _sessions_of);
    # one reads whether the session is too short to count for anyone in it.
    for who in ("peer", "supervisor", "lead"):
        assert _count(client, personas[who], url) <= 19, who
