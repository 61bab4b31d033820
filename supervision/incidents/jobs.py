"""The scheduled job: every 15 minutes the worker records the reminders that have come due
(overdue incident steps, expiring training), queues their emails, and sends any email a
failed job left waiting. `manage.py send_reminders` runs the same once, by hand."""

from __future__ import annotations

from django.utils import timezone
from procrastinate.contrib.django import app

from supervision.incidents import deadlines
from supervision.incidents.models import NoticeKind
from supervision.incidents.services import notify, reminders
from workforce.platform import mail
from workforce.register.services import training_reminders

CRON = "*/15 * * * *"


def run_reminders(*, link_base: str = "") -> list[str]:
    """Record what has come due, each with the job that sends its email, and send what
    earlier runs and changes left unsent; a line for each kind of email. `link_base`
    overrides SITE_URL in what this run sends itself."""
    # Only what was recorded before this run: what it records has jobs of its own. Incident
    # notices are stamped with the incidents' clock, the rest with the real one.
    started, notices_started = timezone.now(), deadlines.now()
    swept = {
        "incidents": notify.deliver(link_base=link_base, recorded_before=notices_started),
        "training": training_reminders.deliver(link_base=link_base, recorded_before=started),
        "other": mail.send_waiting(recorded_before=started),
    }
    recorded = reminders.record_overdue()
    parts = [
        f"{recorded[kind]} {label.lower()}" for kind, label in NoticeKind.choices if recorded[kind]
    ]
    found = ", ".join(parts) if parts else "no new overdue steps"
    training = training_reminders.remind_due()
    return [
        f"Incident reminders: {found}; {recorded.total()} email(s) queued; "
        f"{swept['incidents']} earlier email(s) sent.",
        f"Training reminders: {training} email(s) queued; "
        f"{swept['training']} earlier email(s) sent.",
        f"Other emails: {swept['other']} earlier email(s) sent.",
    ]


@app.periodic(cron=CRON, periodic_id="send_reminders")
@app.task(name="send_reminders", queue="reminders")
def send_reminders(timestamp: int) -> list[str]:
    return run_reminders()
