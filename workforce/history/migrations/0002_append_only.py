"""Row history and the read log are append-only: the database refuses UPDATE and DELETE on
every one of these tables, whoever asks (workforce_refuse_change() is from workforce 0003).
tests/history/test_append_only.py proves every history table has this trigger."""

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
    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
    f"FOR EACH ROW EXECUTE FUNCTION workforce_refuse_change();"
    for table in TABLES
)
REVERSE = "\n".join(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("history", "0001_initial"),
        # workforce_refuse_change() is defined there.
        ("workforce", "0003_audit_append_only"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
