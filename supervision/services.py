"""Every write to supervision: keyword-only, atomic, state checked under a row lock, audited.

Audit entries say who did what to which session, never what was said: no notes, topics,
action text or dispute reasons go into `changes` or `summary`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from supervision import rules
from supervision.choices import Answer
from supervision.models import (
    MAX_MINUTES,
    SessionAction,
    SessionFormat,
    SessionNote,
    SessionStatus,
    SessionSupervisee,
    SupervisionSession,
    Topic,
)
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Membership
from workforce.platform import audit
from workforce.platform.read_log import What, read_log_record_each
from workforce.register.models import Assignment, Person, current_q

Kind = SupervisionSession.Kind
MAX_DISPUTE_REASON = 2000


class SupervisionError(Exception):
    """A broken rule, in plain English, safe to show to the person who tried."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        # The form field the problem is about, if any, so a view can show it beside it.
        self.field = field


@dataclass(frozen=True)
class ActionInput:
    text: str
    owner: object  # a User: the supervisor or one of the supervisees
    due_date: datetime.date


def name_of(user) -> str:
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def _check_supervisor(supervisor, organisation_id: int) -> None:
    if supervisor is None or not supervisor.is_active:
        raise SupervisionError("Choose a supervisor who has an active login.", field="supervisor")
    if not Membership.objects.filter(
        user=supervisor,
        organisation_id=organisation_id,
        capacity__in=groups.SUPERVISING,
    ).exists():
        raise SupervisionError(
            f"{name_of(supervisor)} is not a supervisor or co-production lead in this "
            "organisation.",
            field="supervisor",
        )


def _check_supervisees(
    *, logged_by, supervisor, supervisees: Sequence[Person], date: datetime.date
) -> int:
    """Return the organisation id the session belongs to."""
    if not supervisees:
        raise SupervisionError("Choose who was supervised.", field="supervisees")
    if len({p.pk for p in supervisees}) != len(supervisees):
        raise SupervisionError("Each person can be listed only once.", field="supervisees")
    organisation_ids = {p.organisation_id for p in supervisees}
    if len(organisation_ids) != 1:
        raise SupervisionError(
            "Everyone in one session must belong to the same organisation.", field="supervisees"
        )
    if any(p.user_id == supervisor.pk for p in supervisees):
        raise SupervisionError("Nobody can be their own supervisor.", field="supervisor")
    if logged_by.pk == supervisor.pk:
        # A supervisor logs only for people they supervise(d): on the day, or now.
        supervised = set(
            Assignment.objects.filter(
                current_q(on=date) | current_q(), supervisor=supervisor
            ).values_list("person_id", flat=True)
        )
        strangers = [p.full_name for p in supervisees if p.pk not in supervised]
        if strangers:
            raise SupervisionError(
                f"You are not the named supervisor of {', '.join(strangers)}, so you cannot "
                "log their supervision. Ask them to log it and name you.",
                field="supervisees",
            )
    elif [p.user_id for p in supervisees] != [logged_by.pk]:
        raise SupervisionError(
            "You can log only your own supervision. Group sessions are logged by the person "
            "who ran them.",
            field="supervisees",
        )
    return organisation_ids.pop()


def _check_details(*, date, minutes, kind, format, topics) -> None:
    if date > timezone.localdate():
        raise SupervisionError(
            "The date cannot be in the future: log a session once it has happened.", field="date"
        )
    if not (isinstance(minutes, int) and 0 < minutes <= MAX_MINUTES):
        raise SupervisionError(
            f"Minutes must be a whole number more than 0 and at most {MAX_MINUTES}.",
            field="minutes",
        )
    if kind not in Kind.values:
        raise SupervisionError("Choose the type of supervision.", field="kind")
    if format not in SessionFormat.values:
        raise SupervisionError("Choose how you met.", field="format")
    if not set(topics) <= set(Topic.values):
        raise SupervisionError("Choose topics from the list.", field="topics")


def _duplicate_message(person: Person, supervisor, date, kind, other_than=None) -> str | None:
    existing = SessionSupervisee.objects.filter(
        person=person, supervisor=supervisor, date=date, kind=kind, withdrawn=False
    )
    if other_than is not None:
        existing = existing.exclude(session=other_than)
    existing = existing.select_related("session").first()
    if existing is None:
        return None
    return (
        f"{person.full_name} already has a {Kind(kind).label.lower()} session with "
        f"{name_of(supervisor)} on {_day(date)} "
        f"({existing.session.get_status_display().lower()}). "
        "Open it from the supervision history instead of logging it again."
    )


