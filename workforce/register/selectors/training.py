"""The training lists: what expires soon and what has expired, for the people a user sees."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, DateField, Exists, F, Func, OuterRef, Q, QuerySet
from django.utils import timezone

from workforce.organisations import access
from workforce.organisations.models import Capacity
from workforce.register import rules as register_rules
from workforce.register.models import EXPIRING_WITHIN_DAYS, Person, TrainingRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def latest_only(records: QuerySet[TrainingRecord]) -> QuerySet[TrainingRecord]:
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
    return latest_only(records).select_related("person__organisation", "requirement__version")


def remind_from() -> Func:
    """The day reminders about a record start: its expiry minus its requirement's reminder
    days (in PostgreSQL a date minus an integer is a date)."""
    return Func(
        F("expires_on"),
        F("requirement__remind_days_before"),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=DateField(),
    )


def needing_attention(
    records: QuerySet[TrainingRecord], on: datetime.date
) -> QuerySet[TrainingRecord]:
    """Records inside their reminder window or already expired: not renewed, and not a
    leaver's. Each carries `remind_from`."""
    records = (
        records.exclude(person__status=Person.Status.LEFT)
        .filter(expires_on__isnull=False)
        .annotate(remind_from=remind_from())
        .filter(remind_from__lte=on)
    )
    return latest_only(records)


# How many records each home panel lists; the counts and the training page give the rest.
HOME_LIST_LIMIT = 10


@dataclass
class OrganisationTraining:
    organisation_id: int
    name: str
    expiring: int
    expired: int


@dataclass
class TrainingHome:
    """The home page's training panels: the user's own, their supervisees', and for a
    co-production lead, the organisation's (counts per organisation and the earliest few)."""

    today: datetime.date
    mine: list[TrainingRecord] = field(default_factory=list)
    supervisees: list[TrainingRecord] = field(default_factory=list)
    organisations: list[OrganisationTraining] = field(default_factory=list)
    organisation_records: list[TrainingRecord] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.mine or self.supervisees or self.organisations)


def training_home(user: AbstractBaseUser, *, on: datetime.date | None = None) -> TrainingHome:
    on = on or timezone.localdate()
    home = TrainingHome(today=on)
    scoped = needing_attention(access.scoped(user, TrainingRecord), on)
    listed = scoped.select_related("person", "requirement").order_by("expires_on", "pk")
    home.mine = list(listed.filter(person__user_id=user.pk)[:HOME_LIST_LIMIT])
    supervisee_ids = register_rules.supervisee_ids(user)
    if supervisee_ids:
        home.supervisees = list(listed.filter(person_id__in=supervisee_ids)[:HOME_LIST_LIMIT])
    lead_orgs = access.organisation_ids(user, Capacity.COPRODUCTION_LEAD)
    if lead_orgs:
        in_orgs = scoped.filter(person__organisation_id__in=lead_orgs)
        counts = (
            in_orgs.order_by()
            .values("person__organisation_id", "person__organisation__name")
            .annotate(
                expired=Count("pk", filter=Q(expires_on__lt=on)),
                expiring=Count("pk", filter=Q(expires_on__gte=on)),
            )
            .order_by("person__organisation__name")
        )
        home.organisations = [
            OrganisationTraining(
                organisation_id=row["person__organisation_id"],
                name=row["person__organisation__name"],
                expiring=row["expiring"],
                expired=row["expired"],
            )
            for row in counts
        ]
        if home.organisations:
            home.organisation_records = list(
                listed.filter(person__organisation_id__in=lead_orgs)[:HOME_LIST_LIMIT]
            )
    return home
