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
