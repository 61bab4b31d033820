"""Benefits-aware totals, the way DWP and HMRC count: earnings on the day they are paid
(claims not yet paid are "expected", counted nowhere), Universal Credit in each person's
own assessment period, ESA permitted work by hours as well as earnings. A clear warning,
never a block, never advice."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payments import periods, selectors, services
from payments.errors import PaymentsError
from payments.models import PaymentMethod
from tests.factories import BenefitsThresholdFactory, upload


@pytest.fixture
def clock(monkeypatch):
    """set(day): the app's clock reads noon (UK time) on `day` from now on."""

    def set_day(day: date):
        moment = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_day


def _receives_benefits(peer, thresholds=(), uc_day=None):
    services.preference_set(
        person=peer.person,
        by=peer,
        method=PaymentMethod.PAYROLL,
        receives_benefits=True,
        thresholds=list(thresholds),
        uc_assessment_day=uc_day,
    )


@pytest.fixture
def on_benefits(personas, org):
    weekly = BenefitsThresholdFactory(organisation=org, amount=Decimal("195.50"))
    _receives_benefits(personas["peer"])
    return weekly


def _warnings(claim):
    return [c for c in selectors.benefits_checks(claim) if c.warn]


# --- Income counts on the date it is paid.


def test_paid_claims_count_by_payment_date_and_unpaid_ones_are_only_expected(claims, on_benefits):
    today = timezone.localdate()
    week = periods.week_bounds(today)
    # Work from a fortnight ago, paid today: it counts this week, not in the activity's.
    paid = claims("peer", "paid", hours=2, activity_date=today - timedelta(days=14))
    claims("peer", "approved", hours=2, activity_date=today, description="Approved")
    claims("peer", "submitted", hours=2, activity_date=today, description="Submitted")
    draft = claims("peer", "draft", hours=2, activity_date=today, description="Draft")
    (check,) = selectors.benefits_checks(draft)
    assert (check.start, check.end) == week
    assert check.so_far == paid.fee_payable == Decimal("50.00")
    assert check.with_claim == Decimal("100.00")
    # The approved and submitted claims are shown apart, never added to what counts: with
    # them it would be £200.00, over the limit, yet nothing warns.
    assert check.expected == Decimal("100.00")
    assert not check.warn
    # The paid claim's own week is the one it was paid in.
    (own,) = selectors.benefits_checks(paid)
    assert (own.start, own.end, own.so_far) == (*week, Decimal("0.00"))
    assert selectors.paid_between(paid.person_id, *periods.week_bounds(paid.activity_date)) == 0


def test_a_claim_that_would_cross_the_weekly_limit_warns_but_never_blocks(claims, on_benefits):
    claims("peer", "paid", hours=7, description="Day one")  # £150, paid today
    second = claims("peer", "draft", hours=2, description="Day two")
    (check,) = _warnings(second)
    assert (check.so_far, check.with_claim) == (Decimal("150.00"), Decimal("200.00"))
    assert check.crosses and not check.already_over and not check.hours_warn
    assert services.claim_submit(claim=second, by=second.person.user).state == "submitted"


def test_a_claim_paid_in_the_next_tax_year_counts_in_the_year_paid(claims, personas):
    this_year = periods.tax_year_start(timezone.localdate())
    last_year = this_year.replace(year=this_year.year - 1)
    # Work on the last days of the previous tax year, paid in this one.
    paid = claims("peer", "paid", hours=7, activity_date=this_year - timedelta(days=2))
    lead = personas["lead"]
    assert list(selectors.tax_year_claims(lead, last_year)) == []
    assert list(selectors.tax_year_claims(lead, this_year)) == [paid]
    (row,) = selectors.tax_year_totals(lead, this_year)
    assert (row.claims, row.fees, row.expected) == (1, Decimal("150.00"), Decimal("0.00"))
    assert selectors.tax_year_totals(lead, last_year) == []


def test_tax_year_totals_show_unpaid_claims_as_expected_this_year_only(claims, personas):
    this_year = periods.tax_year_start(timezone.localdate())
    claims("peer", "approved", hours=2)
    claims("peer", "exported", hours=7, description="Sent")
    lead, finance = personas["lead"], personas["finance"]
    (row,) = selectors.tax_year_totals(finance, this_year)
    assert (row.claims, row.fees, row.expected) == (0, Decimal("0.00"), Decimal("200.00"))
    assert selectors.claims_summary(selectors.tax_year_claims(lead, this_year)).count == 0
    # A claim not yet paid can never be paid in a past tax year.
    assert selectors.tax_year_totals(lead, this_year.replace(year=this_year.year - 1)) == []


def test_the_totals_page_says_paid_and_expected(client, claims, personas):
    claims("peer", "approved", hours=2)
    client.force_login(personas["finance"])
    html = client.get(reverse("payments:totals")).content.decode()
    assert "Expected (not yet paid)" in html and "counted by the date paid" in html
    assert "£50.00" in html


