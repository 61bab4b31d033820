"""Supervision compliance by team and month, against the register in conftest.py."""

import datetime

import pytest
from django.test import Client

from tests.reports.helpers import csv_rows, csv_tables, page_tables, table


@pytest.fixture
def lead_client(client, personas):
    client.force_login(personas["lead"])
    return client


def test_in_date_by_team_and_month(lead_client, register):
    tables = page_tables(lead_client, "supervision", register.params())
    m0, m1, m2 = (d.strftime("%b %Y") for d in (register.m0, register.m1, register.m2))
    a, b = register.team_a.name, register.team_b.name
    # End of M: alice new and not yet due (in date); bob and dan never supervised.
    # End of M+1: alice due soon, carol new (both compliant); dan gone, bob still never.
    # End of M+2: alice overdue (never), carol compliant; bob supervised in M+2.
    assert table(tables, "In date by team and month") == [
        [m0, b, "2", "0", "0"],
        [m0, a, "1", "1", "100"],
        [m1, b, "1", "0", "0"],
        [m1, a, "2", "2", "100"],
        [m2, b, "1", "1", "100"],
        [m2, a, "2", "1", "50"],
    ]
    assert table(tables, "In date by month") == [
        [m0, "3", "1", "33"],
        [m1, "3", "2", "66"],
        [m2, "3", "2", "66"],
    ]
    # Teams in name order: the "=HYPERLINK" team sorts before "Community Team".
    assert table(tables, "In date by team on") == [[b, "1", "1", "100"], [a, "2", "1", "50"]]


def test_overdue_list(lead_client, register):
    rows = table(page_tables(lead_client, "supervision", register.params()), "Overdue supervision")
    assert len(rows) == 1
    name, team, role, kind, last, due, status, supervisor = rows[0]
    assert (name, team, role, status, last) == (
        "Alice Able",
        "Community Team",
        "Peer support worker",
        "Never supervised",
        "",
    )
    assert supervisor == "Supervisor"


def test_csv_equals_the_tables_and_neutralises_formulas(lead_client, register):
    params = register.params()
    assert csv_tables(lead_client, "supervision", params) == page_tables(
        lead_client, "supervision", params
    )
    raw = csv_rows(lead_client, "supervision", params)
    team_cells = [row[2] for row in raw if row[0] == "In date by team and month"]
    assert '\'=HYPERLINK("http://x")' in team_cells
    assert not any(cell.startswith("=") for row in raw for cell in row)


def test_other_organisation_never_appears(client, personas, register):
    client.force_login(personas["outsider"])
    tables = page_tables(client, "supervision", register.params())
    assert "Alice" not in str(tables)
    assert "Alice" not in str(csv_rows(client, "supervision", register.params()))
    assert table(tables, "Overdue supervision") == [
        [
            "Erin Else",
            "Other Team",
            "Other PSW",
            "Line management supervision",
            "",
            table(tables, "Overdue supervision")[0][5],
            "Never supervised",
            "Outsider",
        ]
    ]


