"""Rate cards: the card in force on the activity date decides the fee, which the claim
keeps; cards are added as new cards and never edited once in use."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from payments import services
from payments.demo import nihr_2025_rows
from payments.errors import NoRateCard, NotAllowed, PaymentsError
from payments.models import Claim, RateCard, RateCardTier, seed_rows
from tests.factories import RateCardFactory

TODAY = timezone.localdate()
TEN_PERCENT = {1: "27.50", 2: "55.00", 3: "82.50", 4: "165.00", 5: "330.00"}


def _rows(fees):
    return [row | {"fee": Decimal(fees[row["tier"]])} for row in seed_rows()]


def _new_card(org, by, start, fees=TEN_PERCENT, name="New card"):
    return services.rate_card_create(
        organisation=org, by=by, name=name, effective_from=start, rows=_rows(fees)
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


def test_a_card_needs_a_row_and_its_own_start_date(org, seed_card, finance):
    with pytest.raises(PaymentsError, match="at least one row"):
        services.rate_card_create(
            organisation=org, by=finance, name="x", effective_from=TODAY, rows=[]
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
        # Raw, past Django's own PROTECT check (a claim's rate_row): the trigger refuses.
        lambda: RateCardTier.objects.filter(pk=tier.pk)._raw_delete("default"),
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


def test_a_card_may_have_any_number_of_rows(org, seed_card, finance):
    one = services.rate_card_create(
        organisation=org,
        by=finance,
        name="One row",
        effective_from=TODAY,
        rows=[{"unit": "hour", "fee": Decimal("27.50"), "description": "Any involvement"}],
    )
    seven = services.rate_card_create(
        organisation=org,
        by=finance,
        name="NIHR",
        effective_from=TODAY - timedelta(days=1),
        rows=nihr_2025_rows(),
    )
    assert list(one.tiers.values_list("tier", "unit", "fee")) == [(1, "hour", Decimal("27.50"))]
    assert seven.tiers.count() == 7
    assert seven.tiers.get(tier=7).fee == Decimal("495.00")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"unit": "week"}, "Choose the unit"),
        ({"fee": Decimal("-0.01")}, "£0.00 or more"),
        ({"description": "  "}, "what the row covers"),
        ({"minutes_over": 120, "minutes_up_to": 60}, "more than the shortest"),
        ({"preparation_from": "required", "preparation_to": "little"}, "cannot be less"),
    ],
)
def test_the_service_refuses_a_bad_row(org, seed_card, finance, row, message):
    good = {"unit": "item", "fee": Decimal("10"), "description": "Task"}
    with pytest.raises(PaymentsError, match=f"Row 2: .*{message}"):
        services.rate_card_create(
            organisation=org,
            by=finance,
            name="Bad",
            effective_from=TODAY,
            rows=[good, good | row],
        )
    assert RateCard.objects.filter(organisation=org).count() == 1


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"fee": Decimal("-1")}, "ratecardtier_fee_not_negative"),
        ({"unit": "week"}, "ratecardtier_unit_valid"),
        ({"tier": 0}, "ratecardtier_row_from_1"),
        ({"preparation_from": "lots"}, "ratecardtier_preparation_valid"),
        ({"minutes_over": 120, "minutes_up_to": 60}, "ratecardtier_duration_band_valid"),
    ],
)
def test_the_database_refuses_a_bad_row(org, changes, constraint):
    card = RateCardFactory(organisation=org, effective_from=TODAY, tiers={1: Decimal("1")})
    row = {"card": card, "tier": 2, "unit": "item", "fee": Decimal("1"), "description": "x"}
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        RateCardTier.objects.create(**(row | changes))


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        ("quantity = 0", "claim_quantity_positive"),
        ("quantity = -1", "claim_quantity_positive"),
        ("unit = 'week'", "its row must be row"),
        ("unit = 'hour'", "its row must be row"),
        ("tier = 3", "its row must be row"),
    ],
)
def test_the_database_refuses_a_claim_priced_wrongly(claims, sql, constraint):
    claim = claims("peer", "draft")
    with (
        pytest.raises(IntegrityError, match=constraint),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE payments_claim SET {sql} WHERE id = %s", [claim.pk])  # noqa: S608 (the test's own constants)


def test_the_database_refuses_a_unit_outside_the_list(claims):
    claim = claims("peer", "draft")
    with (
        pytest.raises(IntegrityError, match="claim_unit_valid"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The row check would refuse first; the CHECK holds on its own as well.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE payments_claim DISABLE TRIGGER payments_claim_pricing")
        cursor.execute("UPDATE payments_claim SET unit = 'week' WHERE id = %s", [claim.pk])


def test_a_claim_cannot_take_a_row_of_another_card(claims, org, finance):
    claim = claims("peer", "draft")
    other = _new_card(org, finance, TODAY + timedelta(days=400)).tiers.get(tier=claim.tier)
    with pytest.raises(IntegrityError, match="its row must be row"), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(rate_row=other)


def test_an_insert_with_only_a_card_and_row_number_gets_its_row(claims):
    """Raw SQL that names only the card and row number (the benchmark seeders) is priced
    with that row, its unit and a quantity of 1."""
    claim = claims("peer", "draft")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_claim SET rate_row_id = NULL, unit = '' WHERE id = %s", [claim.pk]
        )
    claim.refresh_from_db()
    assert claim.rate_row.tier == claim.tier and claim.unit == claim.rate_row.unit


# The worked examples: the seed card and the NIHR card from 16 December 2025 pricing the same
# typical activities (payments.services.pricing.TYPICAL_ACTIVITIES).
WORKED = [
    # activity, seed (row, fee), NIHR 2025 (row, fee)
    ("1 hour, no preparation", (1, "25.00"), (1, "27.50")),
    ("A 2-hour meeting with papers to read", (2, "50.00"), (2, "55.00")),
    ("A half-day interview panel", (3, "75.00"), (3, "82.50")),
    ("A full training day, delivering it with preparation", (5, "300.00"), (5, "330.00")),
]


def test_the_seed_and_nihr_2025_cards_price_the_same_activities():
    seed = services.preview([RateCardTier(**row) for row in seed_rows()])
    nihr = services.preview(
        [RateCardTier(tier=n, **row) for n, row in enumerate(nihr_2025_rows(), 1)]
    )
    got = [
        (a.label, (a.row.tier, str(a.fee)), (b.row.tier, str(b.fee)))
        for a, b in zip(seed, nihr, strict=True)
    ]
    assert got == WORKED


def test_a_per_hour_row_pays_amount_times_hours(org, finance, personas):
    services.rate_card_create(
        organisation=org,
        by=finance,
        name="Hourly",
        effective_from=date(2000, 1, 1),
        rows=[
            {
                "unit": "hour",
                "fee": Decimal("27.50"),
                "description": "Meetings",
                "minutes_up_to": 300,
            },
            {"unit": "day", "fee": Decimal("165.00"), "description": "A day", "minutes_over": 300},
            {"unit": "item", "fee": Decimal("13.80"), "description": "Reviewing a leaflet"},
        ],
    )
    peer = personas["peer"]
    claim = services.claim_create(
        person=peer.person,
        by=peer,
        description="Steering group",
        activity_date=TODAY,
        duration_minutes=150,
        preparation="some",
    )
    assert (claim.tier, claim.unit, claim.quantity, claim.fee) == (
        1,
        "hour",
        Decimal("2.50"),
        Decimal("68.75"),
    )
    # The claimant chooses another row and a quantity (with a reason); the fee is still
    # worked out by the service.
    claim = services.claim_update(
        claim=claim,
        by=peer,
        description="Steering group",
        activity_date=TODAY,
        duration_minutes=150,
        preparation="some",
        tier=3,
        quantity=Decimal("2"),
        tier_reason="I reviewed two leaflets instead",
    )
    assert (claim.tier, claim.suggested_tier, claim.unit, claim.fee) == (
        3,
        1,
        "item",
        Decimal("27.60"),
    )
    assert claim.rate_row.description == "Reviewing a leaflet"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"tier": 3}, "tier_reason"),
        ({"tier": 9, "tier_reason": "x"}, "tier"),
        ({"quantity": Decimal("0")}, "quantity"),
        ({"quantity": Decimal("-2")}, "quantity"),
    ],
)
def test_the_claimant_s_choice_is_checked(claims, personas, kwargs, field):
    claim = claims("peer", "draft")
    with pytest.raises(PaymentsError) as error:
        services.claim_update(
            claim=claim,
            by=personas["peer"],
            description=claim.description,
            activity_date=claim.activity_date,
            duration_minutes=claim.duration_minutes,
            preparation=claim.preparation,
            **kwargs,
        )
    assert error.value.field == field
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.tier, fresh.quantity, fresh.fee) == (claim.tier, claim.quantity, claim.fee)


def test_a_card_with_no_row_that_fits_asks_for_one(org, personas, finance):
    services.rate_card_create(
        organisation=org,
        by=finance,
        name="By hand",
        effective_from=date(2000, 1, 1),
        rows=[{"unit": "item", "fee": Decimal("13.80"), "description": "Any task"}],
    )
    peer = personas["peer"]
    kwargs = {
        "person": peer.person,
        "by": peer,
        "description": "Reading",
        "activity_date": TODAY,
        "duration_minutes": 60,
        "preparation": "little",
    }
    with pytest.raises(PaymentsError, match="No row") as error:
        services.claim_create(**kwargs)
    assert error.value.field == "tier"
    claim = services.claim_create(**kwargs, tier=1)
    assert (claim.suggested_tier, claim.tier, claim.fee) == (1, 1, Decimal("13.80"))
