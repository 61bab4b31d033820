from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workforce import retention


class Command(BaseCommand):
    help = (
        "Delete or anonymise records past their retention period (workforce/retention.py; "
        "periods from RETENTION_PERIODS). Each change is audited; all or nothing; safe to "
        "rerun. --dry-run shows what would happen and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what is due; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        try:
            outcomes = retention.apply_retention(today=timezone.localdate(), dry_run=dry_run)
        except ValueError as error:
            raise CommandError(str(error)) from error
        heading = "Retention (dry run, nothing changed):" if dry_run else "Retention:"
        self.stdout.write(heading)
        for outcome in outcomes:
            self.stdout.write(f"  {outcome.line(dry_run)}")
        done = sum(o.count for o in outcomes if o.rule.apply is not None)
        if dry_run:
            self.stdout.write(f"{done} record(s) would change.")
        else:
            self.stdout.write(f"{done} record(s) changed; each has an audit entry.")
