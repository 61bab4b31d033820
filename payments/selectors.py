"""Reads that pages, exports and reports share. Each starts from the access layer's scoped
querysets; totals are summed by the database, in Decimal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from payments import periods
from payments.models import (
    Batch,
    BatchLine,
    BenefitsThreshold,
    Claim,
    ExpenseLine,
    PaymentPreference,
    RateCard,
)
from payments.money import ZERO
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Capacity as C
from workforce.platform import figures

S = Claim.State
# Claims on their way to being paid: income expected, not yet received.
UNPAID = (S.SUBMITTED, S.APPROVED, S.EXPORTED)
MONEY = DecimalField(max_digits=12, decimal_places=2)


def _money_sum(expression) -> Coalesce:
    return Coalesce(Sum(expression), Value(ZERO), output_field=MONEY)


def _expenses_of(claim_ref: str) -> Coalesce:
    """The sum of one claim's expense lines, as a subquery (no row multiplication)."""
    total = (
        ExpenseLine.objects.filter(claim=OuterRef(claim_ref))
        .order_by()
        .values("claim")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY), Value(ZERO), output_field=MONEY)


def with_totals(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    return claims.annotate(expenses_total=_expenses_of("pk")).annotate(
        total=F("fee_payable") + F("expenses_total")
    )


def claims_for(user) -> QuerySet[Claim]:
    return with_totals(access.scoped(user, Claim)).select_related("person", "rate_card", "activity")


def my_claims(user, state: str = "") -> QuerySet[Claim]:
    claims = claims_for(user).filter(person_id__in=access.own_person_ids(user))
    if state:
        claims = claims.filter(state=state)
    return claims.order_by("-activity_date", "-pk")


def approval_queue(user, team_id: int | None = None) -> QuerySet[Claim]:
    """Submitted claims this user may decide (never their own, nor one they created, such
    as a correction they made), oldest first."""
    claims = (
        claims_for(user)
        .filter(
            state=S.SUBMITTED,
            organisation_id__in=access.organisation_ids(user, *groups.LEADS_AND_ADMINS),
        )
        .exclude(person_id__in=access.own_person_ids(user))
        .exclude(Q(claimant_user=user) | Q(created_by=user))
        .select_related("possible_duplicate_of", "activity__team")
    )
    if team_id:
        claims = claims.filter(activity__team_id=team_id)
    return claims.order_by("submitted_at", "pk")


def approval_queue_count(user) -> int:
    """How many claims wait for this user's decision (the dashboards' figure), kept until a
    claim or the user's access changes (workforce/figures.py)."""
    return figures.cached(
        figures.PAYMENTS,
        ("approval_queue", user.pk),
        lambda: approval_queue(user).count(),
        organisations=access.organisation_ids(user),
    )


def finance_waiting(user) -> QuerySet[Claim]:
    """Approved claims not yet paid, the ones waiting longest first."""
    return (
        claims_for(user)
        .filter(
            state__in=[S.APPROVED, S.EXPORTED],
            organisation_id__in=access.organisation_ids(user, *groups.FINANCE_AND_ADMINS),
        )
        .order_by("submitted_at", "pk")
    )


class Median(Aggregate):
    """PostgreSQL's continuous median; cast to numeric so no float reaches Python."""

    function = "percentile_cont"
    name = "Median"
    template = "CAST(%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s) AS numeric(8, 1))"
    output_field = DecimalField(max_digits=8, decimal_places=1)


class DaysBetween(Func):
    """date - date in PostgreSQL: whole days, as an integer."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


def median_days_to_pay(user, since: date | None = None) -> Decimal | None:
    """Median days from submission to payment over paid claims finance can see; kept until
    a claim or batch changes (workforce/figures.py): over every paid claim of a large trust
    it is most of a second to count (bench/README.md)."""

    organisations = access.organisation_ids(user, *groups.FINANCE_AND_ADMINS)

    def count() -> Decimal | None:
        claims = access.scoped(user, Claim).filter(state=S.PAID, organisation_id__in=organisations)
        if since is not None:
            claims = claims.filter(paid_on__gte=since)
        median = Median(DaysBetween(F("paid_on"), TruncDate("submitted_at")))
        return claims.aggregate(median=median)["median"]

    return figures.cached(
        figures.PAYMENTS,
        ("median_days_to_pay", user.pk, since),
        count,
        organisations=organisations,
    )


def batches_for(user) -> QuerySet[Batch]:
    """The user's batches, newest first; `with_figures` adds a page's counts and totals."""
    return (
        access.scoped(user, Batch)
        .select_related("organisation", "created_by")
        .order_by("-created_at", "-pk")
    )


def with_figures(batches) -> list[Batch]:
    """`batches` (a page of them), each with `line_count`, `fee_total`, `expenses_total`,
    `total` and `paid_count`.

    The page's totals are counted in one query and kept for good: a batch never changes
    once made (see batch_totals). The paid counts are kept until a claim or batch changes:
    a batched claim is exported until its payment is recorded, so paid = lines - exported.
    Counted afresh on every view, per batch, these figures read every line of every batch
    on the page, and a large trust's batches have thousands of lines (bench/README.md).
    """
    batches = list(batches)
    totals, unpaid = _totals_of(batches), _unpaid_of(batches)
    for batch in batches:
        counted = totals[batch.pk]
        batch.line_count = counted.count
        batch.fee_total, batch.expenses_total = counted.fees, counted.expenses
        batch.total = counted.total
        batch.paid_count = counted.count - unpaid[batch.pk]
    return batches


def _ids_and_organisations(batches) -> tuple[tuple[int, ...], set[int]]:
    return tuple(sorted(b.pk for b in batches)), {b.organisation_id for b in batches}


def _totals_of(batches) -> dict[int, Totals]:
    """{batch id: its Totals}, kept for good (see batch_totals)."""
    ids, organisations = _ids_and_organisations(batches)

    def count() -> dict[int, Totals]:
        fees = (
            BatchLine.objects.filter(batch_id__in=ids)
            .values("batch_id")
            .annotate(count=Count("pk"), fees=_money_sum("claim__fee_payable"))
            .order_by()
        )
        expenses = dict(
            ExpenseLine.objects.filter(claim__batch_lines__batch_id__in=ids)
            .values("claim__batch_lines__batch_id")
            .annotate(total=_money_sum("amount"))
            .order_by()
            .values_list("claim__batch_lines__batch_id", "total")
        )
        counted = {pk: Totals(0, ZERO, ZERO) for pk in ids}
        for row in fees:
            batch = row["batch_id"]
            counted[batch] = Totals(row["count"], row["fees"], expenses.get(batch, ZERO))
        return counted

    return figures.cached(
        figures.PAYMENTS,
        ("batch_totals", *ids),
        count,
        organisations=organisations,
        for_good=True,
    )


def _unpaid_of(batches) -> dict[int, int]:
    """{batch id: how many of its claims are not yet recorded as paid}, kept until a claim
    or batch of their organisations changes."""
    ids, organisations = _ids_and_organisations(batches)

    def count() -> dict[int, int]:
        exported = (
            BatchLine.objects.filter(batch_id__in=ids, claim__state=S.EXPORTED)
            .values("batch_id")
            .annotate(unpaid=Count("pk"))
            .order_by()
        )
        return dict.fromkeys(ids, 0) | {row["batch_id"]: row["unpaid"] for row in exported}

    return figures.cached(
        figures.PAYMENTS, ("batch_unpaid", *ids), count, organisations=organisations
    )


def batches_to_mark_paid(user) -> QuerySet[Batch]:
    """The user's batches with a claim not yet recorded as paid.

    A batched claim is exported until its payment is recorded, so this starts from the
    exported claims (a few weeks' worth, through the partial index claim_exported_idx) and
    looks up each one's batch through its unique line (batchline_claim_in_one_batch): as a
    join, PostgreSQL read every line of every batch instead (bench/README.md).
    """
    batch_of_claim = BatchLine.objects.filter(claim=OuterRef("pk")).values("batch_id")[:1]
    unpaid = (
        Claim.objects.filter(state=S.EXPORTED)
        .annotate(batch_id=Subquery(batch_of_claim))
        .values("batch_id")
    )
    return access.scoped(user, Batch).filter(pk__in=unpaid)


def batches_to_mark_paid_count(user) -> int:
    """How many batches_to_mark_paid(user) there are (the dashboards' figure), kept until a
    claim, batch or the user's access changes (workforce/figures.py)."""
    return figures.cached(
        figures.PAYMENTS,
        ("batches_to_mark_paid", user.pk),
        lambda: batches_to_mark_paid(user).count(),
        organisations=access.organisation_ids(user),
    )


def batch_lines(batch: Batch) -> QuerySet[BatchLine]:
    return (
        BatchLine.objects.filter(batch=batch)
        .select_related("claim", "claim__rate_card")
        .annotate(expenses_total=_expenses_of("claim_id"))
        .annotate(total=F("claim__fee_payable") + F("expenses_total"))
        .order_by("position")
    )


@dataclass(frozen=True)
class Totals:
    count: int
    fees: Decimal
    expenses: Decimal

    @property
    def total(self) -> Decimal:
        return self.fees + self.expenses


def claims_summary(claims: QuerySet[Claim]) -> Totals:
    """How many claims, and their fees and expenses, summed by the database."""
    fees = claims.order_by().aggregate(count=Count("pk"), fees=_money_sum("fee_payable"))
    expenses = ExpenseLine.objects.filter(claim__in=claims.order_by().values("pk")).aggregate(
        total=_money_sum("amount")
    )
    return Totals(fees["count"], fees["fees"], expenses["total"])


def batch_totals(batch: Batch) -> Totals:
    """The batch's line count, fees and expenses. A batch never changes once made: its
    lines are append-only and its claims' amounts and expenses are frozen by triggers
    (payments migration 0002), so the figures are kept for good (workforce/figures.py)."""
    return _totals_of([batch])[batch.pk]


def batch_unpaid(batch: Batch) -> int:
    """How many of the batch's claims are not yet recorded as paid; kept until a claim or
    batch changes (workforce/figures.py)."""
    return _unpaid_of([batch])[batch.pk]


def rate_cards_for(user) -> QuerySet[RateCard]:
    """The user's rate cards with their tiers; `with_claim_counts` adds how many use each."""
    return (
        access.scoped(user, RateCard)
        .select_related("organisation")
        .prefetch_related("tiers")
        .order_by("organisation__name", "-effective_from")
    )


def with_claim_counts(items, *, via: str) -> list:
    """`items` (rate cards or activities: `via` is the claim's field naming them), each with
    `claim_count`, counted for these items alone.

    A rate card is used by every claim of its years: counting them was most of the rate
    cards page (bench/README.md), so card counts are kept until a claim changes
    (workforce/figures.py). An activity has a few claims.
    """
    items = list(items)
    ids = tuple(sorted(item.pk for item in items))

    def count() -> dict[int, int]:
        claims = Claim.objects.filter(**{f"{via}_id__in": ids}).order_by().values(f"{via}_id")
        return dict(claims.annotate(n=Count("pk")).values_list(f"{via}_id", "n"))

    if not ids:
        counts = {}
    elif via == "rate_card":
        counts = figures.cached(
            figures.PAYMENTS,
            ("claims_using", via, *ids),
            count,
            organisations={item.organisation_id for item in items},
        )
    else:
        counts = count()
    for item in items:
        item.claim_count = counts.get(item.pk, 0)
    return items


# --- Totals per person and period.


@dataclass(frozen=True)
class PersonTotals:
    person_id: int
    name: str
    payee_reference: str
    claims: int
    fees: Decimal
    expenses: Decimal
    expected: Decimal = ZERO  # fees of claims not yet paid: shown, not counted

    @property
    def total(self) -> Decimal:
        return self.fees + self.expenses


def _finance_organisations(user) -> set[int]:
    return access.organisation_ids(user, C.COPRODUCTION_LEAD, C.FINANCE, C.ADMIN)


def tax_year_claims(user, start: date) -> QuerySet[Claim]:
    """Claims paid in the tax year starting on `start` (by the date paid, as HMRC and DWP
    count income), in the organisations where the user leads or runs finance."""
    _, end = periods.tax_year_bounds(start)
    return access.scoped(user, Claim).filter(
        organisation_id__in=_finance_organisations(user), state=S.PAID, paid_on__range=(start, end)
    )


def expected_claims(user) -> QuerySet[Claim]:
    """Submitted, approved and sent claims not yet paid: expected income, counted in no
    tax year until it is paid (the user's scope decides which states they see)."""
    return access.scoped(user, Claim).filter(
        organisation_id__in=_finance_organisations(user), state__in=UNPAID
    )


def person_totals(claims: QuerySet[Claim]) -> list[PersonTotals]:
    """Per person, the number, fees and expenses of `claims`, summed by the database, in the
    database's order of names. The one sum behind the tax-year totals page and the payments
    report, so the two always show the same figures for the same claims."""
    claims = claims.order_by()
    fees = (
        claims.values("person_id", "person__full_name", "person__payee_reference")
        .annotate(claims=Count("pk"), fees=_money_sum("fee_payable"))
        .order_by("person__full_name", "person_id")
    )
    expenses = dict(
        ExpenseLine.objects.filter(claim__in=claims.values("pk"))
        .order_by()
        .values("claim__person_id")
        .annotate(total=Sum("amount"))
        .values_list("claim__person_id", "total")
    )
    return [
        PersonTotals(
            person_id=row["person_id"],
            name=row["person__full_name"],
            payee_reference=row["person__payee_reference"],
            claims=row["claims"],
            fees=row["fees"],
            expenses=expenses.get(row["person_id"]) or ZERO,
        )
        for row in fees
    ]


def tax_year_totals(user, start: date) -> list[PersonTotals]:
    """Per person, the claims paid in the tax year (see tax_year_claims and person_totals);
    for the current tax year each also carries the fees still expected."""
    paid = {row.person_id: row for row in person_totals(tax_year_claims(user, start))}
    expected: dict[int, Decimal] = {}
    people = {row.person_id: (row.name, row.payee_reference) for row in paid.values()}
    # A claim not yet paid can be paid this tax year at the earliest, never in a past one.
    if start >= periods.tax_year_start(timezone.localdate()):
        unpaid = (
            expected_claims(user)
            .order_by()
            .values("person_id", "person__full_name", "person__payee_reference")
            .annotate(fees=_money_sum("fee_payable"))
        )
        for row in unpaid:
            expected[row["person_id"]] = row["fees"]
            people.setdefault(
                row["person_id"], (row["person__full_name"], row["person__payee_reference"])
            )
    rows = [
        PersonTotals(
            person_id=pk,
            name=name,
            payee_reference=reference,
            claims=paid[pk].claims if pk in paid else 0,
            fees=paid[pk].fees if pk in paid else ZERO,
            expenses=paid[pk].expenses if pk in paid else ZERO,
            expected=expected.get(pk, ZERO),
        )
        for pk, (name, reference) in people.items()
    ]
    return sorted(rows, key=lambda r: (r.name.lower(), r.person_id))


# --- Benefits: income counts on the day it is paid (DWP and HMRC count earnings when they
# are received), so paid claims count by payment date; claims submitted, approved or sent
# but not yet paid are "expected", shown apart and counted nowhere. Hours count in the
# period the work was done: the ESA permitted-work hours rule is about time worked.


def paid_between(person_id: int, start: date, end: date, exclude_pk: int | None = None):
    """Fees (cash and vouchers) paid to a person from `start` to `end`, by payment date.
    Receipted expenses are not income, so not counted."""
    claims = Claim.objects.filter(person_id=person_id, state=S.PAID, paid_on__range=(start, end))
    if exclude_pk:
        claims = claims.exclude(pk=exclude_pk)
    return claims.aggregate(total=_money_sum("fee_payable"))["total"]


def expected_for(person_id: int, exclude_pk: int | None = None) -> Decimal:
    """Fees of a person's claims submitted, approved or sent but not yet paid."""
    claims = Claim.objects.filter(person_id=person_id, state__in=UNPAID)
    if exclude_pk:
        claims = claims.exclude(pk=exclude_pk)
    return claims.aggregate(total=_money_sum("fee_payable"))["total"]


def hours_between(person_id: int, start: date, end: date, exclude_pk: int | None = None):
    """Hours of involvement work done from `start` to `end` (by activity date), over claims
    submitted or later and not rejected."""
    claims = Claim.objects.filter(
        person_id=person_id, state__in=Claim.COUNTED, activity_date__range=(start, end)
    )
    if exclude_pk:
        claims = claims.exclude(pk=exclude_pk)
    minutes = claims.aggregate(total=Coalesce(Sum("duration_minutes"), 0))["total"]
    return Decimal(minutes) / 60


@dataclass(frozen=True)
class LimitCheck:
    threshold: BenefitsThreshold
    start: date  # the period the earnings count in
    end: date
    so_far: Decimal  # paid in the period, before this claim
    with_claim: Decimal  # with this claim, if it is paid in the period
    expected: Decimal = ZERO  # other claims not yet paid: shown, not counted
    # Where the person's Universal Credit claim day is not recorded: counted by calendar month.
    approximate: bool = False
    hours_start: date | None = None
    hours_end: date | None = None
    hours: Decimal | None = None  # hours worked in the hours period, with this claim

    @property
    def crosses(self) -> bool:
        return self.so_far <= self.threshold.amount < self.with_claim

    @property
    def already_over(self) -> bool:
        return self.so_far > self.threshold.amount

    @property
    def earnings_warn(self) -> bool:
        return self.with_claim > self.threshold.amount

    @property
    def hours_warn(self) -> bool:
        # "Under 16 hours a week": reaching the limit is already outside it.
        limit = self.threshold.hours_limit
        return limit is not None and self.hours is not None and self.hours >= limit

    @property
    def warn(self) -> bool:
        return self.earnings_warn or self.hours_warn


def _preference(person_id: int) -> PaymentPreference | None:
    return (
        PaymentPreference.objects.filter(person_id=person_id, receives_benefits=True)
        .select_related("person")
        .first()
    )


def period_bounds(
    threshold: BenefitsThreshold, day: date, preference: PaymentPreference
) -> tuple[date, date, bool]:
    """The threshold's period containing `day` for this person, and whether it is only an
    approximation (a Universal Credit period without the person's claim day)."""
    period = threshold.period
    if period == BenefitsThreshold.Period.UC_ASSESSMENT:
        if preference.uc_assessment_day:
            start, end = periods.uc_assessment_bounds(day, preference.uc_assessment_day)
            return start, end, False
        start, end = periods.month_bounds(day)
        return start, end, True
    return (*BOUNDS[period](day), False)


BOUNDS = {
    BenefitsThreshold.Period.WEEK: periods.week_bounds,
    BenefitsThreshold.Period.MONTH: periods.month_bounds,
    BenefitsThreshold.Period.TAX_YEAR: periods.tax_year_bounds,
}


def watched_thresholds(preference: PaymentPreference, day: date) -> list[BenefitsThreshold]:
    chosen = list(preference.thresholds.all())
    candidates = chosen or BenefitsThreshold.objects.filter(
        organisation_id=preference.person.organisation_id
    )
    return [
        t
        for t in candidates
        if t.effective_from <= day and (t.effective_until is None or day <= t.effective_until)
    ]


def _check(threshold, preference, pay_day, work_day, person_id, exclude_pk, fee, minutes):
    start, end, approximate = period_bounds(threshold, pay_day, preference)
    so_far = paid_between(person_id, start, end, exclude_pk=exclude_pk)
    hours = hours_start = hours_end = None
    if threshold.hours_limit is not None:
        hours_start, hours_end, _ = period_bounds(threshold, work_day, preference)
        hours = hours_between(person_id, hours_start, hours_end, exclude_pk=exclude_pk)
        hours += Decimal(minutes) / 60
    return LimitCheck(
        threshold,
        start,
        end,
        so_far,
        so_far + fee,
        expected=expected_for(person_id, exclude_pk=exclude_pk),
        approximate=approximate,
        hours_start=hours_start,
        hours_end=hours_end,
        hours=hours,
    )


def benefits_checks(claim: Claim, today: date | None = None) -> list[LimitCheck]:
    """For someone who said they receive benefits: where this claim leaves them against
    each limit their organisation set. Warnings only; never advice, never a block.

    A paid claim counts in the period of its payment date; one not yet paid is checked
    against the soonest period it could be paid in (today's, or the activity's if later).
    """
    preference = _preference(claim.person_id)
    if preference is None or claim.state == S.REJECTED:
        return []
    today = today or timezone.localdate()
    pay_day = claim.paid_on or max(today, claim.activity_date)
    return [
        _check(
            threshold,
            preference,
            pay_day,
            claim.activity_date,
            claim.person_id,
            claim.pk,
            claim.fee_payable,
            claim.duration_minutes,
        )
        for threshold in watched_thresholds(preference, pay_day)
    ]


def limits_now(person_id: int, day: date | None = None) -> list[LimitCheck]:
    """For someone who receives benefits: each watched limit, their fees paid so far in the
    period containing `day` (today by default), and what is still expected. Empty for
    everyone else."""
    day = day or timezone.localdate()
    preference = _preference(person_id)
    if preference is None:
        return []
    return [
        _check(threshold, preference, day, day, person_id, None, ZERO, 0)
        for threshold in watched_thresholds(preference, day)
    ]


def running_totals(person_id: int, day: date | None = None) -> dict:
    """This week's, month's and tax year's fees paid to a person (by payment date, one
    query), what is still expected, and, where they recorded their Universal Credit claim
    day, their current assessment period and its fees."""
    day = day or timezone.localdate()
    bounds = {
        "week": periods.week_bounds(day),
        "month": periods.month_bounds(day),
        "tax_year": periods.tax_year_bounds(day),
    }
    uc_day = (
        PaymentPreference.objects.filter(person_id=person_id)
        .values_list("uc_assessment_day", flat=True)
        .first()
    )
    if uc_day:
        bounds["uc_period"] = periods.uc_assessment_bounds(day, uc_day)
    # A week or month can straddle 6 April: read the span covering every period.
    span = (min(b[0] for b in bounds.values()), max(b[1] for b in bounds.values()))
    claims = Claim.objects.filter(
        Q(state=S.PAID, paid_on__range=span) | Q(state__in=UNPAID), person_id=person_id
    )

    def within(condition):
        return Coalesce(Sum("fee_payable", filter=condition), Value(ZERO), output_field=MONEY)

    totals = claims.aggregate(
        expected=within(Q(state__in=UNPAID)),
        **{name: within(Q(state=S.PAID, paid_on__range=b)) for name, b in bounds.items()},
    )
    if uc_day:
        totals["uc_start"], totals["uc_end"] = bounds["uc_period"]
    return totals
