"""The bound on a correction and the organisation's payments policy that sets it: a
correction may exceed the corrected claim's fee by at most what the organisation allows
(issue 21, finding 7), changed by finance or administrators on an audited page."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.errors import NotAllowed, PaymentsError
from payments.models import DEFAULT_CORRECTION_MAX_INCREASE, Claim, PaymentPolicy
from tests.factories import make_login
from workforce.models import AuditEntry
from workforce.models import Capacity as C


def _correct(original, by, fee, reason="Should have been tier 3"):
    return services.claim_create_adjustment(
        original=original, by=by, fee=Decimal(fee), reason=reason
    )


# --- The bound on a correction.


def test_a_correction_up_to_the_bound_is_accepted_and_a_penny_more_refused(claims, personas):
    original = claims("peer", "exported")
    most = original.fee + DEFAULT_CORRECTION_MAX_INCREASE
    with pytest.raises(PaymentsError, match=f"at most £{most:,}") as refusal:
        _correct(original, personas["lead"], most + Decimal("0.01"))
    assert refusal.value.field == "fee"
    assert f"£{DEFAULT_CORRECTION_MAX_INCREASE} your organisation allows" in str(refusal.value)
    assert not Claim.objects.filter(adjusts=original).exists()
    assert _correct(original, personas["lead"], most).fee == most


def test_corrections_cannot_be_split_to_pass_the_bound(claims, personas):
    original = claims("peer", "exported")
    most = original.fee + DEFAULT_CORRECTION_MAX_INCREASE
    first = _correct(original, personas["lead"], most - Decimal("1.00"))
    with pytest.raises(PaymentsError, match="already in other corrections"):
        _correct(original, personas["lead"], "1.01")
    assert _correct(original, personas["lead"], "1.00").fee == Decimal("1.00")
    # A correction that was not approved no longer counts.
    services.claim_reject(claim=first, by=personas["admin"], reason="Wrong amount")
    assert _correct(original, personas["lead"], "5.00").fee == Decimal("5.00")


def test_the_organisations_own_bound_applies(claims, personas, org):
    original = claims("peer", "exported")
    services.payment_policy_set(
        organisation=org, by=personas["finance"], correction_max_increase=Decimal("0")
    )
    with pytest.raises(PaymentsError, match=r"plus the £0\.00 your organisation allows"):
        _correct(original, personas["lead"], original.fee + Decimal("0.01"))
    assert _correct(original, personas["lead"], original.fee).fee == original.fee


def test_a_correction_is_never_negative(claims, personas):
    with pytest.raises(PaymentsError, match=r"£0\.00 or more"):
        _correct(claims("peer", "exported"), personas["lead"], "-0.01")


def test_the_correction_page_says_the_limit(client, personas, exported_claim):
    client.force_login(personas["lead"])
    html = client.get(reverse("payments:claim_adjust", kwargs={"pk": exported_claim.pk}))
    most = exported_claim.fee + DEFAULT_CORRECTION_MAX_INCREASE
    assert f"can add at most £{most:,} in all" in html.content.decode()


# --- The policy: defaults, the service, the page.


def test_without_a_policy_the_default_applies(org):
    policy = PaymentPolicy.for_organisation(org.pk)
    assert policy.pk is None
    assert policy.correction_max_increase == DEFAULT_CORRECTION_MAX_INCREASE


@pytest.mark.parametrize("who", ["lead", "supervisor", "peer", "outsider"])
def test_only_finance_and_administrators_set_the_policy(personas, org, who):
    with pytest.raises(NotAllowed, match="change the payments policy"):
        services.payment_policy_set(
            organisation=org, by=personas[who], correction_max_increase=Decimal("500")
        )
    assert not PaymentPolicy.objects.exists()
    assert not AuditEntry.objects.filter(action="payment_policy.updated").exists()


def test_finance_changes_the_bound_on_the_page_and_it_is_audited(client, personas, org):
    client.force_login(personas["finance"])
    url = reverse("payments:policy", kwargs={"pk": org.pk})
    page = client.get(url).content.decode()
    assert "the app's default of £50.00" in page
    assert 'for="id_correction_max_increase"' in page

    response = client.post(url, {"correction_max_increase": "120.00"})
    assert response.status_code == 302
    policy = PaymentPolicy.objects.get(organisation=org)
    assert (policy.correction_max_increase, policy.updated_by) == (
        Decimal("120.00"),
        personas["finance"],
    )
    entry = AuditEntry.objects.get(action="payment_policy.updated")
    assert (entry.actor, entry.organisation_id) == (personas["finance"], org.pk)
    assert entry.changes == {"correction_max_increase": ["50.00", "120.00"]}
    assert "£120.00" in client.get(url).content.decode()

    # An administrator changes it again: the audit entry holds the old and new amounts.
    client.force_login(personas["admin"])
    client.post(url, {"correction_max_increase": "10"})
    latest = AuditEntry.objects.filter(action="payment_policy.updated").latest("pk")
    assert latest.changes == {"correction_max_increase": ["120.00", "10.00"]}


def test_the_page_refuses_bad_amounts_next_to_the_field(client, personas, org):
    client.force_login(personas["finance"])
    url = reverse("payments:policy", kwargs={"pk": org.pk})
    for value, message in [
        ("-1", "Enter an amount of £0.00 or more."),
        ("", "Enter an amount in pounds, for example 50.00."),
        ("lots", "Enter the amount in pounds as a number, for example 50.00."),
        ("1.234", "Enter pounds and pence only, for example 50.00."),
    ]:
        response = client.post(url, {"correction_max_increase": value})
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        # The message is tied to the field for screen readers, and listed at the top.
        assert "id_correction_max_increase_error" in html.split('aria-describedby="')[1][:120]
        assert 'href="#id_correction_max_increase"' in html
    assert not PaymentPolicy.objects.exists()


@pytest.mark.parametrize("who", ["lead", "supervisor", "peer", "outsider"])
def test_the_page_is_refused_to_everyone_else(client, personas, org, who):
    client.force_login(personas[who])
    url = reverse("payments:policy", kwargs={"pk": org.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"correction_max_increase": "999"}).status_code == 403
    assert not PaymentPolicy.objects.exists()


def test_another_organisations_policy_is_not_found(client, org, other_org):
    their_finance = make_login("their-finance", other_org, C.FINANCE)
    client.force_login(their_finance)
    url = reverse("payments:policy", kwargs={"pk": org.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"correction_max_increase": "999"}).status_code == 404
    assert not PaymentPolicy.objects.exists()
    # Their own is theirs to set.
    own = reverse("payments:policy", kwargs={"pk": other_org.pk})
    assert client.post(own, {"correction_max_increase": "5"}).status_code == 302
    assert PaymentPolicy.objects.get().organisation == other_org


def test_the_database_refuses_a_negative_bound(personas, org):
    refused = pytest.raises(IntegrityError, match="paymentpolicy_correction_max_not_negative")
    with refused, transaction.atomic():
        PaymentPolicy.objects.create(
            organisation=org,
            correction_max_increase=Decimal("-1"),
            updated_at=timezone.now(),
            updated_by=personas["finance"],
        )
