"""History and the read log are append-only: the database refuses UPDATE and DELETE on
every one of their tables, from the ORM or from raw SQL."""

import pytest
from django.db import IntegrityError, connection, transaction

from tests.factories import PersonFactory
from workforce.history import models as history
from workforce.models import Person
from workforce.platform.read_log import What, read_log_record

HISTORY_TABLES = [m._meta.db_table for m in [*history.event_models(), history.ReadLogEntry]]


def _refused(sql, params=()):
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@pytest.mark.parametrize("table", HISTORY_TABLES)
def test_every_history_table_refuses_update_and_delete(table, db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        definitions = [row[0] for row in cursor.fetchall()]
    assert any(
        "BEFORE DELETE OR UPDATE" in d and "workforce_refuse_change()" in d for d in definitions
    ), definitions


def test_raw_sql_cannot_change_or_remove_row_history(org):
    person = PersonFactory(organisation=org, status="active")
    Person.objects.filter(pk=person.pk).update(status="paused")
    table = history.PersonEvent._meta.db_table
    _refused(f"UPDATE {table} SET status = 'left' WHERE pgh_obj_id = %s", [person.pk])  # noqa: S608
    _refused(f"DELETE FROM {table} WHERE pgh_obj_id = %s", [person.pk])  # noqa: S608
    _refused(f"UPDATE {table} SET pgh_context = '{{}}'::jsonb")  # noqa: S608
    assert list(
        history.PersonEvent.objects.filter(pgh_obj_id=person.pk)
        .order_by("pgh_id")
        .values_list("status", flat=True)
    ) == ["active", "paused"]


def test_the_orm_cannot_change_or_remove_row_history(org):
    person = PersonFactory(organisation=org)
    events = history.PersonEvent.objects.filter(pgh_obj_id=person.pk)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        events.update(status="left")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        events.delete()
    assert events.count() == 1


def test_the_read_log_cannot_be_changed_or_removed(org, peer):
    entry = read_log_record(user=peer, obj=peer.person, what=What.WELLBEING_PLAN)
    table = history.ReadLogEntry._meta.db_table
    _refused(f"UPDATE {table} SET user_id = user_id WHERE id = %s", [entry.pk])  # noqa: S608
    _refused(f"DELETE FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        history.ReadLogEntry.objects.filter(pk=entry.pk).delete()
    assert history.ReadLogEntry.objects.filter(pk=entry.pk).exists()
