"""Writers in different organisations never wait on each other (issue 23, target 4).

    python bench/writers.py [--scale 1] [--seconds 15] [--writers 1,2,4] [--var-dir DIR]

Seeds the benchmark data (bench/seed.py) with one organisation per writer, then for each
writer count runs that many writer processes at once, each in its own organisation, each
logging supervision sessions through the app's own service (`session_log`: the session,
its supervisee, its notes, the audit entry, the row history and the figures versions, one
transaction each) as fast as it can for `--seconds`. Meanwhile a monitor connection reads
`pg_stat_activity` every few milliseconds and counts the backends it finds waiting on a
lock. Prints, per writer count: commits, commits per second, its ratio to one writer, the
p50/p95 commit time and the lock-wait samples seen.

Each writer is a separate process (Django's ORM holds the GIL), started with the same
environment the benchmark server gets (bench/harness.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402


def _worker(organisation_name: str, start_at: float, seconds: float) -> None:
    """One writer: log sessions in `organisation_name` until `seconds` after `start_at`;
    print {"commits": n, "refused": n, "times": [...]} as JSON."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    import datetime

    from django.utils import timezone

    from supervision import services
    from supervision.models import SessionSupervisee, SupervisionSession
    from supervision.services import SupervisionError
    from workforce.register.models import Assignment

    today = timezone.localdate()
    pairs = [
        (a.supervisor, a.person)
        for a in Assignment.objects.filter(
            person__organisation__name=organisation_name,
            supervisor__isnull=False,
            start_date__lte=today - datetime.timedelta(days=200),
        )
        .current()
        .select_related("supervisor", "person")
        .order_by("pk")
    ]
    if not pairs:
        raise SystemExit(f"{organisation_name}: no supervised assignment to log sessions for")
    kind = SupervisionSession.Kind.LINE_MANAGEMENT
    taken = set(
        SessionSupervisee.objects.filter(
            person__organisation__name=organisation_name, kind=kind
        ).values_list("person_id", "date")
    )
    # A (person, day) pair at a time, newest days first, skipping those already logged (by
    # the seed or an earlier run), so no log repeats another's.
    todo = (
        (pair, date)
        for date in (today - datetime.timedelta(days=n) for n in range(1, 200))
        for pair in pairs
        if (pair[1].pk, date) not in taken
    )
    times, refused = [], 0
    while time.time() < start_at:
        time.sleep(0.005)
    deadline = start_at + seconds
    while time.time() < deadline:
        (supervisor, person), date = next(todo)
        began = time.perf_counter()
        try:
            services.session_log(
                logged_by=supervisor,
                supervisor=supervisor,
                supervisees=[person],
                date=date,
                minutes=60,
                kind=kind,
                format=SupervisionSession.Format.IN_PERSON,
            )
        except SupervisionError:
            refused += 1  # e.g. a day outside the assignment: nothing written
            continue
        times.append(time.perf_counter() - began)
    print(json.dumps({"commits": len(times), "refused": refused, "times": times}))


def _lock_waits(url: str, stop: threading.Event, found: list[int]) -> None:
    """Count, every few milliseconds, the backends waiting on a lock (found[0]: samples
    taken, found[1]: waiting backends seen)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.is_set():
            waiting = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database()"
            ).fetchone()[0]
            found[0] += 1
            found[1] += waiting
            time.sleep(0.002)


def run(writers: list[int], seconds: float, env: dict[str, str], url: str) -> list[dict]:
    results = []
    for count in writers:
        start_at = time.time() + 8  # time for every process to set Django up
        processes = [
            subprocess.Popen(
                [
                    harness.PYTHON,
                    __file__,
                    "--worker",
                    f"Bench trust {index + 1}",
                    str(start_at),
                    str(seconds),
                ],
                env=env,
                cwd=harness.BASE_DIR,
                stdout=subprocess.PIPE,
                text=True,
            )
            for index in range(count)
        ]
        stop, found = threading.Event(), [0, 0]
        while time.time() < start_at:
            time.sleep(0.01)
        monitor = threading.Thread(target=_lock_waits, args=(url, stop, found))
        monitor.start()
        outputs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in processes]
        stop.set()
        monitor.join()
        if any(p.returncode for p in processes):
            raise SystemExit("a writer failed")
        times = sorted(t for out in outputs for t in out["times"])
        results.append(
            {
                "writers": count,
                "commits": len(times),
                "per_second": len(times) / seconds,
                "p50_ms": 1000 * statistics.median(times),
                "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
                "refused": sum(out["refused"] for out in outputs),
                "samples": found[0],
                "lock_waits": found[1],
            }
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--writers", default="1,2,4")
    parser.add_argument("--var-dir", default="/tmp/wf-bench-writers")  # noqa: S108
    args = parser.parse_args(argv)
    writers = [int(n) for n in args.writers.split(",")]
    with harness.Database(args.var_dir) as database:
        env = harness.django_env(database.url, debug=True, var_dir=args.var_dir)
        harness.manage("migrate", "--noinput", "-v0", env=env)
        if database.psql("SELECT count(*) FROM workforce_organisation") == "0":
            harness.seed("--scale", str(args.scale), "--organisations", str(max(writers)), env=env)
        results = run(writers, args.seconds, env, database.url)
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        print(f"\nWriters, each in its own organisation: {args.seconds:g} s each, commit {commit}")
        print("writers  commits  per s  vs 1  p50 ms  p95 ms  refused  lock-wait samples")
        one = results[0]["per_second"]
        for r in results:
            print(
                f"{r['writers']:>7}  {r['commits']:>7}  {r['per_second']:5.1f}"
                f"  {r['per_second'] / one:4.2f}  {r['p50_ms']:6.1f}  {r['p95_ms']:6.1f}"
                f"  {r['refused']:>7}  {r['lock_waits']} in {r['samples']}"
            )
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit(main())
