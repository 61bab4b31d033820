"""A pg_dump restored into a fresh database keeps row history working: the tracking triggers
record a raw SQL write there, and its history tables still refuse changes."""

import subprocess

import psycopg
import pytest
from django.db import connection

from tests.factories import PersonFactory
from tests.test_backup_restore import _client_bin, _conninfo

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _connect(dbname: str) -> psycopg.Connection:
    s = connection.settings_dict
    params = {
        "host": s["HOST"] or s["OPTIONS"].get("host"),
        "user": s["USER"],
        "password": s["PASSWORD"] or None,
        "port": s["PORT"] or None,
        "dbname": dbname,
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


def test_a_restored_database_keeps_recording_history(org, tmp_path):
    person = PersonFactory(organisation=org, status="active")
    source = connection.settings_dict["NAME"]
    restored = f"{source}_history_restored"
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
        with _connect(restored) as conn:
            conn.execute(
                "UPDATE workforce_person SET status = 'paused' WHERE id = %s",
                [person.pk],
            )
            labels = conn.execute(
                "SELECT pgh_label, status FROM history_personevent "
                "WHERE pgh_obj_id = %s ORDER BY pgh_id",
                [person.pk],
            ).fetchall()
            assert labels == [("insert", "active"), ("update", "paused")]
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
                conn.execute("DELETE FROM history_personevent")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