def test_figures_follow_the_per_day_rules(org, personas, register):
    """The report counts every month in one query and lists who is late from another:
    both must give what annotate_compliance (the rules, one day at a time) gives on each
    month's last day, with sessions of every sort around those days (too short, not
    confirmed, of the other kind, just before and just after a month end), a move to a
    newer role version, and a period running past today (several months on one day)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from roles.models import SupervisionKind
    from supervision.selectors import Status, annotate_compliance
    from tests.factories import (
        AssignmentFactory,
        PersonFactory,
        UserFactory,
        make_role_version,
        make_supervision_session,
    )
    from tests.reports.conftest import add_months
    from workforce.models import Assignment
    from workforce.organisations import access, capacities
    from workforce.reports import common

    day = datetime.timedelta
    supervisor, m0 = personas["supervisor"], register.m0
    psw = register.people["alice"].assignments.get().role_version
    other_role = make_role_version(org, title="Peer support worker v2", afc_band="3")
    for i in range(8):
        person = PersonFactory(
            organisation=org, start_date=m0 - day(200 + 9 * i), user=UserFactory()
        )
        first = AssignmentFactory(
            person=person,
            role_version=psw,
            team=register.team_a if i % 2 else register.team_b,
            supervisor=supervisor,
            start_date=person.start_date,
            end_date=m0 + day(20 + 7 * i) if i % 3 == 0 else None,
        )
        if i % 3 == 0:  # moves to another role the day after
            AssignmentFactory(
                person=person,
                role_version=other_role,
                team=first.team,
                supervisor=supervisor,
                start_date=first.end_date + day(1),
            )
        for j in range(5):
            make_supervision_session(
                supervisor=supervisor,
                supervisees=[person],
                date=m0 - day(40) + day(23 * j + 3 * i),
                minutes=30 if (i + j) % 4 == 0 else 60,
                status="awaiting" if (i + j) % 5 == 0 else "confirmed",
                kind="peer" if (i + j) % 6 == 0 else "line_management",
            )
    params = register.params(end=add_months(timezone.localdate(), 2).isoformat())
    client = Client()
    client.force_login(personas["lead"])
    tables = page_tables(client, "supervision", params)

    user = personas["lead"]
    filters = common.parse_filters(user, params, capacities.LEADS_AND_ADMINS)
    base = access.scoped(user, Assignment).filter(team__organisation=org)
    by_team_month, by_month = [], []
    for month in filters.months():
        as_at = min(common.month_end(month), filters.end, timezone.localdate())
        rows = (
            annotate_compliance(base, as_at)
            .order_by()
            .values("team__name", "team_id")
            .annotate(
                total=Count("pk"),
                compliant=Count("pk", filter=Q(status__in=Status.COMPLIANT)),
            )
            .order_by("team__name", "team_id")
        )
        label = month.strftime("%b %Y")
        for row in rows:
            by_team_month.append(
                [
                    label,
                    row["team__name"],
                    str(row["total"]),
                    str(row["compliant"]),
                    str(row["compliant"] * 100 // row["total"]),
                ]
            )
        total = sum(row["total"] for row in rows)
        compliant = sum(row["compliant"] for row in rows)
        by_month.append(
            [label, str(total), str(compliant), str(compliant * 100 // total) if total else ""]
        )
    assert len(by_month) > 4  # months after today count as today
    assert table(tables, "In date by team and month") == by_team_month
    assert table(tables, "In date by month") == by_month

    late = (
        annotate_compliance(base, min(filters.end, timezone.localdate()))
        .filter(status__in=(Status.OVERDUE, Status.NEVER))
        .order_by("next_due", "person__full_name", "pk", "requirement_id")
    )
    expected = [
        [
            row.person.full_name,
            row.team.name,
            row.requirement_kind,
            str(row.last_confirmed or ""),
            row.next_due.isoformat(),
            Status.LABELS[row.status],
        ]
        for row in late
    ]
    shown = [
        [name, team, kind, last, due, status]
        for name, team, _, kind, last, due, status, _ in table(tables, "Overdue supervision")
    ]
    kinds = dict(SupervisionKind.choices)
    assert shown == [[*row[:2], kinds.get(row[2], row[2]), *row[3:]] for row in expected]
    assert len(expected) > 3


@pytest.mark.django_db(transaction=True)
def test_figures_are_kept_until_supervision_changes(client, personas, register):
    """The counts and the late list are kept (workforce/figures.py) until a supervision
    table changes: opened again, the report counts nothing; once a session is confirmed,
    the next view shows it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory, make_supervision_session

    alice = register.people["alice"]
    alice.user = UserFactory(username="alice")
    alice.save()
    client.force_login(personas["lead"])
    params = register.params()
    first = page_tables(client, "supervision", params)
    with CaptureQueriesContext(connection) as kept:
        assert page_tables(client, "supervision", params) == first
    assert not any("supervision_sessionsupervisee" in q["sql"] for q in kept.captured_queries)
    assert table(first, "Overdue supervision")[0][0] == "Alice Able"

    make_supervision_session(
        supervisor=personas["supervisor"], supervisees=[alice], date=register.end
    )
    after = page_tables(client, "supervision", params)
    assert not any(title.startswith("Overdue") for title in after)  # nobody late: no table
    assert table(after, "In date by team on")[1] == [register.team_a.name, "2", "2", "100"]
