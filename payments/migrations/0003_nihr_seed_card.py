"""Every organisation that already exists starts with the NIHR seed table as its first card.
Organisations created later get theirs from finance or an administrator (the new-card form
starts from these figures), or from the demo data."""

from datetime import date
from decimal import Decimal

from django.db import migrations

# A frozen copy of payments.models.ratecards.NIHR_SEED_*: a migration must not change
# meaning if the code's constants ever do.
NIHR_SEED_NAME = "NIHR involvement rates (seed table)"
NIHR_SEED_FROM = date(2000, 1, 1)
NIHR_SEED_TIERS = {
    1: (
        Decimal("25.00"),
        "Little or no preparation, about 1 hour or less (focus group feedback, reviewing a "
        "short document)",
    ),
    2: (Decimal("50.00"), "Some preparation, about 2 hours (video meeting with papers to read)"),
    3: (
        Decimal("75.00"),
        "Preparation required, about half a day (interview panel, focus group, delivering "
        "training)",
    ),
    4: (Decimal("150.00"), "All-day meetings or training"),
    5: (
        Decimal("300.00"),
        "All-day with substantial preparation (chairing or co-chairing, delivering training, "
        "extra responsibility)",
    ),
}
SOURCE = "The NIHR payment rates for involvement as given in the seed documents."


def forwards(apps, schema_editor):
    Organisation = apps.get_model("workforce", "Organisation")
    RateCard = apps.get_model("payments", "RateCard")
    RateCardTier = apps.get_model("payments", "RateCardTier")
    for organisation in Organisation.objects.all():
        card, created = RateCard.objects.get_or_create(
            organisation=organisation,
            effective_from=NIHR_SEED_FROM,
            defaults={"name": NIHR_SEED_NAME, "source": SOURCE},
        )
        if created:
            RateCardTier.objects.bulk_create(
                RateCardTier(card=card, tier=tier, fee=fee, description=description)
                for tier, (fee, description) in NIHR_SEED_TIERS.items()
            )


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_guards")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
