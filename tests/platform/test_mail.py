"""Emails through the queue (workforce/platform/mail.py): recorded with their job in the
change's transaction, sent once, failures counted and retried with a growing wait."""

import pytest
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from tests.queue import run_jobs
from workforce.models import OutboundEmail
from workforce.platform import mail


class _Job:
    def __init__(self, attempts):
        self.attempts = attempts


def _wait(attempts):
    """Seconds until the retry after `attempts` failed attempts; None for no retry."""
    before = timezone.now()
    decision = mail.EMAIL_RETRY.get_retry_decision(exception=OSError(), job=_Job(attempts))
    return None if decision is None else round((decision.retry_at - before).total_seconds())


def test_each_retry_waits_longer_and_the_last_attempt_gives_up(settings):
    settings.EMAIL_RETRY_WAIT, settings.EMAIL_RETRY_ATTEMPTS = 2, 5
    assert [_wait(n) for n in range(5)] == [
        2,
        4,
        8,
        16,
        None,  # five attempts made: the 15-minute sweep takes over
    ]


def test_a_queued_email_goes_with_its_transaction(db, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        mail.queue_email(to="a@example.org", subject="Hello", body="Hi.")
        raise RuntimeError("the change failed")
    assert not OutboundEmail.objects.exists() and not ProcrastinateJob.objects.exists()

    email = mail.queue_email(to="a@example.org", subject="Hello", body="Hi.")
    (job,) = ProcrastinateJob.objects.all()
    assert (job.task_name, job.queue_name, job.args) == (
        "send_email",
        "email",
        {"email_id": email.pk},
    )
    assert mailoutbox == []  # nothing until the worker runs
    assert run_jobs() == [("send_email", True)]
    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [(["a@example.org"], "Hello", "Hi.")]
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 1


def test_an_email_is_sent_once_however_often_its_job_runs(db, mailoutbox):
    email = mail.queue_email(to="a@example.org", subject="Hello", body="Hi.")
    assert mail.send_email(email.pk) is True
    assert mail.send_email(email.pk) is False
    assert mail.send_waiting() == 0
    assert len(mailoutbox) == 1


def test_a_failure_is_counted_and_left_for_the_next_try(db, mailoutbox, monkeypatch):
    email = mail.queue_email(to="a@example.org", subject="Hello", body="Hi.")

    def down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(mail, "send_mail", down)
    with pytest.raises(ConnectionRefusedError):
        mail.send_email(email.pk)
    email.refresh_from_db()
    assert email.sent_at is None and email.attempts == 1
    assert email.last_error.startswith("ConnectionRefusedError")
    monkeypatch.undo()
    assert mail.send_waiting() == 1 and len(mailoutbox) == 1
