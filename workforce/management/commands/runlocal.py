import os
import signal
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from workforce import demo

MANAGE = Path(__file__).resolve().parents[3] / "manage.py"


class Command(BaseCommand):
    help = (
        "Migrate, load the demo data once, start the job worker and serve on "
        "http://127.0.0.1:8000 (`make run`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        # runserver's autoreloader re-runs this command in a child (RUN_MAIN=true):
        # set up, and start the worker, only once, in the outer process.
        if os.environ.get("RUN_MAIN") == "true":
            call_command("runserver", addrport)
            return
        call_command("migrate", interactive=False, verbosity=1)
        call_command("seed_demo")
        self.stdout.write("\n" + demo.logins_table())
        self.stdout.write(f"\nServing on http://{addrport}/  (Ctrl-C to stop)\n")
        # The worker sends the emails and runs the scheduled reminders, as in production
        # (docs/deployment.md, "The worker"); it inherits the embedded database's address.
        worker = subprocess.Popen([sys.executable, str(MANAGE), "procrastinate", "worker"])  # noqa: S603
        # A SIGTERM ends the server through the `finally` below, so the worker goes with it.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", addrport)
        finally:
            _stop(worker)


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
