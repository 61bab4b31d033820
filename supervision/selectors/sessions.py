"""Reads about sessions and actions, each starting from the access layer's scopes.

Metadata reads touch the session table only. Private notes, topics and actions are read
from their own tables, through scopes that return rows only to the parties of a session, so
a lead's page cannot show them even by mistake.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from supervision import rules
from supervision.choices import Answer
from supervision.models import (
    SessionAction,
    SessionNote,
    SessionStatus,
    SessionSupervisee,
    SupervisionDue,
    SupervisionSession,
)
from workforce.organisations import access
from workforce.register.models import Assignment, Person, current_q
from workforce.register.selectors import supervisors_for


def _with_people(sessions: QuerySet[SupervisionSession]) -> QuerySet[SupervisionSession]:
    return sessions.select_related(
        "supervisor__person",
        "logged_by__person",
        "disputed_by__person",
        "confirmed_by__person",
    ).prefetch_related(
        Prefetch(
            "supervisee_links",
            queryset=SessionSupervisee.objects.select_related("person").order_by(
                "person__full_name", "pk"
            ),
        )
    )


def visible_sessions(user) -> QuerySet[SupervisionSession]:
    """Every session `user` may know happened (metadata only), with who was in it."""
    return _with_people(access.scoped(user, SupervisionSession))


def sessions_metadata_for(user, person: Person) -> QuerySet[SupervisionSession]:
    """Sessions `person` was supervised in that `user` may know about: date, type, format,
    minutes, status and who; never notes. For other apps' chronologies (e.g. incidents)."""
    return visible_sessions(user).filter(supervisee_links__person=person).order_by("-date", "-pk")


def my_history(user) -> QuerySet[SupervisionSession]:
    """Sessions the signed-in person was supervised in, newest first."""
    return visible_sessions(user).filter(supervisee_links__person__user_id=user.pk)


def given_sessions(user) -> QuerySet[SupervisionSession]:
    """Sessions the signed-in person ran as supervisor, newest first."""
    return visible_sessions(user).filter(supervisor_id=user.pk)


def awaiting_answer(user) -> QuerySet[SupervisionSession]:
    """Logs waiting for `user` to confirm or dispute: the other party's logs."""
    # The supervisor answers a supervisee's log; each supervisee answers the supervisor's
    # for themselves, so a group disputed by one member still waits for the others.
    mine_to_answer = (
        Q(supervisor_id=user.pk) & ~Q(logged_by_id=user.pk) & Q(status=SessionStatus.AWAITING)
    )
    own = access.own_person_ids(user)
    if own:  # only someone with a person record is ever supervised
        as_supervisee = SessionSupervisee.objects.filter(
            Q(answer=Answer.AWAITING)
            | Q(answer=Answer.NONE, session__status=SessionStatus.AWAITING),
            session=OuterRef("pk"),
            person_id__in=own,
        )
        mine_to_answer |= (
            Exists(as_supervisee)
            & Q(logged_by_id=F("supervisor_id"))
            & Q(status__in=[SessionStatus.AWAITING, SessionStatus.DISPUTED])
        )
    return visible_sessions(user).filter(mine_to_answer).order_by("date", "pk")


def open_actions(user) -> QuerySet[SessionAction]:
    """Actions not yet done from sessions `user` was in, soonest due first."""
    return (
        access.scoped(user, SessionAction)
        .filter(done_at__isnull=True, withdrawn_at__isnull=True)
        .select_related("owner__person", "session")
        .order_by("due_date", "pk")
    )


@dataclass(frozen=True)
class SessionFilters:
    q: str = ""
    kind: str = ""
    status: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


