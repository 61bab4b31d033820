"""Every write that matters in payments goes through these functions (pretix/HackSoft style):
keyword-only, atomic, state checked on locked rows, audited in the same transaction."""

from payments.services.batches import (
    batch_candidates,
    batch_create,
    batch_mark_paid,
    claim_mark_paid,
    without_payee_reference,
)
from payments.services.claims import (
    claim_approve,
    claim_create,
    claim_create_adjustment,
    claim_reject,
    claim_submit,
    claim_update,
    find_duplicate,
)
from payments.services.expenses import expense_add, expense_remove
from payments.services.pricing import card_in_force, payable, price, terms_for, tier_fee
from payments.services.setup import (
    activity_create,
    discussion_record,
    may_choose_discouraged,
    payment_policy_set,
    preference_set,
    rate_card_create,
    threshold_create,
    threshold_end,
)

__all__ = [
    "activity_create",
    "batch_candidates",
    "batch_create",
    "without_payee_reference",
    "batch_mark_paid",
    "card_in_force",
    "claim_approve",
    "claim_create",
    "claim_create_adjustment",
    "claim_mark_paid",
    "claim_reject",
    "claim_submit",
    "claim_update",
    "discussion_record",
    "expense_add",
    "expense_remove",
    "find_duplicate",
    "may_choose_discouraged",
    "payable",
    "payment_policy_set",
    "preference_set",
    "price",
    "rate_card_create",
    "terms_for",
    "threshold_create",
    "threshold_end",
    "tier_fee",
]
