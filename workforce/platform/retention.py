"""The retention runner: applies a schedule of rules (what is due, what to do with it) to
each organisation, all or nothing, or lists what a dry run would do and why. The schedule
itself, naming every app's records, is workforce/retention.py."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction

from workforce.platform.base import add_months


def cutoff(today: datetime.date, months: int) -> datetime.date:
    """Records dated before this day are past their period."""
    return add_months(today, -months)


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    due: Callable[[datetime.date], models.QuerySet]
    apply: Callable | None  # None: retained, reported only
    verb: str = "deleted"


# How many records a dry run names, per rule and organisation, with the reason for each.
DRY_RUN_LISTED = 20


@dataclass
class Outcome:
    rule: Rule
    organisation: models.Model
    months: int
    cut: datetime.date
    count: int
    reasons: list[str] = field(default_factory=list)

    def line(self, dry_run: bool) -> str:
        if self.rule.apply is None:
            what = "kept: the database keeps them unchangeable; ask your IG lead"
        elif dry_run:
            what = f"would be {self.rule.verb}"
        else:
            what = self.rule.verb
        return (
            f"{self.rule.title} (older than {self.months} months, before "
            f"{self.cut:%d/%m/%Y}): {self.count} {what}"
        )


def run(
    rules: list[Rule],
    organisations: list[models.Model],
    *,
    today: datetime.date,
    dry_run: bool,
    periods: Callable[[models.Model], dict[str, int]],
    why: dict[str, Callable],
) -> list[Outcome]:
    """Each rule for each organisation, in one transaction: `periods(org)` gives the months
    per record type, `why[key](record)` the reason a dry run prints."""
    outcomes = []
    with transaction.atomic():
        for org in organisations:
            chosen = periods(org)
            for rule in rules:
                months = chosen[rule.key]
                cut = cutoff(today, months)
                due = rule.due(cut, org)
                if rule.apply is None or dry_run:
                    reasons = [why[rule.key](r) for r in due.order_by("pk")[:DRY_RUN_LISTED]]
                    outcomes.append(Outcome(rule, org, months, cut, due.count(), reasons))
                    continue
                count = 0
                for record in due.order_by("pk").iterator():
                    rule.apply(record)
                    count += 1
                outcomes.append(Outcome(rule, org, months, cut, count))
    return outcomes
