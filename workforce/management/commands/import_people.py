from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from workforce.organisations.models import Organisation
from workforce.register import people_csv, services
from workforce.register.services.imports import ImportRejected


class Command(BaseCommand):
    help = (
        "Import people from a CSV file into one organisation's register. Every row is checked "
        "first; any problem means nothing is imported. Safe to rerun: people are matched on "
        "email within the organisation."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a UTF-8 CSV file with a header row.")
        parser.add_argument(
            "--organisation",
            required=True,
            help="The organisation's name (or its id) whose register the people join.",
        )
        parser.add_argument(
            "--as",
            dest="actor",
            default="",
            help="Username to record in the audit trail as having imported (optional).",
        )

    def handle(self, *args, file, organisation, actor, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        # Refuse a huge file before reading it into memory.
        size = path.stat().st_size
        if size > people_csv.MAX_BYTES:
            raise CommandError(
                f"{path} is {size / 1024 / 1024:.1f} MB; the limit is "
                f"{people_csv.MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
            )
        org = self._organisation(organisation)
        by = None
        if actor:
            by = get_user_model().objects.filter(username=actor).first()
            if by is None:
                raise CommandError(f"No login called {actor!r}.")
        try:
            result = services.people_import(organisation=org, data=path.read_bytes(), by=by)
        except people_csv.ImportFileError as error:
            raise CommandError(f"{path}: {error.message}") from error
        except ImportRejected as rejected:
            for problem in rejected.errors:
                column = problem.column or "(whole row)"
                self.stderr.write(f"row {problem.row}, {column}: {problem.problem}")
            raise CommandError(rejected.message) from rejected
        self.stdout.write(self.style.SUCCESS(f"Imported into {org.name}: {result.summary()}."))

    def _organisation(self, wanted: str) -> Organisation:
        found = Organisation.objects.filter(name__iexact=wanted.strip())
        if not found and wanted.strip().isdigit():
            found = Organisation.objects.filter(pk=int(wanted))
        if not found:
            names = ", ".join(Organisation.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f"No organisation called {wanted!r}. Organisations: {names}.")
        return found.get()
