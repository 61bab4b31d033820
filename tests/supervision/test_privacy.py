"""Private notes, topics and actions are seen by the supervisee(s) and the supervisor only.

A token is planted in a session's notes and in its action; then every supervision page,
the home page, the CSV export, the search and the Django admin are fetched as every
capacity. Only the two parties ever get the token back. Positive controls prove the token
is really there to find.
"""

import pytest
from django.urls import reverse

from supervision import selectors
from tests.factories import SECRET, logged_by_peer

PARTIES = {"peer", "supervisor"}
EVERYONE = ["lead", "supervisor", "peer", "peer2", "safeguarding", "finance", "admin", "outsider"]
TOPIC_LABEL = "Wellbeing and emotional labour"  # a topic of the session: private as well


@pytest.fixture
def session(fixture, supervisor):
    session = logged_by_peer(fixture)
    # A confirmed session, so it shows on compliance, records and lists for everyone allowed.
    from supervision import services

    services.session_confirm(session=session, by=supervisor)
    return session


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _urls(session, org) -> list[str]:
    team = org.teams.order_by("pk").first()
    person = session.supervisee_links.get().person
    return [
        reverse("home"),
        reverse("supervision:mine"),
        reverse("supervision:supervisees"),
        reverse("supervision:sessions"),
        reverse("supervision:session", kwargs={"pk": session.pk}),
        reverse("supervision:record", kwargs={"pk": person.pk}),
        reverse("supervision:compliance"),
        reverse("supervision:team_compliance", kwargs={"pk": team.pk}),
        reverse("supervision:compliance_export", kwargs={"pk": org.pk}),
        reverse("supervision:log"),
        reverse("supervision:log_given"),
    ]


@pytest.mark.parametrize("who", EVERYONE)
def test_private_notes_reach_only_the_parties(client, personas, org, session, who):
    client.force_login(personas[who])
    seen_on = []
    forms = {reverse("supervision:log"), reverse("supervision:log_given")}
    for url in _urls(session, org):
        body = _body(client.get(url))
        # The log forms offer every topic as a choice, so only the token counts there.
        if SECRET in body or (url not in forms and TOPIC_LABEL in body):
            seen_on.append(url)
    if who in PARTIES:
        # Positive control: the parties do see the notes on the session and the record.
        assert reverse("supervision:session", kwargs={"pk": session.pk}) in seen_on
        assert (
            reverse("supervision:record", kwargs={"pk": session.supervisee_links.get().person.pk})
            in seen_on
        )
    else:
        assert seen_on == [], f"{who} saw private notes on {seen_on}"


@pytest.mark.parametrize("who", EVERYONE)
def test_search_never_matches_notes(client, personas, session, who):
    client.force_login(personas[who])
    response = client.get(reverse("supervision:sessions"), {"q": SECRET})
    if response.status_code == 200:
        assert list(response.context["page"].object_list) == []


def test_leads_and_admins_see_that_it_happened(client, personas, session):
    for who in ("lead", "admin"):
        client.force_login(personas[who])
        page = _body(client.get(reverse("supervision:session", kwargs={"pk": session.pk})))
        assert "Line management supervision on" in page and "Confirmed" in page
        assert "private to the people in it" in page
        assert SECRET not in page


def test_the_admin_never_shows_or_searches_notes(client, personas, session):
    client.force_login(personas["admin"])  # a superuser
    pages = []
    for model in ("supervisionsession", "sessionsupervisee", "sessionnote", "sessionaction"):
        changelist = reverse(f"admin:supervision_{model}_changelist")
        pages.append(client.get(changelist))
        searched = client.get(changelist, {"q": SECRET})
        if searched.context["cl"].search_fields:  # without search fields, q is ignored
            assert searched.context["cl"].result_count == 0, model
    pages.append(
        client.get(reverse("admin:supervision_supervisionsession_change", args=[session.pk]))
    )
    pages.append(client.get(reverse("admin:supervision_sessionnote_change", args=[session.pk])))
    action = session.actions.get()
    pages.append(client.get(reverse("admin:supervision_sessionaction_change", args=[action.pk])))
    for response in pages:
        assert response.status_code == 200
        body = _body(response)
        assert SECRET not in body and TOPIC_LABEL not in body and "boundaries" not in body


def test_the_notes_admin_neither_lists_nor_searches_nor_edits_the_text():
    from django.contrib import admin

    from supervision.models import SessionAction, SessionNote

    for model, private in ((SessionNote, {"text", "topics"}), (SessionAction, {"text"})):
        model_admin = admin.site._registry[model]
        shown = set(model_admin.list_display) | set(model_admin.fields or ())
        assert not shown & private
        assert not set(model_admin.search_fields) & private


def test_metadata_selector_for_other_apps_carries_no_notes(personas, session):
    lead = personas["lead"]
    person = session.supervisee_links.get().person
    sessions = list(selectors.sessions_metadata_for(lead, person))
    assert sessions == [session]
    # The private table is not even loaded.
    assert "note" not in sessions[0]._state.fields_cache
    assert list(selectors.sessions_metadata_for(personas["safeguarding"], person)) == []
    assert list(selectors.sessions_metadata_for(personas["outsider"], person)) == []


def test_private_content_is_returned_only_to_parties(personas, session):
    for who in EVERYONE:
        content = selectors.private_content(personas[who], [session])
        assert bool(content) is (who in PARTIES), who
