"""Rate cards of any shape: a card is a list of rows, each with a unit, an amount, a
description and the duration and preparation bands that suggest it; a claim stores the row,
unit and quantity it was priced with.

Existing cards keep their five rows as they are (each fee per task or item) and gain the
seed table's bands; existing claims are backfilled with their card's row of their tier and a
quantity of 1, so every fee stays exactly what it was. The database then checks every claim's
row is on its card, numbered as its tier, with its unit, and fills them in for an insert that
gives only a card and a tier (the benchmark seeders' raw SQL).
"""

import django.db.models.deletion
from django.db import migrations, models

# A frozen copy of payments.models.ratecards.NIHR_SEED_BANDS: a migration must not change
# meaning if the code's constants ever do.
SEED_BANDS = {
    1: {"minutes_up_to": 60, "preparation_from": "little", "preparation_to": "little"},
    2: {"minutes_up_to": 150, "preparation_from": "little", "preparation_to": "some"},
    3: {"minutes_up_to": 300},
    4: {"minutes_over": 300, "preparation_from": "little", "preparation_to": "required"},
    5: {"minutes_over": 300, "preparation_from": "substantial", "preparation_to": "substantial"},
}
UNITS = ["hour", "half_day", "day", "item"]
PREPARATIONS = ["little", "some", "required", "substantial"]
UNIT_CHOICES = [
    ("hour", "per hour"),
    ("half_day", "per half day"),
    ("day", "per day"),
    ("item", "per task or item"),
]
PREPARATION_CHOICES = [
    ("little", "None or a little"),
    ("some", "Some (for example papers to read)"),
    ("required", "Preparation needed (for example for a panel or focus group)"),
    ("substantial", "Substantial (for example chairing or preparing training)"),
]


def band_existing_rows(apps, schema_editor):
    """Every card so far was five flat tiers priced by the seed table's rules."""
    RateCardTier = apps.get_model("payments", "RateCardTier")
    for tier, bands in SEED_BANDS.items():
        RateCardTier.objects.filter(tier=tier, minutes_over=None, minutes_up_to=None).update(
            **bands
        )


BACKFILL = """
UPDATE payments_claim c
   SET rate_row_id = r.id, unit = r.unit, quantity = 1
  FROM payments_ratecardtier r
 WHERE r.card_id = c.rate_card_id AND r.tier = c.tier AND c.rate_row_id IS NULL
"""


def backfill_claims(apps, schema_editor):
    """Each claim without a row gets its card's row of its tier, quantity 1: the fee it
    stores is that row's amount, so no fee changes. Paid and exported claims are refused
    any change by their guard, so it stands aside for this one statement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE payments_claim DISABLE TRIGGER USER")
        cursor.execute(BACKFILL)
        # The row ids just set are checked now, so the table can be altered again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE payments_claim ENABLE TRIGGER USER")


PRICING_SQL = r"""
CREATE OR REPLACE FUNCTION payments_claim_pricing() RETURNS trigger AS $$
DECLARE
    row_of record;
BEGIN
    IF NEW.rate_row_id IS NULL THEN
        SELECT id, unit INTO row_of FROM payments_ratecardtier
         WHERE card_id = NEW.rate_card_id AND tier = NEW.tier;
        NEW.rate_row_id := row_of.id;
        NEW.unit := COALESCE(NULLIF(NEW.unit, ''), row_of.unit);
        NEW.quantity := COALESCE(NEW.quantity, 1);
    END IF;
    SELECT card_id, tier, unit INTO row_of FROM payments_ratecardtier WHERE id = NEW.rate_row_id;
    IF row_of.card_id IS DISTINCT FROM NEW.rate_card_id
       OR row_of.tier IS DISTINCT FROM NEW.tier
       OR row_of.unit IS DISTINCT FROM NEW.unit THEN
        RAISE EXCEPTION 'claim %: its row must be row % of its own rate card, with that row''s unit', NEW.id, NEW.tier
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payments_claim_pricing
    BEFORE INSERT OR UPDATE OF rate_card_id, rate_row_id, tier, unit ON payments_claim
    FOR EACH ROW EXECUTE FUNCTION payments_claim_pricing();
