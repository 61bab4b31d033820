from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION workforce_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER workforce_auditentry_append_only
    BEFORE UPDATE OR DELETE ON workforce_auditentry
    FOR EACH ROW EXECUTE FUNCTION workforce_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS workforce_auditentry_append_only ON workforce_auditentry;
DROP FUNCTION IF EXISTS workforce_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("workforce", "0002_audit_entry")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