def _check_action(action: ActionInput, *, party_ids: set[int], date: datetime.date) -> None:
    if not action.text.strip():
        raise SupervisionError("Say what the action is.", field="action_text")
    if len(action.text) > 300:
        raise SupervisionError("Keep the action under 300 characters.", field="action_text")
    if action.owner is None or action.owner.pk not in party_ids:
        raise SupervisionError(
            "An action belongs to the supervisor or someone who was supervised.",
            field="action_owner",
        )
    if action.due_date < date:
        raise SupervisionError(
            "An action cannot be due before the session it was agreed in.",
            field="action_due_date",
        )


@transaction.atomic
def session_log(
    *,
    logged_by,
    supervisor,
    supervisees: Sequence[Person],
    date: datetime.date,
    minutes: int,
    kind: str,
    format: str,
    topics: Sequence[str] = (),
    notes: str = "",
    actions: Sequence[ActionInput] = (),
) -> SupervisionSession:
    """Log a session; the other party then confirms or disputes it.

    A supervisee logs their own session with a supervisor of their organisation; a supervisor
    logs a session (one person, or a group) with people they are the named supervisor of.
    """
    supervisees = list(supervisees)
    if logged_by is None or not logged_by.is_active:
        raise SupervisionError("Sign in again to log supervision.")
    _check_details(date=date, minutes=minutes, kind=kind, format=format, topics=topics)
    if supervisor is None:
        raise SupervisionError("Choose your supervisor.", field="supervisor")
    organisation_id = _check_supervisees(
        logged_by=logged_by, supervisor=supervisor, supervisees=supervisees, date=date
    )
    _check_supervisor(supervisor, organisation_id)
    if organisation_id not in access.organisation_ids(logged_by):
        raise SupervisionError("You can log supervision only in your own organisation.")
    party_ids = {supervisor.pk, *(p.user_id for p in supervisees if p.user_id)}
    for action in actions:
        _check_action(action, party_ids=party_ids, date=date)
    for person in supervisees:
        if message := _duplicate_message(person, supervisor, date, kind):
            raise SupervisionError(message, field="date")

    session = SupervisionSession.objects.create(
        organisation_id=organisation_id,
        supervisor=supervisor,
        date=date,
        minutes=minutes,
        kind=kind,
        format=format,
        logged_by=logged_by,
        logged_at=timezone.now(),
        logged_on=timezone.localdate(),
    )
    try:
        # A savepoint, so that losing a race to an identical log reads as a plain refusal.
        with transaction.atomic():
            SessionSupervisee.objects.bulk_create(
                SessionSupervisee(
                    session=session,
                    person=p,
                    supervisor=supervisor,
                    date=date,
                    kind=kind,
                    answer=Answer.AWAITING,
                )
                for p in supervisees
            )
    except IntegrityError as exc:
        if "supervision_session_not_duplicated" not in str(exc):
            raise
        raise SupervisionError(
            "This session has just been logged by someone else. Open it from the supervision "
            "history instead of logging it again.",
            field="date",
        ) from exc
    SessionNote.objects.create(session=session, topics=list(dict.fromkeys(topics)), text=notes)
    SessionAction.objects.bulk_create(
        SessionAction(
            session=session,
            text=a.text.strip(),
            owner=a.owner,
            due_date=a.due_date,
            created_by=logged_by,
        )
        for a in actions
    )
    audit.record(
        actor=logged_by,
        action="supervision.session_logged",
        obj=session,
        summary=f"{Kind(kind).label} on {_day(date)} logged",
        changes={
            "date": date.isoformat(),
            "kind": kind,
            "format": format,
            "minutes": minutes,
            "supervisor": supervisor.pk,
            "supervisees": [p.pk for p in supervisees],
            "actions": len(actions),
        },
    )
    return session


def _locked(session: SupervisionSession) -> SupervisionSession:
    return (
        SupervisionSession.objects.select_for_update(of=("self",))
        .prefetch_related("supervisee_links__person")
        .get(pk=session.pk)
    )


