"""Writes of the history app: the read log. (Row history is written by database triggers.)"""

from __future__ import annotations

from django.db import models, transaction

from workforce.history.models import ReadLogEntry

What = ReadLogEntry.What


def read_log_record(*, user, obj: models.Model, what: str, url: str = "") -> ReadLogEntry:
    """Note that `user` was shown `what` (a narrative, a wellbeing plan, supervision notes)
    of `obj`. Call it only after the access check passed and just before the page renders
    the private text, so the log holds exactly who saw what and when."""
    organisation_id = getattr(obj, "organisation_id", None)
    with transaction.atomic():
        return ReadLogEntry.objects.create(
            user=user,
            organisation_id=organisation_id,
            what=what,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            url=url[:300],
        )
