"""Supervision due dates kept by the database (supervision.models.SupervisionDue).

Compliance searched every person's sessions on every count: for a large trust that took
seconds each time a session was confirmed (bench/README.md). Each (assignment, supervision
requirement) now has a row holding its last counted session and the day it was first
required, rebuilt for the people a statement touches by statement triggers on sessions,
their supervisees, assignments and requirements, in the change's own transaction. The
rebuild is the from-scratch rule for those people, so the rows cannot drift from it;
tests compare them after random writes.
"""

import django.db.models.deletion
from django.db import migrations, models

# Who a changed row of each table concerns ("changed" is a transition table's row).
PERSONS_OF = {
    "supervision_sessionsupervisee": "SELECT changed.person_id FROM {rows} changed",
    "workforce_assignment": "SELECT changed.person_id FROM {rows} changed",
    "roles_supervisionrequirement": (
        "SELECT a.person_id FROM {rows} changed"
        " JOIN workforce_assignment a ON a.role_version_id = changed.version_id"
    ),
}

SQL = """
CREATE FUNCTION supervision_due_refresh(persons bigint[]) RETURNS void AS $$
DECLARE
    wanted bigint[];
BEGIN
    SELECT array_agg(DISTINCT p ORDER BY p) INTO wanted FROM unnest(persons) p
     WHERE p IS NOT NULL;
    IF wanted IS NULL THEN
        RETURN;
    END IF;
    -- Two transactions changing one person's clock take turns, in person order; each
    -- statement below then reads what the other committed (a fresh snapshot per
    -- statement under READ COMMITTED), so neither keeps a clock the other made stale.
    -- A statement touching many people (an import, a seed, this migration) takes one
    -- lock for everyone instead: a lock per person would fill the lock table.
    IF cardinality(wanted) > 64 THEN
        PERFORM pg_advisory_xact_lock(hashtext('supervision_due_all'), 0);
    ELSE
        PERFORM pg_advisory_xact_lock_shared(hashtext('supervision_due_all'), 0);
        PERFORM pg_advisory_xact_lock(hashtext('supervision_due'), (p % 2147483647)::integer)
           FROM unnest(wanted) p;
    END IF;
    PERFORM set_config('supervision.due_refresh', 'on', true);
    DELETE FROM supervision_supervisiondue WHERE person_id = ANY(wanted);
    INSERT INTO supervision_supervisiondue
           (assignment_id, requirement_id, person_id, kind, days, minutes,
            last_confirmed, required_since)
    SELECT a.id, r.id, a.person_id, r.kind, r.min_frequency_days, r.min_minutes,
           (SELECT s.date
              FROM supervision_sessionsupervisee s
              JOIN supervision_supervisionsession ss ON ss.id = s.session_id
             WHERE s.person_id = a.person_id AND s.kind = r.kind
               AND ss.status = 'confirmed' AND ss.minutes >= r.min_minutes
             ORDER BY s.date DESC
             LIMIT 1),
           (SELECT min(a2.start_date)
              FROM workforce_assignment a2
              JOIN roles_roleversion v2 ON v2.id = a2.role_version_id
              JOIN roles_supervisionrequirement r2 ON r2.version_id = v2.id
             WHERE a2.person_id = a.person_id AND v2.role_id = v.role_id
               AND r2.kind = r.kind)
      FROM workforce_assignment a
      JOIN roles_roleversion v ON v.id = a.role_version_id
      JOIN roles_supervisionrequirement r ON r.version_id = v.id
     WHERE a.person_id = ANY(wanted);
    PERFORM set_config('supervision.due_refresh', '', true);
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION supervision_due_guard() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('supervision.due_refresh', true), '') <> 'on' THEN
        RAISE EXCEPTION 'supervision due dates are kept by the database from sessions, '
            'assignments and requirements: change those instead'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER supervisiondue_guard
    BEFORE INSERT OR UPDATE OR DELETE ON supervision_supervisiondue
    FOR EACH STATEMENT EXECUTE FUNCTION supervision_due_guard();
CREATE TRIGGER supervisiondue_no_truncate
    BEFORE TRUNCATE ON supervision_supervisiondue
    FOR EACH STATEMENT EXECUTE FUNCTION workforce_refuse_truncate();

-- A session's status or length decides whether it counts (its date and type reach its
-- supervisee rows through their composite foreign key, and their own trigger).
CREATE FUNCTION supervision_due_session_changed() RETURNS trigger AS $$
BEGIN
    PERFORM supervision_due_refresh(ARRAY(
        SELECT l.person_id
          FROM due_new n
          JOIN due_old o ON o.id = n.id
          JOIN supervision_sessionsupervisee l ON l.session_id = n.id
         WHERE (n.status, n.minutes, n.date, n.kind)
               IS DISTINCT FROM (o.status, o.minutes, o.date, o.kind)));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER supervisiondue_session_update
    AFTER UPDATE ON supervision_supervisionsession
    REFERENCING OLD TABLE AS due_old NEW TABLE AS due_new
    FOR EACH STATEMENT EXECUTE FUNCTION supervision_due_session_changed();
"""


