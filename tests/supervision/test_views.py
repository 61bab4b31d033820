"""Pages: logging (defaults, refusals shown beside the field), confirm and dispute (POST
only), actions on home pages, empty states, compliance and the printable record."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.models import SessionAction, SessionStatus, SupervisionSession
from tests.factories import (
    SECRET,
    assign_direct,
    days_ago,
    logged_by_peer,
    make_login,
    make_supervision_session,
    version_with,
)
from workforce.models import Capacity as C


def _html(response) -> str:
    return response.content.decode()


def _post_log(client, **overrides):
    data = {
        "date": days_ago(1).isoformat(),
        "minutes": "60",
        "kind": "line_management",
        "format": "video",
        "topics": ["boundaries"],
        "notes": "Talked about lone working",
    }
    data.update(overrides)
    return client.post(reverse("supervision:log"), data)


# --- Logging


def test_log_form_defaults_to_today_my_supervisor_and_the_type_i_need(
    client, org, peer, supervisor
):
    version = version_with(org, ("line_management", 56, 60), ("peer", 28, 45))
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(40))
    client.force_login(peer)
    response = client.get(reverse("supervision:log"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["date"].value() == timezone.localdate()
    assert form["supervisor"].value() == supervisor.pk
    assert form["kind"].value() == "peer"  # overdue, so most needed
    assert form["minutes"].value() == 45
    html = _html(response)
    assert 'type="date"' in html and f'max="{timezone.localdate().isoformat()}"' in html
    assert "Only you and your supervisor can read these, never leads." in html


def test_peer_logs_a_session_and_is_sent_to_it(client, peer, supervisor, assignments):
    client.force_login(peer)
    response = _post_log(
        client,
        supervisor=supervisor.pk,
        action_text="Read the policy",
        action_owner="me",
        action_due_date=timezone.localdate().isoformat(),
    )
    session = SupervisionSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:session", kwargs={"pk": session.pk})
    assert session.logged_by == peer and session.status == SessionStatus.AWAITING
    assert session.note.topics == ["boundaries"]
    assert session.actions.get().owner == peer


def test_a_future_date_is_refused_beside_the_field(client, peer, supervisor, assignments):
    client.force_login(peer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _post_log(client, supervisor=supervisor.pk, date=tomorrow.isoformat())
    assert response.status_code == 400
    assert "The date cannot be in the future. Enter the day" in _html(response)
    assert "There is a problem" in _html(response)
    assert not SupervisionSession.objects.exists()


def test_a_duplicate_is_refused_with_a_clear_message(client, peer, supervisor, assignments):
    client.force_login(peer)
    _post_log(client, supervisor=supervisor.pk)
    response = _post_log(client, supervisor=supervisor.pk)
    assert response.status_code == 400
    assert "already has a line management supervision session with Supervisor" in _html(response)
    assert SupervisionSession.objects.count() == 1


def test_an_action_without_a_due_date_is_refused(client, peer, supervisor, assignments):
    client.force_login(peer)
    response = _post_log(client, supervisor=supervisor.pk, action_text="Do a thing")
    assert response.status_code == 400
    assert "Give the date the action is due by." in _html(response)
    assert not SupervisionSession.objects.exists()


def test_a_peer_cannot_name_someone_outside_the_supervisor_list(
    client, peer, peer2, supervisor, assignments
):
    client.force_login(peer)
    response = _post_log(client, supervisor=peer2.pk)
    assert response.status_code == 400
    assert not SupervisionSession.objects.exists()


def test_supervisor_logs_a_group_session(client, peer, peer2, supervisor, assignments):
    client.force_login(supervisor)
    page = _html(client.get(reverse("supervision:log_given")))
    assert "Peer2" in page and "Who was supervised" in page
    response = client.post(
        reverse("supervision:log_given"),
        {
            "supervisees": [peer.person.pk, peer2.person.pk],
            "date": days_ago(0).isoformat(),
            "minutes": "90",
            "kind": "reflective_practice",
            "format": "in_person",
            "action_text": "Bring a case",
            "action_owner": f"p{peer2.person.pk}",
            "action_due_date": days_ago(-7).isoformat(),
        },
    )
    assert response.status_code == 302
    session = SupervisionSession.objects.get()
    assert session.supervisees.count() == 2
    assert session.actions.get().owner == peer2


def test_log_pages_say_what_to_do_when_there_is_nothing_to_choose(client, org, supervisor):
    lonely = make_login("lonely", org, C.PEER_WORKER)
    orgless = make_login("orgless", org, C.PEER_WORKER)
    orgless.person.delete()
    client.force_login(supervisor)
    assert "not named as anyone's supervisor yet" in _html(
        client.get(reverse("supervision:log_given"))
    )
    client.force_login(orgless)
    assert "not linked to a person record" in _html(client.get(reverse("supervision:log")))
    client.force_login(lonely)
    assert "Log session" in _html(client.get(reverse("supervision:log")))


# --- Confirm, dispute


def test_supervisor_confirms_from_the_session_page(client, fixture, supervisor):
    session = logged_by_peer(fixture)
    client.force_login(supervisor)
    page = _html(client.get(reverse("supervision:session", kwargs={"pk": session.pk})))
    assert "Yes, confirm it" in page and "No, dispute it" in page
    response = client.post(reverse("supervision:confirm", kwargs={"pk": session.pk}))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CONFIRMED


def test_the_logger_sees_no_buttons_and_cannot_confirm(client, fixture, peer):
    session = logged_by_peer(fixture)
    client.force_login(peer)
    page = _html(client.get(reverse("supervision:session", kwargs={"pk": session.pk})))
    assert "Yes, confirm it" not in page and "Waiting for Supervisor to confirm" in page
    response = client.post(reverse("supervision:confirm", kwargs={"pk": session.pk}), follow=True)
    assert "cannot confirm a session you logged yourself" in _html(response)
    session.refresh_from_db()
    assert session.status == SessionStatus.AWAITING


def test_a_dispute_needs_a_reason_and_then_shows_both_views(client, fixture, supervisor, lead):
    session = logged_by_peer(fixture)
    url = reverse("supervision:dispute", kwargs={"pk": session.pk})
    client.force_login(supervisor)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Say why you disagree" in _html(response)
    session.refresh_from_db()
    assert session.status == SessionStatus.AWAITING
    client.post(url, {"reason": "We met for 30 minutes, not 60"})
    session.refresh_from_db()
    assert session.status == SessionStatus.DISPUTED
    # Both views, for both parties and for the lead: the log as made, and the dispute.
    for who in (supervisor, fixture("peer"), lead):
        client.force_login(who)
        page = _html(client.get(reverse("supervision:session", kwargs={"pk": session.pk})))
        assert "Disputed by Supervisor" in page and "We met for 30 minutes, not 60" in page
        assert "The log as Peer recorded it is below" in page
        assert '<dd class="col-sm-8">60</dd>' in page
    # It stays in the peer's history too.
    client.force_login(fixture("peer"))
    assert "Disputed" in _html(client.get(reverse("supervision:mine")))


@pytest.mark.parametrize("name", ["confirm", "dispute", "action_add"])
def test_answering_is_post_only(client, fixture, supervisor, name):
    session = logged_by_peer(fixture)
    client.force_login(supervisor)
    assert client.get(reverse(f"supervision:{name}", kwargs={"pk": session.pk})).status_code == 405


def test_a_non_party_post_changes_nothing(client, fixture, peer2, lead):
    session = logged_by_peer(fixture)
    client.force_login(peer2)
    assert client.post(reverse("supervision:confirm", kwargs={"pk": session.pk})).status_code == 404
    client.force_login(lead)  # sees that it happened, but is not a party
    client.post(reverse("supervision:confirm", kwargs={"pk": session.pk}))
    client.post(reverse("supervision:dispute", kwargs={"pk": session.pk}), {"reason": "No"})
    session.refresh_from_db()
    assert session.status == SessionStatus.AWAITING


# --- Actions on home pages


def test_open_actions_show_on_both_parties_home_pages_until_done(client, fixture, peer, supervisor):
    session = logged_by_peer(fixture, days=10)
    action = session.actions.get()  # due on the session date: ten days ago
    for who in (peer, supervisor):
        client.force_login(who)
        page = _html(client.get(reverse("home")))
        assert "Open actions from supervision" in page
        assert "Read the lone working policy" in page
        assert "wf-action-overdue" in page and "Overdue" in page
    client.force_login(supervisor)
    assert "Waiting for you to confirm" in _html(client.get(reverse("home")))
    response = client.post(
        reverse("supervision:action_complete", kwargs={"pk": action.pk}), {"next": "home"}
    )
    assert response["Location"] == reverse("home")
    for who in (peer, supervisor):
        client.force_login(who)
        assert "Read the lone working policy" not in _html(client.get(reverse("home")))


def test_either_party_adds_an_action_on_the_session_page(client, fixture, peer, supervisor):
    session = logged_by_peer(fixture, action=False)
    client.force_login(supervisor)
    url = reverse("supervision:action_add", kwargs={"pk": session.pk})
    response = client.post(url, {"action-text": "", "action-owner": peer.pk})
    assert response.status_code == 400
    response = client.post(
        url,
        {
            "action-text": "Try the reflective group",
            "action-owner": peer.pk,
            "action-due_date": days_ago(-14).isoformat(),
        },
    )
    assert response.status_code == 302
    assert SessionAction.objects.get().owner == peer


def test_an_action_in_the_future_is_not_highlighted(client, fixture, peer):
    session = logged_by_peer(fixture, action=False)
    SessionAction.objects.create(
        session=session, text="Later", owner=peer, created_by=peer, due_date=days_ago(-3)
    )
    client.force_login(peer)
    page = _html(client.get(reverse("supervision:mine")))
    assert "Later" in page and "wf-action-overdue" not in page


# --- Pages and empty states


def test_empty_states_say_what_to_do_next(client, peer, supervisor, lead):
    client.force_login(peer)
    page = _html(client.get(reverse("supervision:mine")))
    assert "You have no supervision requirements yet" in page
    assert "Nothing logged yet" in page
    client.force_login(supervisor)
    assert "Nobody is assigned to you for supervision" in _html(
        client.get(reverse("supervision:supervisees"))
    )
    client.force_login(lead)
    assert "has a current assignment to a role with supervision requirements yet" in _html(
        client.get(reverse("supervision:compliance"))
    )
    assert "No sessions yet" in _html(client.get(reverse("supervision:sessions")))


def test_my_supervision_shows_when_next_due(client, peer, supervisor, assignments):
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(20))
    client.force_login(peer)
    page = _html(client.get(reverse("supervision:mine")))
    due = days_ago(20) + datetime.timedelta(days=28)
    assert f"{due.day} {due:%b %Y}" in page and "Due within 14 days" in page


def test_supervisees_page_lists_the_overdue_first(client, peer, peer2, supervisor, assignments):
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(2))
    client.force_login(supervisor)
    page = _html(client.get(reverse("supervision:supervisees")))
    assert page.index("Peer2") < page.index(">Peer<")
    assert "Never supervised" in page and "In date" in page


def test_compliance_page_shows_percent_compliant_by_team_and_supervisor(
    client, lead, peer, supervisor, assignments
):
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(2))
    client.force_login(lead)
    page = _html(client.get(reverse("supervision:compliance")))
    assert "50% compliant" in page and "By team" in page and "By supervisor" in page
    team = peer.person.organisation.teams.order_by("pk").first()
    team_page = client.get(reverse("supervision:team_compliance", kwargs={"pk": team.pk}))
    assert "Never supervised" in _html(team_page)
    only_overdue = client.get(
        reverse("supervision:team_compliance", kwargs={"pk": team.pk}), {"status": "in_date"}
    )
    shown = _html(only_overdue)
    assert shown.count('<span class="badge ') == 1  # one row, with its status badge
    assert reverse("supervision:record", kwargs={"pk": peer.person.pk}) in shown


def test_compliance_export_is_csv_with_safe_cells(client, org, lead, supervisor, version):
    sly = make_login("sly", org, C.PEER_WORKER, full_name="=HYPERLINK(evil)")
    assign_direct(sly.person, version, supervisor=supervisor)
    client.force_login(lead)
    response = client.get(reverse("supervision:compliance_export", kwargs={"pk": org.pk}))
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("Person,Team,Role,Supervisor,Type of supervision")
    assert lines[1].startswith("'=HYPERLINK(evil)")
    assert "Line management supervision" in lines[1]


def test_session_list_filters_and_sorts(client, lead, peer, supervisor, assignments):
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(5))
    make_supervision_session(
        supervisor=supervisor, supervisees=[peer.person], date=days_ago(9), kind="clinical"
    )
    client.force_login(lead)
    url = reverse("supervision:sessions")
    newest = client.get(url).context["page"].object_list
    assert [s.date for s in newest] == [days_ago(5), days_ago(9)]
    oldest = client.get(url, {"sort": "date"}).context["page"].object_list
    assert [s.date for s in oldest] == [days_ago(9), days_ago(5)]
    clinical = client.get(url, {"kind": "clinical"}).context["page"].object_list
    assert [s.kind for s in clinical] == ["clinical"]
    assert len(client.get(url, {"q": "peer"}).context["page"].object_list) == 2
    response = client.get(url, {"q": "nobody-by-that-name"})
    assert "No sessions match those filters" in _html(response)


def test_printable_record_covers_a_date_range(client, fixture, peer, supervisor):
    session = logged_by_peer(fixture, days=20)
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(400))
    client.force_login(peer)
    url = reverse("supervision:record", kwargs={"pk": peer.person.pk})
    page = _html(client.get(url))
    assert "Supervision record: Peer" in page
    assert SECRET in page  # the person sees their own notes
    assert page.count("wf-record-session") == 1  # the last 12 months by default
    wider = client.get(url, {"start": days_ago(500).isoformat(), "end": days_ago(0).isoformat()})
    assert _html(wider).count("wf-record-session") == 2
    bad = client.get(url, {"start": days_ago(1).isoformat(), "end": days_ago(5).isoformat()})
    assert "The end date cannot be before the start date." in _html(bad)
    assert session.pk


def test_person_page_links_to_the_supervision_record(client, lead, finance, peer, assignments):
    person_url = reverse("workforce:person", kwargs={"pk": peer.person.pk})
    record_url = reverse("supervision:record", kwargs={"pk": peer.person.pk})
    client.force_login(lead)
    assert record_url in _html(client.get(person_url))
    client.force_login(finance)  # sees the person as a payee only
    response = client.get(person_url)
    assert response.status_code == 200 and record_url not in _html(response)
