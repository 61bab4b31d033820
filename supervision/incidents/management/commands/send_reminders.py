"""Email the owner of every overdue incident step, remind people and their supervisors of
training about to expire, and send any email still waiting.

Idempotent: every email is recorded (IncidentNotice, TrainingReminder) before it is sent and
keyed by what it is about and its recipient, so a rerun sends nothing twice. Safe to run as
often as you like; every 15 minutes is a good rhythm (see docs/operations.md, "Scheduled jobs").
"""

from django.core.management.base import BaseCommand

from supervision.incidents.models import NoticeKind
from supervision.incidents.services import notify, reminders
from workforce.register.services import training_reminders


class Command(BaseCommand):
    help = (
        "Email reminders for overdue incident steps and expiring training "
        "(idempotent: a rerun sends nothing twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="",
            help="The site's address for links in emails, e.g. https://workforce.example.org "
            "(default: settings.SITE_URL).",
        )

    def handle(self, *args, base_url="", **options):
        recorded = reminders.record_overdue()
        # Everything unsent: the reminders just recorded, and any escalation email whose
        # immediate sending failed.
        sent = notify.deliver(link_base=base_url)
        parts = [
            f"{recorded[kind]} {label.lower()}"
            for kind, label in NoticeKind.choices
            if recorded.get(kind)
        ]
        found = ", ".join(parts) if parts else "no new overdue steps"
        self.stdout.write(f"Incident reminders: {found}; {sent} email(s) sent.")
        training = training_reminders.remind_due(link_base=base_url)
        self.stdout.write(
            f"Training reminders: {training['recorded']} new; {training['sent']} email(s) sent."
        )
