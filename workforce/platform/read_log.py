"""Writes of the history app: the read log. (Row history is written by database triggers.)

Each call is one INSERT, atomic by itself, so no transaction block is needed; inside a
view's or service's transaction it commits or rolls back with it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import models

from workforce.platform.models import ReadLogEntry

What = ReadLogEntry.What


def _entry(*, user, obj: models.Model, what: str, url: str, organisation_id=None) -> ReadLogEntry:
    return ReadLogEntry(
        user=user,
        organisation_id=organisation_id or getattr(obj, "organisation_id", None),
        what=what,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        url=url[:300],
    )


def read_log_record(*, user, obj: models.Model, what: str, url: str = "") -> ReadLogEntry:
    """Note that `user` was shown `what` (a narrative, a wellbeing plan, supervision notes,
    agreed actions) of `obj`. Call it only after the access check passed and just before the
    page renders the private text, so the log holds exactly who saw what and when."""
    entry = _entry(user=user, obj=obj, what=what, url=url)
    entry.save()
    return entry


def read_log_record_each(
    *,
    user,
    objs: Iterable[models.Model],
    what: str,
    url: str = "",
    organisation_of: Callable[[models.Model], int] | None = None,
) -> list[ReadLogEntry]:
    """`read_log_record` for a page showing several records (one INSERT for them all).
    `organisation_of(obj)` gives the organisation of records that hold none themselves (an
    agreed action belongs to its session's)."""
    entries = [
        _entry(
            user=user,
            obj=obj,
            what=what,
            url=url,
            organisation_id=organisation_of(obj) if organisation_of else None,
        )
        for obj in objs
    ]
    return ReadLogEntry.objects.bulk_create(entries) if entries else []
