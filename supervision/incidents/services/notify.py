"""Emails: recorded first (IncidentNotice, keyed by step and recipient), sent by the worker.

Recording before sending is what makes reminders idempotent: a notice's key is unique, so the
same reminder is never created twice, and a notice is sent only while `sent_at` is empty,
under a row lock, so two workers at once cannot both send it. The job that sends a notice is
queued in the transaction that records it (workforce/platform/mail.py); a notice whose email
failed stays unsent, its job is tried again with a growing wait, and the scheduled
`send_reminders` job sweeps up any still waiting after that.

Emails never carry the narrative or the worker's name (email is not a safe place for them):
only the incident's number, category, severity, the deadline and a link to sign in.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from procrastinate.contrib.django import app

from supervision.incidents import deadlines, rules
from supervision.incidents.models import Incident, IncidentAction, IncidentNotice, NoticeKind
from workforce.platform import mail
from workforce.platform.links import site_link


def record(
    *,
    key: str,
    kind: str,
    incident: Incident,
    recipient,
    action: IncidentAction | None = None,
) -> IncidentNotice | None:
    """The notice, newly recorded with the job that sends it (in the same transaction, so
    the worker sends it once that commits, never if it rolls back); None if one with this
    key already exists."""
    try:
        with transaction.atomic():
            notice = IncidentNotice.objects.create(
                key=key,
                kind=kind,
                incident=incident,
                action=action,
                recipient=recipient,
                created_at=deadlines.now(),
            )
            send_notice.defer(notice_id=notice.pk)
            return notice
    except IntegrityError:
        return None


@app.task(name="send_incident_notice", queue=mail.EMAIL_QUEUE, retry=mail.EMAIL_RETRY)
def send_notice(notice_id: int) -> int:
    """The worker's job: send one notice (1 if this run sent it). Raises when the mail
    server fails, so the queue tries again."""
    return _deliver_one(notice_id, "")


def _render(notice: IncidentNotice, link_base: str) -> tuple[str, str]:
    incident = notice.incident
    context = {
        "notice": notice,
        "incident": incident,
        "action": notice.action,
        "link": site_link(reverse("incidents:detail", kwargs={"pk": incident.pk}), base=link_base),
        "deadline": _deadline(notice),
    }
    subject = render_to_string("incidents/email/subject.txt", context).strip()
    body = render_to_string("incidents/email/body.txt", context)
    return " ".join(subject.split()), body


def _deadline(notice: IncidentNotice):
    incident = notice.incident
    if notice.kind == NoticeKind.TRIAGE_OVERDUE:
        return incident.triage_due_at
    if notice.kind in (NoticeKind.ACKNOWLEDGE_OVERDUE, NoticeKind.ESCALATED):
        return incident.acknowledge_due_at
    if notice.kind == NoticeKind.ACTION_OVERDUE and notice.action is not None:
        return deadlines.action_due(notice.action.due_on)
    return None


def deliver(*, link_base: str = "", recorded_before=None) -> int:
    """Send every unsent notice (recorded before a time, if given); return how many were
    sent. One that fails stays unsent: its job, or the next send_reminders, tries again."""
    return mail.send_unsent(
        IncidentNotice.objects.all(),
        lambda notice_id: _deliver_one(notice_id, link_base),
        what="incident notice",
        recorded_before=recorded_before,
    )


def _deliver_one(notice_id: int, link_base: str) -> int:
    with transaction.atomic():
        notice = (
            IncidentNotice.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("incident", "action", "recipient")
            .filter(pk=notice_id, sent_at__isnull=True)
            .first()
        )
        if notice is None:
            return 0  # already sent, or being sent by another run right now
        email = notice.recipient.email
        if notice.incident.is_leads_only and not rules.may_view(notice.recipient, notice.incident):
            # Restricted to safeguarding leads since it was recorded: nothing to tell the others.
            notice.failure = "restricted to safeguarding leads"
            notice.sent_at = deadlines.now()
            notice.save(update_fields=["failure", "sent_at"])
            return 0
        if not email or not notice.recipient.is_active:
            notice.failure = "no email address" if not email else "login deactivated"
            notice.sent_at = deadlines.now()
            notice.save(update_fields=["failure", "sent_at"])
            return 0
        subject, body = _render(notice, link_base)
        # Sent inside the transaction: if sending fails, the notice stays unsent.
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        notice.sent_at = deadlines.now()
        notice.save(update_fields=["sent_at"])
        return 1
