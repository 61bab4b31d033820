"""The demo data as rows, seeded once per test worker and copied into each test that needs it.

`seed_demo` goes through the services (audit, history, kept state, two-step devices), which
is what makes the demo real and what makes it one of the dearest fixtures of the suite. A
dozen tests only need the demo present, not the seeding itself: each gets the rows one real
seed produced, written back with COPY. The seed's own tests (tests/*/test_demo.py) still
seed for real to prove seeding again changes nothing, and tests/test_demo.py proves that a
real seed writes the same number of rows to every table as the copy.

Rows are written back with the triggers off (session_replication_role = replica): the
history, audit and kept-state rows those triggers wrote during the real seed are among the
rows copied, so firing them again would write everything twice.
"""

from collections import Counter
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings


@dataclass(frozen=True)
class DemoRows:
    # table -> the rows the seed added, in COPY's text format (one line per row)
    tables: dict[str, list[str]]

    def counts(self) -> dict[str, int]:
        return {table: len(lines) for table, lines in self.tables.items()}


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(
            table
            for table in connection.introspection.table_names(cursor)
            if table != "django_migrations"
        )


def _dump(tables) -> dict[str, list[str]]:
    rows = {}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in tables:
            with raw.copy(f'COPY "{table}" TO STDOUT') as copy:
                text = b"".join(bytes(block) for block in copy).decode()
            # COPY's text format escapes newlines inside values, so each line is a row.
            rows[table] = text.split("\n")[:-1]
    return rows


def added_rows(before: dict[str, list[str]], after: dict[str, list[str]]) -> dict[str, list]:
    """The rows in `after` that were not in `before`. A row of `before` missing from `after`
    means the seed changed or deleted a row that was there already, which copying new rows
    cannot reproduce: that is refused."""
    added = {}
    for table, lines in after.items():
        old, new = Counter(before.get(table, [])), Counter(lines)
        if old - new:
            raise AssertionError(f"seeding changed rows that existed before it, in {table}")
        extra = list((new - old).elements())
        if extra:
            added[table] = extra
    return added


def seed_for_real() -> dict[str, list[str]]:
    """Seed the demo through `seed_demo` in the current transaction; return the rows added."""
    tables = _tables()
    before = _dump(tables)
    with override_settings(DEBUG=True):  # seed_demo refuses to run otherwise
        call_command("seed_demo", verbosity=0)
    return added_rows(before, _dump(tables))


def build() -> DemoRows:
    """One real seed, kept as rows and rolled back (its emails, sent on commit, never go)."""
    with transaction.atomic():
        rows = seed_for_real()
        transaction.set_rollback(True)
    return DemoRows(rows)


def restore(rows: DemoRows) -> None:
    """Write the rows back into the current test's database, with the triggers off, then
    move each table's id sequence past them."""
    with connection.cursor() as cursor:
        raw = cursor.cursor
        cursor.execute("SET session_replication_role = 'replica'")
        try:
            for table, lines in rows.tables.items():
                with raw.copy(f'COPY "{table}" FROM STDIN') as copy:
                    copy.write("".join(line + "\n" for line in lines))
        finally:
            cursor.execute("SET session_replication_role = 'origin'")
        for table in rows.tables:
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, column_name) FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s"
                " AND column_name = 'id'",
                [f'"{table}"', table],
            )
            found = cursor.fetchone()
            if found and found[0]:
                cursor.execute(
                    f'SELECT setval(%s, GREATEST(nextval(%s), (SELECT max(id) FROM "{table}")))',  # noqa: S608
                    [found[0], found[0]],
                )
