"""Payment preferences: vouchers and expenses-only only after a recorded discussion;
declined claims still record the involvement with £0 paid; a reduced amount caps the fee."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from payments import exports, services
from payments.errors import NotAllowed, PaymentsError
from payments.models import PaymentMethod, PaymentPreference
from tests.factories import BenefitsThresholdFactory

M = PaymentMethod
TODAY = timezone.localdate()


def _discuss(personas, who="peer"):
    return services.discussion_record(
        person=personas[who].person,
        by=personas["lead"],
        held_on=TODAY,
        held_with="Lead and Peer",
        pay_schedule="Monthly",
        benefits_considerations="Receives ESA",
    )


@pytest.mark.parametrize("method", [M.VOUCHERS, M.EXPENSES_ONLY])
def test_discouraged_methods_need_a_recorded_discussion(personas, method):
    peer = personas["peer"]
    with pytest.raises(PaymentsError, match="only after an individual discussion") as error:
        services.preference_set(person=peer.person, by=peer, method=method)
    assert error.value.field == "method"
    assert not PaymentPreference.objects.filter(person=peer.person, method=method).exists()
    discussion = _discuss(personas)
    preference = services.preference_set(person=peer.person, by=peer, method=method)
    assert (preference.method, preference.discussion) == (method, discussion)


def test_the_database_refuses_vouchers_without_a_discussion(personas):
    with (
        pytest.raises(IntegrityError, match="preference_discouraged_needs_discussion"),
        transaction.atomic(),
    ):
        PaymentPreference.objects.create(person=personas["peer"].person, method=M.VOUCHERS)


def test_only_leads_record_discussions_and_manage_others(personas):
    peer = personas["peer"].person
    for who in ("peer", "peer2", "finance", "supervisor", "outsider"):
        with pytest.raises(NotAllowed):
            services.discussion_record(person=peer, by=personas[who], held_on=TODAY, held_with="x")
    for who in ("peer2", "finance", "outsider"):
        with pytest.raises(NotAllowed):
            services.preference_set(person=peer, by=personas[who], method=M.INVOICE)
    assert services.preference_set(person=peer, by=personas["lead"], method=M.INVOICE)


def test_declined_claims_record_the_involvement_with_nothing_paid(claims, personas):
    peer = personas["peer"]
    services.preference_set(person=peer.person, by=peer, method=M.DECLINED)
    claim = claims("peer", "exported")
    assert (claim.fee, claim.fee_payable, claim.payment_method) == (
        Decimal("50.00"),
        Decimal("0.00"),
        M.DECLINED,
    )
    row = next(exports.BatchExport(claim.batch_lines.get().batch).rows())
    assert row[9] == Decimal("0.00")  # fee
    assert row[-1] == "Declined (card fee £50.00)"


def test_expenses_only_pays_expenses_but_no_fee(claims, personas):
    peer = personas["peer"]
    _discuss(personas)
    services.preference_set(person=peer.person, by=peer, method=M.EXPENSES_ONLY)
    claim = claims("peer", "draft")
    services.expense_add(
        claim=claim, by=peer, kind="travel", description="Train", amount=Decimal("12.30")
    )
    claim = services.claim_submit(claim=claim, by=peer)
    assert claim.fee_payable == 0


def test_a_reduced_amount_caps_each_fee(claims, personas):
    peer = personas["peer"]
    with pytest.raises(PaymentsError, match="Give the most"):
        services.preference_set(person=peer.person, by=peer, method=M.REDUCED)
    services.preference_set(
        person=peer.person, by=peer, method=M.REDUCED, reduced_amount=Decimal("30")
    )
    small = claims("peer", "approved", hours=1, preparation="little", description="Short")
    big = claims("peer", "approved", hours=7, preparation="little", description="Long")
    assert (small.fee, small.fee_payable) == (Decimal("25.00"), Decimal("25.00"))
    assert (big.fee, big.fee_payable) == (Decimal("150.00"), Decimal("30.00"))


def test_vouchers_are_paid_in_full_and_named_in_the_export(claims, personas):
    peer = personas["peer"]
    _discuss(personas)
    services.preference_set(person=peer.person, by=peer, method=M.VOUCHERS)
    claim = claims("peer", "exported")
    assert claim.fee_payable == claim.fee == Decimal("50.00")
    row = next(exports.BatchExport(claim.batch_lines.get().batch).rows())
    assert row[4] == "Vouchers" and row[-1] == ""


def test_the_claim_keeps_the_terms_it_was_submitted_with(claims, personas):
    peer = personas["peer"]
    claim = claims("peer", "submitted")
    services.preference_set(person=peer.person, by=peer, method=M.DECLINED)
    claim = services.claim_approve(claim=claim, approver=personas["lead"])
    assert (claim.payment_method, claim.fee_payable) == (M.PAYROLL, Decimal("50.00"))


def test_limits_watched_must_be_the_organisations_own(personas, other_org):
    peer = personas["peer"]
    elsewhere = BenefitsThresholdFactory(organisation=other_org)
    with pytest.raises(NotAllowed):
        services.preference_set(
            person=peer.person, by=peer, method=M.PAYROLL, thresholds=[elsewhere]
        )
