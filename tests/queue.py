"""Run the jobs waiting in procrastinate's table inside the test's own transaction.

The worker (`manage.py procrastinate worker`) cannot see a test's uncommitted rows, so tests
that only need a job's effect run it here, fetched and finished by procrastinate's own SQL
functions, as the worker does. tests/platform/test_queue.py runs the real worker against a
real mail server."""

import json

from django.db import connection
from procrastinate.contrib.django import app


def run_jobs() -> list[tuple[str, object]]:
    """Run every job due now, oldest first, until none is left; (task name, its result or
    the exception it raised) for each. A failed job is finished as failed, not retried."""
    done = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT worker_id FROM procrastinate_register_worker_v1()")
        (worker,) = cursor.fetchone()
        while True:
            cursor.execute(
                "SELECT id, task_name, args FROM procrastinate_fetch_job_v2(NULL, %s)", [worker]
            )
            job_id, name, args = cursor.fetchone()
            if job_id is None:
                break
            # Django reads jsonb as text and leaves decoding to the field.
            args = json.loads(args) if isinstance(args, str) else args
            try:
                result, status = app.tasks[name](**args), "succeeded"
            except Exception as error:
                result, status = error, "failed"
            cursor.execute("SELECT procrastinate_finish_job_v1(%s, %s, false)", [job_id, status])
            done.append((name, result))
        cursor.execute("SELECT procrastinate_unregister_worker_v1(%s)", [worker])
    return done


def sent(done) -> int:
    """How many emails the jobs sent (each sending task returns 1 or True when it sent)."""
    return sum(1 for _, result in done if result == 1)
