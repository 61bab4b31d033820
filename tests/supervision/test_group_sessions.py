"""Group and disputed sessions (issue 19): each attendee of a group confirms or disputes
their own presence and the session counts for those who confirmed; whoever logged a
session nobody has fully confirmed corrects or withdraws it, and its open actions go with
it. Every refusal changes nothing; the database refuses a status the answers do not add
up to."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from supervision import selectors, services
from supervision.models import SessionAction, SessionStatus, SessionSupervisee, SupervisionDue
from supervision.services import ActionInput, SupervisionError
from tests.factories import days_ago, logged_by_peer
from workforce.models import AuditEntry

ANSWERS_AGREE = (
    "supervisionsession_answers_agree, sessionsupervisee_answers_agree, "
    "sessionsupervisee_leaves_answers_agree"
)


def _group(supervisor, peer, peer2, *, minutes=60, action_for=None):
    actions = [ActionInput(text="Read the policy", owner=action_for, due_date=days_ago(0))]
    return services.session_log(
        logged_by=supervisor,
        supervisor=supervisor,
        supervisees=[peer.person, peer2.person],
        date=days_ago(2),
        minutes=minutes,
        kind="line_management",
        format="in_person",
        actions=actions if action_for else (),
    )


def _counted(user):
    """The day the user's line management clock last moved (None: never)."""
    return SupervisionDue.objects.get(person=user.person, kind="line_management").last_confirmed


