"""Finance batches: approved claims handed over together, then marked paid."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from payments.errors import NothingToExport, PaymentsError, WrongState
from payments.models import Batch, BatchLine, Claim, PaymentPolicy
from payments.services.common import display_name, lock_claim, require
from workforce.organisations import capacities as groups
from workforce.organisations.models import Organisation
from workforce.platform import audit

S = Claim.State


def claims_count(n: int) -> str:
    return f"{n} claim" if n == 1 else f"{n} claims"


def end_of_day(day: date) -> datetime:
    """The first moment after `day` ends, in UK time."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def batch_candidates(*, organisation: Organisation, cut_off: date, cost_code: str = ""):
    """Approved claims not yet in a batch, decided on or before the cut-off day."""
    claims = Claim.objects.filter(
        organisation=organisation, state=S.APPROVED, decided_at__lt=end_of_day(cut_off)
    )
    if cost_code:
        claims = claims.filter(cost_code=cost_code)
    return claims


# "No payee reference": empty or only whitespace. One pattern for the page's list, the
# service's refusal and the batch-line trigger (payments 0011), so all three agree.
NO_PAYEE_REFERENCE = r"^\s*$"


def without_payee_reference(claims):
    """Those of `claims` whose person has no payee reference."""
    return claims.filter(person__payee_reference__regex=NO_PAYEE_REFERENCE)


def has_payee_reference(claim: Claim) -> bool:
    return not re.match(NO_PAYEE_REFERENCE, claim.person.payee_reference or "")


def unreferenced_message(claims: list[Claim]) -> str:
    """The refusal, naming how many claims, whose, and who can add the references."""
    names = sorted({claim.person.full_name for claim in claims})
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    return (
        f"Your organisation does not send finance claims for people with no payee reference: "
        f"{claims_count(len(claims))} ({shown}) "
        f"{'has' if len(claims) == 1 else 'have'} none. Ask a co-production lead or an "
        "administrator to add the payee reference on each person's record, or leave these "
        "claims out of this batch."
    )


@transaction.atomic
def batch_create(
    *,
    organisation: Organisation,
    by,
    cut_off: date,
    cost_code: str = "",
    leave_out_unreferenced: bool = False,
) -> Batch:
    """Put every approved, unexported claim up to the cut-off into one new batch.

    Claims for people with no payee reference are likely to bounce at finance. The page
    lists them first; `leave_out_unreferenced` leaves them waiting for a later batch, and an
    organisation whose policy refuses them gets no batch that includes them.

    Two finance users at the same moment: the rows are locked in id order, so the second
    waits for the first, then finds those claims no longer approved (PostgreSQL re-checks
    locked rows) and takes only what is left. Each claim lands in exactly one batch; the
    unique constraint on BatchLine.claim is the backstop.
    """
    require(by, groups.FINANCE_AND_ADMINS, organisation.pk, "create payment batches")
    cost_code = (cost_code or "").strip()
    claims = list(
        batch_candidates(organisation=organisation, cut_off=cut_off, cost_code=cost_code)
        .select_for_update(of=("self",))
        .select_related("person", "decided_by__person")
        .order_by("pk")
    )
    if not claims:
        raise NothingToExport(
            f"There are no approved claims waiting to be sent to finance up to "
            f"{cut_off:%d/%m/%Y}" + (f" with cost code {cost_code}." if cost_code else ".")
        )
    unreferenced = [claim for claim in claims if not has_payee_reference(claim)]
    if (
        unreferenced
        and not leave_out_unreferenced
        and PaymentPolicy.for_organisation(organisation.pk).refuses_missing_payee_reference
    ):
        raise PaymentsError(unreferenced_message(unreferenced), field="without_reference")
    if unreferenced and leave_out_unreferenced:
        claims = [claim for claim in claims if has_payee_reference(claim)]
        if not claims:
            raise NothingToExport(
                f"Every claim waiting ({claims_count(len(unreferenced))}) is for someone with "
                "no payee reference, so nothing is left for a batch. Ask a co-production lead "
                "or an administrator to add the payee references on their records."
            )
    batch = Batch.objects.create(
        organisation=organisation, cut_off=cut_off, cost_code=cost_code, created_by=by
    )
    BatchLine.objects.bulk_create(
        BatchLine(
            batch=batch,
            claim=claim,
            position=position,
            payee_name=claim.person.full_name,
            payee_reference=claim.person.payee_reference,
            approved_by_name=display_name(claim.decided_by),
        )
        for position, claim in enumerate(claims, start=1)
    )
    ids = [claim.pk for claim in claims]
    Claim.objects.filter(pk__in=ids, state=S.APPROVED).update(
        state=S.EXPORTED, updated_at=timezone.now()
    )
    summary = f"Batch {batch.reference}: {claims_count(len(ids))} up to {cut_off:%d/%m/%Y}"
    changes = {"claims": ids, "cut_off": cut_off.isoformat(), "cost_code": cost_code}
    if unreferenced:
        # Which claims went without a payee reference, or were held back for lack of one.
        done = "left_out" if leave_out_unreferenced else "included"
        changes[f"{done}_without_payee_reference"] = [claim.pk for claim in unreferenced]
        summary += (
            f"; {claims_count(len(unreferenced))} with no payee reference {done.replace('_', ' ')}"
        )
    audit.record(actor=by, action="batch.created", obj=batch, summary=summary, changes=changes)
    return batch


