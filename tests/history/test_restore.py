"""A pg_dump restored into a fresh database keeps row history working: the tracking triggers
record a raw SQL write there, and its history tables still refuse changes."""

import psycopg
import pytest
from django.db import connection

from tests.factories import PersonFactory
from tests.platform.test_backup_restore import restored_copy

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
    with restored_copy(tmp_path, "history_restored") as restored, _connect(restored) as conn:
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
