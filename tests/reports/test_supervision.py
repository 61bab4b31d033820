"""Supervision compliance by team and month, against the register in conftest.py."""

import pytest

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
