"""Issue 22, finding 2: dates that must be true of what happened. A payment dated before
its claims were approved (the time to pay showed "-47 days", for good) and a benefits
discussion dated next year (it unlocked vouchers) are refused by the services, with a
message by the field, and by the database."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.errors import PaymentsError
from payments.models import Claim, PaymentDiscussion
from workforce.models import AuditEntry

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_a_batch_cannot_be_paid_before_its_claims_were_approved(personas, exported_claim):
    batch = exported_claim.batch_lines.get().batch
    approved_on = timezone.localdate(exported_claim.decided_at)
    before = AuditEntry.objects.count()
    with pytest.raises(PaymentsError, match="before the claims were approved") as refused:
        services.batch_mark_paid(
            batch=batch, by=personas["finance"], paid_on=approved_on - 47 * DAY, reference="B1"
        )
    assert refused.value.field == "paid_on"
    assert f"{approved_on:%d/%m/%Y}" in refused.value.message
    assert Claim.objects.get(pk=exported_claim.pk).state == "exported"
    assert AuditEntry.objects.count() == before
    services.batch_mark_paid(
        batch=batch, by=personas["finance"], paid_on=approved_on, reference="B1"
    )
    assert Claim.objects.get(pk=exported_claim.pk).paid_on == approved_on


def test_one_claim_cannot_be_paid_before_it_was_approved(client, personas, exported_claim):
    client.force_login(personas["finance"])
    url = reverse("payments:claim_paid", kwargs={"pk": exported_claim.pk})
    early = timezone.localdate(exported_claim.decided_at) - DAY
    response = client.post(url, {"paid_on": early.isoformat(), "reference": "CHQ-9"})
    assert response.status_code == 200
    assert "cannot be before the claims were approved" in response.content.decode()
    assert Claim.objects.get(pk=exported_claim.pk).state == "exported"


def test_the_database_refuses_a_payment_dated_before_approval(exported_claim):
    with (
        pytest.raises(IntegrityError, match="claim_paid_not_before_approved"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE payments_claim SET state = 'paid', payment_reference = 'X', "
            "paid_on = (decided_at AT TIME ZONE 'Europe/London')::date - 47 WHERE id = %s",
            [exported_claim.pk],
        )


def test_a_discussion_cannot_be_dated_in_the_future(client, personas):
    peer = personas["peer"].person
    with pytest.raises(PaymentsError, match="cannot be in the future") as refused:
        services.discussion_record(
            person=peer, by=personas["lead"], held_on=TODAY + 365 * DAY, held_with="Lead"
        )
    assert refused.value.field == "held_on"
    assert not PaymentDiscussion.objects.exists()
    # Today is fine, and so is the past.
    services.discussion_record(person=peer, by=personas["lead"], held_on=TODAY, held_with="Lead")
    client.force_login(personas["lead"])
    response = client.post(
        reverse("payments:discussion_create", kwargs={"pk": peer.pk}),
        {"held_on": (TODAY + DAY).isoformat(), "held_with": "Lead"},
    )
    assert "cannot be in the future" in response.content.decode()
    assert PaymentDiscussion.objects.count() == 1


def test_the_database_refuses_a_discussion_dated_in_the_future(personas):
    peer = personas["peer"].person
    with (
        pytest.raises(IntegrityError, match="discussion_not_in_the_future"),
        transaction.atomic(),
    ):
        PaymentDiscussion.objects.create(
            person=peer, held_on=TODAY + 30 * DAY, held_with="Lead", recorded_by=personas["lead"]
        )
