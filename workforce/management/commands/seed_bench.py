"""`manage.py seed_bench --scale N`: generate benchmark data (see workforce/benchseed.py)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workforce import benchseed


class Command(BaseCommand):
    help = (
        "Generate benchmark data in bulk: at --scale 10 about 20,000 people, 1,000,000 "
        "supervision sessions, 100,000 incidents and 2,000,000 claims. Benchmark "
        "databases only: it refuses a database that already holds other data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = one large trust.")
        parser.add_argument(
            "--organisations",
            type=int,
            default=None,
            help="How many organisations (default: the scale, rounded, at least 1).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DJANGO_DEBUG off. The bench logins share a published "
            "password: never use this on a database real people use.",
        )

    def handle(self, *args, scale, allow_production, organisations, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "seed_bench refuses to run with DJANGO_DEBUG off: its logins share a published "
                "password. On a throwaway benchmark database, pass --allow-production."
            )
        bench, other = benchseed.existing_data()
        if other:
            raise CommandError(
                f"This database already holds {other} organisation(s) that are not benchmark "
                "data. seed_bench only fills an empty database (use a fresh WORKFORCE_VAR_DIR "
                "or DATABASE_URL)."
            )
        if bench:
            raise CommandError(
                "Benchmark data is already here; nothing was changed. Start from an empty "
                "database to generate it again."
            )
        the_plan = benchseed.plan(scale, organisations)
        self.stdout.write(
            f"Generating benchmark data at scale {scale:g} ({len(the_plan.orgs)} organisations)..."
        )
        started = time.monotonic()
        try:
            the_plan = benchseed.generate(scale, log=self.stdout.write, organisations=organisations)
        except benchseed.BenchDataError as exc:
            raise CommandError(str(exc)) from exc
        took = time.monotonic() - started
        self.stdout.write("")
        width = max(len(label) for label, _ in benchseed.COUNTED_TABLES)
        for label, count in benchseed.row_counts():
            self.stdout.write(f"  {label:<{width}}  {count:>10,}")
        self.stdout.write(self.style.SUCCESS(f"Generated in {took:.1f} s."))
