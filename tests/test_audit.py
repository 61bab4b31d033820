import pytest
from django.db import IntegrityError, connection, transaction

from workforce import audit
from workforce.models import AuditEntry


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
