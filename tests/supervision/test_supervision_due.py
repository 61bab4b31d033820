"""The due dates the database keeps (SupervisionDue, migration supervision 0004) equal the
from-scratch rule after random writes, by every door: services, the ORM and raw SQL. Nobody
writes them by hand, and two writers of one person's sessions cannot leave them stale."""

import datetime
import random
import threading

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from supervision import services
from supervision.models import SessionSupervisee, SupervisionDue, SupervisionSession
from tests.factories import assign_direct, days_ago, make_supervision_session, version_with
from tests.supervision.test_compliance_counts import varied  # noqa: F401 - a fixture
from workforce.models import Assignment

ANSWERS_AGREE = (
    "supervisionsession_answers_agree, sessionsupervisee_answers_agree, "
    "sessionsupervisee_leaves_answers_agree"
)


def _from_scratch() -> dict:
    """Every (assignment, requirement) of every assignment, past, current or to come, with
    the rule's values worked out from the sessions and assignments themselves."""
    requirement = "role_version__supervision_requirements__"
    rows = (
        Assignment.objects.annotate(
            requirement_id=F(f"{requirement}id"),
            kind=F(f"{requirement}kind"),
            days=F(f"{requirement}min_frequency_days"),
            minutes=F(f"{requirement}min_minutes"),
        )
        .filter(requirement_id__isnull=False)
        .annotate(
            last=Subquery(
                SessionSupervisee.objects.filter(
                    # The attendee's own answer, or the session's where they have none;
                    # never a withdrawn session.
                    Q(answer="confirmed") | Q(answer="", session__status="confirmed"),
                    person=OuterRef("person_id"),
                    kind=OuterRef("kind"),
                    session__minutes__gte=OuterRef("minutes"),
                )
                .exclude(session__status="withdrawn")
                .order_by("-date")
                .values("date")[:1]
            ),
            since=Subquery(
                Assignment.objects.filter(
                    person=OuterRef("person_id"),
                    role_version__role_id=OuterRef("role_version__role_id"),
                    role_version__supervision_requirements__kind=OuterRef("kind"),
                )
                .order_by("start_date")
                .values("start_date")[:1]
            ),
        )
        .values_list(
            "pk", "requirement_id", "person_id", "kind", "days", "minutes", "last", "since"
        )
    )
    return {(row[0], row[1]): row[2:] for row in rows}


def _kept() -> dict:
    rows = SupervisionDue.objects.values_list(
        "assignment_id",
        "requirement_id",
        "person_id",
        "kind",
        "days",
        "minutes",
        "last_confirmed",
        "required_since",
    )
    return {(row[0], row[1]): row[2:] for row in rows}


