"""The database refuses what the services forbid, whatever path the write takes:
.update(), raw SQL, or a model saved by hand. Each refusal is an IntegrityError, and the
row is unchanged afterwards."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from payments.models import Batch, BatchLine, Claim, ExpenseLine

TODAY = timezone.localdate()


def refused(match, write):
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        write()


def sql(statement, *params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    return run


def claims_where(claim):
    return Claim.objects.filter(pk=claim.pk)


@pytest.mark.parametrize("state", ["exported", "paid"])
def test_a_claim_in_a_batch_never_changes(claims, state):
    claim = claims("peer", state)
    snapshot = Claim.objects.filter(pk=claim.pk).values().get()
    message = "can never change"
    for change in [
        {"fee_payable": Decimal("1.00"), "fee": Decimal("1.00")},
        {"tier": 5, "tier_reason": "more"},
        {"description": "Something else"},
        {"activity_date": TODAY},
        {"state": "approved"},
        {"cost_code": "OTHER"},
    ]:
        refused(message, lambda change=change: claims_where(claim).update(**change))
    refused(
        message, sql("UPDATE payments_claim SET fee = 0, fee_payable = 0 WHERE id = %s", claim.pk)
    )
    # Django's own PROTECT answers first through the ORM; the trigger answers raw SQL.
    refused("protected foreign keys", lambda: claims_where(claim).delete())
    refused("only a draft", sql("DELETE FROM payments_claim WHERE id = %s", claim.pk))
    assert Claim.objects.filter(pk=claim.pk).values().get() == snapshot


def test_an_exported_claim_may_only_record_its_payment(claims, personas):
    claim = claims("peer", "exported")
    claims_where(claim).update(
        state="paid", paid_on=TODAY, payment_reference="REF-1", paid_recorded_by=personas["finance"]
    )
    claim.refresh_from_db()
    assert claim.state == "paid"
    # Once paid, not even the payment details change.
    refused(
        "is paid and can never change", lambda: claims_where(claim).update(payment_reference="X")
    )


def test_claims_reach_exported_and_paid_only_through_a_batch(claims):
    approved = claims("peer", "approved")
    refused("through a finance batch", lambda: claims_where(approved).update(state="exported"))
    refused(
        "only a claim in a finance batch can be paid",
        lambda: claims_where(approved).update(state="paid", paid_on=TODAY, payment_reference="R"),
    )


def test_expenses_change_only_on_drafts(claims, personas):
    claim = claims("peer", "draft")
    line = ExpenseLine.objects.create(claim=claim, kind="travel", description="Bus", amount=3)
    for state, make in [("submitted", "submitted"), ("exported", "exported")]:
        other = claims("peer", make, description=f"{state} claim")
        refused(
            "can no longer change",
            lambda other=other: ExpenseLine.objects.create(
                claim=other, kind="travel", description="Taxi", amount=20
            ),
        )
    from payments import services

    services.claim_submit(claim=claim, by=personas["peer"])
    refused(
        "can no longer change", lambda: ExpenseLine.objects.filter(pk=line.pk).update(amount=99)
    )
    refused("can no longer change", lambda: ExpenseLine.objects.filter(pk=line.pk).delete())
    refused(
        "can no longer change",
        sql("UPDATE payments_expenseline SET amount = 99 WHERE id = %s", line.pk),
    )
    line.refresh_from_db()
    assert line.amount == Decimal("3.00")


def test_the_decider_is_never_the_claimant(claims, personas):
    claim = claims("peer", "submitted")
    # The second-person trigger (migration 0005) answers before the CHECK does.
    refused(
        "claimant can never decide|claim_decider_is_not_claimant",
        lambda: claims_where(claim).update(
            state="approved", decided_by=personas["peer"], decided_at=timezone.now()
        ),
    )
    refused(
        "claimant can never decide|claim_decider_is_not_claimant",
        sql(
            "UPDATE payments_claim SET state='approved', decided_by_id = claimant_user_id, "
            "decided_at = now() WHERE id = %s",
            claim.pk,
        ),
    )


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"fee": Decimal("-1.00"), "fee_payable": Decimal("-1.00")}, "claim_amounts_not_negative"),
        ({"fee_payable": Decimal("60.00")}, "claim_amounts_not_negative"),
        ({"fee_payable": Decimal("10.00")}, "claim_fee_payable_follows_method"),
        ({"payment_method": "declined"}, "claim_fee_payable_follows_method"),
        ({"suggested_tier": 3}, "claim_other_tier_needs_reason"),
        ({"suggested_tier": 0, "tier_reason": "x"}, "claim_row_from_1"),
        ({"quantity": 0}, "claim_quantity_positive"),
        ({"duration_minutes": 0}, "claim_duration_in_range"),
        ({"description": ""}, "claim_has_description"),
        ({"state": "lost"}, "claim_state_valid|claim_decision_iff_decided"),
        ({"state": "approved"}, "claim_decision_iff_decided"),
        ({"state": "rejected"}, "claim_decision_iff_decided"),
        ({"submitted_at": None}, "claim_submitted_time_iff_submitted"),
        ({"rejection_reason": "no"}, "claim_rejection_has_reason"),
        ({"adjustment_reason": "why"}, "claim_adjustment_has_reason"),
    ],
)
def test_state_and_money_checks(claims, change, constraint):
    claim = claims("peer", "submitted")
    refused(constraint, lambda: claims_where(claim).update(**change))


def test_expense_amounts_are_positive(claims):
    claim = claims("peer", "draft")
    refused(
        "expense_amount_positive",
        lambda: ExpenseLine.objects.create(claim=claim, kind="other", description="x", amount=0),
    )


def test_a_claim_is_in_at_most_one_batch(claims, personas):
    claim = claims("peer", "exported")
    other = Batch.objects.create(
        organisation=claim.organisation, cut_off=TODAY, created_by=personas["finance"]
    )
    refused(
        "batchline_claim_in_one_batch",
        lambda: BatchLine.objects.create(
            batch=other, claim=claim, position=1, payee_name="x", approved_by_name="y"
        ),
    )


def test_batches_are_append_only(claims, batch):
    line = batch.lines.get()
    refused("append-only", lambda: Batch.objects.filter(pk=batch.pk).update(cost_code="X"))
    refused("append-only", lambda: BatchLine.objects.filter(pk=line.pk).update(payee_name="X"))
    refused("append-only", sql("DELETE FROM payments_batchline WHERE id = %s", line.pk))


def test_approved_duplicates_need_a_recorded_reason(claims):
    first = claims("peer", "approved", description="Panel")
    second = claims("peer", "submitted", description="Panel")
    refused(
        "claim_once_per_day_and_description",
        lambda: claims_where(second).update(
            state="approved", decided_by=first.decided_by, decided_at=timezone.now()
        ),
    )
    claims_where(second).update(
        state="approved",
        decided_by=first.decided_by,
        decided_at=timezone.now(),
        duplicate_reason="Two sessions that day",
    )


def test_a_claim_belongs_to_its_persons_organisation_and_login(claims, personas, other_org):
    claim = claims("peer", "draft")
    values = Claim.objects.filter(pk=claim.pk).values().get()
    values.pop("id")
    for wrong in ({"organisation_id": other_org.pk}, {"claimant_user_id": personas["lead"].pk}):
        refused(
            "must be the person's own",
            lambda wrong=wrong: Claim.objects.create(**{**values, **wrong}),
        )