def _check_payment(paid_on: date, reference: str, approved: list[datetime]) -> str:
    """A payment is dated between the latest approval of what it pays and today: a date
    before a claim was approved would make the time to pay negative, for good."""
    reference = (reference or "").strip()
    if not reference:
        raise PaymentsError("Give the payment reference finance used.", field="reference")
    if paid_on > timezone.localdate():
        raise PaymentsError("The payment date cannot be in the future.", field="paid_on")
    latest = max((timezone.localdate(at) for at in approved if at), default=None)
    if latest is not None and paid_on < latest:
        raise PaymentsError(
            f"The payment date cannot be before the claims were approved: the latest was "
            f"approved on {latest:%d/%m/%Y}.",
            field="paid_on",
        )
    return reference[:100]


@transaction.atomic
def batch_mark_paid(*, batch: Batch, by, paid_on: date, reference: str) -> int:
    """Record payment of every claim in the batch not already marked paid; returns how many."""
    require(by, groups.FINANCE_AND_ADMINS, batch.organisation_id, "record payments")
    rows = list(
        Claim.objects.select_for_update(of=("self",))
        .filter(pk__in=batch.lines.values("claim_id"), state=S.EXPORTED)
        .order_by("pk")
        .values_list("pk", "decided_at")
    )
    if not rows:
        raise WrongState("Every claim in this batch is already marked paid.")
    reference = _check_payment(paid_on, reference, [at for _, at in rows])
    ids = [pk for pk, _ in rows]
    Claim.objects.filter(pk__in=ids).update(
        state=S.PAID,
        paid_on=paid_on,
        payment_reference=reference,
        paid_recorded_by=by,
        updated_at=timezone.now(),
    )
    audit.record(
        actor=by,
        action="batch.paid",
        obj=batch,
        summary=f"Batch {batch.reference}: {claims_count(len(ids))} paid on {paid_on:%d/%m/%Y}",
        changes={"claims": ids, "paid_on": paid_on.isoformat(), "reference": reference},
    )
    return len(ids)


@transaction.atomic
def claim_mark_paid(*, claim: Claim, by, paid_on: date, reference: str) -> Claim:
    claim = lock_claim(claim)
    require(by, groups.FINANCE_AND_ADMINS, claim.organisation_id, "record payments")
    if claim.state != S.EXPORTED:
        raise WrongState(
            f"Claim {claim.reference} is {claim.get_state_display().lower()}: only a claim "
            "sent to finance and not yet paid can be marked paid."
        )
    reference = _check_payment(paid_on, reference, [claim.decided_at])
    claim.state = S.PAID
    claim.paid_on = paid_on
    claim.payment_reference = reference
    claim.paid_recorded_by = by
    claim.save(
        update_fields=["state", "paid_on", "payment_reference", "paid_recorded_by", "updated_at"]
    )
    audit.record(
        actor=by,
        action="claim.paid",
        obj=claim,
        summary=f"Claim {claim.reference} paid on {paid_on:%d/%m/%Y}",
        changes={"state": [S.EXPORTED, S.PAID], "reference": reference},
    )
    return claim
