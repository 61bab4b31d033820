"""Reminders for overdue steps, for `manage.py send_reminders`.

Each overdue step gets one reminder per owner, ever: the notice key names the step and the
recipient, so running the command again (or two runs at once) sends nothing twice. Owners:
- triage: the worker's current supervisor(s); with none, the organisation's co-production
  leads (someone must own it);
- acknowledgement: the safeguarding lead it was escalated to (if it is passed to another lead,
  they get their own reminder);
- an action: its owner.
"""

from __future__ import annotations

from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from supervision.incidents import deadlines, rules
from supervision.incidents.models import (
    Incident,
    IncidentAction,
    NoticeKind,
    State,
)
from supervision.incidents.services import notify
from workforce.organisations.models import Capacity as C
from workforce.register.models import Assignment


def _active_users(**filters) -> QuerySet:
    return get_user_model().objects.filter(is_active=True, **filters).distinct()


def triage_owners(incident: Incident) -> list:
    supervisors = _active_users(
        pk__in=Assignment.objects.current()
        .filter(person_id=incident.person_id)
        .values("supervisor_id")
    )
    owners = [user for user in supervisors if rules.may_triage(user, incident)]
    if owners:
        return owners
    return list(
        _active_users(
            memberships__organisation_id=incident.organisation_id,
            memberships__capacity=C.COPRODUCTION_LEAD,
        ).exclude(pk=incident.person.user_id or 0)
    )


def record_overdue(now=None) -> Counter:
    """Record a notice for every overdue step not yet reminded about; count them by kind."""
    now = now or deadlines.now()
    recorded: Counter = Counter()

    overdue_triage = Incident.objects.filter(
        state=State.REPORTED, triage_due_at__lt=now
    ).select_related("person", "organisation")
    for incident in overdue_triage:
        for owner in triage_owners(incident):
            if notify.record(
                key=f"triage:{incident.pk}:{owner.pk}",
                kind=NoticeKind.TRIAGE_OVERDUE,
                incident=incident,
                recipient=owner,
            ):
                recorded[NoticeKind.TRIAGE_OVERDUE] += 1

    overdue_ack = Incident.objects.filter(
        state=State.ESCALATED, acknowledge_due_at__lt=now
    ).select_related("escalated_to")
    for incident in overdue_ack:
        if notify.record(
            key=f"ack:{incident.pk}:{incident.escalated_to_id}",
            kind=NoticeKind.ACKNOWLEDGE_OVERDUE,
            incident=incident,
            recipient=incident.escalated_to,
        ):
            recorded[NoticeKind.ACKNOWLEDGE_OVERDUE] += 1

    # Due by the end of its due date: overdue from the next day on.
    overdue_actions = IncidentAction.objects.filter(
        done_at__isnull=True, due_on__lt=deadlines.today()
    ).select_related("incident", "owner")
    for action in overdue_actions:
        if notify.record(
            key=f"action:{action.pk}:{action.owner_id}",
            kind=NoticeKind.ACTION_OVERDUE,
            incident=action.incident,
            action=action,
            recipient=action.owner,
        ):
            recorded[NoticeKind.ACTION_OVERDUE] += 1
    return recorded
