"""Diversity monitoring for leads: counts only, small numbers suppressed.

How nobody is identified:
- Counts are computed in the database, in one query, and any count below 5 (zero included,
  so "none" cannot be told from "one") comes back as NULL: the exact small number never
  reaches Python, the page, or a log.
- Primary suppression alone is not enough: the headcount is known (it is the people list),
  and every characteristic's answers, with "prefer not to say" and "not answered", add up to
  it. With one hidden cell, headcount minus the shown cells would give it back exactly. So
  whenever a characteristic has a hidden cell, its smallest shown cell is hidden too
  ("not shown"): the hidden cells then always include one of 5 or more, and their total
  no longer pins down any small one.
- One report per whole organisation, with no filters: two overlapping reports (a team and
  the rest, say) could be subtracted from each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.lookups import GreaterThanOrEqual

from workforce import access
from workforce.models import Organisation, Person
from workforce.models.diversity import CHARACTERISTICS

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

THRESHOLD = 5
NOT_ANSWERED = ""


@dataclass
class Cell:
    label: str
    count: int | None  # None when hidden
    hidden: str = ""  # "", "small" (fewer than 5) or "secondary" (hidden to protect another)

    @property
    def display(self) -> str:
        if self.hidden == "small":
            return f"fewer than {THRESHOLD}"
        if self.hidden == "secondary":
            return "not shown"
        return str(self.count)


@dataclass
class CharacteristicReport:
    field: str
    name: str
    cells: list[Cell]

    @property
    def any_hidden(self) -> bool:
        return any(cell.hidden for cell in self.cells)


@dataclass
class DiversityReport:
    organisation: Organisation
    population: Cell
    characteristics: list[CharacteristicReport]


def _suppressed(expression):
    """The count itself if it is at least THRESHOLD, otherwise NULL, decided in SQL."""
    return Case(
        When(GreaterThanOrEqual(expression, THRESHOLD), then=expression),
        default=Value(None),
        output_field=IntegerField(),
    )


def _answer_count(field: str, value: str) -> Count:
    if value == NOT_ANSWERED:
        answered = Q(diversity__isnull=True) | Q(**{f"diversity__{field}": ""})
        return Count("pk", filter=answered)
    return Count("pk", filter=Q(**{f"diversity__{field}": value}))


def _protect(cells: list[Cell]) -> None:
    """Secondary suppression: see the module's docstring."""
    if not any(cell.hidden for cell in cells):
        return
    shown = [cell for cell in cells if not cell.hidden]
    if shown:
        smallest = min(shown, key=lambda cell: cell.count)
        smallest.count = None
        smallest.hidden = "secondary"


def diversity_report(user: AbstractBaseUser, organisation: Organisation) -> DiversityReport:
    """Counts for the organisation's current people (not leavers), for those allowed."""
    if not access.can(user, "view_diversity_report", organisation):
        raise PermissionError("diversity report: not allowed")
    people = (
        access.scoped(user, Person)
        .filter(organisation=organisation)
        .exclude(status=Person.Status.LEFT)
    )
    expressions = {"population": _suppressed(Count("pk"))}
    layout = []
    for field, name, _, choices in CHARACTERISTICS:
        keys = []
        for value, label in [*choices.choices, (NOT_ANSWERED, "Not answered")]:
            key = f"{field}__{value or 'not_answered'}"
            expressions[key] = _suppressed(_answer_count(field, value))
            keys.append((key, label))
        layout.append((field, name, keys))
    counts = people.aggregate(**expressions)

    characteristics = []
    for field, name, keys in layout:
        cells = [
            Cell(label, counts[key], "" if counts[key] is not None else "small")
            for key, label in keys
        ]
        _protect(cells)
        characteristics.append(CharacteristicReport(field, name, cells))
    population = counts["population"]
    return DiversityReport(
        organisation=organisation,
        population=Cell("People", population, "" if population is not None else "small"),
        characteristics=characteristics,
    )
