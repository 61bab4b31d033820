import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from workforce import demo


class Command(BaseCommand):
    help = "Migrate, load the demo data once and serve on http://127.0.0.1:8000 (`make run`)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        # runserver's autoreloader re-runs this command in a child (RUN_MAIN=true):
        # set up only once, in the outer process.
        if os.environ.get("RUN_MAIN") != "true":
            call_command("migrate", interactive=False, verbosity=1)
            call_command("seed_demo")
            self.stdout.write("\n" + demo.logins_table())
            self.stdout.write(f"\nServing on http://{addrport}/  (Ctrl-C to stop)\n")
        call_command("runserver", addrport)
