"""Diversity monitoring for leads: counts only, under the disclosure rule.

How nobody is identified:
- Counts are computed in the database, in one aggregate query: no row-level answer is ever
  read. Every figure is then shown only as workforce/disclosure.py allows (hidden below 8,
  rounded to a multiple of 5 with offsets redrawn whenever a table changes), so comparing the
  report before and after someone joins or leaves, or subtracting the shown figures from the
  headcount, does not give anyone's answer back.
- The exact counts stay in this function: the cells carry only the figures to show.
- One report per whole organisation, with no filters: two overlapping reports (a team and
  the rest, say) could be subtracted from each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from workforce.organisations import access
from workforce.organisations.models import Organisation
from workforce.platform import disclosure
from workforce.register.models import Person
from workforce.register.models.diversity import CHARACTERISTICS

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

NOT_ANSWERED = ""


@dataclass
class Cell:
    label: str
    count: int | None  # the rounded figure; None when hidden
    hidden: str = ""  # "", "small" (fewer than 10) or "withheld" (the whole table is)

    @property
    def display(self) -> str:
        if self.hidden == "small":
            return disclosure.SMALL
        if self.hidden == "withheld":
            return disclosure.WITHHELD
        return str(self.count)

    @classmethod
    def of(cls, label: str, shown: int | None) -> Cell:
        return cls(label, shown, "" if shown is not None else "small")


@dataclass
class CharacteristicReport:
    field: str
    name: str
    cells: list[Cell]

    @property
    def any_hidden(self) -> bool:
        return any(cell.hidden for cell in self.cells)

    @property
    def withheld(self) -> bool:
        return any(cell.hidden == "withheld" for cell in self.cells)


@dataclass
class DiversityReport:
    organisation: Organisation
    population: Cell
    characteristics: list[CharacteristicReport]


def _answer_count(field: str, value: str) -> Count:
    if value == NOT_ANSWERED:
        answered = Q(diversity__isnull=True) | Q(**{f"diversity__{field}": ""})
        return Count("pk", filter=answered)
    return Count("pk", filter=Q(**{f"diversity__{field}": value}))


def diversity_report(user: AbstractBaseUser, organisation: Organisation) -> DiversityReport:
    """Counts for the organisation's current people (not leavers), for those allowed."""
    if not access.can(user, "view_diversity_report", organisation):
        raise PermissionError("diversity report: not allowed")
    people = (
        access.scoped(user, Person)
        .filter(organisation=organisation)
        .exclude(status=Person.Status.LEFT)
    )
    expressions = {"population": Count("pk")}
    layout = []
    for field, name, _, choices in CHARACTERISTICS:
        keys = []
        for value, label in [*choices.choices, (NOT_ANSWERED, "Not answered")]:
            key = f"{field}__{value or 'not_answered'}"
            expressions[key] = _answer_count(field, value)
            keys.append((key, label))
        layout.append((field, name, keys))
    counts = people.aggregate(**expressions)
    total = counts["population"]

    characteristics = []
    for field, name, keys in layout:
        shown = disclosure.protect_table(
            [counts[key] for key, _ in keys],
            key=f"diversity:{organisation.pk}:{field}",
            total=total,
        )
        if shown is None:
            cells = [Cell(label, None, "withheld") for _, label in keys]
        else:
            cells = [Cell.of(label, figure) for (_, label), figure in zip(keys, shown, strict=True)]
        characteristics.append(CharacteristicReport(field, name, cells))
    population = disclosure.protect_total(total, key=f"diversity:{organisation.pk}:population")
    return DiversityReport(
        organisation=organisation,
        population=Cell.of("People", population),
        characteristics=characteristics,
    )
