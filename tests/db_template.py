"""One migrated template database for every test worker.

Migrating from nothing is the dearest step of a test run (Django re-renders the migration
state after almost every operation), and each pytest-xdist worker used to do it for its own
database. Now the first worker migrates a template under a file lock; every worker's database
is then a `CREATE DATABASE … TEMPLATE` copy, and Django's own `migrate` on the copy finds
nothing to apply (its post-migrate steps still run, so content types, permissions and
pgtrigger's triggers are the current code's).

The template's name carries a digest of every migration file and of the versions of the
libraries whose migrations or triggers it holds, so a changed migration builds a new one and
an unchanged one is reused by the next run on the same cluster (CI's cluster is new each run).
"""

import fcntl
import hashlib
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = [
    "django",
    "django-pghistory",
    "django-pgtrigger",
    "django-otp",
    "django-axes",
    "procrastinate",
]


def digest() -> str:
    content = hashlib.sha256()
    for library in LIBRARIES:
        content.update(f"{library}={version(library)}\n".encode())
    for path in sorted(ROOT.glob("**/migrations/*.py")):
        if ".venv" in path.parts:
            continue
        content.update(str(path.relative_to(ROOT)).encode())
        content.update(path.read_bytes())
    return content.hexdigest()[:12]


@contextmanager
def _locked(lock_path: Path):
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _databases(connection, like: str) -> set[str]:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [like])
        return {row[0] for row in cursor.fetchall()}


def _build(connection, name: str) -> None:
    """Migrate a database called `name`, through Django's own test-database creation, then
    put the connection's settings back as they were."""
    settings_dict = connection.settings_dict
    saved_name, saved_test = settings_dict["NAME"], dict(settings_dict["TEST"])
    settings_dict["TEST"] = {**saved_test, "NAME": name, "TEMPLATE": None}
    try:
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=False
        )
    finally:
        connection.close()
        settings_dict["NAME"], settings_dict["TEST"] = saved_name, saved_test


def use_template(lock_dir: Path) -> None:
    """Make sure the current template exists, then have this worker's test database made
    from it (Django's TEST["TEMPLATE"] setting)."""
    from django.db import connection

    base = f"test_{connection.settings_dict['NAME']}_template"
    name = f"{base}_{digest()}"
    with _locked(lock_dir / f"{base}.lock"):
        if name not in _databases(connection, name):
            building = f"{name}_building"
            with connection._nodb_cursor() as cursor:
                for stale in _databases(connection, f"{base}\\_%"):
                    cursor.execute(f'DROP DATABASE IF EXISTS "{stale}"')
            _build(connection, building)
            # Renamed only once migrated, so a build that died half way is never used.
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
                cursor.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    connection.settings_dict["TEST"]["TEMPLATE"] = name
