"""The organisation's compliance counts (by team, by supervisor, by month) are one set-based
query; they must give exactly what counting `annotate_compliance` rows day by day gives
(the definition the row pages use), on varied data: people never supervised, overdue, due
soon, in date; awaiting, disputed and too-short logs; people who joined or left during the
year; several requirements; a move to a newer role version; sessions on month ends."""

import datetime
import random
from collections import Counter

import pytest
from django.utils import timezone

from roles.models import RoleVersion
from supervision import selectors
from supervision.selectors.compliance import Status, annotate_compliance
from tests.factories import (
    assign_direct,
    days_ago,
    make_login,
    make_role_version,
    make_supervision_session,
    version_with,
)
from workforce.models import Assignment
from workforce.models import Capacity as C
from workforce.organisations import access

STATUSES = (Status.NEVER, Status.OVERDUE, Status.DUE_SOON, Status.IN_DATE)


def _counts(rows) -> tuple[int, ...]:
    counted = Counter(row.status for row in rows)
    return (len(rows), *(counted[status] for status in STATUSES))


def _summary_counts(summary) -> tuple[int, ...]:
    return (summary.total, *(getattr(summary, status) for status in STATUSES))


def _reference_rows(user, org, day):
    """The rows the compliance pages list on `day`: the definition the counts must match."""
    return list(
        annotate_compliance(access.scoped(user, Assignment), day)
        .filter(team__organisation=org)
        .select_related("supervisor__person", "team")
    )


@pytest.fixture
def varied(org, other_org, lead, supervisor):
    """About forty people in every state, in two teams with two supervisors."""
    rng = random.Random(20261123)
    second_team = org.teams.create(name="Recovery College")
    teams = [org.teams.order_by("pk").first(), second_team]
    locum = make_login("locum", org, C.SUPERVISOR, full_name="Locum Supervisor")
    supervisors = [supervisor, locum]
    simple = version_with(org)  # line management every 28 days, 60 minutes
    several = version_with(
        org,
        ("line_management", 56, 60),
        ("clinical", 90, 45),
        ("peer", 28, 30),
        title="Senior peer worker",
    )
    month_ends = selectors.month_ends(timezone.localdate(), 12)
    kinds = ["line_management", "clinical", "peer", "reflective_practice"]
    moved = []
    for i in range(40):
        person = make_login(f"worker{i}", org, C.PEER_WORKER).person
        start = days_ago(rng.choice([0, 5, 20, 40, 100, 200, 330, 400, 700]))
        end = None
        if i % 5 == 0:
            end = start + datetime.timedelta(days=rng.choice([0, 30, 90, 200]))
        elif i % 7 == 0:
            end = days_ago(rng.choice([1, 45, 380]))
            end = max(end, start)
        version = several if i % 3 == 0 else simple
        assignment = assign_direct(
            person,
            version,
            supervisor=supervisors[i % 2],
            start=start,
            end=end,
            team=teams[(i // 2) % 2],
        )
        if i % 11 == 4 and end is None and start <= days_ago(100):
            moved.append(assignment)
        if i % 6 == 1:
            continue  # never supervised
        for _ in range(rng.choice([1, 2, 4, 8])):
            date = rng.choice(
                [
                    days_ago(rng.randrange(0, 500)),
                    rng.choice(month_ends),  # on a month end: counts from that month
                    rng.choice(month_ends) + datetime.timedelta(days=1),  # the day after
                ]
            )
            date = min(date, timezone.localdate())
            make_supervision_session(
                supervisor=supervisors[rng.randrange(2)],
                supervisees=[person],
                date=date,
                kind=rng.choice(kinds),
                minutes=rng.choice([20, 30, 45, 59, 60, 90]),
                status=rng.choice(["confirmed", "confirmed", "confirmed", "awaiting", "disputed"]),
            )
    # A group session, and a move to a newer version that adds a type of supervision.
    make_supervision_session(
        supervisor=supervisor,
        supervisees=[a.person for a in Assignment.objects.filter(role_version=simple)][:6],
        date=days_ago(75),
        logged_by=supervisor,
    )
    RoleVersion.objects.filter(pk=simple.pk).update(
        status="superseded", superseded_at=timezone.now()
    )
    newer = make_role_version(
        org,
        role=simple.role,
        number=simple.number + 1,
        title="Peer support worker (revised)",
        supervision=(("line_management", 28, 60), ("clinical", 60, 45)),
    )
    for assignment in moved:
        on = days_ago(50)
        Assignment.objects.filter(pk=assignment.pk).update(end_date=on - datetime.timedelta(days=1))
        assign_direct(
            assignment.person,
            newer,
            supervisor=assignment.supervisor,
            start=on,
            team=assignment.team,
            previous=assignment,
        )
    # Someone in another organisation, who must not be counted.
    outsider = make_login("elsewhere", other_org, C.PEER_WORKER).person
    assign_direct(
        outsider, version_with(other_org), supervisor=make_login("s2", other_org, C.SUPERVISOR)
    )
    return {"moved": moved}


@pytest.mark.parametrize("today_offset", [0, 40])
@pytest.mark.parametrize("who", ["lead", "supervisor"])
def test_counts_match_the_rows_on_every_month_end(org, varied, lead, supervisor, who, today_offset):
    user = {"lead": lead, "supervisor": supervisor}[who]
    today = days_ago(today_offset)
    days = selectors.month_ends(today, 12)
    expected_months = [_counts(_reference_rows(user, org, day)) for day in days]
    # The data is varied enough to mean something: every status on some month end.
    assert all(sum(month[i + 1] for month in expected_months) for i in range(4))
    assert varied["moved"]

    months = selectors.monthly_summaries(user, org, today=today)
    assert [_summary_counts(month) for month in months] == expected_months

    rows = _reference_rows(user, org, today)
    by_team = {
        pk: _counts([r for r in rows if r.team_id == pk]) for pk in {r.team_id for r in rows}
    }
    by_supervisor = {
        pk: _counts([r for r in rows if r.supervisor_id == pk])
        for pk in {r.supervisor_id for r in rows}
    }
    total, teams, supervisors = selectors.organisation_summaries(user, org, today=today)
    assert _summary_counts(total) == _counts(rows)
    assert {t.pk: _summary_counts(t) for t in teams} == by_team
    assert {s.pk: _summary_counts(s) for s in supervisors} == by_supervisor
    assert [t.name for t in teams] == sorted(t.name for t in teams)

    # The page's single query gives the same as the three separate ones.
    overview = selectors.organisation_overview(user, org, today=today)
    assert overview == (total, teams, supervisors, months)


def test_an_organisation_with_nobody_has_no_months(org, lead):
    total, teams, supervisors, months = selectors.organisation_overview(lead, org)
    assert (total.total, teams, supervisors, months) == (0, [], [], [])
    assert [m.total for m in selectors.monthly_summaries(lead, org)] == [0] * 12
