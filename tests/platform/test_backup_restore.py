"""Backup and restore, as docs/operations.md describes: pg_dump of the demo data restored
into a fresh database holds every record of every table."""

import contextlib
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _client_bin(name: str) -> str:
    from workforce.platform import pgembed

    candidates = []
    with contextlib.suppress(pgembed.EmbeddedPostgresError):
        candidates.append(Path(pgembed.find_bindir()) / name)
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    for path in candidates:
        if path.exists():
            return str(path)
    pytest.fail(f"{name} is needed for backups and was not found")


def _conninfo(dbname: str) -> list[str]:
    s = connection.settings_dict
    host = s["HOST"] or s["OPTIONS"].get("host", "")
    args = ["-h", host, "-U", s["USER"] or "postgres", "-d", dbname]
    if s.get("PORT"):
        args += ["-p", str(s["PORT"])]
    return args


def _table_counts(dbname: str) -> dict[str, int]:
    import psycopg

    s = connection.settings_dict
    params = {
        "host": s["HOST"] or s["OPTIONS"].get("host"),
        "user": s["USER"],
        "password": s["PASSWORD"] or None,
        "port": s["PORT"] or None,
        "dbname": dbname,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


@contextlib.contextmanager
def restored_copy(tmp_path, suffix: str = "restored"):
    """Dump the test database with pg_dump, restore it with pg_restore into a new database
    as docs/operations.md says, yield that database's name, and drop it afterwards."""
    source = connection.settings_dict["NAME"]
    restored = f"{source}_{suffix}"
    dump = tmp_path / "backup.dump"
    env = {"PGPASSWORD": connection.settings_dict["PASSWORD"] or ""}
    subprocess.run(
        [_client_bin("pg_dump"), "--format=custom", "--no-owner", "--file", str(dump)]
        + _conninfo(source),
        check=True,
        env=env,
    )
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            [_client_bin("pg_restore"), "--no-owner", "--exit-on-error"]
            + _conninfo(restored)
            + [str(dump)],
            check=True,
            env=env,
        )
        yield restored
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')


def test_dump_and_restore_keeps_every_record(demo_seeded, tmp_path):
    with restored_copy(tmp_path) as restored:
        before = _table_counts(connection.settings_dict["NAME"])
        after = _table_counts(restored)
        assert before == after
        assert before["workforce_person"] > 0 and before["auth_user"] > 0
