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
from payments.services.pricing import (
    TYPICAL_ACTIVITIES,
    card_in_force,
    card_row,
    payable,
    preview,
    price,
    suggest,
    terms_for,
)
from payments.services.setup import (
    ROW_FIELDS,
    activity_create,
    discussion_record,
    may_choose_discouraged,
    payment_policy_set,
    preference_set,
    rate_card_create,
    rate_card_row_problem,
    threshold_create,
    threshold_end,
)

__all__ = [
    "ROW_FIELDS",
    "TYPICAL_ACTIVITIES",
    "activity_create",
    "batch_candidates",
    "batch_create",
    "without_payee_reference",
    "batch_mark_paid",
    "card_in_force",
    "card_row",
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
    "preview",
    "price",
    "rate_card_create",
    "rate_card_row_problem",
    "suggest",
    "terms_for",
    "threshold_create",
    "threshold_end",
]