def _answers_agree():
    """Fire the commit-time check now (a test never commits)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {ANSWERS_AGREE} IMMEDIATE")
        cursor.execute(f"SET CONSTRAINTS {ANSWERS_AGREE} DEFERRED")


def _answer(session, user):
    return session.supervisee_links.get(person=user.person).answer


def test_each_attendee_answers_for_their_own_presence(peer, peer2, supervisor, assignments):
    session = _group(supervisor, peer, peer2)
    assert {s.pk for s in selectors.awaiting_answer(peer)} == {session.pk}
    services.session_confirm(session=session, by=peer)
    session.refresh_from_db()
    assert session.status == SessionStatus.AWAITING
    assert _counted(peer) == days_ago(2) and _counted(peer2) is None

    services.session_dispute(session=session, by=peer2, reason="I was on leave that day.")
    session.refresh_from_db()
    assert session.status == SessionStatus.DISPUTED and session.disputed_by == peer2
    assert (_answer(session, peer), _answer(session, peer2)) == ("confirmed", "disputed")
    # One member's dispute is theirs: the other's confirmation still counts.
    assert _counted(peer) == days_ago(2) and _counted(peer2) is None
    assert not selectors.awaiting_answer(peer).exists()
    assert not selectors.awaiting_answer(peer2).exists()
    with pytest.raises(SupervisionError, match="already confirmed this session"):
        services.session_confirm(session=session, by=peer)
    _answers_agree()
    confirmed = AuditEntry.objects.get(action="supervision.session_confirmed")
    assert confirmed.changes["supervisees"] == [peer.person.pk]
    assert "leave" not in str(AuditEntry.objects.filter(action__startswith="supervision."))


def test_a_second_member_still_answers_a_group_one_member_disputed(
    peer, peer2, supervisor, assignments
):
    session = _group(supervisor, peer, peer2)
    services.session_dispute(session=session, by=peer, reason="It was 30 minutes.")
    assert {s.pk for s in selectors.awaiting_answer(peer2)} == {session.pk}
    services.session_confirm(session=session, by=peer2)
    # The one who disputed confirms after all, once it is talked through: now it is whole.
    services.session_confirm(session=session, by=peer)
    session.refresh_from_db()
    assert session.status == SessionStatus.CONFIRMED and session.confirmed_by == peer
    assert session.dispute_reason == "It was 30 minutes."  # the dispute stays on record
    assert _counted(peer) == _counted(peer2) == days_ago(2)
    _answers_agree()


def test_the_logger_takes_off_someone_who_was_not_there(peer, peer2, supervisor, assignments):
    session = _group(supervisor, peer, peer2, action_for=peer2)
    services.session_confirm(session=session, by=peer)
    services.session_dispute(session=session, by=peer2, reason="I was not there.")
    services.session_correct(
        session=session,
        by=supervisor,
        date=session.date,
        minutes=60,
        kind="line_management",
        format="in_person",
        remove=[peer2.person],
    )
    session.refresh_from_db()
    # Nothing else changed, so peer's confirmation stands and the session is whole.
    assert session.status == SessionStatus.CONFIRMED
    assert list(session.supervisees.all()) == [peer.person]
    assert _counted(peer) == days_ago(2)
    action = SessionAction.objects.get(session=session)
    assert action.withdrawn_at is not None and not action.is_done
    assert not selectors.open_actions(peer2).exists()
    corrected = AuditEntry.objects.get(action="supervision.session_corrected")
    assert corrected.changes["removed"] == [peer2.person.pk]
    _answers_agree()


def test_correcting_the_details_asks_everyone_again(peer, peer2, supervisor, assignments):
    session = _group(supervisor, peer, peer2)
    services.session_confirm(session=session, by=peer)
    services.session_dispute(session=session, by=peer2, reason="It was 45 minutes.")
    services.session_correct(
        session=session,
        by=supervisor,
        date=session.date,
        minutes=45,
        kind="line_management",
        format="in_person",
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.AWAITING and session.minutes == 45
    assert (_answer(session, peer), _answer(session, peer2)) == ("awaiting", "awaiting")
    assert session.disputed_by == peer2  # what was said before stays
    assert _counted(peer) is None  # confirmed at 60 minutes, not at 45
    assert {s.pk for s in selectors.awaiting_answer(peer)} == {session.pk}
    corrected = AuditEntry.objects.get(action="supervision.session_corrected")
    assert corrected.changes["minutes"] == ["60", "45"]
    _answers_agree()


def test_a_withdrawn_log_counts_for_nobody_and_its_open_actions_go(
    peer, peer2, supervisor, assignments
):
    session = _group(supervisor, peer, peer2, action_for=peer)
    services.session_confirm(session=session, by=peer)
    assert _counted(peer) == days_ago(2)
    services.session_withdraw(session=session, by=supervisor)
    session.refresh_from_db()
    assert session.status == SessionStatus.WITHDRAWN and session.withdrawn_at
    assert _counted(peer) is None
    assert not selectors.open_actions(peer).exists()
    action = SessionAction.objects.get(session=session)
    with pytest.raises(SupervisionError, match="withdrawn"):
        services.action_complete(action=action, by=peer)
    with pytest.raises(SupervisionError, match="withdrawn"):
        services.session_confirm(session=session, by=peer2)
    with pytest.raises(SupervisionError, match="withdrawn"):
        services.action_add(session=session, by=peer, text="More", owner=peer, due_date=days_ago(0))
    # The session can be logged again, as it really was.
    again = _group(supervisor, peer, peer2)
    assert again.pk != session.pk
    withdrawn = AuditEntry.objects.get(action="supervision.session_withdrawn")
    assert withdrawn.changes == {"status": ["awaiting", "withdrawn"], "actions_withdrawn": 1}
    _answers_agree()


@pytest.mark.parametrize("who", ["supervisor", "lead", "peer2"])
def test_only_whoever_logged_it_corrects_or_withdraws(who, request, fixture, peer, assignments):
    session = logged_by_peer(fixture)
    user = request.getfixturevalue(who)
    before = AuditEntry.objects.count()
    with pytest.raises(SupervisionError, match="Only the person who logged this session"):
        services.session_withdraw(session=session, by=user)
    with pytest.raises(SupervisionError, match="Only the person who logged this session"):
        _correct(session, user, minutes=30)
    session.refresh_from_db()
    assert (session.status, session.minutes) == (SessionStatus.AWAITING, 60)
    assert AuditEntry.objects.count() == before


def test_a_log_everyone_confirmed_can_no_longer_be_corrected_or_withdrawn(
    fixture, peer, supervisor, assignments
):
    session = services.session_confirm(session=logged_by_peer(fixture), by=supervisor)
    with pytest.raises(SupervisionError, match="Everyone in this session has confirmed it"):
        services.session_withdraw(session=session, by=peer)
    with pytest.raises(SupervisionError, match="Everyone in this session has confirmed it"):
        _correct(session, peer, minutes=30)
    session.refresh_from_db()
    assert (session.status, session.minutes) == (SessionStatus.CONFIRMED, 60)


def test_a_correction_that_changes_nothing_or_leaves_nobody_is_refused(
    peer, peer2, supervisor, assignments
):
    session = _group(supervisor, peer, peer2)
    with pytest.raises(SupervisionError, match="Nothing has changed"):
        _correct(session, supervisor)
    with pytest.raises(SupervisionError, match="Keep at least one person"):
        _correct(session, supervisor, remove=[peer.person, peer2.person])
    with pytest.raises(SupervisionError, match="cannot be in the future"):
        _correct(session, supervisor, date=days_ago(-1))
    assert not AuditEntry.objects.filter(action="supervision.session_corrected").exists()
    assert session.supervisee_links.count() == 2


def _correct(session, by, **changes):
    details = {
        "date": session.date,
        "minutes": session.minutes,
        "kind": session.kind,
        "format": session.format,
    }
    return services.session_correct(session=session, by=by, **{**details, **changes})


def test_the_database_refuses_a_status_the_answers_do_not_add_up_to(
    peer, peer2, supervisor, assignments
):
    session = _group(supervisor, peer, peer2)
    services.session_confirm(session=session, by=peer)
    # Raw SQL marks the whole group confirmed, though peer2 never answered.
    with pytest.raises(IntegrityError, match="answers make it awaiting"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE supervision_supervisionsession SET status = 'confirmed', "
                "confirmed_by_id = %s, confirmed_at = now() WHERE id = %s",
                [peer2.pk, session.pk],
            )
        _answers_agree()
    # An answer from outside the list, or a confirmation with no time, is refused too.
    link = session.supervisee_links.get(person=peer2.person)
    for answer, at in (("maybe", None), ("confirmed", None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            SessionSupervisee.objects.filter(pk=link.pk).update(answer=answer, answered_at=at)


def test_the_session_page_shows_each_answer_and_lets_the_logger_correct_it(
    client, peer, peer2, supervisor, assignments
):
    session = _group(supervisor, peer, peer2, action_for=peer2)
    services.session_confirm(session=session, by=peer)
    services.session_dispute(session=session, by=peer2, reason="I was not there.")
    url = reverse("supervision:session", kwargs={"pk": session.pk})

    client.force_login(peer)
    page = client.get(url).content.decode()
    assert "Peer: confirmed" in page and "Peer2: disputed (I was not there.)" in page
    assert "Correct this log" not in page and "Withdraw this log" not in page

    client.force_login(supervisor)
    page = client.get(url).content.decode()
    assert "Correct this log" in page and "Withdraw this log" in page
    correct_url = reverse("supervision:correct", kwargs={"pk": session.pk})
    form = client.get(correct_url).content.decode()
    # Redundant entry (WCAG 3.3.7): what was logged is filled in, not asked for again.
    assert f'value="{session.date.isoformat()}"' in form and 'value="60"' in form
    assert "Peer2" in form
    answer = client.post(
        correct_url,
        {
            "date": session.date.isoformat(),
            "minutes": "60",
            "kind": "line_management",
            "format": "in_person",
            "remove": [peer2.person.pk],
        },
        follow=True,
    )
    assert "Log corrected. It is now confirmed." in answer.content.decode()
    assert list(session.supervisees.all()) == [peer.person]

    refused = client.post(correct_url, {"date": "", "minutes": "0"})
    assert refused.status_code == 404  # everyone has confirmed it now
    client.force_login(peer)
    assert client.get(correct_url).status_code == 404


def test_withdrawing_from_the_page(client, fixture, peer, supervisor, assignments):
    session = logged_by_peer(fixture)
    client.force_login(peer)
    answer = client.post(
        reverse("supervision:withdraw", kwargs={"pk": session.pk}), follow=True
    ).content.decode()
    assert "Log withdrawn." in answer and "withdrew this log" in answer
    session.refresh_from_db()
    assert session.status == SessionStatus.WITHDRAWN
    assert "Mark done" not in answer  # its action is closed, not open
