"""Involvement payments: spend, the backlog, time to pay and tax-year totals, summed by the
database over the claims the user may see (payments' own scope: leads see submitted and
later claims, finance approved and later ones). Money stays Decimal throughout."""

from __future__ import annotations

from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from payments import periods
from payments.models import Claim, ExpenseLine
from payments.money import ZERO
from payments.selectors import MONEY, DaysBetween, Median, tax_year_claims, with_totals
from payments.services.common import APPROVERS, FINANCE
from workforce import access
from workforce.reports.common import Chart, Filters, Table, month_label

CAPACITIES = tuple(dict.fromkeys((*APPROVERS, *FINANCE)))
S = Claim.State
SPENT = Claim.FINANCE_STATES


def _money(expression):
    return Coalesce(Sum(expression), ZERO, output_field=MONEY)


def _filtered(user, filters: Filters, claims):
    orgs = access.organisation_ids(user, *CAPACITIES).intersection(filters.organisation_ids)
    # A claim's team is its activity's (the work was for that team), whatever team the
    # claimant's own role is in; the role family is the claimant's.
    claims = claims.filter(filters.person_q("person_id", by_team=False), organisation_id__in=orgs)
    if filters.team is not None:
        claims = claims.filter(activity__team=filters.team)
    return claims.order_by()


def _spend(claims, key) -> list[dict]:
    return list(
        claims.filter(state__in=SPENT)
        .values(key)
        .annotate(
            claims=Count("pk"),
            fees=_money("fee_payable"),
            expenses=_money("expenses_total"),
            total=_money("total"),
        )
        .order_by(key)
    )


def _spend_row(label, row: dict | None) -> list:
    row = row or {"claims": 0, "fees": ZERO, "expenses": ZERO, "total": ZERO}
    return [label, row["claims"], row["fees"], row["expenses"], row["total"]]


def _tax_year_rows(user, filters: Filters) -> tuple[str, list[list]]:
    start = periods.tax_year_start(filters.end)
    claims = _filtered(user, filters, tax_year_claims(user, start))
    fees = (
        claims.values("person_id", "person__full_name", "person__payee_reference")
        .annotate(claims=Count("pk"), fees=_money("fee_payable"))
        .order_by("person__full_name", "person_id")
    )
    expenses = dict(
        ExpenseLine.objects.filter(claim__in=claims.values("pk"))
        .order_by()
        .values("claim__person_id")
        .annotate(total=Sum("amount"))
        .values_list("claim__person_id", "total")
    )
    rows = []
    for row in fees:
        spent = expenses.get(row["person_id"]) or ZERO
        rows.append(
            [
                row["person__full_name"],
                row["person__payee_reference"],
                row["claims"],
                row["fees"],
                spent,
                row["fees"] + spent,
            ]
        )
    return periods.tax_year_label(start), rows


def payments_report(user, filters: Filters) -> list[Table]:
    claims = _filtered(
        user,
        filters,
        with_totals(access.scoped(user, Claim)).filter(
            activity_date__range=(filters.start, filters.end)
        ),
    )
    by_month = {
        row["month"]: row
        for row in _spend(claims.annotate(month=TruncMonth("activity_date")), "month")
    }
    by_tier = _spend(claims, "tier")
    by_team = _spend(claims, "activity__team__name")
    backlog = claims.aggregate(
        **{
            f"{state}_{name}": aggregate
            for state in (S.SUBMITTED, S.APPROVED, S.EXPORTED)
            for name, aggregate in (
                ("n", Count("pk", filter=Q(state=state))),
                ("value", Coalesce(Sum("total", filter=Q(state=state)), ZERO, output_field=MONEY)),
                ("oldest", Min("submitted_at", filter=Q(state=state))),
            )
        },
    )
    # Median takes no FILTER clause (its template casts the result), so paid claims get
    # their own small query.
    backlog.update(
        claims.filter(state=S.PAID).aggregate(
            median=Median(DaysBetween(F("paid_on"), TruncDate("submitted_at"))),
            paid=Count("pk"),
        )
    )
    today = timezone.localdate()

    def waiting(state) -> int | None:
        oldest = backlog[f"{state}_oldest"]
        return (today - timezone.localdate(oldest)).days if oldest else None

    tax_year, tax_rows = _tax_year_rows(user, filters)
    money = ["Claims", "Fees (£)", "Expenses (£)", "Total (£)"]
    period = f"Claims for work done from {filters.start:%-d %B %Y} to {filters.end:%-d %B %Y}"
    spent = f"{period}, approved or paid."
    return [
        Table(
            "month",
            "Spend by month",
            spent,
            ["Month", *money],
            [_spend_row(month_label(m), by_month.get(m)) for m in filters.months()],
            Chart(0, (4,), "£"),
        ),
        Table(
            "tier",
            "Spend by tier",
            spent,
            ["Tier", *money],
            [_spend_row(f"Tier {row['tier']}", row) for row in by_tier],
            Chart(0, (4,), "£"),
        ),
        Table(
            "team",
            "Spend by team",
            f"{spent} Claims not made for a team's activity are shown as “No team”.",
            ["Team", *money],
            [_spend_row(row["activity__team__name"] or "No team", row) for row in by_team],
            Chart(0, (4,), "£"),
        ),
        Table(
            "backlog",
            "Backlog: claims on their way to being paid",
            f"{period}.",
            ["Stage", "Claims", "Value (£)", "Oldest waiting (days since submitted)"],
            [
                [label, backlog[f"{state}_n"], backlog[f"{state}_value"], waiting(state)]
                for state, label in (
                    (S.SUBMITTED, "Waiting for approval"),
                    (S.APPROVED, "Approved, waiting for a payment batch"),
                    (S.EXPORTED, "In a batch, waiting to be paid"),
                )
            ],
            Chart(0, (1,), "claims"),
        ),
        Table(
            "time_to_pay",
            "Time to pay",
            f"{period}, paid. Median days from submission to payment.",
            ["Measure", "Days", "Claims counted"],
            [["Median days from submission to payment", backlog["median"], backlog["paid"]]],
        ),
        Table(
            "tax_year",
            f"Totals per person in tax year {tax_year}",
            f"Approved and paid claims for work done in the tax year {tax_year} (the one the "
            "period ends in), per person: what matters for tax and benefits.",
            ["Person", "Payee reference", *money],
            tax_rows,
            Chart(0, (5,), "£"),
        ),
    ]
