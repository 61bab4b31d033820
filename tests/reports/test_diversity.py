"""Diversity in reports: the workforce app's suppression, and no way round it.

"Diverse Trust" has 12 people on its register (the lead included, who has not answered):
7 female, 2 male, 3 not answered. Every sex cell is below 8, so all are "fewer than 10";
the headcount (10 or 15) is rounded on its own.
"""

import pytest
from django.urls import reverse

from tests.factories import (
    DiversityProfileFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    make_login,
)
from tests.reports.helpers import csv_rows, csv_tables, page_tables, table
from workforce.models import Capacity as C
from workforce.platform.disclosure import SMALL, WITHHELD


@pytest.fixture
def diverse(db):
    org = OrganisationFactory(name="Diverse Trust")
    team = TeamFactory(organisation=org, name="Only Team")
    lead = make_login("dlead", org, C.COPRODUCTION_LEAD)
    for _ in range(7):
        DiversityProfileFactory(person=PersonFactory(organisation=org), sex="female", age="25_34")
    for _ in range(2):
        DiversityProfileFactory(person=PersonFactory(organisation=org), sex="male", age="25_34")
    for _ in range(2):
        PersonFactory(organisation=org)
    return org, team, lead


def _hidden(cell: str) -> bool:
    return cell in (SMALL, WITHHELD)


def test_small_numbers_are_hidden_and_cannot_be_subtracted(client, diverse):
    org, _, lead = diverse
    client.force_login(lead)
    tables = page_tables(client, "diversity")
    assert table(tables, "Diverse Trust: people counted") in (
        [["Diverse Trust", "10"]],
        [["Diverse Trust", "15"]],
    )
    sex = table(tables, "Diverse Trust: Sex")
    assert sex == [
        ["Female", SMALL],
        ["Male", SMALL],
        ["Prefer not to say", SMALL],
        ["Not answered", SMALL],
    ]
    for title, rows in tables.items():
        if title.endswith("people counted"):
            continue
        shown = [int(cell) for _, cell in rows if not _hidden(cell)]
        assert all(n >= 10 and n % 5 == 0 for n in shown), title


def test_csv_hides_the_same_cells_and_has_no_totals(client, diverse):
    org, _, lead = diverse
    client.force_login(lead)
    page = page_tables(client, "diversity")
    assert csv_tables(client, "diversity") == page
    rows = csv_rows(client, "diversity")
    assert not any(cell in ("2", "3", "7", "0", "12") for row in rows for cell in row[2:])
    assert not any("total" in cell.lower() for row in rows for cell in row)


def test_no_filtered_sub_population(client, diverse):
    """A team's report beside the whole organisation's would give the rest by subtraction,
    so team, role family and dates change nothing here."""
    org, team, lead = diverse
    client.force_login(lead)
    whole = csv_rows(client, "diversity")
    filtered = csv_rows(
        client,
        "diversity",
        {"team": team.pk, "family": "peer_support_worker", "start": "2026-01-01"},
    )
    assert whole == filtered


def test_no_sum_across_organisations(client, diverse, org):
    """Two organisations are shown one after the other, never added up (a combined figure
    less one organisation's would give back the other's hidden cells)."""
    diverse_org, _, lead = diverse
    MembershipFactory(user=lead, organisation=org, capacity=C.COPRODUCTION_LEAD)
    for _ in range(12):
        DiversityProfileFactory(person=PersonFactory(organisation=org), sex="male")
    client.force_login(lead)
    tables = page_tables(client, "diversity")
    assert [t for t in tables if t.endswith(": Sex")] == [
        "Diverse Trust: Sex",
        "Test NHS Trust: Sex",
    ]
    assert all(t.startswith(("Diverse Trust", "Test NHS Trust")) for t in tables)
    only_one = page_tables(client, "diversity", {"organisation": diverse_org.pk})
    assert all(t.startswith("Diverse Trust") for t in only_one)


def test_too_few_people_shows_nothing_but_that(client, db):
    org = OrganisationFactory(name="Tiny Org")
    lead = make_login("tinylead", org, C.COPRODUCTION_LEAD)
    DiversityProfileFactory(person=PersonFactory(organisation=org), sex="female")
    client.force_login(lead)
    tables = page_tables(client, "diversity")
    assert tables == {"Tiny Org: people counted": [["Tiny Org", SMALL]]}
    assert csv_tables(client, "diversity") == tables


@pytest.mark.parametrize("who", ["safeguarding", "finance", "supervisor", "peer"])
def test_only_leads_and_admins(client, personas, who):
    client.force_login(personas[who])
    assert client.get(reverse("reports:diversity")).status_code == 403
    assert client.get(reverse("reports:diversity_csv")).status_code == 403
