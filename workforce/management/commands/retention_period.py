from django.core.management.base import BaseCommand, CommandError

from workforce import retention
from workforce.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Show or set one organisation's retention periods, in months, per record type "
        "(audited in that organisation). Without --record-type, lists them all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="Its exact name.")
        parser.add_argument("--record-type", choices=sorted(retention.DEFAULT_PERIODS))
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--months", type=int, help="The organisation's own period.")
        group.add_argument(
            "--default", action="store_true", help="Go back to the installation's default."
        )

    def handle(self, *args, organisation, record_type=None, months=None, default=False, **_):
        org = Organisation.objects.filter(name=organisation).first()
        if org is None:
            raise CommandError(f"No organisation is called {organisation!r}.")
        if record_type and (months is not None or default):
            try:
                retention.retention_period_set(
                    organisation=org, record_type=record_type, months=None if default else months
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
        elif record_type or months is not None or default:
            raise CommandError("Give --record-type with --months or --default.")
        own = set(org.retention_periods.values_list("record_type", flat=True))
        for key, value in retention.periods(org).items():
            mark = "" if key not in own else " (this organisation's own)"
            self.stdout.write(f"{key}: {value} months{mark}")
