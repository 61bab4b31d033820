"""Issue 22, finding 2: an expense line of £99,999,999.99 with no receipt was accepted, and a
duplicate claim whose description differed only by a double space was not noticed. Expense
lines are capped, receipts required above an amount, both set per organisation; duplicates
compare text with case and spacing ignored, in the service and in the database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from payments import services
from payments.errors import DuplicateClaim, PaymentsError
from payments.models import Claim, ExpenseLine, PaymentPolicy
from tests.factories import upload

TODAY = timezone.localdate()


def test_a_huge_expense_line_is_refused(claims, personas, media_root):
    draft = claims("peer", "draft")
    with pytest.raises(PaymentsError, match="at most £250.00") as refused:
        services.expense_add(
            claim=draft,
            by=personas["peer"],
            kind="travel",
            description="Train",
            amount=Decimal("99999999.99"),
            receipt=upload(),
        )
    assert refused.value.field == "amount"
    assert not ExpenseLine.objects.exists()


def test_a_receipt_is_needed_above_the_organisations_amount(claims, personas, media_root):
    draft = claims("peer", "draft")
    with pytest.raises(PaymentsError, match="Attach the receipt") as refused:
        services.expense_add(
            claim=draft, by=personas["peer"], kind="travel", description="Taxi", amount="25.01"
        )
    assert refused.value.field == "receipt"
    services.expense_add(
        claim=draft, by=personas["peer"], kind="travel", description="Bus", amount="25.00"
    )
    services.expense_add(
        claim=draft,
        by=personas["peer"],
        kind="travel",
        description="Taxi",
        amount="25.01",
        receipt=upload(),
    )
    assert ExpenseLine.objects.count() == 2


def test_each_organisation_sets_its_own_expense_limits(claims, personas, org, media_root):
    services.payment_policy_set(
        organisation=org,
        by=personas["finance"],
        correction_max_increase=Decimal("50"),
        expense_line_max=Decimal("40"),
        receipt_required_over=Decimal("0"),
    )
    policy = PaymentPolicy.objects.get(organisation=org)
    assert (policy.expense_line_max, policy.receipt_required_over) == (Decimal("40"), 0)
    draft = claims("peer", "draft")
    with pytest.raises(PaymentsError, match="Attach the receipt"):
        services.expense_add(
            claim=draft, by=personas["peer"], kind="travel", description="Bus", amount="1.00"
        )
    with pytest.raises(PaymentsError, match="at most £40.00"):
        services.expense_add(
            claim=draft,
            by=personas["peer"],
            kind="travel",
            description="Train",
            amount="40.01",
            receipt=upload(),
        )
    with pytest.raises(PaymentsError, match="more than £0.00"):
        services.payment_policy_set(
            organisation=org,
            by=personas["finance"],
            correction_max_increase=Decimal("50"),
            expense_line_max=Decimal("0"),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentPolicy.objects.filter(organisation=org).update(expense_line_max=0)


def test_a_duplicate_differing_only_in_spacing_or_case_is_noticed(claims, personas):
    day = TODAY - timedelta(days=2)
    claims("peer", "approved", description="Interview panel", activity_date=day)
    again = claims("peer", "submitted", description="  interview   PANEL ", activity_date=day)
    assert again.description == "interview PANEL"
    assert again.possible_duplicate_of is not None
    with pytest.raises(DuplicateClaim):
        services.claim_approve(claim=again, approver=personas["lead"])


def test_the_database_refuses_a_duplicate_differing_only_in_spacing(claims, personas):
    day = TODAY - timedelta(days=2)
    first = claims("peer", "approved", description="Interview panel", activity_date=day)
    second = claims("peer", "submitted", description="Focus group", activity_date=day)
    with (
        pytest.raises(IntegrityError, match="claim_once_per_day_and_description"),
        transaction.atomic(),
    ):
        Claim.objects.filter(pk=second.pk).update(
            description="Interview\t  panel",
            state="approved",
            decided_by=first.decided_by,
            decided_at=first.decided_at,
        )
