from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from payments import services as payments
from payments.models import seed_rows
from supervision.incidents import services as incidents
from tests.factories import MembershipFactory, UserFactory
from workforce.models import AuditEntry
from workforce.platform import audit
from workforce.register.services import logins


@pytest.mark.django_db(transaction=True)
def test_record_needs_the_services_transaction(lead, org):
    with pytest.raises(RuntimeError):
        audit.record(actor=lead, action="organisation.viewed", obj=org)


def test_record_and_history(lead, org):
    with transaction.atomic():
        entry = audit.record(
            actor=lead, action="organisation.renamed", obj=org, changes={"name": ["a", "b"]}
        )
    assert entry.organisation_id == org.pk
    assert list(audit.history(org)) == [entry]
    assert entry.object_type == "workforce.organisation"


def test_audit_entries_cannot_be_changed_or_deleted(lead, org):
    with transaction.atomic():
        entry = audit.record(actor=lead, action="organisation.renamed", obj=org)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE workforce_auditentry SET summary = 'x'")
    entry.refresh_from_db()
    assert entry.action == "organisation.renamed"


def test_every_service_entry_carries_its_organisation(org, personas):
    """Settings live on an organisation, so their entries land on its audit page."""
    lead, admin = personas["lead"], personas["admin"]
    today = timezone.localdate()
    payments.activity_create(organisation=org, by=lead, title="Panel", date=today)
    payments.threshold_create(
        organisation=org,
        by=lead,
        name="Limit",
        period="week",
        amount=Decimal("10"),
        effective_from=today,
    )
    payments.discussion_record(
        person=personas["peer"].person, by=lead, held_on=today, held_with="Lead"
    )
    payments.preference_set(person=personas["peer"].person, by=lead, method="vouchers")
    payments.rate_card_create(
        organisation=org,
        by=admin,
        name="Rates",
        effective_from=today,
        rows=seed_rows(),
    )
    incidents.policy_update(
        organisation=org,
        by=lead,
        triage_working_days=3,
        acknowledge_hours=24,
        acknowledge_urgent_hours=4,
    )
    entries = AuditEntry.objects.values_list("action", "organisation_id")
    assert sorted(entries) == sorted(
        (action, org.pk)
        for action in [
            "activity.created",
            "threshold.created",
            "preference.discussion_recorded",
            "preference.changed",
            "ratecard.created",
            "incident_policy.updated",
        ]
    )


def test_an_email_change_without_a_register_entry_lands_in_each_organisation(org, other_org):
    user = UserFactory(username="helpdesk", email="helpdesk@example.org")
    MembershipFactory(user=user, organisation=org, capacity="admin")
    MembershipFactory(user=user, organisation=other_org, capacity="finance")
    logins.login_email_change(user=user, new_email="desk@example.org")
    entries = AuditEntry.objects.filter(action="login.email_changed")
    assert sorted(entries.values_list("organisation_id", flat=True)) == sorted(
        [org.pk, other_org.pk]
    )
    assert not AuditEntry.objects.filter(organisation__isnull=True).exists()
