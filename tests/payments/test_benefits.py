"""Benefits-aware totals: per week and per UK tax year, against the organisation's limits;
a clear warning, never a block, never advice."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payments import selectors, services
from payments.models import PaymentMethod
from tests.factories import BenefitsThresholdFactory
from tests.payments.fixtures import upload


@pytest.fixture
def on_benefits(personas, org):
    weekly = BenefitsThresholdFactory(organisation=org, amount=Decimal("195.50"))
    peer = personas["peer"]
    services.preference_set(
        person=peer.person, by=peer, method=PaymentMethod.PAYROLL, receives_benefits=True
    )
    return weekly


# A Monday and the Sunday that ends its week.
MONDAY = date(2025, 6, 2)
SUNDAY = MONDAY + timedelta(days=6)


def _warnings(claim):
    return [c for c in selectors.benefits_checks(claim) if c.warn]


def test_a_claim_that_would_cross_the_weekly_limit_warns(claims, on_benefits):
    claims("peer", "approved", hours=7, activity_date=MONDAY, description="Day one")  # £150
    second = claims("peer", "draft", hours=2, activity_date=SUNDAY, description="Day two")
    (check,) = _warnings(second)
    assert (check.so_far, check.with_claim) == (Decimal("150.00"), Decimal("200.00"))
    assert check.crosses and not check.already_over
    assert (check.start, check.end) == (MONDAY, SUNDAY)
    # Never a block: the claim goes through.
    assert services.claim_submit(claim=second, by=second.person.user).state == "submitted"


def test_other_weeks_rejected_claims_and_expenses_do_not_count(
    claims, personas, on_benefits, media_root
):
    claims("peer", "approved", hours=7, activity_date=MONDAY - timedelta(days=1))  # last week
    rejected = claims("peer", "rejected", hours=7, activity_date=MONDAY, description="No")
    claim = claims("peer", "draft", hours=7, activity_date=MONDAY, description="Yes")
    services.expense_add(
        claim=claim,
        by=personas["peer"],
        kind="care",
        description="Carer",
        amount=Decimal("90"),
        receipt=upload(),
    )
    (check,) = selectors.benefits_checks(claim)
    assert (check.so_far, check.with_claim, check.warn) == (0, Decimal("150.00"), False)
    assert selectors.benefits_checks(rejected) == []


def test_tax_year_limits_count_6_april_to_5_april(claims, personas, org, on_benefits):
    on_benefits.delete()
    BenefitsThresholdFactory(
        organisation=org, name="Yearly", period="tax_year", amount=Decimal("400.00")
    )
    claims("peer", "paid", hours=7, preparation="substantial", activity_date=date(2025, 4, 5))
    claims("peer", "approved", hours=7, preparation="substantial", activity_date=date(2025, 4, 6))
    claim = claims("peer", "draft", hours=2, activity_date=date(2026, 4, 5), description="Last")
    (check,) = selectors.benefits_checks(claim)
    assert (check.start, check.end) == (date(2025, 4, 6), date(2026, 4, 5))
    assert (check.so_far, check.with_claim, check.warn) == (300, 350, False)


def test_no_warnings_for_people_who_do_not_say_they_receive_benefits(claims, org):
    BenefitsThresholdFactory(organisation=org, amount=Decimal("10"))
    assert selectors.benefits_checks(claims("peer", "draft")) == []


def test_only_the_limits_a_person_chose_are_watched(claims, personas, org, on_benefits):
    monthly = BenefitsThresholdFactory(
        organisation=org, name="UC work allowance", period="month", amount=Decimal("411")
    )
    peer = personas["peer"]
    services.preference_set(
        person=peer.person,
        by=peer,
        method=PaymentMethod.PAYROLL,
        receives_benefits=True,
        thresholds=[monthly],
    )
    claim = claims("peer", "draft", activity_date=MONDAY)
    assert [c.threshold for c in selectors.benefits_checks(claim)] == [monthly]


def test_limits_apply_only_while_in_force(claims, on_benefits):
    on_benefits.effective_from = MONDAY + timedelta(days=1)
    on_benefits.save()
    assert selectors.benefits_checks(claims("peer", "draft", activity_date=MONDAY)) == []


def test_the_warning_shows_to_the_person_and_lead_never_to_finance(
    client, claims, personas, on_benefits
):
    claims("peer", "approved", hours=7, activity_date=MONDAY, description="Day one")
    claim = claims("peer", "approved", hours=7, activity_date=SUNDAY, description="Day two")
    url = reverse("payments:claim", kwargs={"pk": claim.pk})
    for who, shown in [("peer", True), ("lead", True), ("finance", False)]:
        client.force_login(personas[who])
        html = client.get(url).content.decode()
        assert ("This claim would cross the limit" in html) is shown, who
        assert ("not benefits advice" in html) is shown, who


def test_running_totals(claims, on_benefits):
    claim = claims("peer", "approved")
    totals = selectors.running_totals(claim.person_id, claim.activity_date)
    assert totals["tax_year"] >= totals["month"] >= totals["week"] >= Decimal("50.00")


def test_my_claims_shows_totals_against_the_watched_limits(client, claims, personas):
    client.force_login(personas["peer"])
    assert "Against the limits" not in client.get(reverse("payments:my_claims")).content.decode()
    BenefitsThresholdFactory(organisation=personas["peer"].person.organisation)
    peer = personas["peer"]
    services.preference_set(
        person=peer.person, by=peer, method=PaymentMethod.PAYROLL, receives_benefits=True
    )
    claims("peer", "approved", hours=7, activity_date=timezone.localdate())
    html = client.get(reverse("payments:my_claims")).content.decode()
    assert "Against the limits you asked us to watch" in html
    assert "ESA permitted work limit: £150.00 of £195.50" in html