def _settle_answers(session: SupervisionSession) -> list[SessionSupervisee]:
    """Give every attendee link an answer of its own (logs made before answers were kept
    per person have none), so that answering one person leaves the others as they were."""
    links = list(session.supervisee_links.all())
    for link in links:
        if link.answer:
            continue
        link.answer = rules.answer_of(session, link)
        if link.answer == Answer.CONFIRMED:
            link.answered_at = session.confirmed_at
        elif link.answer == Answer.DISPUTED:
            link.answered_at, link.dispute_reason = session.disputed_at, session.dispute_reason
    return links


def _added_up(links: Sequence[SessionSupervisee]) -> str:
    """The status the attendees' answers add up to (migration 0005 checks the same)."""
    answers = {link.answer for link in links}
    if Answer.DISPUTED in answers:
        return SessionStatus.DISPUTED
    if answers == {Answer.CONFIRMED}:
        return SessionStatus.CONFIRMED
    return SessionStatus.AWAITING


def _save_answers(session: SupervisionSession, links: Sequence[SessionSupervisee]) -> str:
    """Store the links' answers and bring the session's status into line with them."""
    before = session.status
    status = _added_up(links)
    session.status = status
    if status == SessionStatus.CONFIRMED:
        # Whoever's answer completed it (not the logger, when a correction did).
        last = max(links, key=lambda link: link.answered_at)
        session.confirmed_by_id = rules.answerer_id(session, last)
        session.confirmed_at = last.answered_at
    else:
        session.confirmed_by = session.confirmed_at = None
    disputing = [link for link in links if link.answer == Answer.DISPUTED]
    if disputing and not any(
        rules.answerer_id(session, link) == session.disputed_by_id for link in disputing
    ):
        # The session shows a dispute that still stands: the earliest one.
        first = min(disputing, key=lambda link: link.answered_at)
        session.disputed_by_id = rules.answerer_id(session, first)
        session.disputed_at, session.dispute_reason = first.answered_at, first.dispute_reason
    session.save(
        update_fields=[
            "status",
            "confirmed_by",
            "confirmed_at",
            "disputed_by",
            "disputed_at",
            "dispute_reason",
        ]
    )
    # After the session, so that a one-to-one log is consistent after each statement even
    # under SET CONSTRAINTS IMMEDIATE (its links' empty answers follow the session).
    SessionSupervisee.objects.bulk_update(links, ["answer", "answered_at", "dispute_reason"])
    return before


def _names(links: Sequence[SessionSupervisee]) -> str:
    return ", ".join(link.person.full_name for link in links)


@transaction.atomic
def session_confirm(*, session: SupervisionSession, by) -> SupervisionSession:
    """Confirm the log for the attendees whose answer is `by`'s: in a group, their own
    presence; the session is confirmed once everyone in it has confirmed."""
    session = _locked(session)
    if session.status == SessionStatus.CONFIRMED:
        raise SupervisionError("This session is already confirmed.")
    if session.status == SessionStatus.WITHDRAWN:
        raise SupervisionError(
            "This log was withdrawn by whoever made it, so it cannot be confirmed."
        )
    if not rules.may_confirm(by, session):
        if rules.links_answered_by(by, session):
            raise SupervisionError("You have already confirmed this session.")
        if session.status == SessionStatus.DISPUTED and rules.is_party(by, session):
            raise SupervisionError("Only the person who disputed this log can confirm it now.")
        raise SupervisionError(
            "The other party confirms a log: you cannot confirm a session you logged yourself."
            if session.logged_by_id == by.pk
            else "You were not part of this session, so you cannot confirm it."
        )
    links = _settle_answers(session)
    mine = [link for link in links if rules.answerer_id(session, link) == by.pk]
    now = timezone.now()
    for link in mine:
        link.answer, link.answered_at = Answer.CONFIRMED, now
    before = _save_answers(session, links)
    audit.record(
        actor=by,
        action="supervision.session_confirmed",
        obj=session,
        summary=f"{session.get_kind_display()} on {_day(session.date)} confirmed"
        + (f" for {_names(mine)}" if len(links) > 1 else ""),
        changes={"status": [before, session.status], "supervisees": [li.person_id for li in mine]},
    )
    return session


