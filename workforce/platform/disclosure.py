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
  as 15: the figure can only be 11 and every other answer none), the table is withheld;
- bounded rounding cannot on its own stop every before-and-after pair from giving an answer
  away: about 1 change in 2,000 moves every populated cell at once so that only one answer
  fits both. So before a table is shown, every table one person away from it is drawn as
  well (one more or one fewer with each answer, or one answer changed to another, since the
  audit trail says when someone updated their answers), and the table is withheld if any
  such pair of figures would leave only one answer for that person (`gives_away`). The relation is
  symmetric, so of two tables that would give someone away, both are withheld and the pair
  is never seen; a withheld table tells nothing (tests/workforce/test_disclosure.py checks
  every one-person change of thousands of populations, with a solver that knows nothing of
  this code, and finds none that leaves one answer).

What it does not stop: someone who adds and removes many people, or changes their own answers
back and forth, could see many roundings of nearly the same counts and average them. Every
such change is on the register and in the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    # One keyed hash per 32 cells (a byte each): a table and its neighbours are drawn on
    # every page view, so the cost per cell matters more than the byte's slight bias.
    column = ",".join(map(str, counts))
    digest = b""
    for block in range(len(counts) // 32 + 1):
        value = f"{key}|{block}|{column}"
        # The salt is a name, not a module path: changing it would redraw every rounding.
        digest += salted_hmac("workforce.disclosure", value, algorithm="sha256").digest()
    return [digest[i] % BASE for i in range(len(counts))]


def protect_total(count: int, *, key: str) -> int | None:
    """A total (the number of people counted), rounded on its own."""
    return rounded(count, _offsets(key, [count])[0])


def _drawn(counts: Sequence[int], key: str, total: int) -> list[int | None] | None:
    """A table's figures before the one-person check: None when pinned."""
    shown = [
        rounded(count, offset) for count, offset in zip(counts, _offsets(key, counts), strict=True)
    ]
    return None if pinned(shown, total) else shown


def protect_table(counts: Sequence[int], *, key: str, total: int) -> list[int | None] | None:
    """The figures to show for one table: the counts of every answer to one question,
    which add up to `total` people. None when the whole table is withheld (see the module's
    docstring). `key` names the table (organisation and question), so that each table's
    offsets are its own."""
    shown = _drawn(counts, key, total)
    if shown is None:
        return None
    for change in one_person_changes(counts):
        neighbour = list(counts)
        if change.old is not None:
            neighbour[change.old] -= 1
        if change.new is not None:
            neighbour[change.new] += 1
        other = _drawn(neighbour, key, total + change.headcount)
        if gives_away(shown, other, total, change.kind):
            return None
    return shown


@dataclass(frozen=True)
class Change:
    """One person's change to a table: they joined with answer `new`, left with answer
    `old`, or changed their answer from `old` to `new` (the audit trail says when someone
    updated their answers, though not which)."""

    old: int | None
    new: int | None

    @property
    def kind(self) -> str:
        if self.old is None:
            return JOINED
        return LEFT if self.new is None else CHANGED

    @property
    def headcount(self) -> int:
        return {JOINED: 1, LEFT: -1, CHANGED: 0}[self.kind]


JOINED, LEFT, CHANGED = "joined", "left", "changed"


def one_person_changes(counts: Sequence[int]):
    cells = range(len(counts))
    for answer in cells:
        yield Change(None, answer)
        if counts[answer]:
            yield Change(answer, None)
            for other in cells:
                if other != answer:
                    yield Change(answer, other)


def changes_left(
    before: Sequence[int | None] | None,
    after: Sequence[int | None] | None,
    total_before: int,
    kind: str,
) -> set[Change]:
    """The changes of that kind that one person could have made, to someone who sees both
    tables' figures and knows the exact headcount. A withheld table (None) tells nothing.
    A changed answer may also have been saved unchanged (old and new the same)."""
    return {Change(old, new) for old, new in _possible(before, after, total_before, kind)}


def _possible(before, after, total_before: int, kind: str):
    """Each (old, new) that fits both tables, as `changes_left` describes. Each figure
    stands for a range of counts (`_range`), so a change fits when some counts within every
    range before, moved by that change, fall within every range after and add up to the
    headcount: a box and a sum, so the ends of the ranges are enough."""
    cells = len(before if before is not None else after)
    wide = (0, total_before + 1)
    before_ranges = [_range(f) for f in before] if before is not None else [wide] * cells
    after_ranges = [_range(f) for f in after] if after is not None else [wide] * cells

    def bounds(i: int, moved: int, floor: int) -> tuple[int, int]:
        (lo_b, hi_b), (lo_a, hi_a) = before_ranges[i], after_ranges[i]
        return max(lo_b, lo_a - moved, floor), min(hi_b, hi_a - moved)

    # A change moves one or two cells, so every other cell keeps the bounds it has when
    # nobody moves: add those up once and swap in the moved cells.
    still = [bounds(i, 0, 0) for i in range(cells)]
    low, high = sum(lo for lo, _ in still), sum(hi for _, hi in still)
    empty = {i for i, (lo, hi) in enumerate(still) if lo > hi}
    if len(empty) > 2:
        return

    def fits(moved: dict[int, tuple[int, int]]) -> bool:
        if empty - moved.keys():
            return False
        lo_sum, hi_sum = low, high
        for i, (move, floor) in moved.items():
            lo, hi = bounds(i, move, floor)
            if lo > hi:
                return False
            lo_sum += lo - still[i][0]
            hi_sum += hi - still[i][1]
        return lo_sum <= total_before <= hi_sum

    for old in range(cells) if kind != JOINED else (None,):
        for new in range(cells) if kind != LEFT else (None,):
            moved = {}
            if old is not None:
                moved[old] = (-1, 1)  # they had this answer, so it had at least one
            if new is not None:
                move, floor = moved.get(new, (0, 0))
                moved[new] = (move + 1, floor)
            if fits(moved):
                yield old, new


def gives_away(
    shown: Sequence[int | None],
    other: Sequence[int | None] | None,
    total: int,
    kind: str,
) -> bool:
    """Whether seeing `shown` (for `total` people) and then `other` (one person joined,
    left or changed their answer) would leave only one answer that person could have had
    before, or only one they could have now. Stops at the second of each, as most pairs
    of tables leave many."""
    olds, news = set(), set()
    for old, new in _possible(shown, other, total, kind):
        olds.add(old)
        news.add(new)
        if (kind == JOINED or len(olds) > 1) and (kind == LEFT or len(news) > 1):
            return False
    return True


def pinned(shown: Sequence[int | None], total: int) -> bool:
    """Whether these figures and the exact total fix every cell: only when the total is the
    smallest or the largest sum the figures allow (any other total leaves each cell at least
    two possible counts, as every figure stands for a range of them)."""
    ranges = [_range(figure) for figure in shown]
    return total in (sum(lo for lo, _ in ranges), sum(hi for _, hi in ranges))
