"""The claimant's pages: phone-friendly list with time to pay, the claim form (with and
without JavaScript), expenses, submission."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from payments.models import Claim

TODAY = timezone.localdate()
DAY = (TODAY - timedelta(days=2)).isoformat()


def _form(**overrides):
    data = {"description": "Video meeting", "activity_date": DAY, "hours": "2"}
    data["preparation"] = "some"
    data.update(overrides)
    return data


def test_without_javascript_the_suggestion_shows_after_saving(client, personas, seed_card):
    client.force_login(personas["peer"])
    response = client.post(reverse("payments:claim_create"), _form(), follow=True)
    claim = Claim.objects.get()
    assert response.redirect_chain[-1][0] == reverse("payments:claim", kwargs={"pk": claim.pk})
    html = response.content.decode()
    assert "Saved as a draft: row 2, £50.00" in html
    assert "1 × £50.00 per task or item (the suggested row)" in html
    assert "NIHR involvement rates (seed table)" in html
    assert (claim.state, claim.person, claim.fee) == ("draft", personas["peer"].person, 50)


def test_the_live_suggestion(client, personas, seed_card):
    client.force_login(personas["peer"])
    url = reverse("payments:tier_suggestion")
    html = client.get(url, _form(), headers={"HX-Request": "true"}).content.decode()
    assert "Suggested: row 2, 1 × £50.00 per task or item = £50.00" in html
    assert "Because it was 2 hours, with some preparation" in html
    html = client.get(url, _form(hours="7", preparation="substantial")).content.decode()
    assert "Suggested: row 5, 1 × £300.00 per task or item = £300.00" in html
    # Not enough filled in yet: a hint, not an error.
    assert "Fill in how long" in client.get(url).content.decode()
    html = client.get(url, _form(activity_date="1990-01-01")).content.decode()
    assert "no rate card covering 01/01/1990" in html


def test_the_form_says_what_is_missing(client, personas, seed_card):
    client.force_login(personas["peer"])
    response = client.post(reverse("payments:claim_create"), {"hours": "0", "preparation": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Say what you did, or choose the activity." in html
    assert not Claim.objects.exists()


def test_a_draft_is_changed_then_submitted(client, personas, draft_claim):
    client.force_login(personas["peer"])
    edit = reverse("payments:claim_edit", kwargs={"pk": draft_claim.pk})
    assert client.get(edit).status_code == 200
    response = client.post(edit, _form(hours="4", preparation="required", description="Panel"))
    assert response.status_code == 302
    draft_claim.refresh_from_db()
    assert (draft_claim.tier, draft_claim.description) == (3, "Panel")
    page = client.get(reverse("payments:claim", kwargs={"pk": draft_claim.pk})).content.decode()
    assert "Submit for approval" in page and "Add an expense" in page
    response = client.post(reverse("payments:claim_submit", kwargs={"pk": draft_claim.pk}))
    assert response.status_code == 302
    draft_claim.refresh_from_db()
    assert draft_claim.state == "submitted"
    # Submitted: no more changes, and a second submit is refused with a message.
    assert client.get(edit).status_code == 404
    response = client.post(
        reverse("payments:claim_submit", kwargs={"pk": draft_claim.pk}), follow=True
    )
    assert "can no longer submit it" in response.content.decode()


def test_my_claims_shows_only_mine_with_time_to_pay(client, personas, claims):
    paid = claims("peer", "paid")
    waiting = claims("peer", "approved", description="Waiting one")
    other = claims("peer2", "submitted", description="Not mine")
    client.force_login(personas["peer"])
    html = client.get(reverse("payments:my_claims")).content.decode()
    assert paid.description in html and waiting.description in html
    assert other.description not in html
    assert "Paid" in html and "the same day you submitted it" in html
    assert "You submitted it today." in html
    filtered = client.get(reverse("payments:my_claims"), {"state": "paid"}).content.decode()
    assert "Waiting one" not in filtered


def test_empty_my_claims_says_what_to_do(client, personas, seed_card):
    client.force_login(personas["peer"])
    html = client.get(reverse("payments:my_claims")).content.decode()
    assert "You have not made any claims yet" in html


def test_preferences_page(client, personas, seed_card):
    client.force_login(personas["peer"])
    url = reverse("payments:my_preferences")
    assert "after an individual discussion" in client.get(url).content.decode()
    response = client.post(url, {"method": "vouchers"})
    assert response.status_code == 200
    assert "can be chosen only after an individual discussion" in response.content.decode()
    assert client.post(url, {"method": "invoice", "receives_benefits": "on"}).status_code == 302
    assert personas["peer"].person.payment_preference.method == "invoice"


def test_the_claimant_may_choose_another_row_and_quantity_with_a_reason(
    client, personas, seed_card
):
    client.force_login(personas["peer"])
    url = reverse("payments:claim_create")
    page = client.get(url).content.decode()
    assert "The suggested row" in page and "Row 3 – £75.00 per task or item" in page
    refused = client.post(url, _form(tier="3"))
    assert "Say why row 3 is right rather than the suggested row 2." in refused.content.decode()
    assert not Claim.objects.exists()
    chosen = _form(tier="3", quantity="2", tier_reason="Two panels back to back")
    assert client.post(url, chosen).status_code == 302
    claim = Claim.objects.get()
    # The fee is the service's sum, whatever the form might carry.
    assert (claim.suggested_tier, claim.tier, claim.quantity, claim.fee) == (2, 3, 2, 150)
    edit = client.get(reverse("payments:claim_edit", kwargs={"pk": claim.pk}))
    assert edit.context["form"].initial["tier"] == 3
