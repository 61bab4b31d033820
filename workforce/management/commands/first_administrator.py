from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from workforce.organisations.models import Organisation
from workforce.register.services import WorkforceError
from workforce.register.services.logins import organisation_first_administrator


class Command(BaseCommand):
    help = (
        "Give a new organisation its first administrator (audited there). Refused once it "
        "has one: its administrators then give capacities on the organisation's own page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="Its exact name.")
        parser.add_argument("--username", required=True, help="An existing login.")

    def handle(self, *args, organisation, username, **options):
        org = Organisation.objects.filter(name=organisation).first()
        if org is None:
            raise CommandError(f"No organisation is called {organisation!r}.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No login is called {username!r}.")
        try:
            organisation_first_administrator(user=user, organisation=org)
        except WorkforceError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{username} is now the administrator of {org.name}.")