"""

PRICING_REVERSE = """
DROP TRIGGER IF EXISTS payments_claim_pricing ON payments_claim;
DROP FUNCTION IF EXISTS payments_claim_pricing();
"""

# The rows of a card in use stay refused any change (migration 0002's guard); it stands
# aside only while the existing rows gain their bands.
DROP_ROW_GUARD = "DROP TRIGGER IF EXISTS payments_ratecardtier_guard ON payments_ratecardtier;"
CREATE_ROW_GUARD = """
CREATE TRIGGER payments_ratecardtier_guard
    BEFORE INSERT OR UPDATE OR DELETE ON payments_ratecardtier
    FOR EACH ROW EXECUTE FUNCTION payments_ratecard_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("payments", "0012_benefits_uc_period_hours_source")]

    operations = [
        migrations.RemoveConstraint(model_name="ratecardtier", name="ratecardtier_tier_1_to_5"),
        migrations.RemoveConstraint(model_name="claim", name="claim_tier_1_to_5"),
        migrations.AlterModelOptions(
            name="ratecardtier",
            options={"ordering": ["card", "tier"], "verbose_name": "rate card row"},
        ),
        migrations.AlterField(
            model_name="ratecardtier",
            name="tier",
            field=models.PositiveSmallIntegerField(verbose_name="row"),
        ),
        migrations.AlterField(
            model_name="ratecardtier",
            name="fee",
            field=models.DecimalField(decimal_places=2, max_digits=10, verbose_name="amount"),
        ),
        migrations.AddField(
            model_name="ratecardtier",
            name="unit",
            field=models.CharField(choices=UNIT_CHOICES, default="item", max_length=20),
        ),
        migrations.AddField(
            model_name="ratecardtier",
            name="minutes_over",
            field=models.PositiveIntegerField(
                blank=True, null=True, help_text="Suggested for activities longer than this."
            ),
        ),
        migrations.AddField(
            model_name="ratecardtier",
            name="minutes_up_to",
            field=models.PositiveIntegerField(
                blank=True, null=True, help_text="Suggested for activities up to this long."
            ),
        ),
        migrations.AddField(
            model_name="ratecardtier",
            name="preparation_from",
            field=models.CharField(
                blank=True,
                choices=PREPARATION_CHOICES,
                default="",
                help_text="Least preparation.",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ratecardtier",
            name="preparation_to",
            field=models.CharField(
                blank=True,
                choices=PREPARATION_CHOICES,
                default="",
                help_text="Most preparation.",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ratecardtier",
            name="note",
            field=models.CharField(
                blank=True,
                default="",
                help_text="For example what could not be confirmed.",
                max_length=300,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="claim",
            name="rate_row",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="payments.ratecardtier",
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="unit",
            field=models.CharField(choices=UNIT_CHOICES, default="", max_length=20),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="claim",
            name="quantity",
            field=models.DecimalField(decimal_places=2, max_digits=6, null=True),
        ),
        migrations.RunSQL(DROP_ROW_GUARD, CREATE_ROW_GUARD),
        migrations.RunPython(band_existing_rows, migrations.RunPython.noop),
        migrations.RunSQL(CREATE_ROW_GUARD, DROP_ROW_GUARD),
        migrations.RunPython(backfill_claims, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="claim",
            name="rate_row",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="claims",
                to="payments.ratecardtier",
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="quantity",
            field=models.DecimalField(decimal_places=2, max_digits=6),
        ),
        migrations.AddConstraint(
            model_name="ratecardtier",
            constraint=models.CheckConstraint(
                condition=models.Q(tier__gte=1), name="ratecardtier_row_from_1"
            ),
        ),
        migrations.AddConstraint(
            model_name="ratecardtier",
            constraint=models.CheckConstraint(
                condition=models.Q(unit__in=UNITS), name="ratecardtier_unit_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="ratecardtier",
            constraint=models.CheckConstraint(
                condition=models.Q(preparation_from__in=["", *PREPARATIONS])
                & models.Q(preparation_to__in=["", *PREPARATIONS]),
                name="ratecardtier_preparation_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="ratecardtier",
            constraint=models.CheckConstraint(
                condition=(models.Q(minutes_over=None) | models.Q(minutes_over__lt=960))
                & (
                    models.Q(minutes_up_to=None)
                    | models.Q(minutes_over=None, minutes_up_to__gt=0)
                    | models.Q(minutes_up_to__gt=models.F("minutes_over"))
                ),
                name="ratecardtier_duration_band_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(tier__gte=1, suggested_tier__gte=1), name="claim_row_from_1"
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="claim_quantity_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(unit__in=UNITS), name="claim_unit_valid"
            ),
        ),
        migrations.RunSQL(PRICING_SQL, PRICING_REVERSE),
    ]