def test_rejected_claims_and_expenses_are_not_income(claims, personas, on_benefits, media_root):
    rejected = claims("peer", "rejected", hours=7, description="No")
    claim = claims("peer", "draft", hours=7, description="Yes")
    services.expense_add(
        claim=claim,
        by=personas["peer"],
        kind="care",
        description="Carer",
        amount=Decimal("90"),
        receipt=upload(),
    )
    (check,) = selectors.benefits_checks(claim)
    assert (check.so_far, check.with_claim, check.expected) == (0, Decimal("150.00"), 0)
    assert selectors.benefits_checks(rejected) == []


# --- Universal Credit: each person's own monthly assessment period.


def test_an_assessment_period_starting_on_the_17th():
    assert periods.uc_assessment_bounds(date(2026, 4, 10), 17) == (
        date(2026, 3, 17),
        date(2026, 4, 16),
    )
    assert periods.uc_assessment_bounds(date(2026, 4, 17), 17) == (
        date(2026, 4, 17),
        date(2026, 5, 16),
    )
    assert periods.uc_assessment_bounds(date(2026, 12, 20), 17) == (
        date(2026, 12, 17),
        date(2027, 1, 16),
    )


def test_a_claim_starting_on_the_31st_begins_each_period_on_the_last_day_of_the_month():
    # Universal Credit Regulations 2013, reg. 21(2)(a).
    assert periods.uc_assessment_bounds(date(2026, 2, 15), 31) == (
        date(2026, 1, 31),
        date(2026, 2, 27),
    )
    assert periods.uc_assessment_bounds(date(2026, 3, 1), 31) == (
        date(2026, 2, 28),
        date(2026, 3, 30),
    )
    assert periods.uc_assessment_bounds(date(2028, 2, 29), 31) == (
        date(2028, 2, 29),
        date(2028, 3, 30),
    )
    assert periods.uc_assessment_bounds(date(2026, 4, 30), 31) == (
        date(2026, 4, 30),
        date(2026, 5, 30),
    )


def test_a_claim_starting_on_the_29th_or_30th_begins_on_the_27th_of_february():
    # Reg. 21(2)(b): the 27th of February, or the 28th in a leap year.
    assert periods.uc_assessment_bounds(date(2026, 2, 27), 30) == (
        date(2026, 2, 27),
        date(2026, 3, 29),
    )
    assert periods.uc_assessment_bounds(date(2026, 2, 26), 29) == (
        date(2026, 1, 29),
        date(2026, 2, 26),
    )
    assert periods.uc_assessment_bounds(date(2028, 2, 28), 29) == (
        date(2028, 2, 28),
        date(2028, 3, 28),
    )
    with pytest.raises(ValueError):
        periods.uc_assessment_bounds(date(2026, 1, 1), 32)


def test_universal_credit_limits_count_in_the_persons_own_period(claims, personas, org, clock):
    allowance = BenefitsThresholdFactory(
        organisation=org,
        name="UC work allowance",
        period="uc_assessment",
        amount=Decimal("427.00"),
        effective_from=date(2026, 1, 1),
    )
    _receives_benefits(personas["peer"], [allowance], uc_day=17)
    clock(date(2026, 3, 16))
    claims("peer", "paid", hours=7, description="Paid the day before the period")
    clock(date(2026, 3, 20))
    claims("peer", "paid", hours=7, preparation="substantial", description="In it")  # £300
    clock(date(2026, 4, 10))
    draft = claims("peer", "draft", hours=2, description="Now")
    (check,) = selectors.benefits_checks(draft)
    assert (check.start, check.end) == (date(2026, 3, 17), date(2026, 4, 16))
    assert not check.approximate
    # The £150.00 paid on 16 March fell in the period before.
    assert (check.so_far, check.with_claim) == (Decimal("300.00"), Decimal("350.00"))
    totals = selectors.running_totals(draft.person_id)
    assert (totals["uc_start"], totals["uc_end"]) == (date(2026, 3, 17), date(2026, 4, 16))
    assert totals["uc_period"] == Decimal("300.00")
    assert totals["month"] == Decimal("0.00")  # April: both payments were in March
    assert selectors.running_totals(draft.person_id, date(2026, 3, 31))["month"] == Decimal(
        "450.00"
    )


def test_without_a_claim_day_a_uc_limit_counts_by_calendar_month(claims, personas, org):
    allowance = BenefitsThresholdFactory(
        organisation=org, name="UC work allowance", period="uc_assessment"
    )
    _receives_benefits(personas["peer"], [allowance])
    (check,) = selectors.benefits_checks(claims("peer", "draft"))
    assert check.approximate
    assert (check.start, check.end) == periods.month_bounds(timezone.localdate())


def test_the_claim_day_is_the_persons_to_record_from_1_to_31(personas):
    peer = personas["peer"]
    for wrong in (0, 32):
        with pytest.raises(PaymentsError) as refused:
            _receives_benefits(peer, uc_day=wrong)
        assert refused.value.field == "uc_assessment_day"
    _receives_benefits(peer, uc_day=31)
    assert peer.person.payment_preference.uc_assessment_day == 31