def session_list(user, filters: SessionFilters) -> QuerySet[SupervisionSession]:
    """Sessions for the list page. The search looks at names only, never at notes."""
    sessions = visible_sessions(user)
    if filters.q:
        named = SessionSupervisee.objects.filter(
            Q(person__full_name__icontains=filters.q)
            | Q(person__preferred_name__icontains=filters.q),
            session=OuterRef("pk"),
        )
        sessions = sessions.filter(
            Exists(named)
            | Q(supervisor__person__full_name__icontains=filters.q)
            | Q(supervisor__username__iexact=filters.q)
        )
    if filters.kind:
        sessions = sessions.filter(kind=filters.kind)
    if filters.status:
        sessions = sessions.filter(status=filters.status)
    if filters.start:
        sessions = sessions.filter(date__gte=filters.start)
    if filters.end:
        sessions = sessions.filter(date__lte=filters.end)
    return sessions.order_by("-date", "-pk")


def session_detail(user, pk: int) -> SupervisionSession:
    """The session if `user` may see it (404 otherwise), with who was in it."""
    session = get_object_or_404(visible_sessions(user), pk=pk)
    if not access.can(user, "view", session):
        raise Http404
    return session


@dataclass(frozen=True)
class Shortfall:
    """A supervisee whose role asks for longer sessions of this type than this one was."""

    person: Person
    minimum: int


def session_shortfalls(session: SupervisionSession) -> list[Shortfall]:
    """Supervisees of `session` for whom it is too short to count, even once confirmed:
    one of their roles in force on its date asks for at least `minimum` minutes of this
    type (the counting rule of supervision_due_refresh, read from its kept rows). For
    each person, the longest minimum the session falls short of."""
    people = {link.person_id: link.person for link in session.supervisee_links.all()}
    rows = (
        SupervisionDue.objects.filter(
            current_q("assignment__", on=session.date),
            person_id__in=people,
            kind=session.kind,
            minutes__gt=session.minutes,
        )
        .values("person_id")
        .annotate(minimum=Max("minutes"))
        .order_by("person_id")
    )
    return [Shortfall(people[row["person_id"]], row["minimum"]) for row in rows]


def private_content(user, sessions: list[SupervisionSession]) -> dict[int, dict]:
    """{session id: {"note": SessionNote | None, "actions": [...]}} for the sessions whose
    private content `user` may read (the parties); other sessions are simply absent."""
    ids = [s.pk for s in sessions if rules.is_party(user, s)]
    if not ids:
        return {}
    content: dict[int, dict] = {pk: {"note": None, "actions": []} for pk in ids}
    for note in access.scoped(user, SessionNote).filter(session_id__in=ids):
        content[note.session_id]["note"] = note
    actions = (
        access.scoped(user, SessionAction)
        .filter(session_id__in=ids)
        .select_related("owner__person", "done_by")
        .order_by("due_date", "pk")
    )
    for action in actions:
        content[action.session_id]["actions"].append(action)
    return content


def person_record(
    user, person: Person, start: datetime.date, end: datetime.date
) -> list[SupervisionSession]:
    """A person's sessions in a date range for the printable record, oldest first."""
    return list(
        visible_sessions(user)
        .filter(supervisee_links__person=person, date__gte=start, date__lte=end)
        .order_by("date", "pk")
    )


def current_supervisor(user):
    """The named supervisor on the signed-in person's current assignment, if any."""
    assignment = (
        Assignment.objects.filter(current_q(), person__user_id=user.pk)
        .select_related("supervisor")
        .order_by("-start_date", "-pk")
        .first()
    )
    return assignment.supervisor if assignment else None


def supervisor_choices(user) -> QuerySet:
    """Who a supervisee may name as the supervisor: supervisors and co-production leads of
    their organisation, not themselves."""

    person = getattr(user, "person", None)
    if person is None:
        return supervisors_for(0).none()
    return supervisors_for(person.organisation_id).exclude(pk=user.pk)


def supervisee_choices(user, on: datetime.date | None = None) -> QuerySet[Person]:
    """People `user` is the named supervisor of now, for the supervisor's log form."""
    on = on or timezone.localdate()
    return (
        Person.objects.filter(
            Exists(
                Assignment.objects.filter(current_q(on=on), person=OuterRef("pk"), supervisor=user)
            ),
            organisation_id__in=access.organisation_ids(user),
        )
        .exclude(user_id=user.pk)
        .order_by("full_name", "pk")
    )
