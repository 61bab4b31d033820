"""The supervision app's entries in the one access layer (workforce/access.py).

From the spec's "Who may do what" (supervision row), always inside the user's organisations:
- The parties to a session (its supervisor and its supervisee(s)) see everything about it,
  including the private notes, topics and agreed actions, and log, confirm or dispute it.
- A supervisee's current supervisor sees that their sessions happened (metadata only), so the
  "my supervisees" page can show who is overdue.
- Co-production leads and administrators see metadata only: date, type, format, minutes,
  status. Never the notes, topics or actions.
- Safeguarding leads and finance see nothing of supervision.

Imported from SupervisionConfig.ready(), so the rules are registered before any request.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from supervision.choices import Answer
from supervision.models import SessionAction, SessionNote, SessionSupervisee, SupervisionSession
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Organisation, Team
from workforce.register import rules as register_rules
from workforce.register.models import Person

# This app's scopes and rules, read by the access layer (settings.ACCESS_RULES).
RULEBOOK = access.RuleBook()
Status = SupervisionSession.Status
# Nobody answers a session once everyone has confirmed it, or after it was withdrawn.
CLOSED = (Status.CONFIRMED, Status.WITHDRAWN)

# Capacities that see, across their organisation, that sessions happened and compliance.
# Capacities offered the "my supervisees" page: the ones that can be named as a supervisor.


def _sessions_of(person_ids) -> list[int]:
    """Ids of the sessions these people were supervised in.

    A list the database looks up by key: as an EXISTS inside an OR with the supervisor
    test, PostgreSQL read every session of the organisation to find a peer's 50
    (bench/README.md)."""
    if not person_ids:
        return []
    links = SessionSupervisee.objects.filter(person_id__in=person_ids)
    return list(links.values_list("session_id", flat=True))


def party_sessions(user) -> QuerySet[SupervisionSession]:
    """Sessions `user` took part in, as the supervisor or a supervisee: the only ones whose
    private notes, topics and actions they may read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return SupervisionSession.objects.none()
    return SupervisionSession.objects.filter(
        Q(supervisor_id=user.pk) | Q(pk__in=_sessions_of(access.own_person_ids(user))),
        organisation_id__in=access.organisation_ids(user),
    )


@RULEBOOK.scope(SupervisionSession)
def _sessions(user) -> QuerySet[SupervisionSession]:
    organisations = access.organisation_ids(user)
    everyone = access.organisation_ids(user, *groups.LEADS_AND_ADMINS)
    if organisations <= everyone:  # sees that every session there happened
        return SupervisionSession.objects.filter(organisation_id__in=organisations)
    supervised = access.own_person_ids(user) | register_rules.supervisee_ids(user)
    return SupervisionSession.objects.filter(
        Q(supervisor_id=user.pk)
        | Q(pk__in=_sessions_of(supervised))
        | Q(organisation_id__in=everyone),
        organisation_id__in=organisations,
    )


@RULEBOOK.scope(SessionSupervisee)
def _supervisee_links(user) -> QuerySet[SessionSupervisee]:
    return SessionSupervisee.objects.filter(session__in=_sessions(user))


@RULEBOOK.scope(SessionNote)
def _notes(user) -> QuerySet[SessionNote]:
    return SessionNote.objects.filter(session__in=party_sessions(user))


@RULEBOOK.scope(SessionAction)
def _actions(user) -> QuerySet[SessionAction]:
    return SessionAction.objects.filter(session__in=party_sessions(user))


