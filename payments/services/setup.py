"""Writes that set payments up: rate cards, activities, limits, preferences, discussions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from payments.errors import NotAllowed, PaymentsError
from payments.models import (
    NEEDS_DISCUSSION,
    Activity,
    BenefitsThreshold,
    PaymentDiscussion,
    PaymentMethod,
    PaymentPolicy,
    PaymentPreference,
    RateCard,
    RateCardTier,
)
from payments.money import format_gbp, to_money
from payments.services.common import require
from payments.tiers import MAX_MINUTES, PREPARATION_ORDER, Unit
from workforce.organisations import capacities as groups
from workforce.organisations.models import Organisation, Team
from workforce.platform import audit
from workforce.register.models import Person

ROW_FIELDS = (
    "unit",
    "fee",
    "description",
    "minutes_over",
    "minutes_up_to",
    "preparation_from",
    "preparation_to",
    "note",
)


def rate_card_row_problem(row: Mapping) -> tuple[str, str] | None:
    """What is wrong with one row (the field and a plain message), or None. The card form
    shows these next to the row; the service refuses them whatever sent the row."""
    if row.get("unit") not in Unit.values:
        return "unit", "Choose the unit: per hour, per half day, per day or per task or item."
    fee = row.get("fee")
    if fee is None or to_money(fee) < 0:
        return "fee", "Give the amount, £0.00 or more."
    if not (row.get("description") or "").strip():
        return "description", "Say what the row covers."
    over, up_to = row.get("minutes_over"), row.get("minutes_up_to")
    for field, minutes in (("minutes_over", over), ("minutes_up_to", up_to)):
        if minutes is not None and not 0 <= minutes <= MAX_MINUTES:
            return field, "Give a length between 0 and 16 hours."
    if over is not None and up_to is not None and up_to <= over:
        return "minutes_up_to", "The longest must be more than the shortest."
    low, high = row.get("preparation_from") or "", row.get("preparation_to") or ""
    if any(p and p not in PREPARATION_ORDER for p in (low, high)):
        return "preparation_from", "Choose a level of preparation from the list."
    if low and high and PREPARATION_ORDER.index(high) < PREPARATION_ORDER.index(low):
        return "preparation_to", "The most preparation cannot be less than the least."
    return None


@transaction.atomic
def rate_card_create(
    *,
    organisation: Organisation,
    by,
    name: str,
    effective_from: date,
    rows: Sequence[Mapping],
    source: str = "",
) -> RateCard:
    """A new card of any number of rows, numbered in the order given (row 1 is checked
    first for the suggestion). Cards are never edited: a new table is always a new card."""
    require(by, groups.FINANCE_AND_ADMINS, organisation.pk, "add rate cards")
    if not rows:
        raise PaymentsError("A rate card needs at least one row.", field="rows")
    for number, row in enumerate(rows, 1):
        problem = rate_card_row_problem(row)
        if problem is not None:
            raise PaymentsError(f"Row {number}: {problem[1]}", field="rows")
    if not name.strip():
        raise PaymentsError("Give the card a name.", field="name")
    if RateCard.objects.filter(organisation=organisation, effective_from=effective_from).exists():
        raise PaymentsError(
            f"A card already starts on {effective_from:%d/%m/%Y}. Choose another start date.",
            field="effective_from",
        )
    card = RateCard.objects.create(
        organisation=organisation,
        name=name.strip()[:200],
        effective_from=effective_from,
        source=source.strip(),
        created_by=by,
    )
    made = RateCardTier.objects.bulk_create(
        RateCardTier(
            card=card,
            tier=number,
            unit=row["unit"],
            fee=to_money(row["fee"]),
            description=row["description"].strip()[:300],
            minutes_over=row.get("minutes_over"),
            minutes_up_to=row.get("minutes_up_to"),
            preparation_from=row.get("preparation_from") or "",
            preparation_to=row.get("preparation_to") or "",
            note=(row.get("note") or "").strip()[:300],
        )
        for number, row in enumerate(rows, 1)
    )
    audit.record(
        actor=by,
        action="ratecard.created",
        obj=card,
        summary=f"Rate card “{card.name}” from {effective_from:%d/%m/%Y}",
        changes={"rows": {str(r.tier): f"{r.fee} {r.get_unit_display()}" for r in made}},
    )
    return card


@transaction.atomic
def activity_create(
    *,
    organisation: Organisation,
    by,
    title: str,
    date: date,
    team: Team | None = None,
    cost_code: str = "",
    description: str = "",
) -> Activity:
    require(by, groups.LEADS_AND_ADMINS, organisation.pk, "add involvement activities")
    if team is not None and team.organisation_id != organisation.pk:
        raise NotAllowed("That team belongs to another organisation.", field="team")
    activity = Activity.objects.create(
        organisation=organisation,
        team=team,
        title=title.strip()[:200],
        date=date,
        cost_code=cost_code.strip()[:50],
        description=description.strip(),
        created_by=by,
    )
    audit.record(
        actor=by,
        action="activity.created",
        obj=activity,
        summary=f"Activity “{activity.title}” on {date:%d/%m/%Y}",
    )
    return activity


@transaction.atomic
def threshold_create(
    *,
    organisation: Organisation,
    by,
    name: str,
    period: str,
    amount: Decimal,
    effective_from: date,
    effective_until: date | None = None,
    notes: str = "",
    hours_limit: Decimal | None = None,
    source: str = "",
) -> BenefitsThreshold:
    require(by, groups.LEADS_AND_ADMINS, organisation.pk, "set benefits limits")
    amount = to_money(amount)
    if amount <= 0:
        raise PaymentsError("A limit must be more than £0.00.", field="amount")
    if period not in BenefitsThreshold.Period.values:
        raise PaymentsError("Choose how the limit is counted.", field="period")
    if hours_limit is not None and hours_limit <= 0:
        raise PaymentsError(
            "An hours limit must be more than 0, or left empty.", field="hours_limit"
        )
    if effective_until is not None and effective_until < effective_from:
        raise PaymentsError("The end date is before the start date.", field="effective_until")
    threshold = BenefitsThreshold.objects.create(
        organisation=organisation,
        name=name.strip()[:120],
        period=period,
        amount=amount,
        effective_from=effective_from,
        effective_until=effective_until,
        notes=notes.strip(),
        hours_limit=hours_limit,
        source=source.strip(),
        created_by=by,
    )
    hours = f", under {hours_limit} hours" if hours_limit is not None else ""
    audit.record(
        actor=by,
        action="threshold.created",
        obj=threshold,
        summary=f"Benefits limit “{threshold.name}”: £{amount}{hours} ({threshold.period})",
    )
    return threshold


@transaction.atomic
def threshold_end(*, threshold: BenefitsThreshold, by, effective_until: date) -> BenefitsThreshold:
    """End a limit: from the day after `effective_until` it is no longer watched. A limit
    is never edited (the database refuses it); a new figure is a new limit."""
    threshold = BenefitsThreshold.objects.select_for_update().get(pk=threshold.pk)
    require(by, groups.LEADS_AND_ADMINS, threshold.organisation_id, "end benefits limits")
    if threshold.effective_until is not None:
        raise PaymentsError(
            f"This limit already ends on {threshold.effective_until:%d/%m/%Y}.",
            field="effective_until",
        )
    if effective_until < threshold.effective_from:
        raise PaymentsError(
            f"The last day cannot be before the limit starts "
            f"({threshold.effective_from:%d/%m/%Y}).",
            field="effective_until",
        )
    # Warnings already shown were worked out with the limit in force: keep them explainable.
    yesterday = timezone.localdate() - timedelta(days=1)
    if effective_until < yesterday:
        raise PaymentsError(
            "The last day can be yesterday at the earliest (the limit then stops today). If "
            "the figure changed earlier, say so in the notes of the new limit.",
            field="effective_until",
        )
    threshold.effective_until = effective_until
    threshold.save(update_fields=["effective_until"])
    audit.record(
        actor=by,
        action="threshold.ended",
        obj=threshold,
        summary=f"Benefits limit “{threshold.name}” ended: last day {effective_until:%d/%m/%Y}",
        changes={"effective_until": [None, effective_until.isoformat()]},
    )
    return threshold


def _may_manage_person(person: Person, by) -> None:
    if person.user_id == by.pk:
        return
    require(by, groups.LEADS_AND_ADMINS, person.organisation_id, "manage payment preferences")


@transaction.atomic
def discussion_record(
    *,
    person: Person,
    by,
    held_on: date,
    held_with: str,
    pay_schedule: str = "",
    benefits_considerations: str = "",
) -> PaymentDiscussion:
    """Only a lead records the discussion: it is what unlocks vouchers or expenses only."""
    require(by, groups.LEADS_AND_ADMINS, person.organisation_id, "record payment discussions")
    if not held_with.strip():
        raise PaymentsError("Say who the discussion was with.", field="held_with")
    # A discussion not yet held must not unlock vouchers or expenses only.
    if held_on > timezone.localdate():
        raise PaymentsError(
            "The discussion date cannot be in the future: record it once it has happened.",
            field="held_on",
        )
    discussion = PaymentDiscussion.objects.create(
        person=person,
        held_on=held_on,
        held_with=held_with.strip()[:200],
        pay_schedule=pay_schedule.strip(),
        benefits_considerations=benefits_considerations.strip(),
        recorded_by=by,
    )
    audit.record(
        actor=by,
        action="preference.discussion_recorded",
        obj=discussion,
        organisation_id=person.organisation_id,
        # The notes themselves stay on the record, never in the audit trail.
        summary=f"Payment discussion with {person.full_name} on {held_on:%d/%m/%Y}",
    )
    return discussion


@transaction.atomic
def preference_set(
    *,
    person: Person,
    by,
    method: str,
    reduced_amount: Decimal | None = None,
    receives_benefits: bool = False,
    thresholds: Iterable[BenefitsThreshold] = (),
    uc_assessment_day: int | None = None,
) -> PaymentPreference:
    _may_manage_person(person, by)
    if uc_assessment_day is not None and not 1 <= uc_assessment_day <= 31:
        raise PaymentsError(
            "Give the day of the month your Universal Credit claim started, from 1 to 31.",
            field="uc_assessment_day",
        )
    preference, _ = PaymentPreference.objects.select_for_update().get_or_create(person=person)
    before = preference.method
    discussion = PaymentDiscussion.objects.filter(person=person).order_by("-held_on", "-pk").first()
    if method in NEEDS_DISCUSSION and discussion is None:
        raise PaymentsError(
            f"“{PaymentMethod(method).label}” can be chosen only after an individual "
            "discussion about pay and benefits has been recorded. Ask your co-production "
            "lead.",
            field="method",
        )
    if method == PaymentMethod.REDUCED:
        if reduced_amount is None or to_money(reduced_amount) < 0:
            raise PaymentsError(
                "Give the most you want to be paid for one activity.", field="reduced_amount"
            )
        reduced_amount = to_money(reduced_amount)
    else:
        reduced_amount = None
    thresholds = list(thresholds)
    if any(t.organisation_id != person.organisation_id for t in thresholds):
        raise NotAllowed("Those limits belong to another organisation.", field="thresholds")
    preference.method = method
    preference.reduced_amount = reduced_amount
    preference.receives_benefits = receives_benefits
    preference.uc_assessment_day = uc_assessment_day
    preference.discussion = discussion
    preference.updated_by = by
    preference.save()
    preference.thresholds.set(thresholds)
    audit.record(
        actor=by,
        action="preference.changed",
        obj=preference,
        organisation_id=person.organisation_id,
        summary=f"Payment preference for {person.full_name}: {preference.get_method_display()}",
        # Whether someone receives benefits is theirs to share: not copied into the trail.
        changes={"method": [before, method]} if before != method else {},
    )
    return preference


def may_choose_discouraged(person: Person) -> bool:
    return PaymentDiscussion.objects.filter(person=person).exists()


@transaction.atomic
def payment_policy_set(
    *,
    organisation: Organisation,
    by,
    correction_max_increase: Decimal,
    expense_line_max: Decimal | None = None,
    receipt_required_over: Decimal | None = None,
    missing_payee_reference: str | None = None,
) -> PaymentPolicy:
    """Set the organisation's payments policy. Finance and administrators set it, as they
    set rate cards: the leads whose corrections it bounds never do. A limit left out keeps
    its current value."""
    require(by, groups.FINANCE_AND_ADMINS, organisation.pk, "change the payments policy")
    current = PaymentPolicy.for_organisation(organisation.pk)
    new = {
        "correction_max_increase": to_money(correction_max_increase),
        "expense_line_max": to_money(
            current.expense_line_max if expense_line_max is None else expense_line_max
        ),
        "receipt_required_over": to_money(
            current.receipt_required_over
            if receipt_required_over is None
            else receipt_required_over
        ),
        "missing_payee_reference": missing_payee_reference or current.missing_payee_reference,
    }
    if new["missing_payee_reference"] not in PaymentPolicy.MissingPayeeReference.values:
        raise PaymentsError(
            "Choose whether claims for people with no payee reference are warned about or refused.",
            field="missing_payee_reference",
        )
    if new["correction_max_increase"] < 0:
        raise PaymentsError(
            "Give an amount of £0.00 or more. £0.00 means a correction can never add more "
            "than the claim's own fee.",
            field="correction_max_increase",
        )
    if new["expense_line_max"] <= 0:
        raise PaymentsError(
            "Give the most one expense line may be, more than £0.00.", field="expense_line_max"
        )
    if new["receipt_required_over"] < 0:
        raise PaymentsError(
            "Give an amount of £0.00 or more: £0.00 means every expense needs a receipt.",
            field="receipt_required_over",
        )
    policy = PaymentPolicy.objects.select_for_update().filter(organisation=organisation).first()
    if policy is None:
        policy = PaymentPolicy(organisation=organisation)
    changes = {
        name: [str(getattr(current, name)), str(value)]
        for name, value in new.items()
        if getattr(current, name) != value
    }
    for name, value in new.items():
        setattr(policy, name, value)
    policy.updated_at = timezone.now()
    policy.updated_by = by
    policy.save()
    audit.record(
        actor=by,
        action="payment_policy.updated",
        obj=policy,
        summary=(
            f"Payments policy for {organisation.name}: a correction may add up to "
            f"{format_gbp(new['correction_max_increase'])} above the claim's fee; expense "
            f"lines up to {format_gbp(new['expense_line_max'])}, receipts above "
            f"{format_gbp(new['receipt_required_over'])}; claims with no payee reference "
            + ("refused" if new["missing_payee_reference"] == "refuse" else "warned about")
        ),
        changes=changes,
    )
    return policy
