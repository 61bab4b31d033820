"""Demo supervision: a year of sessions for the demo people, so every supervision page shows
something real. Called from workforce.demo.seed() after the register (people and their
assignments) exists.

- peer (Sam) and peer2 (Joe), supervised by `supervisor` (Daniel): one-to-one line
  management and peer supervision logged by either party and confirmed by the other, with
  private notes and actions (some open, one overdue, one done); monthly reflective practice
  groups that Daniel runs (they stopped six weeks ago, so both are overdue for those). Sam
  is in date for one-to-ones; Joe's have lapsed, and he has one disputed log and one
  waiting for Daniel to confirm.
- Daniel himself is supervised by `lead` (Amara), and is overdue for clinical supervision.
- Everyone else on the trust's register with a current assignment gets a year of history
  in a pattern that leaves most in date, some due soon, some overdue and a few never
  supervised. These people have no login in the demo, so nobody could confirm their logs;
  the demo writes them as confirmed by the organisation's co-production lead, standing in
  for the paper records a trust would transfer in.

The logins' sessions go through supervision.services (checked and audited, as in real use).
Idempotent: if any demo login already has a session, nothing is added. Dates are relative
to today, so "overdue" stays true whenever the demo is loaded.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from supervision import services
from supervision.models import (
    SessionAction,
    SessionNote,
    SessionSupervisee,
    SupervisionSession,
)
from supervision.services import ActionInput
from workforce.organisations.models import Organisation
from workforce.register.models import Assignment, current_q

TRUST = "Northshire Mental Health NHS Foundation Trust"
LM, PEER, CLINICAL, REFLECTIVE = "line_management", "peer", "clinical", "reflective_practice"

NOTES = [
    "Talked through a home visit that ran over time and how to close visits kindly. Agreed "
    "it is fine to say the visit is ending ten minutes before it does.",
    "Reflected on sharing my own story with a new person on the ward: what helped, and what "
    "felt like too much for a first meeting.",
    "Caseload feels manageable. Discussed a person asking for my personal number and how I "
    "explained the boundary.",
    "Tired this month. Looked at the wellbeing plan together; agreed to protect Friday "
    "afternoons for admin.",
    "Role clarity: a nurse asked me to supervise medication. We went through the exclusions "
    "in my role description and who to pass it to.",
    "Development: interested in co-delivering a Recovery College course next term.",
]
TOPICS = [
    ["boundaries", "role_clarity"],
    ["boundaries", "wellbeing"],
    ["caseload", "boundaries"],
    ["wellbeing", "self_care"],
    ["role_clarity", "safeguarding"],
    ["development"],
]


def _day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def _backdate(session: SupervisionSession) -> None:
    """Make the log look as if it was made the day after the session, not today."""
    logged = timezone.make_aware(
        datetime.datetime.combine(session.date + datetime.timedelta(days=1), datetime.time(17))
    )
    logged = min(logged, timezone.now())
    answered = {"confirmed_at": logged} if session.confirmed_at else {}
    if session.disputed_at:
        answered["disputed_at"] = logged
    SupervisionSession.objects.filter(pk=session.pk).update(
        logged_at=logged, logged_on=timezone.localdate(logged), **answered
    )
    session.supervisee_links.exclude(answered_at=None).update(answered_at=logged)


def _log(*, by, supervisor, supervisees, days_ago, kind, n, minutes=60, actions=(), answer=True):
    """Log through the service, confirm by the other party, and backdate."""
    date = _day(days_ago)
    session = services.session_log(
        logged_by=by,
        supervisor=supervisor,
        supervisees=[u.person for u in supervisees],
        date=date,
        minutes=minutes,
        kind=kind,
        format=["in_person", "video", "in_person", "phone"][n % 4],
        topics=TOPICS[n % len(TOPICS)],
        notes=NOTES[n % len(NOTES)],
        actions=[
            ActionInput(text=t, owner=o, due_date=date + datetime.timedelta(days=d))
            for t, o, d in actions
        ],
    )
    if answer:
        # Each member of a group confirms their own presence; a supervisor, a peer's log.
        for other in supervisees if by == supervisor else [supervisor]:
            services.session_confirm(session=session, by=other)
        session.refresh_from_db()
    _backdate(session)
    return session


def _logins_history(users) -> int:
    peer, peer2, supervisor, lead = (users[u] for u in ("peer", "peer2", "supervisor", "lead"))
    count = 0
    # Sam: line management every 7-8 weeks, in date (last 20 days ago).
    for n, days_ago in enumerate([350, 295, 240, 185, 130, 75, 20]):
        by = peer if n % 2 else supervisor
        actions = ()
        if days_ago == 75:
            actions = [("Ask the team about a quiet room for breaks", peer, 21)]
        if days_ago == 20:
            actions = [
                ("Read the updated lone working policy before the next home visit", peer, 30),
                ("Find out about the Recovery College peer trainer course", supervisor, 45),
            ]
        _log(
            by=by,
            supervisor=supervisor,
            supervisees=[peer],
            days_ago=days_ago,
            kind=LM,
            n=n,
            actions=actions,
        )
        count += 1
    # Joe: line management that slipped; then one disputed log and one waiting.
    for n, days_ago in enumerate([230, 170, 110]):
        actions = (
            [("Book a debrief slot after any incident on the ward", peer2, 30)]
            if days_ago == 110
            else ()
        )
        _log(
            by=peer2,
            supervisor=supervisor,
            supervisees=[peer2],
            days_ago=days_ago,
            kind=LM,
            n=n + 2,
            actions=actions,
        )
        count += 1
    disputed = _log(
        by=peer2,
        supervisor=supervisor,
        supervisees=[peer2],
        days_ago=60,
        kind=LM,
        n=4,
        answer=False,
    )
    services.session_dispute(
        session=disputed,
        by=supervisor,
        reason="We moved this session to the Friday because of the incident on the ward, and "
        "we met for about 30 minutes, not 60. Happy to confirm once the date is right.",
    )
    disputed.refresh_from_db()
    _backdate(disputed)
    _log(
        by=peer2, supervisor=supervisor, supervisees=[peer2], days_ago=3, kind=LM, n=5, answer=False
    )
    count += 2
    # Daniel's reflective practice groups for Sam and Joe: monthly, until 40 days ago.
    started = {
        u.pk: Assignment.objects.filter(person=u.person, supervisor=supervisor)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
        for u in (peer, peer2)
    }
    for n, days_ago in enumerate(range(340, 39, -30)):
        present = [u for u in (peer, peer2) if started[u.pk] <= _day(days_ago)]
        _log(
            by=supervisor,
            supervisor=supervisor,
            supervisees=present,
            days_ago=days_ago,
            kind=REFLECTIVE,
            n=n,
            minutes=90,
        )
        count += 1
    # One-to-one peer supervision every four weeks: Sam in date, Joe's lapsed.
    for who, last in ((peer, 12), (peer2, 35)):
        for n, days_ago in enumerate(range(last, 366, 28)):
            if started[who.pk] > _day(days_ago):
                continue
            _log(
                by=who, supervisor=supervisor, supervisees=[who], days_ago=days_ago, kind=PEER, n=n
            )
            count += 1
    # Daniel, supervised by Amara: in date for line management and peer supervision,
    # overdue for clinical supervision.
    for n, days_ago in enumerate([330, 275, 220, 165, 110, 55]):
        _log(
            by=lead if n % 2 else supervisor,
            supervisor=lead,
            supervisees=[supervisor],
            days_ago=days_ago,
            kind=LM,
            n=n,
        )
        count += 1
    for n, days_ago in enumerate(range(348, 11, -28)):
        _log(
            by=supervisor,
            supervisor=lead,
            supervisees=[supervisor],
            days_ago=days_ago,
            kind=PEER,
            n=n,
        )
        count += 1
    for n, days_ago in enumerate([300, 200, 100]):
        _log(
            by=supervisor,
            supervisor=lead,
            supervisees=[supervisor],
            days_ago=days_ago,
            kind=CLINICAL,
            n=n,
        )
        count += 1
    # Sam's older action is done; Joe's is overdue and still open.
    done = SessionAction.objects.filter(owner=peer, text__startswith="Ask the team").first()
    if done:
        services.action_complete(action=done, by=peer)
    return count


# (days since the last session, as a share of the requirement's frequency) by position on
# the register: mostly in date, some due soon, some overdue, a few never supervised.
PATTERN = [0.3, 0.5, 0.9, 0.2, 1.4, 0.6, None, 0.4, 0.95, 1.8, 0.1, 0.7]


def _register_history(organisation, users) -> int:
    """A year of confirmed history for people with no login: written straight to the tables
    (see the module docstring), in bulk."""
    lead = users["lead"]
    assignments = (
        Assignment.objects.filter(
            current_q(), team__organisation=organisation, person__user__isnull=True
        )
        .select_related("person", "supervisor")
        .prefetch_related("role_version__supervision_requirements")
        .order_by("person__full_name", "pk")
    )
    planned = []  # (assignment, requirement, date, n)
    for index, assignment in enumerate(assignments):
        share = PATTERN[index % len(PATTERN)]
        if share is None:
            continue  # never supervised
        for requirement in assignment.role_version.supervision_requirements.all():
            every = requirement.min_frequency_days
            days_ago = int(every * share)
            n = 0
            while days_ago <= 365 and _day(days_ago) >= assignment.start_date:
                planned.append((assignment, requirement, _day(days_ago), n))
                n += 1
                days_ago += max(every - 10, 14)
    sessions = SupervisionSession.objects.bulk_create(
        _session(
            assignment,
            requirement,
            date,
            n,
            lead if assignment.supervisor_id != lead.pk else users["supervisor"],
        )
        for assignment, requirement, date, n in planned
    )
    SessionSupervisee.objects.bulk_create(
        SessionSupervisee(
            session=session,
            person=assignment.person,
            supervisor=assignment.supervisor,
            date=date,
            kind=requirement.kind,
        )
        for session, (assignment, requirement, date, _) in zip(sessions, planned, strict=True)
    )
    SessionNote.objects.bulk_create(
        SessionNote(session=session, topics=TOPICS[n % len(TOPICS)], text=NOTES[n % len(NOTES)])
        for session, (_, _, _, n) in zip(sessions, planned, strict=True)
    )
    return len(sessions)


def _session(assignment, requirement, date, n, confirmer) -> SupervisionSession:
    at = timezone.make_aware(datetime.datetime.combine(date, datetime.time(17)))
    return SupervisionSession(
        organisation_id=assignment.person.organisation_id,
        supervisor=assignment.supervisor,
        date=date,
        minutes=requirement.min_minutes,
        kind=requirement.kind,
        format="in_person" if n % 3 else "video",
        status=SupervisionSession.Status.CONFIRMED,
        logged_by=assignment.supervisor,
        logged_at=at,
        logged_on=date,
        confirmed_by=confirmer,
        confirmed_at=at,
    )


def seed(*, organisations: dict[str, Organisation]) -> int:
    """Create the demo sessions if there are none yet; return how many were new."""
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["peer", "peer2", "supervisor", "lead"]
        ).select_related("person")
    }
    if (
        len(users) < 4
        or SessionSupervisee.objects.filter(
            Q(person__user__in=users.values()) | Q(supervisor__in=users.values())
        ).exists()
    ):
        return 0
    trust = organisations[TRUST]
    peer_people = [users["peer"].person, users["peer2"].person]
    if not all(
        Assignment.objects.filter(current_q(), person=p, supervisor=users["supervisor"]).exists()
        for p in peer_people
    ):
        return 0  # the register has not given them to `supervisor`: nothing sensible to add
    count = _logins_history(users)
    count += _register_history(trust, users)
    return count
