"""Row history and the read log refuse TRUNCATE as they refuse UPDATE and DELETE (0002).
Row triggers do not fire on TRUNCATE (workforce_refuse_truncate() is from workforce 0008)."""

from django.db import migrations

TABLES = [
    "history_assignmentevent",
    "history_batchevent",
    "history_batchlineevent",
    "history_claimevent",
    "history_diversityprofileevent",
    "history_escalationstepevent",
    "history_expenselineevent",
    "history_incidentactionevent",
    "history_incidentchronologyevent",
    "history_incidenteventhistory",
    "history_incidentrecurrenceevent",
    "history_incidentreferralevent",
    "history_membershipevent",
    "history_personevent",
    "history_progressionrouteevent",
    "history_readlogentry",
    "history_roledutyevent",
    "history_roleevent",
    "history_roleexclusionevent",
    "history_roleversionevent",
    "history_sessionactionevent",
    "history_sessionnoteevent",
    "history_sessionsuperviseeevent",
    "history_supervisionrequirementevent",
    "history_supervisionsessionevent",
    "history_trainingrecordevent",
    "history_trainingrequirementevent",
    "history_wellbeingplanevent",
]

SQL = "\n".join(
    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION workforce_refuse_truncate();"
    for table in TABLES
)
REVERSE = "\n".join(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};" for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("history", "0005_incident_peak_classification"),
        ("workforce", "0011_refuse_truncate"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
