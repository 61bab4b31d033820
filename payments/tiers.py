"""Which row of a rate card an involvement activity suggests, from how long it took and how
much preparation it needed, and how many of the row's units it comes to.

The rules live on the card's rows as data (a duration band and a preparation band on each
row); this module only reads them. It only *suggests*: the claimant or a co-production lead
may choose another row with a reason, and the reason is kept on the claim.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.db import models


class Preparation(models.TextChoices):
    LITTLE = "little", "None or a little"
    SOME = "some", "Some (for example papers to read)"
    REQUIRED = "required", "Preparation needed (for example for a panel or focus group)"
    SUBSTANTIAL = "substantial", "Substantial (for example chairing or preparing training)"


class Unit(models.TextChoices):
    HOUR = "hour", "per hour"
    HALF_DAY = "half_day", "per half day"
    DAY = "day", "per day"
    ITEM = "item", "per task or item"


# Least to most: a row's preparation band runs between two of these.
PREPARATION_ORDER = [p.value for p in Preparation]
MAX_MINUTES = 16 * 60

# How many half days or days an activity is, for the suggested quantity: a half day is up to
# 4 hours and a day up to 8, so a 7-hour training day is one day, not two.
HALF_DAY_MINUTES = 4 * 60
DAY_MINUTES = 8 * 60

PREPARATION_WORDS = {
    Preparation.LITTLE: "little or no preparation",
    Preparation.SOME: "some preparation",
    Preparation.REQUIRED: "preparation needed",
    Preparation.SUBSTANTIAL: "substantial preparation",
}


class Banded(Protocol):
    tier: int
    unit: str
    minutes_over: int | None
    minutes_up_to: int | None
    preparation_from: str
    preparation_to: str


def has_bands(row: Banded) -> bool:
    """A row with no band at all is chosen by hand only, never suggested."""
    return not (
        row.minutes_over is None
        and row.minutes_up_to is None
        and not row.preparation_from
        and not row.preparation_to
    )


def matches(row: Banded, *, minutes: int, preparation: str) -> bool:
    if not has_bands(row):
        return False
    if row.minutes_over is not None and minutes <= row.minutes_over:
        return False
    if row.minutes_up_to is not None and minutes > row.minutes_up_to:
        return False
    rank = PREPARATION_ORDER.index(preparation)
    if row.preparation_from and rank < PREPARATION_ORDER.index(row.preparation_from):
        return False
    return not (row.preparation_to and rank > PREPARATION_ORDER.index(row.preparation_to))


@dataclass(frozen=True)
class Suggestion:
    row: Banded | None
    because: str

    @property
    def tier(self) -> int | None:
        return self.row.tier if self.row is not None else None


def suggest_row(
    rows: Iterable[Banded], *, minutes: int, preparation: str, chaired_or_trained: bool
) -> Suggestion:
    """The first row, in the card's order, whose bands fit the activity.

    Chairing or delivering training counts as substantial preparation (the NIHR wording puts
    them together), so a card needs no separate rule for it.
    """
    if minutes <= 0:
        raise ValueError("an activity takes some time")
    preparation = Preparation(preparation)
    effective = Preparation.SUBSTANTIAL if chaired_or_trained else preparation
    words = f"{minutes_words(minutes)}, with {PREPARATION_WORDS[preparation]}"
    if chaired_or_trained:
        words += ", chairing or delivering training"
    for row in sorted(rows, key=lambda r: r.tier):
        if matches(row, minutes=minutes, preparation=effective):
            return Suggestion(row, words)
    return Suggestion(None, words)


def minutes_words(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if rest:
        parts.append(f"{rest} minutes")
    return " ".join(parts)


def suggested_quantity(unit: str, minutes: int) -> Decimal:
    """How many of the unit the activity is: hours to the quarter hour, whole half days and
    days (a started one counts), one task or item."""
    unit = Unit(unit)
    if unit == Unit.HOUR:
        quarters = math.ceil(minutes / 15)
        return (Decimal(quarters) / 4).quantize(Decimal("0.01"))
    if unit == Unit.HALF_DAY:
        return Decimal(math.ceil(minutes / HALF_DAY_MINUTES))
    if unit == Unit.DAY:
        return Decimal(math.ceil(minutes / DAY_MINUTES))
    return Decimal(1)


def band_words(row: Banded) -> str:
    """The row's rule in plain words, for the card's page and the preview."""
    if not has_bands(row):
        return "Chosen by hand only"
    parts = []
    if row.minutes_over is not None and row.minutes_up_to is not None:
        parts.append(
            f"over {minutes_words(row.minutes_over)}, up to {minutes_words(row.minutes_up_to)}"
        )
    elif row.minutes_up_to is not None:
        parts.append(f"up to {minutes_words(row.minutes_up_to)}")
    elif row.minutes_over is not None:
        parts.append(f"over {minutes_words(row.minutes_over)}")
    else:
        parts.append("any length")
    low = row.preparation_from or PREPARATION_ORDER[0]
    high = row.preparation_to or PREPARATION_ORDER[-1]
    if low == high:
        parts.append(PREPARATION_WORDS[Preparation(low)])
    elif (low, high) != (PREPARATION_ORDER[0], PREPARATION_ORDER[-1]):
        parts.append(
            f"{PREPARATION_WORDS[Preparation(low)]} to {PREPARATION_WORDS[Preparation(high)]}"
        )
    else:
        parts.append("any preparation")
    return ", ".join(parts)
