"""Which NIHR tier an involvement activity suggests, from how long it took, how much
preparation it needed and whether the person chaired or delivered training.

The NIHR table describes each tier in words (DOMAIN.md); this turns those words into rules a
person can check. It only *suggests*: a co-production lead may choose another tier with a
reason, and the reason is kept on the claim.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Preparation(models.TextChoices):
    LITTLE = "little", "None or a little"
    SOME = "some", "Some (for example papers to read)"
    REQUIRED = "required", "Preparation needed (for example for a panel or focus group)"
    SUBSTANTIAL = "substantial", "Substantial (for example chairing or preparing training)"


TIERS = (1, 2, 3, 4, 5)

# Upper limits, in minutes, of the NIHR time bands: "about 1 hour or less", "about 2 hours",
# "about half a day"; anything longer is a day. Generous on purpose (2½ h is still "about
# 2 hours"): people should not lose a tier to a meeting that overran by a few minutes.
UP_TO_AN_HOUR = 60
ABOUT_TWO_HOURS = 150
HALF_A_DAY = 300
MAX_MINUTES = 16 * 60

# The least tier each level of preparation deserves on a shorter-than-a-day activity.
# Substantial preparation is tier 5 only on an all-day activity (the NIHR wording).
PREPARATION_FLOOR = {
    Preparation.LITTLE: 1,
    Preparation.SOME: 2,
    Preparation.REQUIRED: 3,
    Preparation.SUBSTANTIAL: 3,
}


PREPARATION_WORDS = {
    Preparation.LITTLE: "little or no preparation",
    Preparation.SOME: "some preparation",
    Preparation.REQUIRED: "preparation needed",
    Preparation.SUBSTANTIAL: "substantial preparation",
}


@dataclass(frozen=True)
class Suggestion:
    tier: int
    because: str


def suggest_tier(*, minutes: int, preparation: str, chaired_or_trained: bool) -> Suggestion:
    """The tier the NIHR table suggests. Every claim's suggestion comes from here."""
    if minutes <= 0:
        raise ValueError("an activity takes some time")
    preparation = Preparation(preparation)
    if minutes > HALF_A_DAY:
        if preparation == Preparation.SUBSTANTIAL or chaired_or_trained:
            return Suggestion(5, "all day, with substantial preparation, chairing or training")
        return Suggestion(4, "an all-day meeting or training")
    if minutes > ABOUT_TWO_HOURS:
        by_time = 3
        time_words = "about half a day"
    elif minutes > UP_TO_AN_HOUR:
        by_time = 2
        time_words = "about 2 hours"
    else:
        by_time = 1
        time_words = "about an hour or less"
    floor = PREPARATION_FLOOR[preparation]
    words = f"{time_words}, with {PREPARATION_WORDS[preparation]}"
    if chaired_or_trained:
        # Tier 3 names "delivering training" and panels; chairing carries the same weight.
        floor = max(floor, 3)
        words += ", chairing or delivering training"
    return Suggestion(max(by_time, floor), words)
