"""The lead's pages: the approval queue (oldest first), deciding, corrections, activities,
limits and a person's payment record."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from payments.models import Activity, BenefitsThreshold, Claim, PaymentDiscussion

TODAY = timezone.localdate()


def test_the_queue_is_oldest_first_and_never_shows_your_own(client, personas, claims):
    older = claims("peer", "submitted", description="Older")
    newer = claims("peer2", "submitted", description="Newer")
    Claim.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=9))
    claims("peer", "draft", description="A draft nobody sees")
    client.force_login(personas["lead"])
    html = client.get(reverse("payments:approvals")).content.decode()
    assert html.index("Older") < html.index("Newer")
    assert "A draft nobody sees" not in html
    assert "9 days" in html
    assert newer.reference in html


def test_approve_with_a_different_tier_needs_a_reason(client, personas, submitted_claim):
    client.force_login(personas["lead"])
    page = client.get(reverse("payments:claim", kwargs={"pk": submitted_claim.pk}))
    assert "Your decision" in page.content.decode()
    url = reverse("payments:claim_approve", kwargs={"pk": submitted_claim.pk})
    response = client.post(url, {"tier": "3"})
    assert response.status_code == 400
    assert "Say why row 3 is right" in response.content.decode()
    submitted_claim.refresh_from_db()
    assert submitted_claim.state == "submitted"
    response = client.post(url, {"tier": "3", "tier_reason": "Chaired the session"})
    assert response.status_code == 302
    submitted_claim.refresh_from_db()
    assert (submitted_claim.state, submitted_claim.tier) == ("approved", 3)


def test_reject_with_a_reason(client, personas, submitted_claim):
    client.force_login(personas["lead"])
    url = reverse("payments:claim_reject", kwargs={"pk": submitted_claim.pk})
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Not involvement work"}).status_code == 302
    client.force_login(personas["peer"])
    html = client.get(reverse("payments:my_claims")).content.decode()
    assert "Not approved: Not involvement work" in html


def test_no_decision_form_on_your_own_claim(client, org, seed_card):
    from payments import services
    from tests.factories import make_login
    from workforce.models import Capacity as C

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
    client.force_login(both)
    assert (
        "Your decision"
        not in client.get(reverse("payments:claim", kwargs={"pk": claim.pk})).content.decode()
    )
    response = client.post(reverse("payments:claim_approve", kwargs={"pk": claim.pk}), {"tier": 1})
    assert response.status_code == 400
    assert "cannot approve your own claim" in response.content.decode()
    assert (
        reverse("payments:claim", kwargs={"pk": claim.pk})
        not in client.get(reverse("payments:approvals")).content.decode()
    )


def test_correcting_an_exported_claim(client, personas, exported_claim):
    client.force_login(personas["lead"])
    url = reverse("payments:claim_adjust", kwargs={"pk": exported_claim.pk})
    assert "can never change" in client.get(url).content.decode()
    response = client.post(url, {"fee": "25.00", "reason": "Should have been tier 3"})
    correction = Claim.objects.get(adjusts=exported_claim)
    assert response.url == reverse("payments:claim", kwargs={"pk": correction.pk})


def test_activities_and_limits_are_added_by_leads(client, personas, org):
    client.force_login(personas["lead"])
    response = client.post(
        reverse("payments:activities"),
        {"title": "Panel", "date": TODAY.isoformat(), "cost_code": "INV-7"},
    )
    assert response.status_code == 302
    assert Activity.objects.get().organisation == org
    assert "Panel" in client.get(reverse("payments:activities")).content.decode()
    response = client.post(
        reverse("payments:thresholds"),
        {
            "name": "ESA permitted work",
            "period": "week",
            "amount": "195.50",
            "effective_from": "2025-04-06",
        },
    )
    assert response.status_code == 302
    assert BenefitsThreshold.objects.get().created_by == personas["lead"]
    response = client.post(reverse("payments:thresholds"), {"name": "x", "period": "week"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_a_persons_payment_record(client, personas):
    peer = personas["peer"].person
    client.force_login(personas["lead"])
    url = reverse("payments:person", kwargs={"pk": peer.pk})
    assert "Record an individual discussion" in client.get(url).content.decode()
    response = client.post(
        reverse("payments:discussion_create", kwargs={"pk": peer.pk}),
        {"held_on": TODAY.isoformat(), "held_with": "Lead", "benefits_considerations": "ESA"},
    )
    assert response.status_code == 302
    assert PaymentDiscussion.objects.get().recorded_by == personas["lead"]
    response = client.post(
        reverse("payments:person_preference", kwargs={"pk": peer.pk}), {"method": "vouchers"}
    )
    assert response.status_code == 302
    peer.refresh_from_db()
    assert peer.payment_preference.method == "vouchers"
    response = client.post(
        reverse("payments:discussion_create", kwargs={"pk": peer.pk}), {"held_with": ""}
    )
    assert response.status_code == 400
