"""The data migration giving organisations that already existed the NIHR seed card."""

import importlib
from decimal import Decimal

from django.apps import apps

from payments.models import RateCard

seed_card_migration = importlib.import_module("payments.migrations.0003_nihr_seed_card")


def test_existing_organisations_get_the_nihr_seed_card_once(org, other_org):
    seed_card_migration.forwards(apps, None)
    seed_card_migration.forwards(apps, None)
    for organisation in (org, other_org):
        card = RateCard.objects.get(organisation=organisation)
        fees = dict(card.tiers.values_list("tier", "fee"))
        assert fees == {
            1: Decimal("25.00"),
            2: Decimal("50.00"),
            3: Decimal("75.00"),
            4: Decimal("150.00"),
            5: Decimal("300.00"),
        }
        assert "NIHR" in card.name


rows_migration = importlib.import_module("payments.migrations.0013_rate_card_rows")


def test_the_backfill_gives_every_claim_its_tier_s_row_and_keeps_every_fee(claims):
    """Claims made before rows existed (draft to paid, every tier) get their card's row of
    their tier, its unit and a quantity of 1; no fee moves, paid ones included."""
    from django.db import connection

    from payments.models import Claim

    made = [
        claims("peer", "draft", hours=1, preparation="little"),
        claims("peer", "submitted", hours=2, preparation="some", description="Two"),
        claims("peer", "approved", hours=4, preparation="required", description="Three"),
        claims("peer2", "exported", hours=7, preparation="little"),
        claims("peer2", "paid", hours=7, preparation="substantial", description="Five"),
    ]
    fees = {c.pk: (c.tier, c.fee, c.fee_payable) for c in made}
    assert sorted(tier for tier, _, _ in fees.values()) == [1, 2, 3, 4, 5]
    with connection.cursor() as cursor:
        # Back to how claims were before migration 0011: no row, no quantity.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE payments_claim ALTER rate_row_id DROP NOT NULL, "
            "ALTER quantity DROP NOT NULL"
        )
        cursor.execute("ALTER TABLE payments_claim DISABLE TRIGGER USER")
        cursor.execute("UPDATE payments_claim SET rate_row_id = NULL, quantity = NULL")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE payments_claim ENABLE TRIGGER USER")
    assert not Claim.objects.filter(rate_row__isnull=False).exists()

    rows_migration.backfill_claims(apps, None)

    for claim in Claim.objects.select_related("rate_row"):
        tier, fee, payable = fees[claim.pk]
        assert (claim.tier, claim.fee, claim.fee_payable) == (tier, fee, payable)
        assert (claim.rate_row.card_id, claim.rate_row.tier) == (claim.rate_card_id, tier)
        assert (claim.unit, claim.quantity) == (claim.rate_row.unit, Decimal("1.00"))
        assert claim.rate_row.fee * claim.quantity == fee


def test_cards_from_before_rows_gain_the_seed_table_s_bands(org):
    from payments.models import RateCardTier
    from payments.models.ratecards import NIHR_SEED_BANDS
    from tests.factories import RateCardFactory

    card = RateCardFactory(organisation=org)
    RateCardTier.objects.filter(card=card).update(
        minutes_over=None, minutes_up_to=None, preparation_from="", preparation_to=""
    )
    rows_migration.band_existing_rows(apps, None)
    for row in card.tiers.all():
        expected = {
            "minutes_over": None,
            "minutes_up_to": None,
            "preparation_from": "",
            "preparation_to": "",
        } | NIHR_SEED_BANDS[row.tier]
        assert {field: getattr(row, field) for field in expected} == expected
    assert rows_migration.SEED_BANDS == NIHR_SEED_BANDS  # the frozen copy still agrees
