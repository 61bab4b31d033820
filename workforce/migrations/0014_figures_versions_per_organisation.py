"""Figures versions per organisation (workforce/platform/figures.py).

Migration 0007 kept one version row per topic, raised by every commit that changed the
topic's tables: writers in different organisations queued on that row at commit, and a
change in one organisation dropped every organisation's kept figures. Now each topic has a
row per organisation, and a commit raises only the rows of the organisations whose rows
it changed (organisation 0 stands for a row whose organisation could not be found, and is
part of every figure's version).

On each table of a topic:
- three statement triggers (insert, update, delete; PostgreSQL allows transition tables
  on one event only) mark the transaction as having changed the topic, so its figures are
  counted live, and add the organisations of the statement's rows to those the commit
  will raise, found set-wise from the statement's transition tables;
- a deferred constraint trigger per row raises those organisations' versions at commit
  (the first row does it, the rest find nothing left to raise), so no version row is
  locked while the transaction runs. Under SET CONSTRAINTS IMMEDIATE it fires at the end
  of each statement, before that statement's own statement trigger has added its
  organisations: it leaves a flag, and the statement trigger then raises them itself.
"""

import importlib

from django.db import migrations, models

_0007 = importlib.import_module("workforce.migrations.0007_figures_versions")

# How to find the organisation of a changed row `changed` of each table.
ORG_OF = {
    "supervision_supervisionsession": "changed.organisation_id",
    "supervision_sessionsupervisee": (
        "(SELECT s.organisation_id FROM supervision_supervisionsession s"
        " WHERE s.id = changed.session_id)"
    ),
    "workforce_assignment": (
        "(SELECT p.organisation_id FROM workforce_person p WHERE p.id = changed.person_id)"
    ),
    "workforce_person": "changed.organisation_id",
    "workforce_team": "changed.organisation_id",
    "workforce_membership": "changed.organisation_id",
    "roles_roleversion": (
        "(SELECT r.organisation_id FROM roles_role r WHERE r.id = changed.role_id)"
    ),
    "roles_supervisionrequirement": (
        "(SELECT r.organisation_id FROM roles_roleversion v JOIN roles_role r"
        " ON r.id = v.role_id WHERE v.id = changed.version_id)"
    ),
    "payments_claim": "changed.organisation_id",
    "payments_batch": "changed.organisation_id",
    "payments_batchline": (
        "(SELECT b.organisation_id FROM payments_batch b WHERE b.id = changed.batch_id)"
    ),
}

# The same tables as 0007's: only how their changes are counted is new.
TOPIC_TABLES = _0007.TOPIC_TABLES

FUNCTIONS = """
DROP FUNCTION IF EXISTS workforce_figures_version(text);
DROP FUNCTION IF EXISTS workforce_figures_raise();
DROP FUNCTION IF EXISTS workforce_figures_mark();
"""