def is_party(user, session: SupervisionSession) -> bool:
    """The supervisor or one of the supervisees, and still a member of the organisation."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if session.organisation_id not in access.organisation_ids(user):
        return False
    if session.supervisor_id == user.pk:
        return True
    links = getattr(session, "_prefetched_objects_cache", {}).get("supervisee_links")
    if links is not None:
        return any(link.person.user_id == user.pk for link in links)
    return session.supervisee_links.filter(person__user_id=user.pk).exists()


def answerer_id(session: SupervisionSession, link: SessionSupervisee) -> int | None:
    """Who answers for this attendee: the attendee, when the supervisor logged the session
    (each member of a group for their own presence), otherwise the supervisor."""
    if session.logged_by_id == session.supervisor_id:
        return link.person.user_id
    return session.supervisor_id


def answer_of(session: SupervisionSession, link: SessionSupervisee) -> str:
    """This attendee's answer: their own, or for a log made before answers were kept per
    person, the session's (where one member of a group disputed for everyone, the others
    are taken as not yet answered)."""
    if link.answer:
        return link.answer
    if session.status == Status.DISPUTED and answerer_id(session, link) != session.disputed_by_id:
        return Answer.AWAITING
    if session.status in (Status.CONFIRMED, Status.DISPUTED):
        return session.status
    return Answer.AWAITING


def confirmed_for(session: SupervisionSession, person_id: int) -> bool:
    """Whether the session stands confirmed for this attendee (in a group, by their own
    answer): the counting rule of compliance (`selectors.compliance.COUNTED`)."""
    if session.status == Status.WITHDRAWN:
        return False
    return any(
        answer_of(session, link) == Answer.CONFIRMED
        for link in session.supervisee_links.all()
        if link.person_id == person_id
    )


def links_answered_by(user, session: SupervisionSession) -> list[SessionSupervisee]:
    """The attendee links whose answer is `user`'s to give (none for a non-party)."""
    if not is_party(user, session) or session.status in CLOSED:
        return []
    return [
        link for link in session.supervisee_links.all() if answerer_id(session, link) == user.pk
    ]


def _answers(user, session: SupervisionSession) -> set[str]:
    return {answer_of(session, link) for link in links_answered_by(user, session)}


def may_confirm(user, session: SupervisionSession) -> bool:
    # Whoever disputed may confirm after all, once it is talked through; the dispute stays.
    return bool(_answers(user, session) & {Answer.AWAITING, Answer.DISPUTED})


def may_dispute(user, session: SupervisionSession) -> bool:
    return Answer.AWAITING in _answers(user, session)


def may_correct(user, session: SupervisionSession) -> bool:
    """Whoever logged a session may correct or withdraw it until everyone has confirmed."""
    return (
        session.logged_by_id == user.pk
        and session.status in (Status.AWAITING, Status.DISPUTED)
        and is_party(user, session)
    )


def may_view_person_supervision(user, person: Person) -> bool:
    """Whose supervision record and compliance `user` may see (notes still per session)."""
    return (
        (person.user_id is not None and person.user_id == user.pk)
        or register_rules.is_supervisor_of(user, person)
        or access.has_capacity(
            user, *groups.LEADS_AND_ADMINS, organisation_id=person.organisation_id
        )
    )


def may_view_compliance(user, organisation_id: int) -> bool:
    return access.has_capacity(user, *groups.LEADS_AND_ADMINS, organisation_id=organisation_id)


RULEBOOK.rule(SupervisionSession, "view")(
    lambda user, session: _sessions(user).filter(pk=session.pk).exists()
)
RULEBOOK.rule(SupervisionSession, "view_notes")(is_party)
RULEBOOK.rule(SupervisionSession, "add_action")(is_party)
RULEBOOK.rule(SupervisionSession, "confirm")(may_confirm)
RULEBOOK.rule(SupervisionSession, "dispute")(may_dispute)
RULEBOOK.rule(SupervisionSession, "correct")(may_correct)
RULEBOOK.rule(SupervisionSession, "withdraw")(may_correct)
RULEBOOK.rule(SessionAction, "complete")(
    lambda user, action: (
        not action.is_done and not action.is_withdrawn and is_party(user, action.session)
    )
)
RULEBOOK.rule(Person, "view_supervision")(may_view_person_supervision)
RULEBOOK.rule(Organisation, "view_supervision_compliance")(
    lambda user, organisation: may_view_compliance(user, organisation.pk)
)
RULEBOOK.rule(Team, "view_supervision_compliance")(
    lambda user, team: may_view_compliance(user, team.organisation_id)
)