@transaction.atomic
def session_dispute(*, session: SupervisionSession, by, reason: str) -> SupervisionSession:
    """Dispute the log for the attendees whose answer is `by`'s: in a group, their own
    presence. The others' answers stand."""
    session = _locked(session)
    reason = (reason or "").strip()
    if not rules.may_dispute(by, session):
        if session.status != SessionStatus.AWAITING or rules.links_answered_by(by, session):
            raise SupervisionError(
                f"This session is already {session.get_status_display().lower()}"
                + (" for you" if session.status == SessionStatus.DISPUTED else "")
                + ", so it cannot be disputed now."
            )
        raise SupervisionError(
            "The other party answers a log: you cannot dispute a session you logged yourself."
            if session.logged_by_id == by.pk
            else "You were not part of this session, so you cannot dispute it."
        )
    if not reason:
        raise SupervisionError("Say why you disagree with this log.", field="reason")
    if len(reason) > MAX_DISPUTE_REASON:
        raise SupervisionError(
            f"Keep the reason under {MAX_DISPUTE_REASON} characters.", field="reason"
        )
    links = _settle_answers(session)
    mine = [link for link in links if rules.answerer_id(session, link) == by.pk]
    now = timezone.now()
    for link in mine:
        link.answer, link.answered_at, link.dispute_reason = Answer.DISPUTED, now, reason
    if session.status != SessionStatus.DISPUTED:
        session.disputed_by, session.disputed_at, session.dispute_reason = by, now, reason
    before = _save_answers(session, links)
    audit.record(
        actor=by,
        action="supervision.session_disputed",
        obj=session,
        summary=f"{session.get_kind_display()} on {_day(session.date)} disputed"
        + (f" for {_names(mine)}" if len(links) > 1 else ""),
        changes={"status": [before, session.status], "supervisees": [li.person_id for li in mine]},
    )
    return session


def _check_may_correct(session: SupervisionSession, by, verb: str) -> None:
    if rules.may_correct(by, session):
        return
    if session.logged_by_id != by.pk:
        raise SupervisionError(f"Only the person who logged this session can {verb} it.")
    if session.status == SessionStatus.CONFIRMED:
        raise SupervisionError(
            f"Everyone in this session has confirmed it, so it can no longer be {verb}ed. "
            "Ask a co-production lead if it is wrong."
        )
    if session.status == SessionStatus.WITHDRAWN:
        raise SupervisionError("This log is already withdrawn.")
    raise SupervisionError("You are no longer part of this organisation.")


def _withdraw_actions(session: SupervisionSession, owner_ids=None) -> int:
    """Open actions leave with their session (or with their owner, taken off it): kept,
    no longer anyone's to do."""
    actions = session.actions.filter(done_at__isnull=True, withdrawn_at__isnull=True)
    if owner_ids is not None:
        actions = actions.filter(owner_id__in=owner_ids)
    return actions.update(withdrawn_at=timezone.now())


@transaction.atomic
def session_correct(
    *,
    session: SupervisionSession,
    by,
    date: datetime.date,
    minutes: int,
    kind: str,
    format: str,
    remove: Sequence[Person] = (),
) -> SupervisionSession:
    """Correct a log nobody has fully confirmed: its details, or who was in it (someone
    who says they were not there is taken off, with their open actions). Changing the
    details asks everyone to answer again; taking someone off leaves the others' answers."""
    session = _locked(session)
    _check_may_correct(session, by, "correct")
    _check_details(date=date, minutes=minutes, kind=kind, format=format, topics=())
    links = _settle_answers(session)
    removed_ids = {p.pk for p in remove}
    if not removed_ids <= {link.person_id for link in links}:
        raise SupervisionError("Choose people who are in this session.", field="remove")
    staying = [link for link in links if link.person_id not in removed_ids]
    if not staying:
        raise SupervisionError(
            "Keep at least one person in the session, or withdraw the log instead.",
            field="remove",
        )
    before = {"date": session.date, "minutes": session.minutes, "kind": session.kind}
    before["format"] = session.format
    after = {"date": date, "minutes": minutes, "kind": kind, "format": format}
    changed = {key: [str(before[key]), str(value)] for key, value in after.items()}
    changed = {key: pair for key, pair in changed.items() if pair[0] != pair[1]}
    if not changed and not removed_ids:
        raise SupervisionError(
            "Nothing has changed: change the details, or take someone off the session."
        )
    _check_supervisees(
        logged_by=by,
        supervisor=session.supervisor,
        supervisees=[link.person for link in staying],
        date=date,
    )
    for link in staying:
        if (date, kind) != (session.date, session.kind) and (
            message := _duplicate_message(
                link.person, session.supervisor, date, kind, other_than=session
            )
        ):
            raise SupervisionError(message, field="date")
    removed = [link for link in links if link.person_id in removed_ids]
    if removed:
        SessionSupervisee.objects.filter(pk__in=[link.pk for link in removed]).delete()
        _withdraw_actions(session, [link.person.user_id for link in removed])
    session.date, session.minutes, session.kind, session.format = date, minutes, kind, format
    try:
        with transaction.atomic():
            session.save(update_fields=["date", "minutes", "kind", "format"])
    except IntegrityError as exc:
        if "supervision_session_not_duplicated" not in str(exc):
            raise
        raise SupervisionError(
            "This session has just been logged by someone else on that date.", field="date"
        ) from exc
    if changed:
        # Everyone answers the corrected log afresh; what they said before stays in the
        # audit trail and, for a dispute, on the session.
        for link in staying:
            link.answer, link.answered_at = Answer.AWAITING, None
    status_before = _save_answers(session, staying)
    audit.record(
        actor=by,
        action="supervision.session_corrected",
        obj=session,
        summary=f"{session.get_kind_display()} on {_day(session.date)} corrected",
        changes={
            **changed,
            "removed": sorted(removed_ids),
            "status": [status_before, session.status],
        },
    )
    return session


