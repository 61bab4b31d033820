"""Incidents, their chronology, referrals, recurrences and actions refuse TRUNCATE, as their
guards (0002) refuse DELETE.
Row triggers do not fire on TRUNCATE (workforce_refuse_truncate() is from workforce 0008)."""

from django.db import migrations

TABLES = [
    "incidents_incident",
    "incidents_incidentaction",
    "incidents_incidentevent",
    "incidents_incidentrecurrence",
    "incidents_incidentreferral",
]

SQL = "\n".join(
    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION workforce_refuse_truncate();"
    for table in TABLES
)
REVERSE = "\n".join(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};" for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0005_concern_alerts"),
        ("workforce", "0011_refuse_truncate"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
