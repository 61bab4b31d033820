"""How much a claim pays: the card in force on the activity date, the row of it the
activity suggests (or the one chosen), its amount times the quantity, and what the person's
payment preference makes payable. Pure rules, no writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from payments.errors import NoRateCard
from payments.models import NO_FEE, Claim, PaymentMethod, PaymentPreference, RateCard, RateCardTier
from payments.money import ZERO, to_money
from payments.tiers import Preparation, Suggestion, suggest_row, suggested_quantity
from workforce.register.models import Person


def card_in_force(*, organisation_id: int, day: date) -> RateCard:
    """The organisation's card with the latest start on or before `day`."""
    card = (
        RateCard.objects.filter(organisation_id=organisation_id, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    if card is None:
        raise NoRateCard(
            f"There is no rate card covering {day:%d/%m/%Y} yet, so the fee cannot be worked "
            "out. Ask your finance team to add one.",
            field="activity_date",
        )
    return card


def card_row(card: RateCard, tier: int) -> RateCardTier:
    row = card.tiers.filter(tier=tier).first()
    if row is None:
        raise NoRateCard(f"The rate card “{card.name}” has no row {tier}.", field="tier")
    return row


def suggest(
    card: RateCard, *, minutes: int, preparation: str, chaired_or_trained: bool
) -> Suggestion:
    """The row of `card` whose bands fit the activity (None when no row's do)."""
    return suggest_row(
        card.tiers.all(),
        minutes=minutes,
        preparation=preparation,
        chaired_or_trained=chaired_or_trained,
    )


def row_fee(row: RateCardTier, quantity: Decimal) -> Decimal:
    return to_money(row.fee * quantity)


@dataclass(frozen=True)
class Priced:
    label: str
    row: RateCardTier | None
    quantity: Decimal | None
    fee: Decimal | None


# Activities people often claim for, priced side by side when a new card is entered.
TYPICAL_ACTIVITIES = (
    ("1 hour, no preparation", 60, Preparation.LITTLE, False),
    ("A 2-hour meeting with papers to read", 120, Preparation.SOME, False),
    ("A half-day interview panel", 210, Preparation.REQUIRED, False),
    ("A full training day, delivering it with preparation", 420, Preparation.SUBSTANTIAL, True),
)


def preview(rows, activities=TYPICAL_ACTIVITIES) -> list[Priced]:
    """How `rows` (saved or not) would price each activity: the suggested row, its
    suggested quantity and the fee."""
    rows = list(rows)
    priced = []
    for label, minutes, preparation, chaired in activities:
        row = suggest_row(
            rows, minutes=minutes, preparation=preparation, chaired_or_trained=chaired
        ).row
        if row is None:
            priced.append(Priced(label, None, None, None))
            continue
        quantity = suggested_quantity(row.unit, minutes)
        priced.append(Priced(label, row, quantity, row_fee(row, quantity)))
    return priced


@dataclass(frozen=True)
class Terms:
    method: str = PaymentMethod.PAYROLL
    reduced_to: Decimal | None = None


def terms_for(person: Person) -> Terms:
    """The person's payment preference as it stands (payroll if they have not chosen)."""
    preference = PaymentPreference.objects.filter(person=person).first()
    if preference is None:
        return Terms()
    reduced = preference.reduced_amount if preference.method == PaymentMethod.REDUCED else None
    return Terms(preference.method, reduced)


def payable(fee: Decimal, terms: Terms) -> Decimal:
    """Declined and expenses-only pay no fee (the involvement is still recorded); a reduced
    amount caps the fee; every other method pays the fee."""
    if terms.method in NO_FEE:
        return ZERO
    if terms.method == PaymentMethod.REDUCED:
        return min(fee, to_money(terms.reduced_to))
    return fee


def price(claim: Claim, *, terms: Terms | None = None) -> None:
    """Set the claim's card, row, unit, fee and payable fee in memory (the caller saves).

    The row is the one numbered `claim.tier` on the card in force; its quantity stays as
    chosen unless the row's unit differs, when it is worked out again from the duration.
    Without `terms`, the claim keeps the payment terms it already has. An adjusting claim's
    fee is the amount the lead entered, so only its payable fee is worked out again.
    """
    if terms is not None:
        claim.payment_method = terms.method
        claim.reduced_to = terms.reduced_to
    if not claim.is_adjustment:
        claim.rate_card = card_in_force(
            organisation_id=claim.organisation_id, day=claim.activity_date
        )
        row = card_row(claim.rate_card, claim.tier)
        if claim.unit != row.unit or not claim.quantity:
            claim.quantity = suggested_quantity(row.unit, claim.duration_minutes)
        claim.rate_row, claim.unit = row, row.unit
        claim.fee = row_fee(row, claim.quantity)
    claim.fee_payable = payable(claim.fee, Terms(claim.payment_method, claim.reduced_to))