def test_the_preferences_form_records_the_claim_day(client, personas):
    client.force_login(personas["peer"])
    url = reverse("payments:my_preferences")
    assert "the day of the month your claim started" in client.get(url).content.decode()
    response = client.post(url, {"method": "payroll", "uc_assessment_day": "17"})
    assert response.status_code == 302
    assert personas["peer"].person.payment_preference.uc_assessment_day == 17
    refused = client.post(url, {"method": "payroll", "uc_assessment_day": "40"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["uc_assessment_day"]


# --- ESA permitted work: under 16 hours a week, as well as the earnings limit.


@pytest.fixture
def esa(personas, org):
    limit = BenefitsThresholdFactory(organisation=org, hours_limit=Decimal("16"))
    _receives_benefits(personas["peer"], [limit])
    return limit


def test_sixteen_hours_in_a_week_warns_even_with_low_earnings(claims, esa, personas):
    monday = periods.week_bounds(timezone.localdate() - timedelta(days=7))[0]
    claims("peer", "approved", hours=7, activity_date=monday, description="Monday")
    claims("peer", "submitted", hours=7, activity_date=monday + timedelta(days=1))
    fifteen_and_a_half = claims(
        "peer", "draft", hours=1.5, activity_date=monday + timedelta(days=2), description="Wed"
    )
    (check,) = selectors.benefits_checks(fifteen_and_a_half)
    assert check.hours == Decimal("15.5") and not check.warn
    sixteen = claims(
        "peer", "draft", hours=2, activity_date=monday + timedelta(days=3), description="Thu"
    )
    (check,) = selectors.benefits_checks(sixteen)
    assert (check.hours_start, check.hours_end) == (monday, monday + timedelta(days=6))
    assert check.hours == Decimal("16")
    assert check.hours_warn and not check.earnings_warn and check.warn
    assert check.with_claim < esa.amount
    client_html = _claim_page(personas["peer"], sixteen)
    assert "16 hours of work from" in client_html
    assert "is under 16 hours" in client_html and "not benefits advice" in client_html


def _claim_page(user, claim):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(reverse("payments:claim", kwargs={"pk": claim.pk})).content.decode()


def test_hours_from_other_weeks_do_not_count(claims, esa):
    today = timezone.localdate()
    claims("peer", "approved", hours=14, activity_date=today - timedelta(days=7))
    (check,) = selectors.benefits_checks(claims("peer", "draft", hours=2, activity_date=today))
    assert check.hours == Decimal("2") and not check.warn


# --- Which limits, and when.


def test_no_warnings_for_people_who_do_not_say_they_receive_benefits(claims, org):
    BenefitsThresholdFactory(organisation=org, amount=Decimal("10"))
    assert selectors.benefits_checks(claims("peer", "draft")) == []


def test_only_the_limits_a_person_chose_are_watched(claims, personas, org, on_benefits):
    monthly = BenefitsThresholdFactory(
        organisation=org, name="UC work allowance", period="month", amount=Decimal("411")
    )
    _receives_benefits(personas["peer"], [monthly])
    claim = claims("peer", "draft")
    assert [c.threshold for c in selectors.benefits_checks(claim)] == [monthly]


def test_limits_apply_only_while_in_force(claims, personas, org):
    BenefitsThresholdFactory(
        organisation=org, effective_from=timezone.localdate() + timedelta(days=1)
    )
    _receives_benefits(personas["peer"])
    assert selectors.benefits_checks(claims("peer", "draft")) == []


def test_the_warning_shows_to_the_person_and_lead_never_to_finance(
    client, claims, personas, on_benefits
):
    claims("peer", "paid", hours=7, description="Day one")
    claim = claims("peer", "approved", hours=7, description="Day two")
    url = reverse("payments:claim", kwargs={"pk": claim.pk})
    for who, shown in [("peer", True), ("lead", True), ("finance", False)]:
        client.force_login(personas[who])
        html = client.get(url).content.decode()
        assert ("This claim would cross the limit" in html) is shown, who
        assert ("not benefits advice" in html) is shown, who


def test_running_totals_count_paid_fees_and_show_expected_apart(claims, on_benefits):
    paid = claims("peer", "paid")
    claims("peer", "approved", hours=7, description="Waiting")
    totals = selectors.running_totals(paid.person_id)
    assert totals["week"] == totals["month"] == totals["tax_year"] == Decimal("50.00")
    assert totals["expected"] == Decimal("150.00")
    assert "uc_period" not in totals


def test_my_claims_shows_paid_totals_against_the_watched_limits(client, claims, personas):
    client.force_login(personas["peer"])
    assert "Against the limits" not in client.get(reverse("payments:my_claims")).content.decode()
    BenefitsThresholdFactory(organisation=personas["peer"].person.organisation)
    _receives_benefits(personas["peer"])
    claims("peer", "paid", hours=7)
    claims("peer", "submitted", hours=2, description="Waiting")
    html = client.get(reverse("payments:my_claims")).content.decode()
    assert "Against the limits you asked us to watch" in html
    assert "ESA permitted work limit: £150.00 paid of £195.50" in html
    assert "Expected (not yet paid)" in html and "£50.00" in html
