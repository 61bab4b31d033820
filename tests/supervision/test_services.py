"""Logging, confirming, disputing and actions: the rules, the refusals (which change
nothing), and the audit trail (which never holds what was said)."""

import datetime

import pytest
from django.utils import timezone

from supervision import services
from supervision.models import SessionAction, SessionStatus, SupervisionSession
from supervision.services import ActionInput, SupervisionError
from tests.factories import SECRET, days_ago, logged_by_peer, make_login
from workforce.models import AuditEntry
from workforce.models import Capacity as C


def _log(by, *, supervisor, supervisees, date=None, kind="line_management", **extra):
    return services.session_log(
        logged_by=by,
        supervisor=supervisor,
        supervisees=supervisees,
        date=date or days_ago(1),
        minutes=extra.pop("minutes", 60),
        kind=kind,
        format=extra.pop("format", "video"),
        **extra,
    )


def _nothing_changed():
    assert not SupervisionSession.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="supervision.").exists()


def test_peer_logs_own_session_with_notes_topics_and_action(peer, supervisor, assignments, fixture):
    session = logged_by_peer(fixture)
    assert session.status == SessionStatus.AWAITING
    assert session.organisation_id == peer.person.organisation_id
    assert list(session.supervisees.all()) == [peer.person]
    assert session.note.text == SECRET
    assert session.note.topics == ["boundaries", "wellbeing"]
    assert session.actions.get().owner == peer
    entry = AuditEntry.objects.get(action="supervision.session_logged")
    assert entry.actor == peer and entry.object_id == str(session.pk)


def test_supervisor_logs_a_group_session(peer, peer2, supervisor, assignments):
    session = _log(
        supervisor,
        supervisor=supervisor,
        supervisees=[peer.person, peer2.person],
        kind="reflective_practice",
    )
    assert {p.pk for p in session.supervisees.all()} == {peer.person.pk, peer2.person.pk}


def test_a_future_session_is_refused(peer, supervisor, assignments):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(SupervisionError, match="cannot be in the future") as caught:
        _log(peer, supervisor=supervisor, supervisees=[peer.person], date=tomorrow)
    assert caught.value.field == "date"
    _nothing_changed()


def test_a_duplicate_is_refused_with_a_clear_message(peer, supervisor, assignments):
    first = _log(peer, supervisor=supervisor, supervisees=[peer.person], date=days_ago(2))
    with pytest.raises(SupervisionError) as caught:
        _log(peer, supervisor=supervisor, supervisees=[peer.person], date=days_ago(2))
    message = caught.value.message
    assert "already has a line management supervision session with Supervisor" in message
    assert "(waiting for confirmation)" in message
    assert SupervisionSession.objects.get() == first
    # The supervisor logging the same session as a group is a duplicate too.
    with pytest.raises(SupervisionError, match="already has"):
        _log(supervisor, supervisor=supervisor, supervisees=[peer.person], date=days_ago(2))
    assert SupervisionSession.objects.count() == 1


@pytest.mark.parametrize("minutes", [0, -5, 601])
def test_minutes_must_be_sensible(peer, supervisor, assignments, minutes):
    with pytest.raises(SupervisionError, match="Minutes must be"):
        _log(peer, supervisor=supervisor, supervisees=[peer.person], minutes=minutes)
    _nothing_changed()


def test_a_peer_logs_only_their_own_supervision(peer, peer2, supervisor, assignments):
    with pytest.raises(SupervisionError, match="only your own supervision"):
        _log(peer, supervisor=supervisor, supervisees=[peer2.person])
    with pytest.raises(SupervisionError, match="only your own supervision"):
        _log(peer, supervisor=supervisor, supervisees=[peer.person, peer2.person])
    _nothing_changed()


def test_a_supervisor_logs_only_for_people_they_supervise(org, peer, supervisor, assignments):
    other = make_login("other_supervisor", org, C.SUPERVISOR)
    with pytest.raises(SupervisionError, match="not the named supervisor of Peer"):
        _log(other, supervisor=other, supervisees=[peer.person])
    _nothing_changed()


def test_the_supervisor_must_supervise_in_that_organisation(peer, peer2, outsider, assignments):
    with pytest.raises(SupervisionError, match="not a supervisor or co-production lead"):
        _log(peer, supervisor=peer2, supervisees=[peer.person])
    with pytest.raises(SupervisionError, match="not a supervisor or co-production lead"):
        _log(peer, supervisor=outsider, supervisees=[peer.person])
    _nothing_changed()


def test_nobody_logs_themselves_as_their_own_supervisor(supervisor):
    with pytest.raises(SupervisionError, match="own supervisor"):
        _log(supervisor, supervisor=supervisor, supervisees=[supervisor.person])


def test_an_action_belongs_to_a_party_and_is_not_due_before_the_session(
    peer, supervisor, lead, assignments
):
    date = days_ago(5)
    with pytest.raises(SupervisionError, match="belongs to the supervisor or someone"):
        _log(
            peer,
            supervisor=supervisor,
            supervisees=[peer.person],
            date=date,
            actions=[ActionInput(text="Read", owner=lead, due_date=date)],
        )
    with pytest.raises(SupervisionError, match="cannot be due before"):
        _log(
            peer,
            supervisor=supervisor,
            supervisees=[peer.person],
            date=date,
            actions=[ActionInput(text="Read", owner=peer, due_date=days_ago(6))],
        )
    _nothing_changed()


