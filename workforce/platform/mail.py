"""Emails sent by the worker: queued in the transaction of the change, never lost, never
sent twice.

`queue_email` records the email (OutboundEmail) and defers the job that sends it, both
through the request's own database connection, so a change that rolls back leaves neither
and one that commits leaves both. The worker's job locks the row, sends, and marks it sent
in one transaction: if the mail server refuses or is down, the transaction rolls back, the
row stays unsent and the job is tried again later, waiting longer each time
(`EmailRetry`). After the last attempt, the scheduled sweep (`send_waiting`, run by the
worker every few minutes) keeps trying, so nothing waits for ever unnoticed.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from procrastinate import RetryDecision, RetryStrategy
from procrastinate.contrib.django import app

from workforce.platform.models import OutboundEmail

logger = logging.getLogger(__name__)


class EmailRetry(RetryStrategy):
    """Exponential backoff from settings read when a job fails, so a deployment (or a test)
    can change the waits without touching the task definitions."""

    def get_retry_decision(self, *, exception, job) -> RetryDecision | None:
        if job.attempts + 1 >= settings.EMAIL_RETRY_ATTEMPTS:
            return None
        return RetryDecision(retry_in={"seconds": settings.EMAIL_RETRY_WAIT ** (job.attempts + 1)})


# One strategy for every task that sends email.
EMAIL_RETRY = EmailRetry()
EMAIL_QUEUE = "email"


def queue_email(*, to: str, subject: str, body: str) -> OutboundEmail:
    """Record an email and queue its sending, in the current transaction."""
    email = OutboundEmail.objects.create(to=to, subject=subject, body=body)
    send_email.defer(email_id=email.pk)
    return email


@app.task(name="send_email", queue=EMAIL_QUEUE, retry=EMAIL_RETRY)
def send_email(email_id: int) -> bool:
    """Send one recorded email; True if this run sent it. Raises when the mail server
    fails, so the queue tries again."""
    try:
        with transaction.atomic():
            email = (
                OutboundEmail.objects.select_for_update(skip_locked=True)
                .filter(pk=email_id, sent_at__isnull=True)
                .first()
            )
            if email is None:
                return False  # sent already, or being sent by another worker right now
            send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to])
            email.sent_at = timezone.now()
            email.attempts += 1
            email.save(update_fields=["sent_at", "attempts"])
            return True
    except Exception as error:
        # Counted after the sending transaction has rolled back, so the count is kept.
        OutboundEmail.objects.filter(pk=email_id, sent_at__isnull=True).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:300]
        )
        raise


def send_unsent(records, send_one, *, what: str, recorded_before=None) -> int:
    """Send each of `records` still unsent (recorded before a time, if given), oldest first,
    with `send_one(pk)`, which says whether it sent; one that fails is logged and stays
    unsent for the next try. Returns how many were sent. Every kind of recorded email
    (notices, reminders, OutboundEmail) is swept up this way."""
    pending = records.filter(sent_at__isnull=True)
    if recorded_before is not None:
        pending = pending.filter(created_at__lt=recorded_before)
    sent = 0
    for pk in pending.order_by("created_at", "pk").values_list("pk", flat=True):
        try:
            sent += int(send_one(pk))
        except Exception:
            logger.exception("Could not send %s %s; it stays queued", what, pk)
    return sent


def send_waiting(*, recorded_before=None) -> int:
    """Send every recorded email still waiting (recorded before a time, if given); return
    how many were sent."""
    return send_unsent(
        OutboundEmail.objects.all(), send_email, what="email", recorded_before=recorded_before
    )
