"""Published role versions never change, even against bulk updates and raw SQL.

- roles_roleversion: a version is inserted as a draft; a draft changes freely and may become
  published; a published version may only move to superseded or retired, and then only its
  lifecycle columns (status, superseded_at, retired_at, retired_by_id, retired_reason) may
  change. Superseded and retired versions never change again, and only drafts may be deleted.
- the six list tables: rows may be inserted, changed or deleted only while their version is
  a draft. The version row is read FOR SHARE, so a concurrent publish waits for (or is
  waited on by) the list edit instead of racing it.
- roles_role: its organisation and family are fixed once any version has been published.

Errors use ERRCODE integrity_constraint_violation, so Django raises IntegrityError.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION roles_roleversion_guard() RETURNS trigger AS $$
DECLARE
    lifecycle text[] := ARRAY['status', 'superseded_at', 'retired_at', 'retired_by_id',
                              'retired_reason'];
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
            RAISE EXCEPTION 'a role version must start as a draft, not %', NEW.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status = 'draft' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        IF NEW.status IN ('draft', 'published') THEN
            RETURN NEW;
        END IF;
    ELSIF TG_OP = 'UPDATE' AND OLD.status = 'published'
          AND NEW.status IN ('superseded', 'retired')
          AND (to_jsonb(NEW) - lifecycle) = (to_jsonb(OLD) - lifecycle) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'role version % is % and can never change: % refused',
        OLD.id, OLD.status, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER roles_roleversion_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON roles_roleversion
    FOR EACH ROW EXECUTE FUNCTION roles_roleversion_guard();

CREATE OR REPLACE FUNCTION roles_version_item_guard() RETURNS trigger AS $$
DECLARE
    version_status text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO version_status FROM roles_roleversion
            WHERE id = OLD.version_id FOR SHARE;
        IF version_status IS NOT NULL AND version_status <> 'draft' THEN
            RAISE EXCEPTION '% belongs to role version %, which is % and can never change: % refused',
                TG_TABLE_NAME, OLD.version_id, version_status, TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status INTO version_status FROM roles_roleversion
            WHERE id = NEW.version_id FOR SHARE;
        IF version_status IS NOT NULL AND version_status <> 'draft' THEN
            RAISE EXCEPTION '% belongs to role version %, which is % and can never change: % refused',
                TG_TABLE_NAME, NEW.version_id, version_status, TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION roles_role_guard() RETURNS trigger AS $$
BEGIN
    IF (NEW.organisation_id, NEW.family) IS DISTINCT FROM (OLD.organisation_id, OLD.family)
       AND EXISTS (SELECT 1 FROM roles_roleversion
                   WHERE role_id = OLD.id AND status <> 'draft') THEN
        RAISE EXCEPTION 'role % has been published: its organisation and family are fixed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER roles_role_identity_fixed
    BEFORE UPDATE ON roles_role
    FOR EACH ROW EXECUTE FUNCTION roles_role_guard();
"""

ITEM_TABLES = [
    "roles_roleduty",
    "roles_roleexclusion",
    "roles_supervisionrequirement",
    "roles_escalationstep",
    "roles_trainingrequirement",
    "roles_progressionroute",
]

SQL += "".join(
    f"""
CREATE TRIGGER {table}_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION roles_version_item_guard();
"""
    for table in ITEM_TABLES
)

REVERSE = "".join(
    f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};\n" for table in ITEM_TABLES
)
REVERSE += """
DROP TRIGGER IF EXISTS roles_role_identity_fixed ON roles_role;
DROP TRIGGER IF EXISTS roles_roleversion_immutable ON roles_roleversion;
DROP FUNCTION IF EXISTS roles_role_guard();
DROP FUNCTION IF EXISTS roles_version_item_guard();
DROP FUNCTION IF EXISTS roles_roleversion_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("roles", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
