"""One claim's page, shared by every view that shows it again (with a refused form)."""

from __future__ import annotations

from payments import selectors
from payments.forms import ApproveForm, ExpenseForm, RejectForm
from payments.models import Claim
from payments.services.common import why_not_decider
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.platform import audit


def claim_context(
    user, claim: Claim, *, approve_form=None, reject_form=None, expense_form=None
) -> dict:
    claim = selectors.with_totals(Claim.objects.filter(pk=claim.pk)).select_related(
        "person", "rate_card", "rate_row", "activity", "adjusts", "possible_duplicate_of"
    )[0]
    can_edit = access.can(user, "edit", claim)
    can_decide = access.can(user, "decide", claim)
    context = {
        "claim": claim,
        "is_owner": claim.person.user_id == user.pk,
        "expenses": claim.expenses.all(),
        "can_edit": can_edit,
        "can_pay": claim.state == Claim.State.EXPORTED and access.can(user, "mark_paid", claim),
        "can_correct": claim.is_locked and can_decide,
        "benefits": (
            selectors.benefits_checks(claim) if access.can(user, "see_benefits", claim) else []
        ),
        "history": audit.history(claim),
        "expense_form": (expense_form or ExpenseForm()) if can_edit else None,
        "batch_line": claim.batch_lines.select_related("batch").first(),
        "adjustments": claim.adjustments.all(),
        "person_link": access.can(user, "view_payments", claim.person),
    }
    # A refused decision's errors show even if the form itself is no longer offered.
    context["refused_form"] = approve_form or reject_form
    # A lead who may not decide this one is told why, rather than left without a form.
    if (
        claim.state == Claim.State.SUBMITTED
        and not can_decide
        and access.has_capacity(
            user, *groups.LEADS_AND_ADMINS, organisation_id=claim.organisation_id
        )
    ):
        context["decide_note"] = why_not_decider(claim, user)
    if claim.state == Claim.State.SUBMITTED and can_decide:
        rows = claim.rate_card.tiers.all()
        context["approve_form"] = approve_form or ApproveForm(claim=claim, rows=rows)
        context["reject_form"] = reject_form or RejectForm()
    return context
