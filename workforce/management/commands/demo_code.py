from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workforce.demo import twofactor as demo_twofactor


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of the demo logins (local use only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code refuses to run with DJANGO_DEBUG off.")
        self.stdout.write(
            f"Current code: {demo_twofactor.current_code()} (changes every 30 seconds)\n"
            f"Or add this key to an authenticator app: {demo_twofactor.demo_key_base32()}"
        )
