"""Role versions and their six lists refuse TRUNCATE, as their guards (0002) refuse DELETE once
published.
Row triggers do not fire on TRUNCATE (workforce_refuse_truncate() is from workforce 0008)."""

from django.db import migrations

TABLES = [
    "roles_roleversion",
    "roles_roleduty",
    "roles_roleexclusion",
    "roles_supervisionrequirement",
    "roles_escalationstep",
    "roles_trainingrequirement",
    "roles_progressionroute",
]

SQL = "\n".join(
    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION workforce_refuse_truncate();"
    for table in TABLES
)
REVERSE = "\n".join(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};" for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0002_published_versions_immutable"),
        ("workforce", "0011_refuse_truncate"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
