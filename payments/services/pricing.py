"""How much a claim pays: the card in force on the activity date, the tier's fee from it,
and what the person's payment preference makes payable. Pure rules, no writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from payments.errors import NoRateCard
from payments.models import NO_FEE, Claim, PaymentMethod, PaymentPreference, RateCard
from payments.money import ZERO, to_money
from workforce.models import Person


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


def tier_fee(card: RateCard, tier: int) -> Decimal:
    fee = card.tiers.filter(tier=tier).values_list("fee", flat=True).first()
    if fee is None:
        raise NoRateCard(f"The rate card “{card.name}” has no fee for tier {tier}.")
    return fee


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
    """Set the claim's card, fee and payable fee in memory (the caller saves).

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
        claim.fee = tier_fee(claim.rate_card, claim.tier)
    claim.fee_payable = payable(claim.fee, Terms(claim.payment_method, claim.reduced_to))
