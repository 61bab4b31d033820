"""Payments figures against claims moved through the real services.

peer's claims, all for work done three days ago: c1 paid, c2 approved, c3 submitted,
c4 a draft (no lead or finance figure includes it), c5 rejected. Spend counts approved,
exported and paid claims: c1 + c2. The other organisation's approved claim never counts.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payments import periods, services
from tests.factories import RateCardFactory, make_claim, make_login
from tests.reports.helpers import csv_rows, csv_tables, html_tables, page_tables, table
from workforce.models import Capacity as C


@pytest.fixture
def made(claims, personas, other_org):
    c1 = claims("peer", "paid", hours=2, description="Reading group")
    c2 = claims("peer", "approved", hours=4, description="Interview panel")
    c3 = claims("peer", "submitted", hours=1, description="Steering group")
    claims("peer", "draft", description="Draft work")
    claims("peer", "rejected", description="Not involvement")
    RateCardFactory(organisation=other_org)
    other = make_login("otherpeer", other_org, C.PEER_WORKER, full_name="Olive Other")
    make_claim(other, state="approved", approver=personas["outsider"])
    return c1, c2, c3


def _params():
    today = timezone.localdate()
    return {"start": (today - datetime.timedelta(days=60)).isoformat(), "end": today.isoformat()}


def _money(value) -> str:
    return f"{value:.2f}"


def test_figures_for_the_lead(client, personas, made):
    c1, c2, c3 = made
    client.force_login(personas["lead"])
    tables = page_tables(client, "payments", _params())
    month = (timezone.localdate() - datetime.timedelta(days=3)).strftime("%b %Y")
    spent = c1.fee_payable + c2.fee_payable
    months = table(tables, "Spend by month")
    assert [month, "2", _money(spent), "0.00", _money(spent)] in months
    assert sum(int(row[1]) for row in months) == 2
    tiers = table(tables, "Spend by tier")
    assert sum(int(row[1]) for row in tiers) == 2
    assert {row[0] for row in tiers} == {f"Tier {c1.tier}", f"Tier {c2.tier}"}
    assert table(tables, "Spend by team") == [
        ["No team", "2", _money(spent), "0.00", _money(spent)]
    ]
    backlog = table(tables, "Backlog")
    assert backlog[0][:3] == ["Waiting for approval", "1", _money(c3.fee_payable)]
    assert backlog[1][:3] == ["Approved, waiting for a payment batch", "1", _money(c2.fee_payable)]
    assert backlog[2][:3] == ["In a batch, waiting to be paid", "0", "0.00"]
    # Submitted and paid on the same day.
    assert table(tables, "Time to pay") == [["Median days from submission to payment", "0.0", "1"]]
    # Tax-year totals count claims by the date paid: only c1 is paid.
    label = periods.tax_year_label(timezone.localdate())
    paid = _money(c1.fee_payable)
    assert table(tables, f"Totals per person in tax year {label}") == [
        ["Peer", "", "1", paid, "0.00", paid]
    ]
    assert "Olive" not in str(tables)


def test_finance_sees_approved_and_later_only(client, personas, made):
    c1, c2, _ = made
    client.force_login(personas["finance"])
    tables = page_tables(client, "payments", _params())
    backlog = table(tables, "Backlog")
    # Submitted claims are not finance's to see (payments' own scope): zero, not a leak.
    assert backlog[0][:2] == ["Waiting for approval", "0"]
    assert backlog[1][:2] == ["Approved, waiting for a payment batch", "1"]
    assert csv_tables(client, "payments", _params()) == tables


def test_outsider_and_other_capacities(client, personas, made):
    client.force_login(personas["outsider"])
    tables = page_tables(client, "payments", _params())
    assert table(tables, "Spend by team")[0][1] == "1"
    assert "Peer" not in str(csv_rows(client, "payments", _params()))
    for who in ("peer", "supervisor", "safeguarding"):
        client.force_login(personas[who])
        assert client.get(reverse("reports:payments")).status_code == 403


def test_csv_equals_the_page(client, personas, made):
    client.force_login(personas["lead"])
    assert csv_tables(client, "payments", _params()) == page_tables(client, "payments", _params())


def test_team_filter_is_the_activity_team(client, personas, made, claims, org):
    """A claim belongs to the team whose activity it was for, even when the claimant holds
    no role in that team (involvement bank members often hold none at all)."""
    from tests.factories import ActivityFactory
    from workforce.models import Team

    team = Team.objects.get(organisation=org, name="Community Team")
    activity = ActivityFactory(organisation=org, team=team, title="Team away day")
    claim = claims("peer", "approved", activity=activity)
    client.force_login(personas["lead"])
    params = {**_params(), "team": team.pk}
    tables = page_tables(client, "payments", params)
    assert table(tables, "Spend by team") == [
        ["Community Team", "1", _money(claim.fee_payable), "0.00", _money(claim.fee_payable)]
    ]
    assert csv_tables(client, "payments", params) == tables


def test_expenses_count_once_per_claim(client, personas, claims, org):
    """Claims with several expense lines: each claim counts once and its lines add up, in
    every table (spend by month, tier and team, the backlog and the tax year), and claims
    waiting for approval make no spend row of their own."""
    from decimal import Decimal

    from payments import services
    from payments.models import ExpenseLine

    def with_lines(state, amounts, days_ago):
        claim = claims(
            "peer",
            "draft",
            activity_date=timezone.localdate() - datetime.timedelta(days=days_ago),
            description=f"{state} with {len(amounts)} lines",
        )
        for amount in amounts:
            ExpenseLine.objects.create(
                claim=claim, kind="travel", description="Bus", amount=Decimal(amount)
            )
        claim = services.claim_submit(claim=claim, by=personas["peer"])
        if state != "submitted":
            claim = services.claim_approve(claim=claim, approver=personas["lead"])
        if state == "paid":
            batch = services.batch_create(
                organisation=org, by=personas["finance"], cut_off=timezone.localdate()
            )
            services.batch_mark_paid(
                batch=batch, by=personas["finance"], paid_on=timezone.localdate(), reference="R1"
            )
        claim.refresh_from_db()
        return claim

    paid = with_lines("paid", ["3.50", "10.00"], 3)
    approved = with_lines("approved", ["4.25"], 3)
    waiting = with_lines("submitted", ["7.00", "1.00", "2.00"], 3)
    old = with_lines("approved", [], 40)
    client.force_login(personas["lead"])
    tables = page_tables(client, "payments", _params())

    def spend(*spent):
        fees = sum(claim.fee_payable for claim in spent)
        lines = sum(
            (line.amount for claim in spent for line in claim.expenses.all()), Decimal("0.00")
        )
        return [str(len(spent)), _money(fees), _money(lines), _money(fees + lines)]

    month = (timezone.localdate() - datetime.timedelta(days=3)).strftime("%b %Y")
    old_month = old.activity_date.strftime("%b %Y")
    months = {row[0]: row[1:] for row in table(tables, "Spend by month")}
    if old_month == month:
        assert months[month] == spend(paid, approved, old)
    else:
        assert months[month] == spend(paid, approved)
        assert months[old_month] == spend(old)
    assert table(tables, "Spend by team") == [["No team", *spend(paid, approved, old)]]
    tiers = table(tables, "Spend by tier")
    assert [str(sum(int(row[1]) for row in tiers)), *(
        _money(sum(Decimal(row[i]) for row in tiers)) for i in (2, 3, 4)
    )] == spend(paid, approved, old)  # fmt: skip
    backlog = table(tables, "Backlog")
    assert backlog[0][:3] == ["Waiting for approval", "1", _money(waiting.fee_payable + 10)]
    assert backlog[1][:3] == [
        "Approved, waiting for a payment batch",
        "2",
        _money(approved.fee_payable + Decimal("4.25") + old.fee_payable),
    ]
    assert table(tables, "Time to pay") == [["Median days from submission to payment", "0.0", "1"]]
    # Paid today, so in this tax year whatever the work's date; approved ones are not paid.
    label = periods.tax_year_label(timezone.localdate())
    assert table(tables, f"Totals per person in tax year {label}") == [["Peer", "", *spend(paid)]]


def test_tax_year_totals_are_the_payments_pages_figures(client, personas, claims, org):
    """The report's tax-year table and the payments app's tax-year totals page sum the
    same claims the same way (payments.selectors.person_totals): several claims per person,
    expense lines, a claim still expected (on the payments page only), for a lead and for
    finance."""

    def submitted(who, hours, expenses=()):
        claim = claims(who, "draft", hours=hours, description=f"{who} for {hours} hours")
        for amount in expenses:
            services.expense_add(
                claim=claim,
                by=personas[who],
                kind="travel",
                description="Bus",
                amount=Decimal(amount),
            )
        return services.claim_submit(claim=claim, by=personas[who])

    for claim in (
        submitted("peer", 2, ["3.50", "10.00"]),
        submitted("peer", 3),
        submitted("peer2", 1, ["4.25"]),
    ):
        services.claim_approve(claim=claim, approver=personas["lead"])
    finance = personas["finance"]
    batch = services.batch_create(organisation=org, by=finance, cut_off=timezone.localdate())
    services.batch_mark_paid(
        batch=batch, by=finance, paid_on=timezone.localdate(), reference="BACS-7"
    )
    claims("peer2", "approved", hours=5, description="Not paid yet")

    label = periods.tax_year_label(timezone.localdate())
    for who in ("lead", "finance"):
        client.force_login(personas[who])
        report = table(
            page_tables(client, "payments", _params()), f"Totals per person in tax year {label}"
        )
        response = client.get(reverse("payments:totals"))
        assert response.status_code == 200
        shown = html_tables(response.content.decode())[
            f"Totals per person for the tax year {label}"
        ]
        # The payments page adds the fees still expected; the report leaves them out.
        paid = [
            [cell.replace("£", "").replace(",", "") for cell in row[:6]]
            for row in shown
            if row[2] != "0"
        ]
        assert report == paid
        assert [(row[0], row[2], row[4]) for row in report] == [
            ("Peer", "2", "13.50"),
            ("Peer2", "1", "4.25"),
        ]
