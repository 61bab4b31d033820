"""Diversity: the workforce app's suppressed counts (workforce.register.selectors.diversity), one
organisation at a time, never combined.

What stops someone subtracting back a hidden cell, beyond what that selector already does:
- no total row and no sum across organisations: a sum of two organisations' figures, less
  one organisation's, would give back the other's hidden cells;
- the date, team and role-family filters are ignored here: a report for a team next to one
  for the whole organisation would give the rest of the organisation by subtraction;
- the page, the chart and the CSV are drawn from the same cells, so every figure is the same
  rounded one everywhere and a hidden cell is hidden everywhere ("fewer than 10" /
  "withheld", never a number, never a bar).
"""

from __future__ import annotations

from workforce.organisations import access
from workforce.platform import disclosure
from workforce.register.selectors.diversity import diversity_report
from workforce.reports.common import Chart, Filters, Table


def _value(cell):
    # A shown count is a number (and gets a bar); a hidden one is its words only.
    return cell.count if not cell.hidden else cell.display


def _description(characteristic) -> str:
    if characteristic.withheld:
        return (
            "Self-declared answers. Withheld: with the number of people on the register, "
            "these figures would give the exact counts."
        )
    return f"Self-declared answers, rounded to a multiple of {disclosure.BASE}."


def diversity_tables(user, filters: Filters) -> list[Table]:
    tables = []
    for organisation in filters.organisations:
        if not access.can(user, "view_diversity_report", organisation):
            continue
        report = diversity_report(user, organisation)
        tables.append(
            Table(
                f"org{organisation.pk}-people",
                f"{organisation.name}: people counted",
                "Everyone currently on the register (leavers are not counted).",
                ["Organisation", "People"],
                [[organisation.name, _value(report.population)]],
            )
        )
        if report.population.hidden:
            continue
        for characteristic in report.characteristics:
            tables.append(
                Table(
                    f"org{organisation.pk}-{characteristic.field}",
                    f"{organisation.name}: {characteristic.name}",
                    _description(characteristic),
                    ["Answer", "People"],
                    [[cell.label, _value(cell)] for cell in characteristic.cells],
                    Chart(0, (1,), "people"),
                )
            )
    return tables