# --- Confirm and dispute


def test_the_supervisor_confirms_a_peers_log(fixture, supervisor):
    session = services.session_confirm(session=logged_by_peer(fixture), by=supervisor)
    session.refresh_from_db()
    assert session.status == SessionStatus.CONFIRMED
    assert session.confirmed_by == supervisor and session.confirmed_at
    assert AuditEntry.objects.filter(action="supervision.session_confirmed").count() == 1


def test_each_supervisee_confirms_their_own_presence_in_the_supervisors_log(
    peer, peer2, supervisor, assignments
):
    session = _log(supervisor, supervisor=supervisor, supervisees=[peer.person, peer2.person])
    services.session_confirm(session=session, by=peer2)
    session.refresh_from_db()
    # One member's answer is theirs alone: the group waits for the other.
    assert session.status == SessionStatus.AWAITING and session.confirmed_by is None
    services.session_confirm(session=session, by=peer)
    session.refresh_from_db()
    assert session.status == SessionStatus.CONFIRMED and session.confirmed_by == peer


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("peer", "cannot confirm a session you logged yourself"),
        ("peer2", "not part of this session"),
        ("lead", "not part of this session"),
        ("admin_user", "not part of this session"),
        ("outsider", "not part of this session"),
    ],
)
def test_only_the_other_party_confirms(fixture, who, message):
    session = logged_by_peer(fixture)
    with pytest.raises(SupervisionError, match=message):
        services.session_confirm(session=session, by=fixture(who))
    session.refresh_from_db()
    assert session.status == SessionStatus.AWAITING


def test_a_dispute_needs_a_reason(fixture, supervisor):
    session = logged_by_peer(fixture)
    for reason in ["", "   "]:
        with pytest.raises(SupervisionError, match="Say why") as caught:
            services.session_dispute(session=session, by=supervisor, reason=reason)
        assert caught.value.field == "reason"
    session.refresh_from_db()
    assert session.status == SessionStatus.AWAITING


def test_a_disputed_log_stays_with_both_views_and_can_be_confirmed_after_all(
    fixture, peer, supervisor
):
    session = logged_by_peer(fixture)
    services.session_dispute(session=session, by=supervisor, reason="We met for 30 minutes")
    session.refresh_from_db()
    assert session.status == SessionStatus.DISPUTED
    assert session.dispute_reason == "We met for 30 minutes"
    # The logger cannot overrule the dispute; only the one who disputed can confirm.
    with pytest.raises(SupervisionError, match="Only the person who disputed"):
        services.session_confirm(session=session, by=peer)
    with pytest.raises(SupervisionError, match="already disputed"):
        services.session_dispute(session=session, by=supervisor, reason="again")
    services.session_confirm(session=session, by=supervisor)
    session.refresh_from_db()
    assert session.status == SessionStatus.CONFIRMED
    assert session.dispute_reason == "We met for 30 minutes"  # never silently disappears


def test_a_confirmed_log_cannot_be_disputed_or_confirmed_again(fixture, supervisor):
    session = services.session_confirm(session=logged_by_peer(fixture), by=supervisor)
    with pytest.raises(SupervisionError, match="already confirmed"):
        services.session_confirm(session=session, by=supervisor)
    with pytest.raises(SupervisionError, match="already confirmed"):
        services.session_dispute(session=session, by=supervisor, reason="Changed my mind")


# --- Actions


def test_either_party_adds_and_completes_actions(fixture, peer, supervisor):
    session = logged_by_peer(fixture, action=False)
    action = services.action_add(
        session=session,
        by=supervisor,
        text="Book a reflective group",
        owner=peer,
        due_date=days_ago(0),
    )
    assert action.created_by == supervisor
    services.action_complete(action=action, by=peer)
    action.refresh_from_db()
    assert action.is_done and action.done_by == peer
    with pytest.raises(SupervisionError, match="already done"):
        services.action_complete(action=action, by=supervisor)


def test_only_parties_touch_actions(fixture, peer, lead, peer2):
    session = logged_by_peer(fixture)
    action = session.actions.get()
    for outsider in (lead, peer2):
        with pytest.raises(SupervisionError, match="Only the people"):
            services.action_add(
                session=session, by=outsider, text="x", owner=peer, due_date=days_ago(0)
            )
        with pytest.raises(SupervisionError, match="Only the people"):
            services.action_complete(action=action, by=outsider)
    assert SessionAction.objects.filter(done_at__isnull=True).count() == 1


def test_the_audit_trail_never_holds_what_was_said(fixture, supervisor, peer):
    session = logged_by_peer(fixture)
    services.action_add(
        session=session, by=supervisor, text=f"Another {SECRET}", owner=peer, due_date=days_ago(0)
    )
    services.session_dispute(session=session, by=supervisor, reason=f"Wrong {SECRET}")
    services.session_confirm(session=session, by=supervisor)
    services.action_complete(action=session.actions.first(), by=peer)
    entries = AuditEntry.objects.filter(action__startswith="supervision.")
    assert entries.count() == 5
    for entry in entries:
        assert SECRET not in entry.summary and SECRET not in str(entry.changes)
        assert "boundaries" not in str(entry.changes)  # topics are private too
