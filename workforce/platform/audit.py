"""Attributed, append-only record of what was done: call `record()` inside the service's
transaction, so the entry and the change commit (or roll back) together."""

from __future__ import annotations

from django.db import models, transaction

from workforce.platform.models import AuditEntry

_FROM_OBJECT = object()

# Audit entries whose `changes` hold words only the person, their supervisor and leads may
# read (a wellbeing plan's before/after text): the admin and the audit page show that they
# happened, not what.
PRIVATE_AUDIT_TYPES = frozenset({"workforce.wellbeingplan", "workforce.diversityprofile"})


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    organisation_id: int | None | object = _FROM_OBJECT,
    summary: str = "",
    changes: dict | None = None,
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the service's transaction")
    if organisation_id is _FROM_OBJECT:
        # An organisation is its own; anything else names the one it belongs to.
        is_organisation = obj._meta.label == "workforce.Organisation"
        organisation_id = obj.pk if is_organisation else obj.organisation_id
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        organisation_id=organisation_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:300],
        changes=changes or {},
    )


def history(obj: models.Model):
    """Entries about one object, oldest first."""
    return (
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )
