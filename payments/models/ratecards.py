from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models

from payments.tiers import MAX_MINUTES, PREPARATION_ORDER, Preparation, Unit, band_words
from workforce.organisations.models import Organisation
from workforce.platform.checks import OneQueryChecks

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
# The seed table's words as bands, checked from the top (the first that fits is suggested):
# "about 1 hour or less", "about 2 hours" (2½ h still counts), "about half a day" (5 h);
# anything longer is a day. Generous on purpose: nobody loses a row to a meeting that
# overran by a few minutes. Each seed fee is for the whole activity (per task or item).
NIHR_SEED_BANDS = {
    1: {"minutes_up_to": 60, "preparation_from": "little", "preparation_to": "little"},
    2: {"minutes_up_to": 150, "preparation_from": "little", "preparation_to": "some"},
    3: {"minutes_up_to": 300},
    4: {"minutes_over": 300, "preparation_from": "little", "preparation_to": "required"},
    5: {"minutes_over": 300, "preparation_from": "substantial", "preparation_to": "substantial"},
}


def seed_rows() -> list[dict]:
    """The seed table as rate card rows (what RateCardTier takes, without the card)."""
    return [
        {"tier": tier, "unit": Unit.ITEM, "fee": fee, "description": text}
        | {
            "minutes_over": None,
            "minutes_up_to": None,
            "preparation_from": "",
            "preparation_to": "",
        }
        | NIHR_SEED_BANDS[tier]
        for tier, (fee, text) in NIHR_SEED_TIERS.items()
    ]


class RateCard(models.Model):
    """An effective-dated list of rows (what each kind of involvement pays) for one
    organisation.

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


class RateCardTier(OneQueryChecks):
    """One row of a card: a unit, an amount per unit, what it covers, and the bands of
    duration and preparation that suggest it. `tier` is the row's place on the card (1 is
    checked first); `fee` is the amount per unit."""

    Unit = Unit

    card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="tiers")
    tier = models.PositiveSmallIntegerField("row")
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.ITEM)
    fee = models.DecimalField("amount", max_digits=10, decimal_places=2)
    description = models.CharField(max_length=300)
    minutes_over = models.PositiveIntegerField(
        null=True, blank=True, help_text="Suggested for activities longer than this."
    )
    minutes_up_to = models.PositiveIntegerField(
        null=True, blank=True, help_text="Suggested for activities up to this long."
    )
    preparation_from = models.CharField(
        max_length=20, choices=Preparation.choices, blank=True, help_text="Least preparation."
    )
    preparation_to = models.CharField(
        max_length=20, choices=Preparation.choices, blank=True, help_text="Most preparation."
    )
    note = models.CharField(
        max_length=300, blank=True, help_text="For example what could not be confirmed."
    )

    class Meta:
        ordering = ["card", "tier"]
        verbose_name = "rate card row"
        constraints = [
            models.UniqueConstraint(fields=["card", "tier"], name="ratecardtier_once_per_card"),
            models.CheckConstraint(condition=models.Q(tier__gte=1), name="ratecardtier_row_from_1"),
            models.CheckConstraint(
                condition=models.Q(fee__gte=0), name="ratecardtier_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(unit__in=Unit.values), name="ratecardtier_unit_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(preparation_from__in=["", *PREPARATION_ORDER])
                & models.Q(preparation_to__in=["", *PREPARATION_ORDER]),
                name="ratecardtier_preparation_valid",
            ),
            models.CheckConstraint(
                condition=(models.Q(minutes_over=None) | models.Q(minutes_over__lt=MAX_MINUTES))
                & (
                    models.Q(minutes_up_to=None)
                    | models.Q(minutes_over=None, minutes_up_to__gt=0)
                    | models.Q(minutes_up_to__gt=models.F("minutes_over"))
                ),
                name="ratecardtier_duration_band_valid",
            ),
        ]

    def __str__(self):
        return f"Row {self.tier}: £{self.fee} {self.get_unit_display()}"

    @property
    def band_words(self) -> str:
        return band_words(self)
