"""The tier suggestion, table-driven over every boundary of the NIHR wording."""

import pytest

from payments.tiers import ABOUT_TWO_HOURS, HALF_A_DAY, UP_TO_AN_HOUR, suggest_tier

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


def test_nonsense_is_refused():
    with pytest.raises(ValueError):
        suggest_tier(minutes=0, preparation=L, chaired_or_trained=False)
    with pytest.raises(ValueError):
        suggest_tier(minutes=60, preparation="lots", chaired_or_trained=False)
