"""The database itself refuses what the services refuse: each named rule, proven with a
write that skips the services."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from supervision.models import SessionAction, SessionNote, SessionSupervisee, SupervisionSession
from tests.factories import days_ago, make_login, make_supervision_session
from workforce.models import Capacity as C


def _refused(name: str, write) -> None:
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        write()


@pytest.fixture
def session(peer, supervisor):
    return make_supervision_session(
        supervisor=supervisor, supervisees=[peer.person], date=days_ago(3), status="awaiting"
    )


def _update(session, **fields):
    return lambda: SupervisionSession.objects.filter(pk=session.pk).update(**fields)


@pytest.mark.parametrize("minutes", [0, 601])
def test_minutes_must_be_positive_and_sane(session, minutes):
    _refused("supervisionsession_minutes_positive", _update(session, minutes=minutes))


def test_a_session_is_never_dated_after_the_day_it_was_logged(session):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    _refused("supervisionsession_not_in_future", _update(session, date=tomorrow))


def test_the_same_supervisee_supervisor_date_and_type_is_logged_once(session, peer, supervisor):
    def again():
        other = SupervisionSession.objects.create(
            organisation=session.organisation,
            supervisor=supervisor,
            date=session.date,
            minutes=30,
            kind=session.kind,
            format="phone",
            logged_by=peer,
        )
        SessionSupervisee.objects.create(
            session=other,
            person=peer.person,
            supervisor=supervisor,
            date=other.date,
            kind=other.kind,
        )

    _refused("supervision_session_not_duplicated", again)


def test_a_different_type_on_the_same_day_is_not_a_duplicate(session, peer, supervisor):
    make_supervision_session(
        supervisor=supervisor, supervisees=[peer.person], date=session.date, kind="clinical"
    )


def test_link_copies_must_match_their_session(session, peer2, supervisor):
    _refused(
        "sessionsupervisee_matches_session",
        lambda: SessionSupervisee.objects.create(
            session=session,
            person=peer2.person,
            supervisor=supervisor,
            date=session.date - datetime.timedelta(days=1),
            kind=session.kind,
        ),
    )


def test_the_link_follows_the_session_when_its_date_changes(session):
    SupervisionSession.objects.filter(pk=session.pk).update(date=days_ago(10))
    assert SessionSupervisee.objects.get(session=session).date == days_ago(10)


def test_a_supervisee_belongs_to_the_sessions_organisation(session, outsider, supervisor):
    _refused(
        "session's organisation",
        lambda: SessionSupervisee.objects.create(
            session=session,
            person=outsider.person,
            supervisor=supervisor,
            date=session.date,
            kind=session.kind,
        ),
    )


def test_nobody_supervises_themselves(org, peer):
    mentor = make_login("mentor", org, C.SUPERVISOR)

    def self_supervised():
        own = make_supervision_session(
            supervisor=mentor, supervisees=[peer.person], date=days_ago(4), status="awaiting"
        )
        SessionSupervisee.objects.create(
            session=own, person=mentor.person, supervisor=mentor, date=own.date, kind=own.kind
        )

    _refused("nobody supervises themselves", self_supervised)


@pytest.mark.parametrize(
    "fields",
    [
        # Confirmed without saying by whom.
        {"status": "confirmed"},
        # Waiting, but already answered.
        {"disputed_at": timezone.now()},
        # Disputed without a reason.
        {"status": "disputed", "disputed_at": timezone.now()},
        # Disputed and confirmed at once.
        {"status": "disputed", "confirmed_at": timezone.now()},
    ],
)
def test_status_and_answer_columns_agree(session, supervisor, fields):
    by = {}
    if "disputed_at" in fields:
        by["disputed_by"] = supervisor
    if "confirmed_at" in fields:
        by["confirmed_by"] = supervisor
    _refused("supervisionsession_status_consistent", _update(session, **fields, **by))


def test_nobody_confirms_their_own_log(session, peer):
    _refused(
        "supervisionsession_other_party_answers",
        _update(session, status="confirmed", confirmed_by=peer, confirmed_at=timezone.now()),
    )


def test_a_disputed_then_confirmed_log_keeps_the_dispute(session, supervisor):
    _update(
        session,
        status="confirmed",
        confirmed_by=supervisor,
        confirmed_at=timezone.now(),
        disputed_by=supervisor,
        disputed_at=timezone.now(),
        dispute_reason="It was 30 minutes",
    )()


def test_topics_come_from_the_list(session):
    _refused(
        "sessionnote_topics_valid",
        lambda: SessionNote.objects.filter(pk=session.pk).update(topics=["gossip"]),
    )


def test_unknown_type_format_and_status_are_refused(session):
    _refused("supervisionsession_kind_valid", _update(session, kind="pastoral"))
    _refused("supervisionsession_format_valid", _update(session, format="carrier pigeon"))
    _refused("supervisionsession_status_(valid|consistent)", _update(session, status="lost"))


def test_actions_need_text_and_a_consistent_done_state(session, peer):
    def action(**fields):
        return lambda: SessionAction.objects.create(
            session=session, owner=peer, created_by=peer, due_date=session.date, **fields
        )

    _refused("sessionaction_text_required", action(text=""))
    _refused("sessionaction_done_consistent", action(text="Read", done_at=timezone.now()))
    _refused("sessionaction_done_consistent", action(text="Read", done_by=peer))
