"""Presence figures against the hand-worked register in conftest.py."""

import pytest

from tests.factories import MembershipFactory
from tests.reports.helpers import csv_rows, csv_tables, page_tables, table
from workforce.models import Capacity as C


@pytest.fixture
def lead_client(client, personas):
    client.force_login(personas["lead"])
    return client


def test_headcount_and_fte(lead_client, register):
    tables = page_tables(lead_client, "presence", register.params())
    # On the last day: alice (37.5 h) and bob (15 h) are peer support workers, carol
    # (22.5 h) a senior peer; dan has left. FTE = hours / 37.5.
    assert table(tables, "Headcount and FTE by role family") == [
        ["Peer support worker", "2", "1.40"],
        ["Senior or lead peer worker", "1", "0.60"],
    ]
    assert table(tables, "Headcount and FTE by Agenda for Change band") == [
        ["Band 3", "2", "1.40"],
        ["Band 4", "1", "0.60"],
    ]
    assert table(tables, "Headcount and FTE by engagement type") == [
        ["Employed", "2", "1.60"],
        ["Sessional / involvement bank", "1", "0.40"],
    ]


def test_starters_and_leavers(lead_client, register):
    rows = table(page_tables(lead_client, "presence", register.params()), "Starters and leavers")
    m0, m1, m2 = (d.strftime("%b %Y") for d in (register.m0, register.m1, register.m2))
    assert rows == [[m0, "1", "0"], [m1, "1", "1"], [m2, "0", "0"]]


def test_team_and_family_filters(lead_client, register):
    tables = page_tables(lead_client, "presence", register.params(team=register.team_a.pk))
    assert table(tables, "Headcount and FTE by role family") == [
        ["Peer support worker", "1", "1.00"],
        ["Senior or lead peer worker", "1", "0.60"],
    ]
    # Team filter on movement: people who held a role in the team during the period.
    m0, m1, m2 = (d.strftime("%b %Y") for d in (register.m0, register.m1, register.m2))
    assert table(tables, "Starters and leavers") == [[m0, "1", "0"], [m1, "1", "0"], [m2, "0", "0"]]
    tables = page_tables(lead_client, "presence", register.params(family="senior_peer"))
    assert table(tables, "Headcount and FTE by role family") == [
        ["Senior or lead peer worker", "1", "0.60"]
    ]


def test_pay_parity_side_by_side(client, personas, register, org, other_org):
    lead = personas["lead"]
    MembershipFactory(user=lead, organisation=other_org, capacity=C.COPRODUCTION_LEAD)
    client.force_login(lead)
    rows = table(page_tables(client, "presence", register.params()), "Pay parity")
    # Columns are the organisations in name order: "Other Partner", "Test NHS Trust".
    assert rows == [
        ["Peer support worker", "Band 4", "Band 3"],
        ["Senior or lead peer worker", "No role", "Band 4"],
    ]


def test_other_organisation_never_appears(client, personas, register):
    client.force_login(personas["lead"])
    everything = str(csv_rows(client, "presence", register.params()))
    page = client.get("/reports/presence/", register.params()).content.decode()
    for text in ("Erin", "Other Partner", "Other PSW"):
        assert text not in everything and text not in page
    # And the outsider, a lead elsewhere, sees only erin.
    client.force_login(personas["outsider"])
    tables = page_tables(client, "presence", register.params())
    assert table(tables, "Headcount and FTE by role family") == [
        ["Peer support worker", "1", "1.00"]
    ]
    assert "Alice" not in str(csv_rows(client, "presence", register.params()))


def test_csv_equals_the_tables(lead_client, register):
    params = register.params(team=register.team_a.pk)
    assert csv_tables(lead_client, "presence", params) == page_tables(
        lead_client, "presence", params
    )


def test_filters_that_are_not_yours_fall_back(lead_client, register, other_org):
    response = lead_client.get(
        "/reports/presence/", {"organisation": other_org.pk, "team": "x", "family": "nope"}
    )
    html = response.content.decode()
    assert "not one you can report on" in html
    assert "not in the organisations shown" in html
    assert "role family is not known" in html
    assert "Erin" not in html
