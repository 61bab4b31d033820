"""Involvement payments: spend, the backlog, time to pay and tax-year totals, summed by the
database over the claims the user may see (payments' own scope: leads see submitted and
later claims, finance approved and later ones). Money stays Decimal throughout."""

from __future__ import annotations

from django.db import connection
from django.db.models import F, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from payments import periods
from payments.models import Claim, ExpenseLine
from payments.money import ZERO
from payments.selectors import MONEY, DaysBetween, person_totals, tax_year_claims
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.reports.common import Chart, Filters, Table, month_label

S = Claim.State
SPENT = Claim.FINANCE_STATES


def _money(expression):
    return Coalesce(Sum(expression), ZERO, output_field=MONEY)


def _filtered(user, filters: Filters, claims):
    orgs = access.organisation_ids(user, *groups.TOTALS_READERS).intersection(
        filters.organisation_ids
    )
    # A claim's team is its activity's (the work was for that team), whatever team the
    # claimant's own role is in; the role family is the claimant's.
    claims = claims.filter(filters.person_q("person_id", by_team=False), organisation_id__in=orgs)
    if filters.team is not None:
        claims = claims.filter(activity__team=filters.team)
    return claims.order_by()


def _spend_row(label, row: dict | None) -> list:
    row = row or {"claims": 0, "fees": ZERO, "expenses": ZERO, "total": ZERO}
    return [label, row["claims"], row["fees"], row["expenses"], row["total"]]


def _tax_year_rows(user, filters: Filters) -> tuple[str, list[list]]:
    """The payments app's own per-person tax-year sums (payments.selectors.person_totals),
    narrowed to the report's filters."""
    start = periods.tax_year_start(filters.end)
    claims = _filtered(user, filters, tax_year_claims(user, start))
    rows = [
        [row.name, row.payee_reference, row.claims, row.fees, row.expenses, row.total]
        for row in person_totals(claims)
    ]
    return periods.tax_year_label(start), rows


# The figures' grouping sets, told apart by GROUPING(month, tier, team): 0 where grouped.
_BY_MONTH, _BY_TIER, _BY_TEAM, _WHOLE = 0b011, 0b101, 0b110, 0b111
BACKLOG = (S.SUBMITTED, S.APPROVED, S.EXPORTED)


def _figures(claims) -> dict[int, list[dict]]:
    """Spend by month, tier and team (approved, exported and paid claims) and, over the
    whole period, the backlog per state and the median days to pay: one pass over the
    claims, {grouping set: [row, ...]} in key order.

    Each claim's expenses are summed once: every claim's lines, grouped by claim, hashed
    and joined to the chosen claims, because expense lines are far fewer than claims and
    restricting them to the chosen claims first made PostgreSQL hash every chosen claim's
    id. The ORM wrote them as a correlated subquery per claim, repeated in every figure
    that used them, and each figure as its own query over the claims: several passes over
    a year's claims, which was most of the page. The claims are first summed per month,
    tier, team and state (a few thousand groups), and the grouping sets add those up,
    which is cheaper than grouping the claims themselves four times with a dozen filtered
    sums each. Figures: bench/README.md, "Why the code is shaped this way".
    """
    inner = claims.annotate(
        r_team=F("activity__team__name"),
        r_days=DaysBetween(F("paid_on"), TruncDate("submitted_at")),
    ).values(
        "id", "state", "tier", "activity_date", "fee_payable", "submitted_at", "r_team", "r_days"
    )
    sql, params = inner.query.sql_with_params()
    spent = "g.state IN (" + ", ".join(["%s"] * len(SPENT)) + ")"
    backlog = ",\n".join(
        f"""coalesce(sum(g.n) FILTER (WHERE g.state = %s), 0)::bigint AS "{state}_n",
            coalesce(sum(g.total) FILTER (WHERE g.state = %s), 0.00) AS "{state}_value",
            min(g.oldest) FILTER (WHERE g.state = %s) AS "{state}_oldest\""""
        for state in BACKLOG
    )
    query = f"""
        WITH c AS MATERIALIZED ({sql}),
        e AS (
            SELECT l.claim_id, sum(l.amount) AS amount
              FROM {ExpenseLine._meta.db_table} l
             GROUP BY l.claim_id
        ),
        g AS (
            SELECT date_trunc('month', c.activity_date)::date AS month, c.tier,
                   c.r_team AS team, c.state, count(*) AS n,
                   sum(c.fee_payable) AS fees, sum(coalesce(e.amount, 0.00)) AS expenses,
                   sum(c.fee_payable + coalesce(e.amount, 0.00)) AS total,
                   min(c.submitted_at) AS oldest
              FROM c
              LEFT JOIN e ON e.claim_id = c.id
             GROUP BY 1, 2, 3, 4
        )
        SELECT GROUPING(g.month, g.tier, g.team) AS grouped, g.month, g.tier, g.team,
               coalesce(sum(g.n) FILTER (WHERE {spent}), 0)::bigint AS claims,
               coalesce(sum(g.fees) FILTER (WHERE {spent}), 0.00) AS fees,
               coalesce(sum(g.expenses) FILTER (WHERE {spent}), 0.00) AS expenses,
               coalesce(sum(g.total) FILTER (WHERE {spent}), 0.00) AS total,
               {backlog},
               (SELECT CAST(percentile_cont(0.5) WITHIN GROUP (ORDER BY c.r_days)
                            AS numeric(8, 1))
                  FROM c WHERE c.state = %s) AS median,
               coalesce(sum(g.n) FILTER (WHERE g.state = %s), 0)::bigint AS paid
          FROM g
         GROUP BY GROUPING SETS ((g.month), (g.tier), (g.team), ())
         ORDER BY grouped, g.month, g.tier, g.team
    """  # noqa: S608 - only our own compiled SQL and a table name are interpolated
    values = [
        *params,
        *SPENT * 4,
        *[state for state in BACKLOG for _ in range(3)],
        S.PAID,
        S.PAID,
    ]
    with connection.cursor() as cursor:
        cursor.execute(query, values)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    figures: dict[int, list[dict]] = {_BY_MONTH: [], _BY_TIER: [], _BY_TEAM: [], _WHOLE: []}
    for row in rows:
        # A month, tier or team shows when it has spend (claims only waiting do not count).
        if row["grouped"] == _WHOLE or row["claims"]:
            figures[row["grouped"]].append(row)
    return figures


def payments_report(user, filters: Filters) -> list[Table]:
    claims = _filtered(
        user,
        filters,
        access.scoped(user, Claim).filter(activity_date__range=(filters.start, filters.end)),
    )
    figures = _figures(claims)
    by_month = {row["month"]: row for row in figures[_BY_MONTH]}
    by_tier = figures[_BY_TIER]
    by_team = [{**row, "activity__team__name": row["team"]} for row in figures[_BY_TEAM]]
    backlog = figures[_WHOLE][0]
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
            blank="No claims waiting",
        ),
        Table(
            "time_to_pay",
            "Time to pay",
            f"{period}, paid. Median days from submission to payment.",
            ["Measure", "Days", "Claims counted"],
            [["Median days from submission to payment", backlog["median"], backlog["paid"]]],
            blank="No claims paid yet",
        ),
        Table(
            "tax_year",
            f"Totals per person in tax year {tax_year}",
            f"Claims paid in the tax year {tax_year} (the one the period ends in), per "
            "person, by the date paid whatever the date of the work, as HMRC and DWP count "
            "income. Claims not yet paid count in the tax year they are paid.",
            ["Person", "Payee reference", *money],
            tax_rows,
            Chart(0, (5,), "£"),
        ),
    ]
