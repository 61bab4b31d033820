"""Row triggers do not fire on TRUNCATE, so every table whose rows the database refuses to
delete also has a statement trigger refusing TRUNCATE (workforce_refuse_truncate()). The
catalogue test below finds the guarded tables from pg_trigger, so a new guarded table
without the truncate trigger fails it. The test suite's own flush gets past the trigger the
one way production's app role cannot: session_replication_role (tests/conftest.py)."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from tests import factories

# tgtype bits: 1 FOR EACH ROW, 2 BEFORE, 8 DELETE, 32 TRUNCATE. A before-delete trigger
# refuses only if its function can raise; one that keeps bookkeeping (the job queue's) does not.
REFUSING_DELETE = """
    SELECT DISTINCT c.relname FROM pg_trigger t
      JOIN pg_class c ON c.oid = t.tgrelid
      JOIN pg_proc p ON p.oid = t.tgfoid
     WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
       AND t.tgtype & 11 = 11 AND p.prosrc ~* '\\mRAISE\\M'
"""
REFUSING_TRUNCATE = """
    SELECT DISTINCT c.relname FROM pg_trigger t
      JOIN pg_class c ON c.oid = t.tgrelid
      JOIN pg_proc p ON p.oid = t.tgfoid
     WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
       AND t.tgtype & 35 = 34 AND p.proname = 'workforce_refuse_truncate'
       AND t.tgenabled = 'O'
"""
REFUSED = "cannot be truncated"


def _tables(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row[0] for row in cursor.fetchall()}


def _counts(tables):
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(tables):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        return counts


def _refused(sql, match=REFUSED):
    with (
        pytest.raises(IntegrityError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Rows written earlier in the test's transaction leave deferred checks queued, and
        # TRUNCATE refuses to start while a table has any: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)


@pytest.fixture
def guarded_rows(personas, exported_claim, org):
    """Rows in the guarded tables: an exported claim in a batch, a reported incident with
    its chronology, a published role version with its lists, and their audit and history."""
    peer, supervisor = personas["peer"], personas["supervisor"]
    factories.supervise(org, personas["lead"], peer, supervisor)
    factories.incident_in(
        "triaged",
        reporter=supervisor,
        worker=peer,
        manager=supervisor,
        safeguarding_lead=personas["safeguarding"],
    )


def test_every_table_that_refuses_delete_refuses_truncate(db):
    refusing_delete = _tables(REFUSING_DELETE)
    assert {
        "workforce_auditentry",
        "history_readlogentry",
        "history_personevent",
        "incidents_incident",
        "incidents_incidentevent",
        "payments_batch",
        "payments_batchline",
        "payments_claim",
        "roles_roleversion",
    } <= refusing_delete
    assert refusing_delete - _tables(REFUSING_TRUNCATE) == set()


def test_truncate_is_refused_on_every_guarded_table(guarded_rows):
    tables = _tables(REFUSING_DELETE)
    before = _counts(tables)
    _refused("TRUNCATE incidents_incidentevent")
    for table in sorted(tables):
        # As `manage.py flush` does it; the named table's trigger fires first.
        _refused(
            f'TRUNCATE "{table}" RESTART IDENTITY CASCADE',
            match=f"{table} {REFUSED}",
        )
    assert _counts(tables) == before
    assert all(
        before[t]
        for t in [
            "workforce_auditentry",
            "history_personevent",
            "incidents_incident",
            "incidents_incidentevent",
            "payments_batch",
            "payments_batchline",
            "payments_claim",
            "roles_roleversion",
            "roles_roleduty",
        ]
    ), before


@pytest.mark.parametrize("parent", ["workforce_organisation", "workforce_person", "auth_user"])
def test_truncating_a_parent_cannot_cascade_into_guarded_tables(guarded_rows, parent):
    tables = _tables(REFUSING_DELETE) | {parent}
    before = _counts(tables)
    _refused(f"TRUNCATE {parent} CASCADE")
    assert _counts(tables) == before
    assert before[parent] and before["payments_batchline"] and before["incidents_incidentevent"]


@pytest.mark.django_db(transaction=True)
def test_the_test_suites_flush_still_empties_guarded_tables(guarded_rows):
    tables = _tables(REFUSING_DELETE)
    assert _counts({"workforce_auditentry", "payments_batchline"}) != {
        "workforce_auditentry": 0,
        "payments_batchline": 0,
    }
    call_command("flush", interactive=False, verbosity=0)
    assert set(_counts(tables).values()) == {0}
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
    # Outside the flush, the session is an ordinary one again.
    _refused("TRUNCATE workforce_auditentry")
