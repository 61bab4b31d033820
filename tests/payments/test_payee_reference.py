"""Issue 17, requirement 6: finance sees what will bounce. A batch with claims for people
who have no payee reference lists them first; finance includes them or leaves them out;
an organisation's policy can refuse them, in the service, the page and the database."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.errors import NothingToExport, PaymentsError
from payments.models import Batch, BatchLine, Claim, PaymentPolicy
from workforce.models import AuditEntry, Person

TODAY = timezone.localdate()


def _reference(user, value):
    Person.objects.filter(pk=user.person.pk).update(payee_reference=value)


def _refuse(org, by):
    services.payment_policy_set(
        organisation=org,
        by=by,
        correction_max_increase=Decimal("50"),
        missing_payee_reference=PaymentPolicy.MissingPayeeReference.REFUSE,
    )


@pytest.fixture
def waiting(claims, personas):
    """Approved claims: two for peer (no reference), one for peer2 (has one)."""
    _reference(personas["peer"], " \t ")  # only whitespace counts as none
    _reference(personas["peer2"], "PAY-0002")
    return {
        "missing": [claims("peer", "approved", description=f"Panel {i}") for i in range(2)],
        "referenced": [claims("peer2", "approved", description="Interview")],
    }


def test_the_preview_lists_exactly_the_claims_without_a_reference(client, personas, waiting):
    client.force_login(personas["finance"])
    response = client.get(reverse("payments:batch_new"), {"cut_off": TODAY.isoformat()})
    preview = response.context["preview"]
    assert [c.pk for c in preview["unreferenced"]] == [c.pk for c in waiting["missing"]]
    assert preview["unreferenced_count"] == 2
    html = response.content.decode()
    assert "2 claims for people with no payee reference" in html
    for claim in waiting["missing"]:
        assert f"<li>{claim.reference}: {personas['peer'].person.full_name}</li>" in html
    assert f"<li>{waiting['referenced'][0].reference}:" not in html
    # Finance chooses: include them (the default) or leave them out.
    assert 'value="include"' in html and 'value="leave_out"' in html
    assert not Batch.objects.exists()


def test_no_warning_when_every_payee_has_a_reference(client, personas, claims):
    _reference(personas["peer2"], "PAY-0002")
    claims("peer2", "approved")
    client.force_login(personas["finance"])
    response = client.get(reverse("payments:batch_new"), {"cut_off": TODAY.isoformat()})
    assert response.context["preview"]["unreferenced_count"] == 0
    assert "no payee reference" not in response.content.decode()


def test_finance_includes_them_after_the_warning_and_the_audit_says_so(client, personas, waiting):
    client.force_login(personas["finance"])
    client.post(
        reverse("payments:batch_new"),
        {"cut_off": TODAY.isoformat(), "without_reference": "include"},
    )
    batch = Batch.objects.get()
    everything = {c.pk for c in waiting["missing"] + waiting["referenced"]}
    assert set(batch.lines.values_list("claim_id", flat=True)) == everything
    entry = AuditEntry.objects.get(action="batch.created")
    assert entry.changes["included_without_payee_reference"] == [c.pk for c in waiting["missing"]]
    assert "2 claims with no payee reference included" in entry.summary


def test_finance_leaves_them_out_and_they_wait_for_a_later_batch(client, personas, waiting):
    client.force_login(personas["finance"])
    client.post(
        reverse("payments:batch_new"),
        {"cut_off": TODAY.isoformat(), "without_reference": "leave_out"},
    )
    batch = Batch.objects.get()
    assert list(batch.lines.values_list("claim_id", flat=True)) == [waiting["referenced"][0].pk]
    missing = [c.pk for c in waiting["missing"]]
    assert set(Claim.objects.filter(pk__in=missing).values_list("state", flat=True)) == {"approved"}
    entry = AuditEntry.objects.get(action="batch.created")
    assert entry.changes["left_out_without_payee_reference"] == missing


def test_leaving_out_every_claim_leaves_nothing_to_batch(personas, claims, org):
    claims("peer", "approved")
    with pytest.raises(NothingToExport, match=r"Every claim waiting \(1 claim\)"):
        services.batch_create(
            organisation=org, by=personas["finance"], cut_off=TODAY, leave_out_unreferenced=True
        )
    assert not Batch.objects.exists()


def test_the_service_refuses_them_when_the_policy_says_so(personas, waiting, org):
    _refuse(org, personas["finance"])
    with pytest.raises(PaymentsError) as refused:
        services.batch_create(organisation=org, by=personas["admin"], cut_off=TODAY)
    message = refused.value.message
    name = personas["peer"].person.full_name
    assert f"2 claims ({name}) have none" in message
    assert "Ask a co-production lead or an administrator to add the payee reference" in message
    assert not Batch.objects.exists()
    assert not AuditEntry.objects.filter(action="batch.created").exists()
    # Leaving them out is still allowed: the others go to finance.
    batch = services.batch_create(
        organisation=org, by=personas["admin"], cut_off=TODAY, leave_out_unreferenced=True
    )
    assert list(batch.lines.values_list("claim_id", flat=True)) == [waiting["referenced"][0].pk]


def test_the_page_offers_only_leaving_them_out_under_a_refusal(client, personas, waiting, org):
    _refuse(org, personas["finance"])
    client.force_login(personas["finance"])
    url = reverse("payments:batch_new")
    html = client.get(url, {"cut_off": TODAY.isoformat()}).content.decode()
    assert "Your organisation does not send these to finance" in html
    assert 'value="include"' not in html and "Create the batch without them" in html
    # Another door (a hand-made POST asking to include them) meets the service's refusal.
    response = client.post(url, {"cut_off": TODAY.isoformat(), "without_reference": "include"})
    assert response.status_code == 200 and not Batch.objects.exists()
    assert "2 claims (" in response.content.decode()
    assert "Ask a co-production lead or an administrator" in response.content.decode()
    client.post(url, {"cut_off": TODAY.isoformat(), "without_reference": "leave_out"})
    assert Batch.objects.get().lines.count() == 1


def test_the_database_refuses_a_line_without_a_reference_under_a_refusal(personas, claims, org):
    _reference(personas["peer2"], "PAY-0002")
    claim = claims("peer2", "approved")
    _refuse(org, personas["finance"])
    batch = services.batch_create(organisation=org, by=personas["finance"], cut_off=TODAY)
    other = claims("peer", "approved")
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchLine.objects.create(
            batch=batch, claim=other, position=2, payee_name="X", payee_reference=" \t"
        )
    assert batch.lines.get().claim_id == claim.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM payments_batchline")
        assert cursor.fetchone() == (1,)


def test_the_policy_page_sets_the_refusal_and_it_is_audited(client, personas, org):
    client.force_login(personas["finance"])
    url = reverse("payments:policy", kwargs={"pk": org.pk})
    page = client.get(url).content.decode()
    assert 'for="id_missing_payee_reference_0"' in page and "<strong>warned about</strong>" in page
    response = client.post(
        url, {"correction_max_increase": "50.00", "missing_payee_reference": "refuse"}
    )
    assert response.status_code == 302
    assert PaymentPolicy.objects.get(organisation=org).refuses_missing_payee_reference
    entry = AuditEntry.objects.get(action="payment_policy.updated")
    assert entry.changes == {"missing_payee_reference": ["warn", "refuse"]}
    assert "claims with no payee reference refused" in entry.summary
    assert "<strong>refused</strong>" in client.get(url).content.decode()
    # Left unanswered, the setting keeps its value; an unknown one is refused by the field.
    client.post(url, {"correction_max_increase": "60.00"})
    assert PaymentPolicy.objects.get(organisation=org).refuses_missing_payee_reference
    response = client.post(
        url, {"correction_max_increase": "60.00", "missing_payee_reference": "ignore"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["missing_payee_reference"]


def test_the_service_refuses_an_unknown_setting(personas, org):
    with pytest.raises(PaymentsError, match="warned about or refused") as refused:
        services.payment_policy_set(
            organisation=org,
            by=personas["finance"],
            correction_max_increase=Decimal("50"),
            missing_payee_reference="ignore",
        )
    assert refused.value.field == "missing_payee_reference"
    assert not PaymentPolicy.objects.exists()


def test_the_database_refuses_an_unknown_setting(personas, org):
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentPolicy.objects.create(
            organisation=org,
            updated_by=personas["finance"],
            updated_at=timezone.now(),
            missing_payee_reference="ignore",
        )
