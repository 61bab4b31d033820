"""No one approves money they created: the claimant, whoever created a claim and whoever
made a correction can never decide it (services, pages and database), and a correction is
bounded by the organisation's payments policy (issue 21, finding 7)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.errors import NotAllowed
from payments.models import DEFAULT_CORRECTION_MAX_INCREASE, Claim
from tests.factories import UserFactory
from workforce.models import AuditEntry, Membership
from workforce.models import Capacity as C
from workforce.platform.audit import history

TODAY = timezone.localdate()


def _actions(claim):
    return [entry.action for entry in history(claim)]


def _correct(original, by, fee, reason="Should have been tier 3"):
    return services.claim_create_adjustment(
        original=original, by=by, fee=Decimal(fee), reason=reason
    )


def refused(match, write):
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        write()


# --- The finding's journey, on the app's own pages.


def test_a_lead_cannot_pay_themselves_through_a_correction(client, personas, exported_claim):
    lead = personas["lead"]
    client.force_login(lead)
    url = reverse("payments:claim_adjust", kwargs={"pk": exported_claim.pk})
    response = client.post(url, {"fee": "4999.99", "reason": "x"})
    html = response.content.decode()
    most = exported_claim.fee + DEFAULT_CORRECTION_MAX_INCREASE
    assert (
        f"Corrections to {exported_claim.reference} can add at most £{most:,}: its fee of "
        f"£{exported_claim.fee} plus the £{DEFAULT_CORRECTION_MAX_INCREASE} your "
        "organisation allows. If more is owed, ask finance" in html
    )
    assert not Claim.objects.filter(adjusts=exported_claim).exists()

    # Within the bound the correction is made, waiting for someone else's decision.
    response = client.post(url, {"fee": "25.00", "reason": "x"})
    correction = Claim.objects.get(adjusts=exported_claim)
    assert (correction.state, correction.created_by, correction.decided_by) == (
        "submitted",
        lead,
        None,
    )
    page = client.get(response.url).content.decode()
    assert "Your decision" not in page
    assert "another co-production lead or administrator must decide it" in page
    queue = client.get(reverse("payments:approvals")).content.decode()
    assert correction.reference not in queue

    # Approving (or rejecting) it yourself is refused with the reason, and nothing changes.
    approve = reverse("payments:claim_approve", kwargs={"pk": correction.pk})
    response = client.post(approve, {"tier": correction.tier})
    assert response.status_code == 400
    assert "You made this correction, so you cannot approve it" in response.content.decode()
    reject = reverse("payments:claim_reject", kwargs={"pk": correction.pk})
    response = client.post(reject, {"reason": "x"})
    assert response.status_code == 400
    assert "You made this correction, so you cannot reject it" in response.content.decode()
    correction.refresh_from_db()
    assert (correction.state, correction.decided_by) == ("submitted", None)
    assert _actions(correction) == ["claim.adjustment_created"]
    assert not AuditEntry.objects.filter(action="claim.approved", object_id=str(correction.pk))
    assert not Claim.objects.filter(state="approved").exists()

    # A second person decides it.
    services.claim_approve(claim=correction, approver=personas["admin"])
    correction.refresh_from_db()
    assert (correction.state, correction.decided_by) == ("approved", personas["admin"])


# --- The rule in the services.


def test_whoever_made_a_correction_can_never_decide_it(claims, personas):
    correction = _correct(claims("peer", "exported"), personas["lead"], "10")
    for decide in (
        lambda: services.claim_approve(claim=correction, approver=personas["lead"]),
        lambda: services.claim_reject(claim=correction, by=personas["lead"], reason="x"),
    ):
        with pytest.raises(NotAllowed, match="You made this correction"):
            decide()
    correction.refresh_from_db()
    assert correction.state == "submitted"
    assert _actions(correction) == ["claim.adjustment_created"]


def test_the_claimant_can_never_decide_a_correction_to_their_claim(claims, personas, org):
    """A lead who is also a peer worker: a correction another lead made to their claim is
    still theirs, so a third person decides it."""
    Membership.objects.create(user=personas["peer"], organisation=org, capacity=C.COPRODUCTION_LEAD)
    correction = _correct(claims("peer", "exported"), personas["lead"], "10")
    with pytest.raises(NotAllowed, match="your own claim"):
        services.claim_approve(claim=correction, approver=personas["peer"])
    assert services.claim_approve(claim=correction, approver=personas["admin"]).state == "approved"


def test_a_correction_is_never_approved_when_it_is_made(claims, personas):
    correction = _correct(claims("peer", "paid"), personas["admin"], "10")
    assert (correction.state, correction.decided_by, correction.decided_at) == (
        "submitted",
        None,
        None,
    )


# --- The same rule in the database, whatever path the write takes.


def _decide_sql(claim, user):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE payments_claim SET state = 'approved', decided_by_id = %s, "
                "decided_at = now() WHERE id = %s",
                [user.pk, claim.pk],
            )

    return run


def test_the_database_refuses_a_decision_by_the_claims_creator(claims, personas):
    correction = _correct(claims("peer", "exported"), personas["lead"], "10")
    rows = Claim.objects.filter(pk=correction.pk)
    refused(
        "claim_decider_is_not_creator",
        lambda: rows.update(
            state="approved", decided_by=personas["lead"], decided_at=timezone.now()
        ),
    )
    refused("claim_decider_is_not_creator", _decide_sql(correction, personas["lead"]))
    assert rows.get().state == "submitted"


def test_the_database_refuses_a_decision_by_the_claimants_login_now(claims, personas, org):
    """The person's login may change after they claim (a new account); the login they have
    now can never decide their claims either."""
    claim = claims("peer", "submitted")
    person = claim.person
    new_login = UserFactory(username="peer-new-login")
    Membership.objects.create(user=new_login, organisation=org, capacity=C.COPRODUCTION_LEAD)
    person.user = new_login
    person.save(update_fields=["user"])
    refused("claimant can never decide", _decide_sql(claim, new_login))
    with pytest.raises(NotAllowed, match="your own claim"):
        services.claim_approve(claim=claim, approver=new_login)
    assert Claim.objects.get(pk=claim.pk).state == "submitted"


def test_the_database_refuses_a_correction_created_already_decided(claims, personas):
    correction = _correct(claims("peer", "exported"), personas["lead"], "10")
    values = Claim.objects.filter(pk=correction.pk).values().get()
    values.pop("id")
    values.update(state="approved", decided_by_id=personas["admin"].pk, decided_at=timezone.now())
    refused("waiting for a second person", lambda: Claim.objects.create(**values))
