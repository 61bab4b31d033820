"""What every report shares: the filters, the table a report is made of, and its CSV.

A report is a list of `Table`s. The page renders each table (and its chart) from the same
rows the CSV writes, so the download is exactly what the page shows under the same filters;
both write a value through workforce.platform.exports.cell_text.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from roles.models import Role
from workforce.organisations import access
from workforce.organisations.models import Organisation, Team
from workforce.platform.query import Query
from workforce.register.models import Assignment

# The tables and their cells are drawn by template tags too, so they live apart from the
# queries; reports keep naming them through this module.
from workforce.reports.tables import Chart, Table, cell_text  # noqa: F401

# A report never spans more than this many months: the per-month tables cost one row (and
# for supervision one query) per month, so the cost stays bounded whatever is asked for.
MAX_MONTHS = 24
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class Filters:
    start: datetime.date
    end: datetime.date
    organisations: tuple[Organisation, ...]  # the ones chosen (all allowed ones by default)
    allowed: tuple[Organisation, ...]  # every organisation the user may report on
    team: Team | None = None
    family: str = ""
    errors: tuple[str, ...] = field(default=())

    @property
    def organisation_ids(self) -> list[int]:
        return [org.pk for org in self.organisations]

    @property
    def organisation(self) -> Organisation | None:
        return self.organisations[0] if len(self.organisations) == 1 else None

    def months(self) -> list[datetime.date]:
        """First days of the months from start to end, oldest first."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return months

    def person_q(self, ref: str = "pk", *, by_team: bool = True) -> Q:
        """People in the chosen team and role family (through any assignment they held in
        the period), for reports counted per person rather than per assignment. `ref` names
        the person's id in the outer query ("person_id" for incidents and claims);
        `by_team=False` leaves the team to the caller (claims have their activity's team)."""
        team = self.team if by_team else None
        if team is None and not self.family:
            return Q()
        held = Assignment.objects.filter(
            person=OuterRef(ref),
            start_date__lte=self.end,
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start))
        if team is not None:
            held = held.filter(team=team)
        if self.family:
            held = held.filter(role_version__role__family=self.family)
        return Q(Exists(held))

    def query_string(self) -> str:
        params = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.organisation is not None and len(self.allowed) > 1:
            params["organisation"] = self.organisation.pk
        if self.team is not None:
            params["team"] = self.team.pk
        if self.family:
            params["family"] = self.family
        return urlencode(params)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _months_before(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def parse_filters(user, params, capacities: tuple[str, ...]) -> Filters:
    """The filters from the query string, each checked against what `user` may see. Anything
    not allowed or not understood falls back to the default, with a message saying so.
    Dates are read through workforce/query.py, so both lie within its allowed range."""
    allowed = tuple(
        access.scoped(user, Organisation).filter(pk__in=access.organisation_ids(user, *capacities))
    )
    query = Query(params)
    today = timezone.localdate()
    end = query.date("end", label="The end date", default=today)
    start = query.date(
        "start", label="The start date", default=_months_before(end, DEFAULT_MONTHS - 1)
    )
    if start > end:
        query.errors.append("The start date was after the end date, so the two were swapped.")
        start, end = end, start
    earliest = _months_before(end, MAX_MONTHS - 1)
    if start < earliest:
        query.errors.append(f"A report covers at most {MAX_MONTHS} months; the start was moved.")
        start = earliest

    chosen = allowed
    org_id = query.id(
        "organisation",
        message="That organisation is not one you can report on; all yours are shown.",
        allowed=[org.pk for org in allowed],
    )
    if org_id is not None:
        chosen = tuple(org for org in allowed if org.pk == org_id)
    team = None
    team_id = query.id(
        "team", message="That team is not in the organisations shown; all teams are shown."
    )
    if team_id is not None:
        team = Team.objects.filter(organisation__in=[o.pk for o in chosen], pk=team_id).first()
        if team is None:
            query.errors.append("That team is not in the organisations shown; all teams are shown.")
    family = query.choice(
        "family",
        Role.Family.values,
        message="That role family is not known; all role families are shown.",
    )
    return Filters(
        start=start,
        end=end,
        organisations=chosen,
        allowed=allowed,
        team=team,
        family=family,
        errors=tuple(query.errors),
    )


def team_choices(filters: Filters) -> list[Team]:
    return list(
        Team.objects.filter(organisation__in=[o.pk for o in filters.allowed]).select_related(
            "organisation"
        )
    )


def month_label(day: datetime.date) -> str:
    return day.strftime("%b %Y")


def report_lines(tables: Iterable[Table]) -> Iterator[list]:
    """The rows of the report's one CSV: each table's header, then its rows, every line
    starting with the title of the table it is in (workforce.platform.exports renders them)."""
    for table in tables:
        yield ["Table", *table.headers]
        yield from table.csv_rows()
