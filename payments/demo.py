"""Demo payments data, written through the services (checked and audited like real data).

Two rate cards (the NIHR seed table, and NIHR's table from 16 December 2025 as far as its
published figures could be confirmed, each unconfirmed row saying so), activities, benefits
limits, payment preferences (one person on vouchers after a recorded discussion, one
receiving benefits), and claims by `peer` and `peer2` in every state, with one batch
exported and paid and another exported and waiting.

Idempotent: cards, activities and limits are looked up by name; claims are made only if
the demo peer has none yet. Called from workforce.demo.seed().
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from payments import benefits_reference, services
from payments.models import (
    Activity,
    BenefitsThreshold,
    Claim,
    PaymentMethod,
    RateCard,
    RateCardTier,
    seed_rows,
)
from payments.models.ratecards import NIHR_SEED_FROM, NIHR_SEED_NAME
from workforce.organisations.models import Organisation, Team

TRUST = "Northshire Mental Health NHS Foundation Trust"
NIHR_2025_NAME = "NIHR involvement rates from 16 December 2025 (10% uplift)"
NIHR_2025_FROM = date(2025, 12, 16)
NIHR_2025_SOURCE = (
    "NIHR raised its payment rates for public involvement by 10% from 16 December 2025; its "
    "rates now run from £13.80 to £495. Reported in “NIHR Increases Payment Rates for Public "
    "Involvement in Research”, The Carer, December 2025, "
    "https://thecareruk.com/nihr-increases-payment-rates-for-public-involvement-in-research "
    "(confirmed: the date, the 10% and the range). NIHR's own table is in its “Payment "
    "guidance for researchers and professionals” (NIHR; the version found, 1.4 of July 2023, "
    "predates the uplift) and the “NIHR public contributor payment policy” (NIHR, version "
    "4.0, September 2022, https://www.nihr.ac.uk/documents/nihr-public-contributor-payment-"
    "policy/31626). Not confirmed: the post-uplift table itself could not be read, so rows "
    "1 to 5 are the seed table plus 10%, and rows 6 and 7 are only the two ends of the "
    "range. Check every row against NIHR's current table before paying from this card."
)
_UPLIFT_NOTE = "Not confirmed: the seed table's figure plus NIHR's 10% uplift."
_END_NOTE = (
    "Not confirmed: NIHR gives this as the {} of its range; which activity and unit it is "
    "could not be confirmed."
)


def nihr_2025_rows() -> list[dict]:
    """The NIHR card from 16 December 2025, as far as it could be confirmed (see its source)."""
    rows = []
    for row in seed_rows():
        rows.append(
            row
            | {"fee": (row["fee"] * Decimal("1.1")).quantize(Decimal("0.01")), "note": _UPLIFT_NOTE}
        )
    rows.append(
        {
            "unit": "item",
            "fee": Decimal("13.80"),
            "description": "The lowest NIHR rate (chosen by hand)",
            "note": _END_NOTE.format("lowest"),
        }
    )
    rows.append(
        {
            "unit": "day",
            "fee": Decimal("495.00"),
            "description": "The highest NIHR rate (chosen by hand)",
            "note": _END_NOTE.format("highest"),
        }
    )
    return [{k: v for k, v in row.items() if k != "tier"} for row in rows]


ACTIVITIES = {
    # key: (title, team, cost code, days ago)
    "ref": ("Service user reference group", "Involvement and Co-production", "INV-101", 95),
    "panel": ("Interview panel: peer support worker posts", "Involvement", "INV-102", 88),
    "course": (
        "Recovery College: co-delivering “Understanding recovery”",
        "Recovery",
        "RC-201",
        80,
    ),
    "focus": ("Focus group: discharge letters", "Acute Inpatient Wards", "INV-104", 45),
    "board": ("Trust board: lived experience story", "Involvement", "INV-103", 40),
    "ref2": ("Service user reference group (autumn)", "Involvement", "INV-101", 20),
    "reading": ("Reading panel: community mental health strategy", "Community", "INV-105", 12),
    "planning": ("Recovery College: course planning day", "Recovery College", "RC-201", 6),
}


def _seed_card(organisation: Organisation) -> int:
    """The NIHR seed table, as migration 0003 gives organisations that existed then."""
    card, new = RateCard.objects.get_or_create(
        organisation=organisation,
        effective_from=NIHR_SEED_FROM,
        defaults={"name": NIHR_SEED_NAME, "source": "The NIHR rates in the seed documents."},
    )
    if new:
        RateCardTier.objects.bulk_create(RateCardTier(card=card, **row) for row in seed_rows())
    return int(new)


def _days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@transaction.atomic
def seed(*, organisations: dict[str, Organisation]) -> int:
    users = {u.username: u for u in get_user_model().objects.filter(person__isnull=False)}
    created = sum(_seed_card(org) for org in organisations.values())
    trust = organisations[TRUST]
    finance, lead = users["finance"], users["lead"]
    if not RateCard.objects.filter(organisation=trust, name=NIHR_2025_NAME).exists():
        services.rate_card_create(
            organisation=trust,
            by=finance,
            name=NIHR_2025_NAME,
            effective_from=NIHR_2025_FROM,
            source=NIHR_2025_SOURCE,
            rows=nihr_2025_rows(),
        )
        created += 1
    activities = {}
    for key, (title, team, cost_code, days) in ACTIVITIES.items():
        activity = Activity.objects.filter(organisation=trust, title=title).first()
        if activity is None:
            activity = services.activity_create(
                organisation=trust,
                by=lead,
                title=title,
                date=_days_ago(days),
                team=Team.objects.filter(organisation=trust, name__startswith=team).first(),
                cost_code=cost_code,
            )
            created += 1
        activities[key] = activity
    if not BenefitsThreshold.objects.filter(organisation=trust).exists():
        # From the published figures (payments/benefits_reference.py), with their sources.
        limits = {
            ref.key: services.threshold_create(
                organisation=trust,
                by=lead,
                name=ref.name,
                period=ref.period,
                amount=ref.amount,
                hours_limit=ref.hours_limit,
                effective_from=ref.effective_from,
                effective_until=ref.effective_until,
                source=ref.source,
                notes=ref.confirmed[:1].upper() + ref.confirmed[1:],
            )
            for ref in benefits_reference.REFERENCES
        }
        created += len(limits)
        peer, peer2 = users["peer"].person, users["peer2"].person
        services.preference_set(
            person=peer,
            by=users["peer"],
            method=PaymentMethod.PAYROLL,
            receives_benefits=True,
            thresholds=[
                limits["esa_permitted_work_2025"],
                limits["esa_permitted_work_2026"],
                limits["uc_work_allowance_housing_2026"],
            ],
            # Their Universal Credit assessment periods start on the 17th of each month.
            uc_assessment_day=17,
        )
        services.discussion_record(
            person=peer2,
            by=lead,
            held_on=_days_ago(100),
            held_with="Amara Okafor (co-production lead) and Joe",
            pay_schedule="Monthly, with the trust's payroll run.",
            benefits_considerations="Joe asked for vouchers; talked through that vouchers "
            "count as income too. Joe will check with his own adviser.",
        )
        services.preference_set(person=peer2, by=users["peer2"], method=PaymentMethod.VOUCHERS)
        created += 3
    if not Claim.objects.filter(person__user=users["peer"]).exists():
        created += _claims(users, activities, trust)
    return created


def _claims(users, activities, trust) -> int:
    peer, peer2, lead, finance = users["peer"], users["peer2"], users["lead"], users["finance"]

    def claim(user, key, hours, preparation="some", chaired=False, **adhoc):
        return services.claim_create(
            person=user.person,
            by=user,
            activity=activities.get(key),
            duration_minutes=int(hours * 60),
            preparation=preparation,
            chaired_or_trained=chaired,
            **adhoc,
        )

    def approved(c, **kwargs):
        c = services.claim_submit(claim=c, by=c.person.user)
        _backdate(c, "submitted_at", c.activity_date + timedelta(days=1))
        c = services.claim_approve(claim=c, approver=lead, **kwargs)
        _backdate(c, "decided_at", c.activity_date + timedelta(days=4))
        return c

    # Paid: a batch exported, then paid a fortnight or so after approval.
    approved(claim(peer, "ref", 2))
    approved(claim(peer, "panel", 4, "required"))
    approved(claim(peer2, "ref", 2))
    approved(claim(peer2, "course", 7, chaired=True))
    paid = services.batch_create(organisation=trust, by=finance, cut_off=_days_ago(70))
    services.batch_mark_paid(
        batch=paid, by=finance, paid_on=_days_ago(62), reference="BACS-DEMO-0001"
    )
    # Exported, waiting to be paid.
    focus = claim(peer, "focus", 2.5, "required")
    services.expense_add(
        claim=focus,
        by=peer,
        kind="travel",
        description="Bus fare there and back",
        amount=Decimal("6.40"),
    )
    approved(focus)
    approved(claim(peer, "board", 1, "required"))
    approved(claim(peer2, "board", 1))
    services.batch_create(organisation=trust, by=finance, cut_off=_days_ago(30))
    # Approved, waiting for the next batch: the lead chose a higher tier, with a reason.
    approved(
        claim(peer, "ref2", 2),
        tier=3,
        tier_reason="Sam prepared and presented the group's feedback summary.",
    )
    # Waiting for approval (the first takes Sam over the weekly ESA limit: a warning).
    services.claim_submit(claim=claim(peer, "planning", 7, "substantial"), by=peer)
    services.claim_submit(claim=claim(peer2, "reading", 1.5), by=peer2)
    # Not approved, with the reason the person sees.
    coffee = claim(
        peer2, None, 1, "little", description="Coffee with the team", activity_date=_days_ago(9)
    )
    services.claim_submit(claim=coffee, by=peer2)
    services.claim_reject(
        claim=coffee,
        by=lead,
        reason="Informal catch-ups are not paid involvement. Talk to me if you think it was.",
    )
    # Drafts, not yet submitted.
    claim(peer, "reading", 2)
    claim(
        peer2,
        None,
        3,
        "required",
        description="Peer research interviews",
        activity_date=_days_ago(2),
    )
    return Claim.objects.filter(organisation=trust).count()


def _backdate(claim: Claim, field: str, day: date) -> None:
    """Demo only: time a claim as if it had been submitted or decided soon after the
    activity, so time to pay shows real numbers. Only claims not yet exported can change
    (the triggers guard the rest); real claims are timed by the services."""
    moment = timezone.make_aware(datetime.combine(day, time(10, 0)))
    Claim.objects.filter(pk=claim.pk).update(**{field: moment})
    claim.refresh_from_db()