FUNCTIONS = """
CREATE FUNCTION workforce_figures_raise_now(text, text) RETURNS void AS $$
    -- $1 the topic, $2 the organisations, comma-separated. In a fixed order, so two
    -- commits raising the same rows cannot deadlock.
    INSERT INTO workforce_figuresversion (key, topic, organisation, version)
        SELECT $1 || ':' || o, $1, o, 1
        FROM (SELECT DISTINCT o::bigint AS o FROM unnest(string_to_array($2, ',')) o) rows
        ORDER BY o
        ON CONFLICT (key) DO UPDATE SET version = workforce_figuresversion.version + 1;
$$ LANGUAGE sql;

CREATE FUNCTION workforce_figures_note() RETURNS trigger AS $$
DECLARE
    topic text := TG_ARGV[0];
    org_of text := TG_ARGV[1];
    found text;
    pending text;
BEGIN
    PERFORM set_config('workforce.figures_changed_' || topic, 'yes', true);
    IF TG_OP = 'INSERT' THEN
        EXECUTE format(
            'SELECT string_agg(DISTINCT coalesce(%s, 0)::text, '','') FROM figures_new changed',
            org_of) INTO found;
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format(
            'SELECT string_agg(DISTINCT coalesce(%s, 0)::text, '','') FROM figures_old changed',
            org_of) INTO found;
    ELSE
        EXECUTE format(
            'SELECT string_agg(DISTINCT coalesce(o, 0)::text, '','') FROM ('
            'SELECT %1$s AS o FROM figures_new changed'
            ' UNION SELECT %1$s FROM figures_old changed) rows',
            org_of) INTO found;
    END IF;
    IF found IS NULL THEN
        RETURN NULL;
    END IF;
    IF coalesce(current_setting('workforce.figures_immediate_' || topic, true), '') <> '' THEN
        -- This statement's row triggers have already fired (SET CONSTRAINTS IMMEDIATE).
        PERFORM set_config('workforce.figures_immediate_' || topic, '', true);
        PERFORM workforce_figures_raise_now(topic, found);
        RETURN NULL;
    END IF;
    pending := coalesce(current_setting('workforce.figures_pending_' || topic, true), '');
    PERFORM set_config(
        'workforce.figures_pending_' || topic,
        CASE WHEN pending = '' THEN found ELSE pending || ',' || found END,
        true
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION workforce_figures_raise() RETURNS trigger AS $$
DECLARE
    topic text := TG_ARGV[0];
    pending text := coalesce(current_setting('workforce.figures_pending_' || topic, true), '');
BEGIN
    IF pending <> '' THEN
        PERFORM set_config('workforce.figures_pending_' || topic, '', true);
        PERFORM workforce_figures_raise_now(topic, pending);
    END IF;
    -- Read by the statement trigger that may follow in the same statement.
    PERFORM set_config('workforce.figures_immediate_' || topic, 'yes', true);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- The versions of `orgs` (and of organisation 0) as one text, e.g. '0:3,12:41'; NULL if
-- this transaction has changed the topic's tables.
CREATE FUNCTION workforce_figures_version(topic text, orgs bigint[]) RETURNS text AS $$
BEGIN
    IF coalesce(current_setting('workforce.figures_changed_' || $1, true), '') <> '' THEN
        RETURN NULL;
    END IF;
    RETURN (
        SELECT string_agg(o || ':' || coalesce(v.version, 0), ',' ORDER BY o)
        FROM (SELECT DISTINCT o FROM unnest(orgs || 0::bigint) o) wanted
        LEFT JOIN workforce_figuresversion v ON v.key = $1 || ':' || o
    );
END;
$$ LANGUAGE plpgsql STABLE;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS workforce_figures_version(text, bigint[]);
DROP FUNCTION IF EXISTS workforce_figures_raise();
DROP FUNCTION IF EXISTS workforce_figures_note();
DROP FUNCTION IF EXISTS workforce_figures_raise_now(text, text);
"""


def _triggers(topic: str, table: str) -> tuple[str, str]:
    org_of = ORG_OF[table].replace("'", "''")
    create = f"""
CREATE TRIGGER figures_note_insert_{topic}
    AFTER INSERT ON {table} REFERENCING NEW TABLE AS figures_new
    FOR EACH STATEMENT EXECUTE FUNCTION workforce_figures_note('{topic}', '{org_of}');
CREATE TRIGGER figures_note_update_{topic}
    AFTER UPDATE ON {table} REFERENCING OLD TABLE AS figures_old NEW TABLE AS figures_new
    FOR EACH STATEMENT EXECUTE FUNCTION workforce_figures_note('{topic}', '{org_of}');
CREATE TRIGGER figures_note_delete_{topic}
    AFTER DELETE ON {table} REFERENCING OLD TABLE AS figures_old
    FOR EACH STATEMENT EXECUTE FUNCTION workforce_figures_note('{topic}', '{org_of}');
CREATE CONSTRAINT TRIGGER figures_raise_{topic}
    AFTER INSERT OR UPDATE OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION workforce_figures_raise('{topic}');
"""
    drop = f"""
DROP TRIGGER IF EXISTS figures_note_insert_{topic} ON {table};
DROP TRIGGER IF EXISTS figures_note_update_{topic} ON {table};
DROP TRIGGER IF EXISTS figures_note_delete_{topic} ON {table};
DROP TRIGGER IF EXISTS figures_raise_{topic} ON {table};
"""
    return create, drop


TRIGGERS = [_triggers(topic, table) for topic, tables in TOPIC_TABLES.items() for table in tables]


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0013_trainingreminder"),
    ]

    operations = [
        migrations.RunSQL(
            "".join(drop for _create, drop in _0007.TRIGGERS) + _0007.DROP_FUNCTIONS,
            _0007.FUNCTIONS + "".join(create for create, _drop in _0007.TRIGGERS),
        ),
        migrations.DeleteModel(name="FiguresVersion"),
        migrations.CreateModel(
            name="FiguresVersion",
            fields=[
                ("key", models.CharField(max_length=80, primary_key=True, serialize=False)),
                ("topic", models.CharField(max_length=40)),
                ("organisation_number", models.BigIntegerField(db_column="organisation")),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "figures version",
                "ordering": ["topic", "organisation_number"],
            },
        ),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        *[migrations.RunSQL(create, drop) for create, drop in TRIGGERS],
    ]
