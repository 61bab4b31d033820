"""Claim history keeps the row, unit and quantity each claim was priced with (payments
migration 0011). Events recorded before then get their claim's card row of their tier and a
quantity of 1, which is what priced them; the append-only guard stands aside for that one
statement."""

import django.db.models.deletion
from django.db import migrations, models

SQL = """
ALTER TABLE history_claimevent
    ADD COLUMN quantity numeric(6, 2) DEFAULT 1 NOT NULL,
    ADD COLUMN unit varchar(20) DEFAULT 'item' NOT NULL,
    ADD COLUMN rate_row_id bigint NULL;
ALTER TABLE history_claimevent DISABLE TRIGGER USER;
UPDATE history_claimevent e
   SET rate_row_id = r.id, unit = r.unit
  FROM payments_ratecardtier r
 WHERE r.card_id = e.rate_card_id AND r.tier = e.tier;
ALTER TABLE history_claimevent ENABLE TRIGGER USER;
ALTER TABLE history_claimevent
    ALTER COLUMN quantity DROP DEFAULT,
    ALTER COLUMN unit DROP DEFAULT,
    ALTER COLUMN rate_row_id SET NOT NULL;
CREATE INDEX history_claimevent_rate_row_id_78b68f13 ON history_claimevent (rate_row_id);
"""

REVERSE = """
DROP INDEX IF EXISTS history_claimevent_rate_row_id_78b68f13;
ALTER TABLE history_claimevent DROP COLUMN quantity, DROP COLUMN unit, DROP COLUMN rate_row_id;
"""

UNIT_CHOICES = [
    ("hour", "per hour"),
    ("half_day", "per half day"),
    ("day", "per day"),
    ("item", "per task or item"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("history", "0009_trainingrequirementevent_remind_days_before"),
        ("payments", "0013_rate_card_rows"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(SQL, REVERSE)],
            state_operations=[
                migrations.AddField(
                    model_name="claimevent",
                    name="quantity",
                    field=models.DecimalField(decimal_places=2, default=1, max_digits=6),
                    preserve_default=False,
                ),
                migrations.AddField(
                    model_name="claimevent",
                    name="rate_row",
                    field=models.ForeignKey(
                        db_constraint=False,
                        default=1,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="payments.ratecardtier",
                    ),
                    preserve_default=False,
                ),
                migrations.AddField(
                    model_name="claimevent",
                    name="unit",
                    field=models.CharField(choices=UNIT_CHOICES, default="item", max_length=20),
                    preserve_default=False,
                ),
            ],
        )
    ]
