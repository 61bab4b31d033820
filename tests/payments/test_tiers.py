"""The row suggestion, table-driven over every boundary of the NIHR wording: the seed
card's bands are data on its rows, and they must suggest what the seed table's words do."""

from decimal import Decimal

import pytest

from payments.models import RateCardTier, seed_rows
from payments.tiers import Unit, band_words, suggest_row, suggested_quantity

UP_TO_AN_HOUR, ABOUT_TWO_HOURS, HALF_A_DAY = 60, 150, 300
SEED = [RateCardTier(**row) for row in seed_rows()]


def suggest_tier(*, minutes, preparation, chaired_or_trained, rows=SEED):
    return suggest_row(
        rows, minutes=minutes, preparation=preparation, chaired_or_trained=chaired_or_trained
    )


L, S, R, X = "little", "some", "required", "substantial"

CASES = [
    # minutes, preparation, chaired/trained, tier
    (15, L, False, 1),
    (UP_TO_AN_HOUR, L, False, 1),  # "about 1 hour or less"
    (UP_TO_AN_HOUR + 1, L, False, 2),
    (UP_TO_AN_HOUR, S, False, 2),  # an hour with papers to read is a 2-hour job
    (120, S, False, 2),  # the journey: a 2-hour meeting with some preparation
    (ABOUT_TWO_HOURS, L, False, 2),
    (ABOUT_TWO_HOURS, S, False, 2),
    (ABOUT_TWO_HOURS + 1, S, False, 3),
    (120, R, False, 3),  # panels and focus groups need preparation: tier 3
    (60, X, False, 3),  # substantial preparation on a short activity: tier 3, not 5
    (120, L, True, 3),  # chairing or delivering training: at least tier 3
    (HALF_A_DAY, R, False, 3),  # "about half a day"
    (HALF_A_DAY, X, True, 3),
    (HALF_A_DAY + 1, L, False, 4),  # all day
    (HALF_A_DAY + 1, R, False, 4),
    (420, S, False, 4),
    (HALF_A_DAY + 1, X, False, 5),  # all day with substantial preparation
    (420, L, True, 5),  # all day chairing
    (16 * 60, X, True, 5),
]


@pytest.mark.parametrize(("minutes", "preparation", "chaired", "tier"), CASES)
def test_suggested_tier(minutes, preparation, chaired, tier):
    suggestion = suggest_tier(minutes=minutes, preparation=preparation, chaired_or_trained=chaired)
    assert suggestion.tier == tier
    assert suggestion.because  # always says why, in words


def test_more_of_anything_never_lowers_the_tier():
    preps = [L, S, R, X]
    for minutes in range(15, 16 * 60 + 1, 15):
        for i, prep in enumerate(preps):
            base = suggest_tier(minutes=minutes, preparation=prep, chaired_or_trained=False).tier
            chaired = suggest_tier(minutes=minutes, preparation=prep, chaired_or_trained=True)
            assert chaired.tier >= base
            if i + 1 < len(preps):
                more = suggest_tier(
                    minutes=minutes, preparation=preps[i + 1], chaired_or_trained=False
                )
                assert more.tier >= base
            longer = suggest_tier(minutes=minutes + 15, preparation=prep, chaired_or_trained=False)
            assert longer.tier >= base


def test_the_first_row_that_fits_wins_and_unbanded_rows_are_never_suggested():
    by_hand = RateCardTier(tier=1, unit=Unit.ITEM, fee=Decimal("13.80"), description="x")
    hourly = RateCardTier(tier=2, unit=Unit.HOUR, fee=Decimal("27.50"), minutes_up_to=240)
    daily = RateCardTier(tier=3, unit=Unit.DAY, fee=Decimal("165.00"), minutes_over=120)
    rows = [daily, by_hand, hourly]  # checked in row order, whatever order they come in
    assert (
        suggest_tier(minutes=180, preparation=L, chaired_or_trained=False, rows=rows).row is hourly
    )
    assert (
        suggest_tier(minutes=300, preparation=L, chaired_or_trained=False, rows=rows).row is daily
    )
    assert band_words(by_hand) == "Chosen by hand only"
    none = suggest_tier(minutes=60, preparation=L, chaired_or_trained=False, rows=[by_hand])
    assert none.row is None and none.because


@pytest.mark.parametrize(
    ("unit", "minutes", "quantity"),
    [
        (Unit.HOUR, 60, "1.00"),
        (Unit.HOUR, 100, "1.75"),  # to the quarter hour, rounded up
        (Unit.HALF_DAY, 210, "1"),
        (Unit.HALF_DAY, 300, "2"),
        (Unit.DAY, 420, "1"),
        (Unit.DAY, 600, "2"),
        (Unit.ITEM, 600, "1"),
    ],
)
def test_suggested_quantity_follows_the_unit(unit, minutes, quantity):
    assert suggested_quantity(unit, minutes) == Decimal(quantity)


def test_nonsense_is_refused():
    with pytest.raises(ValueError):
        suggest_tier(minutes=0, preparation=L, chaired_or_trained=False)
    with pytest.raises(ValueError):
        suggest_tier(minutes=60, preparation="lots", chaired_or_trained=False)