def _write_at_random(rng: random.Random, supervisor) -> str:
    """One write of the kinds that move a clock, through whichever door it takes."""
    sessions = list(SupervisionSession.objects.order_by("pk"))
    assignments = list(Assignment.objects.order_by("pk"))
    session, assignment = rng.choice(sessions), rng.choice(assignments)
    move = rng.choice(
        [
            *("confirm", "dispute", "minutes", "date", "delete", "log", "end", "start"),
            *("assign", "group", "attend", "withdraw", "correct"),
        ]
    )
    links = list(session.supervisee_links.select_related("person__user"))
    attendee = rng.choice(links).person.user if links else None
    group = session.logged_by_id == session.supervisor_id and len(links) > 1
    if move == "attend" and group and session.status in ("awaiting", "disputed"):
        # One member of a group answers for themselves, through the services.
        if rng.random() < 0.7:
            services.session_confirm(session=session, by=attendee)
        else:
            services.session_dispute(session=session, by=attendee, reason="I was not there.")
    elif move == "withdraw" and session.status in ("awaiting", "disputed"):
        services.session_withdraw(session=session, by=session.logged_by)
    elif move == "correct" and group and session.status in ("awaiting", "disputed"):
        services.session_correct(
            session=session,
            by=session.logged_by,
            date=session.date,
            minutes=session.minutes,
            kind=session.kind,
            format=session.format,
            remove=[rng.choice(links).person],
        )
    elif move == "group":
        people = [a.person for a in rng.sample(assignments, min(3, len(assignments)))]
        make_supervision_session(
            supervisor=supervisor,
            supervisees=list({p.pk: p for p in people}.values()),
            date=days_ago(rng.randrange(0, 400)),
            kind=rng.choice(["line_management", "clinical", "peer"]),
            status="awaiting",
            logged_by=supervisor,
        )
    elif move == "confirm" and session.status == "awaiting" and not group:
        other = session.supervisor if session.logged_by_id != session.supervisor_id else None
        other = other or session.supervisee_links.first().person.user
        services.session_confirm(session=session, by=other)
    elif move == "dispute" and session.status == "awaiting":
        SupervisionSession.objects.filter(pk=session.pk).update(
            status="disputed",
            disputed_by=session.supervisor_id
            if session.logged_by_id != session.supervisor_id
            else session.supervisee_links.first().person.user_id,
            disputed_at=timezone.now(),
            dispute_reason="Not like that.",
        )
    elif move == "minutes":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE supervision_supervisionsession SET minutes = %s WHERE id = %s",
                [rng.choice([20, 45, 60, 90]), session.pk],
            )
    elif move == "date":
        # The new date reaches the supervisee rows through the composite foreign key.
        day = max(session.date - datetime.timedelta(days=rng.randrange(1, 60)), days_ago(700))
        SupervisionSession.objects.filter(pk=session.pk).update(date=day)
    elif move == "delete":
        SupervisionSession.objects.filter(pk=session.pk).delete()
    elif move == "log":
        make_supervision_session(
            supervisor=supervisor,
            supervisees=[assignment.person],
            date=days_ago(rng.randrange(0, 400)),
            kind=rng.choice(["line_management", "clinical", "peer"]),
            minutes=rng.choice([30, 60, 90]),
            status=rng.choice(["confirmed", "awaiting"]),
            logged_by=supervisor,
        )
    elif move == "end" and assignment.end_date is None:
        Assignment.objects.filter(pk=assignment.pk).update(end_date=timezone.localdate())
    elif move == "start":
        earlier = assignment.start_date - datetime.timedelta(days=rng.randrange(1, 90))
        Assignment.objects.filter(pk=assignment.pk).update(start_date=earlier)
    elif move == "assign":
        team = assignment.team.organisation.teams.exclude(pk=assignment.team_id).first()
        published = assignment.role_version.status == "published"
        if team is not None and assignment.end_date is None and published:
            assign_direct(
                assignment.person,
                assignment.role_version,
                supervisor=assignment.supervisor,
                start=days_ago(rng.randrange(0, 500)),
                team=team,
            )
    return move


def test_the_kept_due_dates_equal_the_rule_after_random_writes(varied, supervisor):  # noqa: F811
    assert _kept() == _from_scratch()
    assert len(_kept()) > 40
    rng = random.Random(20261203)
    moves = set()
    with connection.cursor() as cursor:  # a refused write fails at once, in its savepoint
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Except the check that a session's status adds up its attendees' answers: a group
        # answer changes both in turn, so it is checked after each round instead.
        cursor.execute(f"SET CONSTRAINTS {ANSWERS_AGREE} DEFERRED")
    for _ in range(12):
        for _ in range(10):
            try:
                with transaction.atomic():
                    moves.add(_write_at_random(rng, supervisor))
            except (IntegrityError, services.SupervisionError):
                pass  # a write refused (an overlap, a duplicate, a rule) moves nothing
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {ANSWERS_AGREE} IMMEDIATE")
            cursor.execute(f"SET CONSTRAINTS {ANSWERS_AGREE} DEFERRED")
        assert _kept() == _from_scratch()
    assert moves >= {"confirm", "minutes", "date", "delete", "log", "end", "start", "assign"}
    assert moves >= {"group", "attend", "withdraw", "correct"}


