"""Row triggers do not fire on TRUNCATE, so a table whose rows the database refuses to delete
also refuses TRUNCATE, with this statement trigger function. Each app adds the trigger to its
own guarded tables (every table with a BEFORE DELETE row trigger that refuses, including the
tables a TRUNCATE ... CASCADE of a parent would reach); tests/test_truncate.py finds those
tables in pg_trigger and fails if one lacks it.

The trigger is an ordinary (ENABLE ORIGIN) one: it does not fire while
session_replication_role is 'replica', which only a superuser may set. The test suite's
flush uses that; production's app role is not a superuser (docs/deployment.md).
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION workforce_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% cannot be truncated: the database refuses to delete its rows', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER workforce_auditentry_no_truncate
    BEFORE TRUNCATE ON workforce_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION workforce_refuse_truncate();
"""

REVERSE = """
DROP TRIGGER IF EXISTS workforce_auditentry_no_truncate ON workforce_auditentry;
DROP FUNCTION IF EXISTS workforce_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("workforce", "0010_auditentry_organisation_at_index")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
