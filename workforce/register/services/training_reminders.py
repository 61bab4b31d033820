"""Training reminders, for `manage.py send_reminders`: an email some days before a
certificate expires (the requirement's own number of days) and one on the day, to the person
and to each of their current supervisors.

Idempotent the same way as the incident reminders: each reminder is recorded first, in the
same transaction that queues its email, and the database allows one per record, kind and
recipient, so a rerun (or two runs at once) sends nothing twice. The worker sends each
reminder's email (a job queued with it); one whose email fails stays unsent, its job is tried
again with a growing wait, and each later run sweeps up any left from before it.

Emails name only the training and its dates. The supervisor's email does not name the person
(email is not a safe place for who is behind on what); the link shows them after signing in.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import app

from workforce.platform import mail
from workforce.platform.links import site_link
from workforce.register.models import Assignment, TrainingRecord, TrainingReminder
from workforce.register.selectors.training import needing_attention

Kind = TrainingReminder.Kind

# An on-the-day reminder still goes out this many days late (a scheduler that was down over
# a weekend), but a certificate that lapsed long before reminders existed is not news.
ON_THE_DAY_GRACE_DAYS = 7


def due_records(today: datetime.date) -> models.QuerySet[TrainingRecord]:
    """Records a reminder may be due for today: not renewed, the person not a leaver, and
    expiring within their requirement's reminder days or expired in the last few days."""
    records = needing_attention(TrainingRecord.objects.all(), today)
    grace = today - datetime.timedelta(days=ON_THE_DAY_GRACE_DAYS)
    return records.filter(expires_on__gte=grace).order_by("expires_on", "pk")


def kind_due(record: TrainingRecord, today: datetime.date) -> str:
    return Kind.ON_THE_DAY if record.expires_on <= today else Kind.BEFORE


def supervisors_of(person_id: int, today: datetime.date) -> models.QuerySet:
    """Active logins that supervise one of the person's assignments in force today."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=Assignment.objects.current(on=today)
            .filter(person_id=person_id)
            .values("supervisor_id"),
        )
        .order_by("pk")
    )


def _record_one(record_id: int, today: datetime.date) -> int:
    """Record the reminders due for one training record and queue their emails, in one
    transaction; return how many were newly recorded."""
    with transaction.atomic():
        record = (
            TrainingRecord.objects.select_for_update(of=("self",))
            .filter(pk__in=due_records(today).filter(pk=record_id).values("pk"))
            .first()
        )
        if record is None:
            return 0  # renewed, or the person left, since the list was read
        kind = kind_due(record, today)
        recipients = [None, *supervisors_of(record.person_id, today)]
        created = []
        for recipient in recipients:
            try:
                # A savepoint each: one already sent must not undo the others.
                with transaction.atomic():
                    created.append(
                        TrainingReminder.objects.create(
                            record=record,
                            kind=kind,
                            recipient=recipient,
                            due_on=today,
                            created_at=timezone.now(),
                        ).pk
                    )
            except IntegrityError:
                continue
        for reminder_id in created:
            send_reminder.defer(reminder_id=reminder_id)
        return len(created)


def remind_due(*, today: datetime.date | None = None) -> int:
    """Record every training reminder due today, each with the job that sends it; return how
    many were recorded."""
    today = today or timezone.localdate()
    return sum(
        _record_one(record_id, today)
        for record_id in due_records(today).values_list("pk", flat=True)
    )


@app.task(name="send_training_reminder", queue=mail.EMAIL_QUEUE, retry=mail.EMAIL_RETRY)
def send_reminder(reminder_id: int) -> int:
    """The worker's job: send one reminder (1 if this run sent it). Raises when the mail
    server fails, so the queue tries again."""
    return _deliver_one(reminder_id, "")


def deliver(*, link_base: str = "", recorded_before: datetime.datetime | None = None) -> int:
    """Send every unsent reminder (recorded before a time, if given); return how many were
    sent. One that fails stays unsent: its job, or the next send_reminders, tries again."""
    return mail.send_unsent(
        TrainingReminder.objects.all(),
        lambda reminder_id: _deliver_one(reminder_id, link_base),
        what="training reminder",
        recorded_before=recorded_before,
    )


def _address(reminder: TrainingReminder) -> tuple[str, str]:
    """(email address, why not) for whoever the reminder is for."""
    if reminder.recipient_id is not None:
        user = reminder.recipient
        if not user.is_active:
            return "", "login deactivated"
        return user.email, "" if user.email else "no email address"
    person = reminder.record.person
    email = person.email or (person.user.email if person.user_id else "")
    return email, "" if email else "no email address"


def _deliver_one(reminder_id: int, link_base: str) -> int:
    with transaction.atomic():
        reminder = (
            TrainingReminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "recipient",
                "record__person__user",
                "record__person__organisation",
                "record__requirement",
            )
            .filter(pk=reminder_id, sent_at__isnull=True)
            .first()
        )
        if reminder is None:
            return 0  # already sent, or being sent by another run right now
        email, why_not = _address(reminder)
        if why_not:
            reminder.failure = why_not
            reminder.sent_at = timezone.now()
            reminder.save(update_fields=["failure", "sent_at"])
            return 0
        subject, body = render(reminder, link_base=link_base)
        # Sent inside the transaction: if sending fails, the reminder stays unsent.
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
        return 1


def render(reminder: TrainingReminder, *, link_base: str = "") -> tuple[str, str]:
    record = reminder.record
    to_person = reminder.recipient_id is None
    if to_person:
        link = site_link(reverse("workforce:my_profile"), base=link_base)
    else:
        link = site_link(
            reverse("workforce:person", kwargs={"pk": record.person_id}), base=link_base
        )
    context = {
        "to_person": to_person,
        "on_the_day": reminder.kind == Kind.ON_THE_DAY,
        "greeting": record.person.display_name if to_person else "",
        "item": record.requirement.item,
        "expires_on": record.expires_on,
        "completed_on": record.completed_on,
        "days_left": (record.expires_on - reminder.due_on).days,
        "has_login": bool(record.person.user_id),
        "organisation": record.person.organisation.name,
        "link": link,
    }
    subject = render_to_string("workforce/email/training_reminder_subject.txt", context)
    body = render_to_string("workforce/email/training_reminder_body.txt", context)
    return " ".join(subject.split()), body
