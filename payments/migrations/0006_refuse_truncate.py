"""Claims, expense lines, rate cards and their tiers, batches and batch lines refuse TRUNCATE, as
their guards (0002) refuse DELETE: an exported claim or a batch line never vanishes.
Row triggers do not fire on TRUNCATE (workforce_refuse_truncate() is from workforce 0008)."""

from django.db import migrations

TABLES = [
    "payments_batch",
    "payments_batchline",
    "payments_claim",
    "payments_expenseline",
    "payments_ratecard",
    "payments_ratecardtier",
]

SQL = "\n".join(
    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION workforce_refuse_truncate();"
    for table in TABLES
)
REVERSE = "\n".join(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};" for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0005_dates_bounded"),
        ("workforce", "0011_refuse_truncate"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
