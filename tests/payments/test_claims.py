"""The claim workflow through the services: who may do what, in which state, with what
error, and the audit entry written with each step."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from payments import services
from payments.errors import DuplicateClaim, NotAllowed, PaymentsError, WrongState
from payments.models import Claim
from tests.factories import ActivityFactory, make_login
from workforce.models import Capacity as C
from workforce.models import Membership
from workforce.platform.audit import history

TODAY = timezone.localdate()


def _actions(claim):
    return [entry.action for entry in history(claim)]


def test_the_whole_way_from_draft_to_paid(claims, personas):
    claim = claims("peer", "paid")
    assert claim.state == Claim.State.PAID
    assert claim.decided_by == personas["lead"]
    assert claim.paid_on == TODAY and claim.payment_reference == "BACS-0001"
    assert claim.days_to_pay == 0
    assert _actions(claim) == ["claim.created", "claim.submitted", "claim.approved"]
    # Export and payment are recorded once per batch, naming every claim in it.
    batch = claim.batch_lines.get().batch
    assert [(e.action, e.changes["claims"]) for e in history(batch)] == [
        ("batch.created", [claim.pk]),
        ("batch.paid", [claim.pk]),
    ]


def test_a_claim_is_made_only_for_yourself(personas, seed_card):
    with pytest.raises(NotAllowed, match="only make claims for yourself"):
        services.claim_create(
            person=personas["peer"].person,
            by=personas["lead"],
            description="x",
            activity_date=TODAY,
            duration_minutes=60,
            preparation="little",
        )


def test_an_activity_fills_in_the_claim(personas, org, seed_card):
    activity = ActivityFactory(organisation=org, title="Panel", cost_code="INV-9")
    claim = services.claim_create(
        person=personas["peer"].person,
        by=personas["peer"],
        activity=activity,
        description="ignored",
        duration_minutes=120,
        preparation="some",
    )
    assert (claim.description, claim.activity_date, claim.cost_code) == (
        "Panel",
        activity.date,
        "INV-9",
    )
    assert (claim.suggested_tier, claim.tier, claim.fee) == (2, 2, Decimal("50.00"))


def test_another_organisations_activity_is_refused(personas, other_org, seed_card):
    with pytest.raises(NotAllowed, match="another organisation"):
        services.claim_create(
            person=personas["peer"].person,
            by=personas["peer"],
            activity=ActivityFactory(organisation=other_org),
            duration_minutes=60,
            preparation="little",
        )


def test_drafts_change_and_are_repriced_only_by_their_owner(claims, personas):
    claim = claims("peer", "draft")
    changed = services.claim_update(
        claim=claim,
        by=personas["peer"],
        description="All-day conference",
        activity_date=claim.activity_date,
        duration_minutes=420,
        preparation="substantial",
    )
    assert (changed.tier, changed.fee) == (5, Decimal("300.00"))
    with pytest.raises(NotAllowed):
        services.claim_update(
            claim=claim,
            by=personas["peer2"],
            description="x",
            activity_date=TODAY,
            duration_minutes=60,
            preparation="little",
        )
    services.claim_submit(claim=claim, by=personas["peer"])
    with pytest.raises(WrongState, match="no longer change"):
        services.claim_update(
            claim=claim,
            by=personas["peer"],
            description="x",
            activity_date=TODAY,
            duration_minutes=60,
            preparation="little",
        )


def test_a_future_activity_cannot_be_submitted(claims, personas):
    claim = claims("peer", "draft", activity_date=TODAY + timedelta(days=1))
    with pytest.raises(PaymentsError, match="once the activity has happened"):
        services.claim_submit(claim=claim, by=personas["peer"])
    claim.refresh_from_db()
    assert claim.state == Claim.State.DRAFT


def test_nobody_approves_their_own_claim(org, seed_card, personas):
    # A senior peer worker who is also a co-production lead.
    both = make_login("both", org, C.PEER_WORKER, C.COPRODUCTION_LEAD)
    claim = services.claim_submit(
        claim=services.claim_create(
            person=both.person,
            by=both,
            description="Panel",
            activity_date=TODAY,
            duration_minutes=60,
            preparation="little",
        ),
        by=both,
    )
    with pytest.raises(NotAllowed, match="cannot approve your own claim"):
        services.claim_approve(claim=claim, approver=both)
    with pytest.raises(NotAllowed, match="cannot reject your own claim"):
        services.claim_reject(claim=claim, by=both, reason="x")
    claim.refresh_from_db()
    assert claim.state == Claim.State.SUBMITTED
    assert "claim.approved" not in _actions(claim)
    assert services.claim_approve(claim=claim, approver=personas["lead"]).state == "approved"


def test_only_leads_and_admins_of_the_organisation_decide(claims, personas):
    claim = claims("peer", "submitted")
    for who in ("peer2", "supervisor", "safeguarding", "finance", "outsider"):
        with pytest.raises(NotAllowed, match="not allowed"):
            services.claim_approve(claim=claim, approver=personas[who])
    assert services.claim_approve(claim=claim, approver=personas["admin"]).state == "approved"


def test_decisions_need_the_right_state(claims, personas):
    lead = personas["lead"]
    draft = claims("peer", "draft")
    with pytest.raises(WrongState, match="already draft"):
        services.claim_approve(claim=draft, approver=lead)
    approved = claims("peer", "approved", description="Another meeting")
    with pytest.raises(WrongState, match="already approved"):
        services.claim_approve(claim=approved, approver=personas["admin"])
    with pytest.raises(WrongState):
        services.claim_reject(claim=approved, by=lead, reason="Too late")
    assert _actions(approved).count("claim.approved") == 1


def test_a_lead_may_choose_another_tier_with_a_reason(claims, personas):
    claim = claims("peer", "submitted")
    with pytest.raises(PaymentsError, match="Say why row 3") as error:
        services.claim_approve(claim=claim, approver=personas["lead"], tier=3)
    assert error.value.field == "tier_reason"
    claim = services.claim_approve(
        claim=claim, approver=personas["lead"], tier=3, tier_reason="Presented the findings"
    )
    assert (claim.suggested_tier, claim.tier, claim.fee, claim.fee_payable) == (
        2,
        3,
        Decimal("75.00"),
        Decimal("75.00"),
    )
    assert history(claim).last().changes["tier"] == [2, 3]


def test_rejection_needs_a_reason_the_claimant_sees(claims, personas):
    claim = claims("peer", "submitted")
    with pytest.raises(PaymentsError, match="Say why"):
        services.claim_reject(claim=claim, by=personas["lead"], reason="  ")
    claim = services.claim_reject(claim=claim, by=personas["lead"], reason="Not involvement")
    assert (claim.state, claim.rejection_reason) == ("rejected", "Not involvement")


def test_duplicates_are_flagged_and_need_a_leads_reason(claims, personas, org):
    activity = ActivityFactory(organisation=org)
    first = claims("peer", "approved", activity=activity)
    second = claims("peer", "submitted", activity=activity)
    assert second.possible_duplicate_of == first
    with pytest.raises(DuplicateClaim, match="already has an approved claim") as error:
        services.claim_approve(claim=second, approver=personas["lead"])
    assert error.value.field == "duplicate_reason"
    second = services.claim_approve(
        claim=second, approver=personas["lead"], duplicate_reason="Two separate sessions"
    )
    assert second.duplicate_reason == "Two separate sessions"


def test_ad_hoc_duplicates_are_same_person_date_and_description(claims, personas):
    day = TODAY - timedelta(days=2)
    claims("peer", "approved", description="Panel", activity_date=day)
    again = claims("peer", "submitted", description="PANEL", activity_date=day)
    assert again.possible_duplicate_of is not None
    with pytest.raises(DuplicateClaim):
        services.claim_approve(claim=again, approver=personas["lead"])
    # Someone else, or another day, is not a duplicate.
    assert (
        claims("peer2", "submitted", description="Panel", activity_date=day).possible_duplicate_of
        is None
    )
    other_day = claims(
        "peer", "submitted", description="Panel", activity_date=day - timedelta(days=1)
    )
    assert other_day.possible_duplicate_of is None


def test_a_correction_is_a_new_claim_in_a_later_batch(claims, personas):
    original = claims("peer", "paid")
    with pytest.raises(NotAllowed):
        services.claim_create_adjustment(
            original=original, by=personas["finance"], fee=Decimal("25"), reason="x"
        )
    correction = services.claim_create_adjustment(
        original=original, by=personas["lead"], fee=Decimal("25"), reason="Should be tier 3"
    )
    assert correction.state == "submitted" and correction.adjusts == original
    assert (correction.fee, correction.fee_payable) == (Decimal("25.00"), Decimal("25.00"))
    assert correction.possible_duplicate_of is None
    correction = services.claim_approve(claim=correction, approver=personas["admin"])
    batch = services.batch_create(
        organisation=original.organisation, by=personas["finance"], cut_off=TODAY
    )
    assert list(batch.lines.values_list("claim_id", flat=True)) == [correction.pk]
    with pytest.raises(WrongState):
        services.claim_create_adjustment(
            original=claims("peer", "approved", description="x"),
            by=personas["lead"],
            fee=Decimal("1"),
            reason="x",
        )


def test_a_refused_step_leaves_no_audit_entry(claims, personas):
    claim = claims("peer", "submitted")
    before = _actions(claim)
    with pytest.raises(NotAllowed):
        services.claim_approve(claim=claim, approver=personas["peer2"])
    assert _actions(claim) == before


def test_dual_capacity_lead_elsewhere_cannot_decide_here(claims, personas, other_org):
    claim = claims("peer", "submitted")
    Membership.objects.create(
        user=personas["peer2"], organisation=other_org, capacity=C.COPRODUCTION_LEAD
    )
    peer2 = type(personas["peer2"]).objects.get(pk=personas["peer2"].pk)
    with pytest.raises(NotAllowed):
        services.claim_approve(claim=claim, approver=peer2)