def test_a_confirmed_session_moves_the_clock_in_its_own_transaction(
    org, lead, peer, supervisor, django_assert_num_queries
):
    version = version_with(org)
    assignment = assign_direct(peer.person, version, supervisor=supervisor)
    (due,) = SupervisionDue.objects.filter(assignment=assignment)
    assert (due.last_confirmed, due.required_since) == (None, assignment.start_date)
    session = make_supervision_session(
        supervisor=supervisor, supervisees=[peer.person], date=days_ago(2), status="awaiting"
    )
    assert SupervisionDue.objects.get(assignment=assignment).last_confirmed is None  # waiting
    with transaction.atomic():
        services.session_confirm(session=session, by=supervisor)
        assert SupervisionDue.objects.get(assignment=assignment).last_confirmed == days_ago(2)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE supervision_supervisiondue SET last_confirmed = CURRENT_DATE",
        "DELETE FROM supervision_supervisiondue",
        # Past the test's own deferred foreign-key checks, which TRUNCATE would refuse first.
        "SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE supervision_supervisiondue",
        "INSERT INTO supervision_supervisiondue (assignment_id, requirement_id, person_id, kind,"
        " days, minutes, required_since) SELECT assignment_id, requirement_id, person_id, kind,"
        " days, minutes, required_since FROM supervision_supervisiondue",
    ],
)
def test_nobody_writes_the_kept_due_dates_by_hand(org, peer, supervisor, statement):
    assign_direct(peer.person, version_with(org), supervisor=supervisor)
    before = _kept()
    refused = pytest.raises(DatabaseError, match="kept by the database|cannot be truncated")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert _kept() == before


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_persons_sessions_take_turns(org, peer, supervisor):
    """Without the lock the second writer's rebuild ran beside the first's: it failed on
    the rows the first had just written, or kept a date from before the first's commit."""
    import psycopg

    assignment = assign_direct(peer.person, version_with(org), supervisor=supervisor)
    older, newer = (
        make_supervision_session(
            supervisor=supervisor, supervisees=[peer.person], date=days_ago(days), status="awaiting"
        )
        for days in (9, 3)
    )
    params = connection.get_connection_params()
    params.pop("cursor_factory", None), params.pop("context", None)
    confirm = (
        "UPDATE supervision_supervisionsession SET status = 'confirmed', confirmed_by_id = %s,"
        " confirmed_at = now() WHERE id = %s"
    )
    failures = []
    with psycopg.connect(**params) as first, psycopg.connect(**params) as second:
        first.execute(confirm, [supervisor.pk, newer.pk])

        def second_writer():
            try:
                second.execute(confirm, [supervisor.pk, older.pk])
                second.commit()
            except psycopg.Error as error:  # pragma: no cover - what the lock prevents
                failures.append(error)

        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting for the first writer's commit
        first.commit()
        thread.join(10)
    assert not failures
    assert SupervisionDue.objects.get(assignment=assignment).last_confirmed == days_ago(3)


def test_a_statement_touching_many_people_keeps_their_clocks(org, supervisor):
    """One lock for all of them, not one each: thousands of people in one statement used to
    fill PostgreSQL's lock table ("out of shared memory")."""
    from tests.factories import make_login
    from workforce.models import Capacity as C

    version = version_with(org)
    people = [make_login(f"many{i}", org, C.PEER_WORKER).person for i in range(70)]
    for person in people:
        assign_direct(person, version, supervisor=supervisor)
    held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
    with connection.cursor() as cursor:
        cursor.execute(held)
        before = cursor.fetchone()[0]  # the set-up's own, one per person it assigned
        cursor.execute("SELECT supervision_due_refresh(ARRAY(SELECT id FROM workforce_person))")
        cursor.execute(held)
        assert cursor.fetchone()[0] == before + 1
    assert _kept() == _from_scratch()
    assert len(_kept()) == 70
