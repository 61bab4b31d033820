"""Expense lines on a draft claim, with their receipts."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from payments import receipts
from payments.errors import PaymentsError
from payments.models import Claim, ExpenseLine, PaymentPolicy
from payments.money import format_gbp, to_money
from payments.services.claims import own_draft
from payments.services.common import lock_claim
from workforce.platform import audit


@transaction.atomic
def expense_add(
    *,
    claim: Claim,
    by,
    kind: str,
    description: str,
    amount: Decimal,
    receipt: UploadedFile | None = None,
) -> ExpenseLine:
    claim = lock_claim(claim)
    own_draft(claim, by, "change")
    amount = to_money(amount)
    if amount <= 0:
        raise PaymentsError("Give the amount you spent, more than £0.00.", field="amount")
    policy = PaymentPolicy.for_organisation(claim.organisation_id)
    if amount > policy.expense_line_max:
        raise PaymentsError(
            f"One expense line can be at most {format_gbp(policy.expense_line_max)} here. "
            "Check the amount, or ask finance about a larger cost before claiming it.",
            field="amount",
        )
    if receipt is None and amount > policy.receipt_required_over:
        raise PaymentsError(
            f"Attach the receipt: any expense above {format_gbp(policy.receipt_required_over)} "
            "needs one.",
            field="receipt",
        )
    line = ExpenseLine(
        claim=claim, kind=kind, description=(description or "").strip()[:200], amount=amount
    )
    if not line.description:
        raise PaymentsError("Say what the expense was for.", field="description")
    if receipt is not None:
        line.receipt_type = receipts.check(receipt)
        line.receipt_name = receipts.display_name(receipt.name)
    stored = ""
    try:
        if receipt is not None:
            line.receipt.save(line.receipt_name, receipt, save=False)
            stored = line.receipt.name
        line.save()
        audit.record(
            actor=by,
            action="claim.expense_added",
            obj=claim,
            summary=f"{line.get_kind_display()} £{line.amount} added to {claim.reference}",
            changes={"receipt": bool(stored)},
        )
    except BaseException:
        # The row is rolled back, so the file it would have pointed at must go too.
        if stored:
            line.receipt.storage.delete(stored)
        raise
    return line


@transaction.atomic
def expense_remove(*, line: ExpenseLine, by) -> None:
    claim = lock_claim(line.claim)
    own_draft(claim, by, "change")
    stored = line.receipt.name if line.receipt else ""
    storage = line.receipt.storage
    audit.record(
        actor=by,
        action="claim.expense_removed",
        obj=claim,
        summary=f"{line.get_kind_display()} £{line.amount} removed from {claim.reference}",
    )
    line.delete()
    if stored:
        # Only once the row is really gone: a rolled-back removal keeps its receipt.
        transaction.on_commit(lambda: storage.delete(stored))
