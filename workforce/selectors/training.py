"""The training lists: what expires soon and what has expired, for the people a user sees."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from workforce import access
from workforce.models import EXPIRING_WITHIN_DAYS, Person, TrainingRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _latest_only(records: QuerySet[TrainingRecord]) -> QuerySet[TrainingRecord]:
    """Drop records that a later completion of the same item has replaced: once renewed,
    an old certificate's expiry is no longer anyone's problem."""
    renewed = TrainingRecord.objects.filter(
        person=OuterRef("person"),
        requirement__item__iexact=OuterRef("requirement__item"),
        completed_on__gt=OuterRef("completed_on"),
    )
    return records.exclude(Exists(renewed))


def training_due(
    user: AbstractBaseUser, *, which: str, on: datetime.date | None = None
) -> QuerySet[TrainingRecord]:
    """`which` is "expiring" (expires within EXPIRING_WITHIN_DAYS days) or "expired"."""
    on = on or timezone.localdate()
    records = access.scoped(user, TrainingRecord).exclude(person__status=Person.Status.LEFT)
    if which == "expired":
        records = records.filter(expires_on__lt=on).order_by("expires_on", "pk")
    elif which == "expiring":
        records = records.filter(
            expires_on__gte=on, expires_on__lte=on + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
        ).order_by("expires_on", "pk")
    else:
        raise ValueError(f"unknown training list {which!r}")
    return _latest_only(records).select_related("person__organisation", "requirement__version")