@transaction.atomic
def session_withdraw(*, session: SupervisionSession, by) -> SupervisionSession:
    """Take back a log nobody has fully confirmed: it stays on the record, counts for
    nobody, and its open actions go with it. The session can then be logged afresh."""
    session = _locked(session)
    _check_may_correct(session, by, "withdraw")
    before = session.status
    session.status = SessionStatus.WITHDRAWN
    session.withdrawn_at = timezone.now()
    session.save(update_fields=["status", "withdrawn_at"])
    withdrawn_actions = _withdraw_actions(session)
    audit.record(
        actor=by,
        action="supervision.session_withdrawn",
        obj=session,
        summary=f"{session.get_kind_display()} on {_day(session.date)} withdrawn",
        changes={"status": [before, session.status], "actions_withdrawn": withdrawn_actions},
    )
    return session


@transaction.atomic
def action_add(
    *, session: SupervisionSession, by, text: str, owner, due_date: datetime.date
) -> SessionAction:
    session = _locked(session)
    if not rules.is_party(by, session):
        raise SupervisionError("Only the people in this session can add actions to it.")
    if session.is_withdrawn:
        raise SupervisionError("This log was withdrawn, so nothing more can be added to it.")
    party_ids = {
        session.supervisor_id,
        *(link.person.user_id for link in session.supervisee_links.all()),
    }
    action_input = ActionInput(text=text or "", owner=owner, due_date=due_date)
    _check_action(action_input, party_ids=party_ids - {None}, date=session.date)
    action = SessionAction.objects.create(
        session=session, text=text.strip(), owner=owner, due_date=due_date, created_by=by
    )
    audit.record(
        actor=by,
        action="supervision.action_added",
        obj=action,
        organisation_id=session.organisation_id,
        summary=f"Action added to the session on {_day(session.date)}",
        changes={"owner": owner.pk, "due_date": due_date.isoformat()},
    )
    return action


@transaction.atomic
def action_complete(*, action: SessionAction, by) -> SessionAction:
    action = (
        SessionAction.objects.select_for_update(of=("self",))
        .select_related("session")
        .get(pk=action.pk)
    )
    if not rules.is_party(by, action.session):
        raise SupervisionError("Only the people in the session can mark its actions done.")
    if action.is_done:
        raise SupervisionError("This action is already done.")
    if action.is_withdrawn:
        raise SupervisionError("This action was withdrawn with its session, so it is not open.")
    action.done_at = timezone.now()
    action.done_by = by
    action.save(update_fields=["done_at", "done_by"])
    audit.record(
        actor=by,
        action="supervision.action_done",
        obj=action,
        organisation_id=action.session.organisation_id,
        summary=f"Action from the session on {_day(action.session.date)} marked done",
        changes={"done": [False, True]},
    )
    return action


def log_actions_shown(user, actions, url: str, organisation_of=None) -> None:
    """The page shows these agreed actions' words: the read log notes who saw each. Open
    action lists come with their sessions (`selectors.open_actions`)."""
    read_log_record_each(
        user=user,
        objs=actions,
        what=What.SESSION_ACTIONS,
        url=url,
        organisation_of=organisation_of or (lambda action: action.session.organisation_id),
    )
