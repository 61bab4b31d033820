"""Versions for the cached figures (workforce/figures.py).

Two triggers on every table a topic's figures are counted from:
- a deferred constraint trigger, per row, that raises the topic's version once per
  transaction, at commit (the first row does it; a transaction-local setting spares the
  rest), so no lock on the version row is held while the transaction runs;
- a statement trigger that marks the running transaction as having changed the topic,
  so workforce_figures_version() answers NULL inside it and its figures are counted live.
"""

from django.db import migrations, models

TOPIC_TABLES = {
    "supervision": (
        "supervision_supervisionsession",
        "supervision_sessionsupervisee",
        "workforce_assignment",
        "workforce_person",
        "workforce_team",
        "workforce_membership",
        "roles_roleversion",
        "roles_supervisionrequirement",
    ),
    "payments": (
        "payments_claim",
        "payments_batch",
        "payments_batchline",
        "workforce_person",
        "workforce_membership",
    ),
}

FUNCTIONS = """
CREATE OR REPLACE FUNCTION workforce_figures_mark() RETURNS trigger AS $$
BEGIN
    PERFORM set_config('workforce.figures_changed_' || TG_ARGV[0], 'yes', true);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION workforce_figures_raise() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('workforce.figures_raised_' || TG_ARGV[0], true), '') = ''
    THEN
        PERFORM set_config('workforce.figures_raised_' || TG_ARGV[0], 'yes', true);
        INSERT INTO workforce_figuresversion (topic, version) VALUES (TG_ARGV[0], 1)
            ON CONFLICT (topic)
            DO UPDATE SET version = workforce_figuresversion.version + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION workforce_figures_version(topic text) RETURNS bigint AS $$
BEGIN
    IF coalesce(current_setting('workforce.figures_changed_' || topic, true), '') <> '' THEN
        RETURN NULL;
    END IF;
    RETURN coalesce(
        (SELECT v.version FROM workforce_figuresversion v WHERE v.topic = $1), 0
    );
END;
$$ LANGUAGE plpgsql STABLE;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS workforce_figures_version(text);
DROP FUNCTION IF EXISTS workforce_figures_raise();
DROP FUNCTION IF EXISTS workforce_figures_mark();
"""


def _triggers(topic: str, table: str) -> tuple[str, str]:
    create = f"""
CREATE TRIGGER figures_mark_{topic}
    AFTER INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION workforce_figures_mark('{topic}');
CREATE CONSTRAINT TRIGGER figures_raise_{topic}
    AFTER INSERT OR UPDATE OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION workforce_figures_raise('{topic}');
"""
    drop = f"""
DROP TRIGGER IF EXISTS figures_mark_{topic} ON {table};
DROP TRIGGER IF EXISTS figures_raise_{topic} ON {table};
"""
    return create, drop


TRIGGERS = [_triggers(topic, table) for topic, tables in TOPIC_TABLES.items() for table in tables]


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0006_assignments_training"),
        ("supervision", "0002_compliance_functions"),
        ("roles", "0002_published_versions_immutable"),
        ("payments", "0004_claim_exported_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="FiguresVersion",
            fields=[
                (
                    "topic",
                    models.CharField(max_length=40, primary_key=True, serialize=False),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "figures version"},
        ),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        *[migrations.RunSQL(create, drop) for create, drop in TRIGGERS],
    ]
