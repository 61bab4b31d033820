from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workforce import demo


class Command(BaseCommand):
    help = "Load the demo organisations, teams and logins (local use only; safe to rerun)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run with DJANGO_DEBUG off: demo logins share a published "
                "password and must never exist in production."
            )
        created = demo.seed()
        if any(created.values()):
            summary = ", ".join(f"{count} {what}" for what, count in created.items() if count)
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary} created."))
        else:
            self.stdout.write("Demo data already present: nothing to do.")
