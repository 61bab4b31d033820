from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models

from workforce.models import Organisation

# The NIHR involvement rates as given in the seed documents (DOMAIN.md). They are data for
# the first card only: later tables (NIHR raised its rates by 10% from 16 December 2025) are
# entered by finance or an administrator as new cards from NIHR's published figures.
NIHR_SEED_NAME = "NIHR involvement rates (seed table)"
NIHR_SEED_FROM = date(2000, 1, 1)  # covers every earlier activity; the next card takes over
NIHR_SEED_TIERS = {
    1: (
        Decimal("25.00"),
        "Little or no preparation, about 1 hour or less (focus group feedback, reviewing a "
        "short document)",
    ),
    2: (
        Decimal("50.00"),
        "Some preparation, about 2 hours (video meeting with papers to read)",
    ),
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


class RateCard(models.Model):
    """An effective-dated table of the five tier fees for one organisation.

    Never edited once a claim uses it (a database trigger refuses): a new table is a new
    card, so a past claim always shows the card and fee that applied on its date.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="rate_cards"
    )
    name = models.CharField(max_length=200)
    effective_from = models.DateField(
        help_text="The card applies to activities on or after this date, until a later card."
    )
    source = models.TextField(
        blank=True, help_text="Where the figures come from, e.g. NIHR's published page."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "-effective_from"]
        constraints = [
            # One card per start date, so "the card in force on a date" is never ambiguous.
            models.UniqueConstraint(
                fields=["organisation", "effective_from"], name="ratecard_one_per_start_date"
            ),
        ]

    def __str__(self):
        return f"{self.name} (from {self.effective_from:%d/%m/%Y})"


class RateCardTier(models.Model):
    card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="tiers")
    tier = models.PositiveSmallIntegerField()
    fee = models.DecimalField(max_digits=10, decimal_places=2)
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["card", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["card", "tier"], name="ratecardtier_once_per_card"),
            models.CheckConstraint(
                condition=models.Q(tier__gte=1, tier__lte=5), name="ratecardtier_tier_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(fee__gte=0), name="ratecardtier_fee_not_negative"
            ),
        ]

    def __str__(self):
        return f"Tier {self.tier}: £{self.fee}"
