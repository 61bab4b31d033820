"""Disclosure control: the one rule for every figure that counts people by a characteristic.

The starting point is NHS England's rule for published counts of people (NHS Digital's
"Disclosure control methodology for Hospital Episode Statistics and the Emergency Care Data
Set", 2018, since used across its datasets): a count from 1 to 7 is shown as "*", every
other count is rounded to the nearest 5, and totals are rounded from their own unrounded
count, never added up from rounded cells.

That rule assumes nobody knows which individual changed between two releases. Here a lead
does: they record who joins and who leaves, and can open the report before and after. With
rounding to the *nearest* 5 a one-person change moves a figure only when it crosses a
boundary (13 to 12 shows 15 then 10; 8 to 7 shows 10 then "*"), and then the one figure that
moved is that person's answer. Across the nine characteristics a leaver would cross at least
one boundary about 87% of the time (1 - 0.8 ** 9). So the rule here is stronger:

- 0 to 7 are never shown (as "fewer than 10"): zero too, so that none cannot be told from
  one and a cell going from 1 to 0 shows nothing;
- every other count c is rounded down after adding an offset from 0 to 4, which rounds it up
  with a chance of (c mod 5) / 5; a result below 10 is shown as "fewer than 10" as well.
  A shown figure s therefore means s - 4 to s + 4 people, and "fewer than 10" means 0 to 9;
- the offsets come from a keyed hash (the site's secret) of the table and its whole column of
  exact counts. Reloading gives the same figures, but any change to a table, one person
  joining or leaving included, redraws the offsets of every cell in it: a figure that moves
  could be anyone's, a figure that stays could be theirs, and every before-and-after pair is
  consistent with more than one answer (tests/workforce/test_disclosure.py tries every
  one-person change of many small populations, and shows that rounding to the nearest 5
  would give leavers away);
- a lead knows the exact headcount from the register. Where that headcount and a table's
  shown figures would pin the cells down exactly (11 people who all gave one answer, shown
  as 15: the figure can only be 11 and every other answer none), the table is withheld.

What it does not stop: someone who adds and removes many people, or changes their own answers
back and forth, could see many roundings of nearly the same counts and average them. Every
such change is on the register and in the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.crypto import salted_hmac

BASE = 5
# NHS England hides 1 to 7; rounding can take 8 and 9 below 10, which is hidden too.
LARGEST_HIDDEN = 7
SMALLEST_SHOWN = 10
SMALL = f"fewer than {SMALLEST_SHOWN}"
WITHHELD = "withheld"

RULE = (
    "To protect individuals, every number is rounded up or down to a multiple of 5, and any "
    f"group smaller than {SMALLEST_SHOWN} (including none) is shown as “{SMALL}”, so comparing "
    "the figures from before and after someone joins or leaves does not reveal their answers."
)


def rounded(count: int, offset: int) -> int | None:
    """The figure shown for `count` with a given offset (0 to 4); None when hidden."""
    if count <= LARGEST_HIDDEN:
        return None
    shown = (count + offset) // BASE * BASE
    return shown if shown >= SMALLEST_SHOWN else None


def possible(count: int) -> set[int | None]:
    """Every figure that `count` can be shown as: what someone who knows this rule, but not
    the secret, can tell about a count from its figure."""
    return {rounded(count, offset) for offset in range(BASE)}


def _range(shown: int | None) -> tuple[int, int]:
    """The counts a shown figure can stand for (see `possible`)."""
    if shown is None:
        return 0, SMALLEST_SHOWN - 1
    return max(LARGEST_HIDDEN + 1, shown - BASE + 1), shown + BASE - 1


def _offsets(key: str, counts: Sequence[int]) -> list[int]:
    column = ",".join(map(str, counts))
    return [
        int.from_bytes(
            salted_hmac("workforce.disclosure", f"{key}|{i}|{column}", algorithm="sha256").digest()[
                :8
            ]
        )
        % BASE
        for i in range(len(counts))
    ]


def protect_total(count: int, *, key: str) -> int | None:
    """A total (the number of people counted), rounded on its own."""
    return rounded(count, _offsets(key, [count])[0])


def protect_table(counts: Sequence[int], *, key: str, total: int) -> list[int | None] | None:
    """The figures to show for one table: the counts of every answer to one question,
    which add up to `total` people. None when the whole table is withheld (see the module's
    docstring). `key` names the table (organisation and question), so that each table's
    offsets are its own."""
    shown = [
        rounded(count, offset) for count, offset in zip(counts, _offsets(key, counts), strict=True)
    ]
    if pinned(shown, total):
        return None
    return shown


def pinned(shown: Sequence[int | None], total: int) -> bool:
    """Whether these figures and the exact total fix every cell: only when the total is the
    smallest or the largest sum the figures allow (any other total leaves each cell at least
    two possible counts, as every figure stands for a range of them)."""
    ranges = [_range(figure) for figure in shown]
    return total in (sum(lo for lo, _ in ranges), sum(hi for _, hi in ranges))
