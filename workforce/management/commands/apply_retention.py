from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workforce import retention
from workforce.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Delete or anonymise records past their retention period, organisation by "
        "organisation (workforce/retention.py; each organisation's own periods, else the "
        "defaults). Each change is audited; all or nothing; safe to rerun. --dry-run shows "
        "what would happen, and why, and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what is due and why; change nothing."
        )
        parser.add_argument("--organisation", help="Only this organisation (its exact name).")

    def handle(self, *args, dry_run=False, organisation=None, **options):
        org = None
        if organisation:
            org = Organisation.objects.filter(name=organisation).first()
            if org is None:
                raise CommandError(f"No organisation is called {organisation!r}.")
        try:
            outcomes = retention.apply_retention(
                today=timezone.localdate(), dry_run=dry_run, organisation=org
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Retention (dry run, nothing changed):" if dry_run else "Retention:")
        current = None
        for outcome in outcomes:
            if outcome.organisation != current:
                current = outcome.organisation
                self.stdout.write(f"{current.name}:")
            self.stdout.write(f"  {outcome.line(dry_run)}")
            for reason in outcome.reasons:
                self.stdout.write(f"    - {reason}")
            if len(outcome.reasons) < outcome.count:
                self.stdout.write(f"    - and {outcome.count - len(outcome.reasons)} more")
        done = sum(o.count for o in outcomes if o.rule.apply is not None)
        if dry_run:
            self.stdout.write(f"{done} record(s) would change.")
        else:
            self.stdout.write(f"{done} record(s) changed; each has an audit entry.")
