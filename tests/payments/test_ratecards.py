"""Rate cards: the card in force on the activity date decides the fee, which the claim
keeps; cards are added as new cards and never edited once in use."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from payments import services
from payments.errors import NoRateCard, NotAllowed, PaymentsError
from payments.models import NIHR_SEED_TIERS, RateCard, RateCardTier
from tests.factories import RateCardFactory

TODAY = timezone.localdate()
TEN_PERCENT = {1: "27.50", 2: "55.00", 3: "82.50", 4: "165.00", 5: "330.00"}


def _tiers(fees):
    return {t: (Decimal(fees[t]), NIHR_SEED_TIERS[t][1]) for t in fees}


def _new_card(org, by, start, fees=TEN_PERCENT, name="New card"):
    return services.rate_card_create(
        organisation=org, by=by, name=name, effective_from=start, tiers=_tiers(fees)
    )


def test_card_in_force_is_the_latest_started_on_or_before_the_date(org, seed_card, finance):
    start = TODAY - timedelta(days=10)
    new = _new_card(org, finance, start)
    pick = services.card_in_force
    assert pick(organisation_id=org.pk, day=start - timedelta(days=1)) == seed_card
    assert pick(organisation_id=org.pk, day=start) == new
    assert pick(organisation_id=org.pk, day=TODAY) == new
    with pytest.raises(NoRateCard, match="no rate card covering"):
        pick(organisation_id=org.pk, day=date(1999, 12, 31))


def test_claim_takes_and_keeps_the_fee_of_its_date(claims, org, finance, seed_card):
    before = claims("peer", "approved", activity_date=TODAY - timedelta(days=20))
    assert (before.rate_card, before.fee) == (seed_card, Decimal("50.00"))
    new = _new_card(org, finance, TODAY - timedelta(days=10))
    after = claims("peer", "approved", activity_date=TODAY - timedelta(days=5))
    assert (after.rate_card, after.fee) == (new, Decimal("55.00"))
    # A new card never rewrites a past claim.
    before.refresh_from_db()
    assert (before.rate_card, before.fee) == (seed_card, Decimal("50.00"))


def test_a_backdated_card_prices_claims_not_yet_approved(claims, org, finance, personas):
    claim = claims("peer", "submitted", activity_date=TODAY - timedelta(days=5))
    assert claim.fee == Decimal("50.00")
    new = _new_card(org, finance, TODAY - timedelta(days=30))
    claim = services.claim_approve(claim=claim, approver=personas["lead"])
    assert (claim.rate_card, claim.fee, claim.fee_payable) == (new, 55, 55)


def test_only_finance_and_admins_add_cards(org, seed_card, personas):
    for who in ("lead", "peer", "supervisor", "outsider"):
        with pytest.raises(NotAllowed):
            _new_card(org, personas[who], TODAY, name=who)
    assert _new_card(org, personas["admin"], TODAY).created_by == personas["admin"]


def test_a_card_needs_five_tiers_and_its_own_start_date(org, seed_card, finance):
    with pytest.raises(PaymentsError, match="five tiers"):
        services.rate_card_create(
            organisation=org,
            by=finance,
            name="x",
            effective_from=TODAY,
            tiers={1: (Decimal("1"), "a")},
        )
    with pytest.raises(PaymentsError, match="already starts") as error:
        _new_card(org, finance, seed_card.effective_from)
    assert error.value.field == "effective_from"
    assert RateCard.objects.filter(organisation=org).count() == 1


def test_a_card_in_use_is_never_edited(claims, seed_card):
    claims("peer", "draft")
    tier = seed_card.tiers.get(tier=2)
    refusals = [
        lambda: RateCard.objects.filter(pk=seed_card.pk).update(name="Edited"),
        lambda: RateCardTier.objects.filter(pk=tier.pk).update(fee=Decimal("1.00")),
        lambda: RateCardTier.objects.filter(pk=tier.pk).delete(),
        lambda: RateCardTier.objects.create(card=seed_card, tier=6, fee=1, description="x"),
    ]
    for refuse in refusals:
        with pytest.raises(IntegrityError, match="used by claims"), transaction.atomic():
            refuse()
    with (
        pytest.raises(IntegrityError, match="used by claims"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE payments_ratecardtier SET fee = 0 WHERE card_id = %s", [seed_card.pk]
        )
    tier.refresh_from_db()
    assert tier.fee == Decimal("50.00")


def test_a_card_nobody_has_used_can_still_be_corrected(org):
    card = RateCardFactory(organisation=org, effective_from=TODAY)
    RateCardTier.objects.filter(card=card, tier=1).update(fee=Decimal("26.00"))
    assert card.tiers.get(tier=1).fee == Decimal("26.00")
