"""Email the owner of every overdue incident step, remind people and their supervisors of
training about to expire, and send any email still waiting.

Idempotent: every email is recorded (IncidentNotice, TrainingReminder) before it is sent and
keyed by what it is about and its recipient, so a rerun sends nothing twice. Safe to run as
often as you like; the worker runs the same every 15 minutes (supervision/incidents/jobs.py).
"""

from django.core.management.base import BaseCommand

from supervision.incidents import jobs


class Command(BaseCommand):
    help = (
        "Email reminders for overdue incident steps and expiring training "
        "(idempotent: a rerun sends nothing twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="",
            help="The site's address for links in the emails this run sends itself (those "
            "left unsent earlier), e.g. https://workforce.example.org (default: "
            "settings.SITE_URL, which queued emails always use).",
        )

    def handle(self, *args, base_url="", **options):
        for line in jobs.run_reminders(link_base=base_url):
            self.stdout.write(line)
