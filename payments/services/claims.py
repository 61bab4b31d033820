"""Every write to a claim and its expenses: atomic, state checked on a locked row, refused
with a plain-English domain error, audited in the same transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from payments.errors import DuplicateClaim, NotAllowed, PaymentsError, WrongState
from payments.models import Activity, Claim, PaymentMethod, PaymentPolicy
from payments.models.claims import normalised_text
from payments.money import ZERO, format_gbp, to_money
from payments.services.common import is_own, lock_claim, require, why_not_decider
from payments.services.pricing import Terms, card_in_force, card_row, price, suggest, terms_for
from payments.tiers import MAX_MINUTES, suggested_quantity
from workforce.organisations import capacities as groups
from workforce.platform import audit
from workforce.register.models import Person

S = Claim.State


def _what(claim: Claim, *, activity: Activity | None, description: str, day: date | None):
    if activity is not None:
        if activity.organisation_id != claim.person.organisation_id:
            raise NotAllowed("That activity belongs to another organisation.", field="activity")
        claim.activity = activity
        claim.description = activity.title[:200]
        claim.activity_date = activity.date
        claim.cost_code = activity.cost_code
        return
    description = (description or "").strip()
    if not description:
        raise PaymentsError(
            "Say what you did, or choose the activity from the list.", field="description"
        )
    if day is None:
        raise PaymentsError("Give the date of the activity.", field="activity_date")
    claim.activity = None
    # Stored as typed, but with spaces tidied: the duplicate check ignores them anyway.
    claim.description = " ".join(description.split())[:200]
    claim.activity_date = day
    claim.cost_code = ""


MAX_QUANTITY = Decimal("999.99")


def _how(
    claim: Claim,
    *,
    duration_minutes: int,
    preparation: str,
    chaired_or_trained: bool,
    tier: int | None = None,
    quantity: Decimal | None = None,
    tier_reason: str = "",
):
    """What the activity was, and the row and quantity it is priced at: the row its bands
    suggest on the card in force, unless the claimant chose another (with a reason)."""
    if not 0 < duration_minutes <= MAX_MINUTES:
        raise PaymentsError(
            "Give how long it took, between a quarter of an hour and 16 hours.",
            field="hours",
        )
    card = card_in_force(organisation_id=claim.organisation_id, day=claim.activity_date)
    suggestion = suggest(
        card,
        minutes=duration_minutes,
        preparation=preparation,
        chaired_or_trained=chaired_or_trained,
    )
    chosen = tier or suggestion.tier
    if chosen is None:
        raise PaymentsError(
            f"No row of the rate card “{card.name}” fits this activity on its own: choose "
            "the row that does.",
            field="tier",
        )
    row = card_row(card, chosen)
    suggested = suggestion.tier or chosen
    tier_reason = (tier_reason or "").strip()
    if chosen != suggested and not tier_reason:
        raise PaymentsError(
            f"Say why row {chosen} is right rather than the suggested row {suggested}.",
            field="tier_reason",
        )
    if quantity is None:
        quantity = suggested_quantity(row.unit, duration_minutes)
    quantity = to_money(quantity)
    if not ZERO < quantity <= MAX_QUANTITY:
        raise PaymentsError(
            f"Give a quantity more than 0 and up to {MAX_QUANTITY}.", field="quantity"
        )
    claim.duration_minutes = duration_minutes
    claim.preparation = preparation
    claim.chaired_or_trained = chaired_or_trained
    claim.suggested_tier, claim.tier = suggested, chosen
    claim.tier_reason = tier_reason if chosen != suggested else ""
    claim.unit, claim.quantity = row.unit, quantity


def _pricing(claim: Claim) -> dict:
    return {
        "tier": claim.tier,
        "unit": claim.unit,
        "quantity": str(claim.quantity),
        "fee": str(claim.fee),
    }


@transaction.atomic
def claim_create(
    *,
    person: Person,
    by,
    activity: Activity | None = None,
    description: str = "",
    activity_date: date | None = None,
    duration_minutes: int,
    preparation: str,
    chaired_or_trained: bool = False,
    tier: int | None = None,
    quantity: Decimal | None = None,
    tier_reason: str = "",
) -> Claim:
    if person.user_id is None or person.user_id != by.pk:
        raise NotAllowed("You can only make claims for yourself.")
    claim = Claim(
        person=person,
        organisation_id=person.organisation_id,
        claimant_user_id=person.user_id,
        created_by=by,
    )
    _what(claim, activity=activity, description=description, day=activity_date)
    _how(
        claim,
        duration_minutes=duration_minutes,
        preparation=preparation,
        chaired_or_trained=chaired_or_trained,
        tier=tier,
        quantity=quantity,
        tier_reason=tier_reason,
    )
    price(claim, terms=terms_for(person))
    claim.save()
    audit.record(
        actor=by,
        action="claim.created",
        obj=claim,
        summary=f"Draft claim {claim.reference}: {claim.description}",
        changes={k: [None, v] for k, v in _pricing(claim).items()},
    )
    return claim


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    by,
    activity: Activity | None = None,
    description: str = "",
    activity_date: date | None = None,
    duration_minutes: int,
    preparation: str,
    chaired_or_trained: bool = False,
    tier: int | None = None,
    quantity: Decimal | None = None,
    tier_reason: str = "",
) -> Claim:
    claim = lock_claim(claim)
    own_draft(claim, by, "change")
    before = _pricing(claim) | {"description": claim.description}
    _what(claim, activity=activity, description=description, day=activity_date)
    _how(
        claim,
        duration_minutes=duration_minutes,
        preparation=preparation,
        chaired_or_trained=chaired_or_trained,
        tier=tier,
        quantity=quantity,
        tier_reason=tier_reason,
    )
    price(claim, terms=terms_for(claim.person))
    claim.save()
    after = _pricing(claim) | {"description": claim.description}
    audit.record(
        actor=by,
        action="claim.changed",
        obj=claim,
        summary=f"Draft claim {claim.reference} changed",
        changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
    )
    return claim


def own_draft(claim: Claim, by, doing: str) -> None:
    if not is_own(claim, by):
        raise NotAllowed(f"You can only {doing} your own claims.")
    if claim.state != S.DRAFT:
        raise WrongState(
            f"This claim is {claim.get_state_display().lower()}, so you can no longer {doing} it."
        )


def find_duplicate(claim: Claim, states: tuple[str, ...]) -> Claim | None:
    """Another claim by the same person for the same activity, or for the same date and
    description. Adjusting claims are corrections, never duplicates."""
    if claim.is_adjustment:
        return None
    same = (
        Q(activity=claim.activity)
        if claim.activity_id
        else Q(
            activity=None,
            activity_date=claim.activity_date,
            compared=" ".join(claim.description.split()).lower(),
        )
    )
    return (
        Claim.objects.annotate(compared=normalised_text("description"))
        .filter(same, person_id=claim.person_id, state__in=states, adjusts=None)
        .exclude(pk=claim.pk)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def claim_submit(*, claim: Claim, by) -> Claim:
    claim = lock_claim(claim)
    own_draft(claim, by, "submit")
    if claim.activity_date > timezone.localdate():
        raise PaymentsError(
            "You can submit this claim once the activity has happened.", field="activity_date"
        )
    price(claim, terms=terms_for(claim.person))
    duplicate = find_duplicate(claim, Claim.COUNTED)
    # Flagged, not refused: the lead decides, and must record why if they approve it.
    claim.possible_duplicate_of = duplicate
    claim.state = S.SUBMITTED
    claim.submitted_at = timezone.now()
    claim.save()
    audit.record(
        actor=by,
        action="claim.submitted",
        obj=claim,
        summary=f"Claim {claim.reference} submitted for approval",
        changes={"state": [S.DRAFT, S.SUBMITTED]},
    )
    return claim


def _may_decide(claim: Claim, by, doing: str) -> None:
    require(by, groups.LEADS_AND_ADMINS, claim.organisation_id, f"{doing} claims")
    refusal = why_not_decider(claim, by, doing)
    if refusal:
        raise NotAllowed(refusal)
    if claim.state != S.SUBMITTED:
        raise WrongState(
            f"Claim {claim.reference} is already {claim.get_state_display().lower()}, so it "
            f"cannot be {doing}d now."
        )


@transaction.atomic
def claim_approve(
    *,
    claim: Claim,
    approver,
    tier: int | None = None,
    tier_reason: str = "",
    duplicate_reason: str = "",
) -> Claim:
    """Approve a submitted claim, optionally at another tier (with a reason)."""
    claim = lock_claim(claim)
    _may_decide(claim, approver, "approve")
    before = _pricing(claim)
    tier = tier or claim.suggested_tier
    tier_reason = (tier_reason or "").strip()
    if not claim.rate_card.tiers.filter(tier=tier).exists():
        raise PaymentsError("Choose a row of the claim's rate card.", field="tier")
    if tier != claim.suggested_tier and not tier_reason:
        raise PaymentsError(
            f"Say why row {tier} is right rather than the suggested row {claim.suggested_tier}.",
            field="tier_reason",
        )
    claim.tier = tier
    claim.tier_reason = tier_reason if tier != claim.suggested_tier else ""
    duplicate = find_duplicate(claim, Claim.FINANCE_STATES)
    duplicate_reason = (duplicate_reason or "").strip()
    if duplicate is not None and not duplicate_reason:
        raise DuplicateClaim(
            f"{claim.person} already has an approved claim for this ({duplicate.reference}). "
            "To approve this one as well, record why it is not a duplicate.",
            field="duplicate_reason",
        )
    claim.duplicate_reason = duplicate_reason if duplicate is not None else ""
    # The card in force on the activity date now (a card entered since submission with an
    # earlier start applies); the payment terms stay those shown when it was submitted.
    price(claim)
    claim.state = S.APPROVED
    claim.decided_by = approver
    claim.decided_at = timezone.now()
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as exc:
        # Two leads approving two copies of the same claim at once: the unique index wins.
        if "claim_once_per" in str(exc):
            raise DuplicateClaim(
                f"{claim.person} already has an approved claim for this. To approve this one "
                "as well, record why it is not a duplicate.",
                field="duplicate_reason",
            ) from exc
        raise
    changes = {"state": [S.SUBMITTED, S.APPROVED]}
    after = _pricing(claim)
    changes |= {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit.record(
        actor=approver,
        action="claim.approved",
        obj=claim,
        summary=f"Claim {claim.reference} approved at row {claim.tier} (£{claim.fee})",
        changes=changes,
    )
    return claim


@transaction.atomic
def claim_reject(*, claim: Claim, by, reason: str) -> Claim:
    claim = lock_claim(claim)
    _may_decide(claim, by, "reject")
    reason = (reason or "").strip()
    if not reason:
        raise PaymentsError(
            "Say why the claim is not approved: the person will see it.", field="reason"
        )
    claim.state = S.REJECTED
    claim.rejection_reason = reason
    claim.decided_by = by
    claim.decided_at = timezone.now()
    claim.save()
    audit.record(
        actor=by,
        action="claim.rejected",
        obj=claim,
        summary=f"Claim {claim.reference} not approved",
        changes={"state": [S.SUBMITTED, S.REJECTED]},
    )
    return claim


@transaction.atomic
def claim_create_adjustment(*, original: Claim, by, fee: Decimal, reason: str) -> Claim:
    """A correction to a claim already sent to finance: a new claim for what is still owed,
    waiting for approval, paid in a later batch. The original never changes."""
    # Locked, so two corrections made at once cannot together pass the bound.
    original = lock_claim(original)
    require(by, groups.LEADS_AND_ADMINS, original.organisation_id, "correct claims")
    if original.state not in (S.EXPORTED, S.PAID):
        raise WrongState(
            "Only a claim already sent to finance is corrected this way; change this one "
            "before it is approved instead."
        )
    reason = (reason or "").strip()
    if not reason:
        raise PaymentsError("Say what the correction is for.", field="reason")
    fee = to_money(fee)
    if fee < 0:
        raise PaymentsError(
            "A correction adds what is still owed: give an amount of £0.00 or more.", field="fee"
        )
    _within_bound(original, fee)
    reduced_to = None
    if original.payment_method == PaymentMethod.REDUCED:
        # What is left under the person's own cap for this activity.
        reduced_to = max(to_money(original.reduced_to) - original.fee_payable, ZERO)
    claim = Claim(
        person=original.person,
        organisation_id=original.organisation_id,
        claimant_user_id=original.person.user_id,
        created_by=by,
        activity=original.activity,
        description=f"Correction to {original.reference}: {original.description}"[:200],
        activity_date=original.activity_date,
        cost_code=original.cost_code,
        duration_minutes=original.duration_minutes,
        preparation=original.preparation,
        chaired_or_trained=original.chaired_or_trained,
        suggested_tier=original.suggested_tier,
        tier=original.tier,
        tier_reason=original.tier_reason,
        rate_card=original.rate_card,
        rate_row=original.rate_row,
        unit=original.unit,
        quantity=original.quantity,
        fee=fee,
        adjusts=original,
        adjustment_reason=reason,
        state=S.SUBMITTED,
        submitted_at=timezone.now(),
    )
    price(claim, terms=Terms(original.payment_method, reduced_to))
    claim.save()
    audit.record(
        actor=by,
        action="claim.adjustment_created",
        obj=claim,
        summary=f"Correction {claim.reference} to {original.reference}: £{fee}",
        changes={"adjusts": original.reference},
    )
    return claim


def _within_bound(original: Claim, fee: Decimal) -> None:
    """All the corrections to a claim together may exceed its fee by at most what its
    organisation allows (payments policy), so no correction is a blank cheque."""
    allowed = PaymentPolicy.for_organisation(original.organisation_id).correction_max_increase
    most = original.fee + allowed
    already = original.adjustments.exclude(state=S.REJECTED).aggregate(total=Sum("fee"))["total"]
    already = already or ZERO
    if already + fee <= most:
        return
    limit = (
        f"Corrections to {original.reference} can add at most {format_gbp(most)}: its fee of "
        f"{format_gbp(original.fee)} plus the {format_gbp(allowed)} your organisation allows"
    )
    if already:
        limit += f". {format_gbp(already)} is already in other corrections"
    raise PaymentsError(
        f"{limit}. If more is owed, ask finance or an administrator to raise the limit.",
        field="fee",
    )