def _table_triggers(table: str, persons_of: str) -> str:
    new, old = persons_of.format(rows="due_new"), persons_of.format(rows="due_old")
    return f"""
CREATE FUNCTION {table}_due_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM supervision_due_refresh(ARRAY({new}));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM supervision_due_refresh(ARRAY({old}));
    ELSE
        PERFORM supervision_due_refresh(ARRAY({new} UNION {old}));
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER {table}_due_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS due_new
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_due_changed();
CREATE TRIGGER {table}_due_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS due_old NEW TABLE AS due_new
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_due_changed();
CREATE TRIGGER {table}_due_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS due_old
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_due_changed();
"""


TABLE_SQL = "".join(_table_triggers(table, query) for table, query in PERSONS_OF.items())

# Every clock, worked out once for the data already there.
BACKFILL = "SELECT supervision_due_refresh(ARRAY(SELECT id FROM workforce_person));"

REVERSE = (
    "".join(
        f"""
DROP TRIGGER IF EXISTS {table}_due_insert ON {table};
DROP TRIGGER IF EXISTS {table}_due_update ON {table};
DROP TRIGGER IF EXISTS {table}_due_delete ON {table};
DROP FUNCTION IF EXISTS {table}_due_changed();
"""
        for table in PERSONS_OF
    )
    + """
DROP TRIGGER IF EXISTS supervisiondue_session_update ON supervision_supervisionsession;
DROP FUNCTION IF EXISTS supervision_due_session_changed();
DROP TRIGGER IF EXISTS supervisiondue_guard ON supervision_supervisiondue;
DROP TRIGGER IF EXISTS supervisiondue_no_truncate ON supervision_supervisiondue;
DROP FUNCTION IF EXISTS supervision_due_guard();
DROP FUNCTION IF EXISTS supervision_due_refresh(bigint[]);
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0004_trainingrequirement_remind_days_before"),
        ("supervision", "0003_session_awaiting_idx"),
        ("workforce", "0014_figures_versions_per_organisation"),
    ]

    operations = [
        migrations.CreateModel(
            name="SupervisionDue",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("line_management", "Line management supervision"),
                            ("peer", "Peer supervision"),
                            ("reflective_practice", "Reflective practice group"),
                            ("clinical", "Clinical supervision"),
                        ],
                        max_length=30,
                    ),
                ),
                ("days", models.PositiveSmallIntegerField()),
                ("minutes", models.PositiveSmallIntegerField()),
                ("last_confirmed", models.DateField(null=True)),
                ("required_since", models.DateField()),
                (
                    "assignment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="due_rows",
                        to="workforce.assignment",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="workforce.person",
                    ),
                ),
                (
                    "requirement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="roles.supervisionrequirement",
                    ),
                ),
            ],
            options={
                "verbose_name": "supervision due date",
                "indexes": [
                    models.Index(fields=["person", "kind"], name="supervisiondue_person_kind_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("assignment", "requirement"),
                        name="supervisiondue_once_per_requirement",
                    )
                ],
            },
        ),
        migrations.RunSQL(SQL + TABLE_SQL + BACKFILL, REVERSE),
    ]
