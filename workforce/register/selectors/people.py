"""Reads about people for the people list, its CSV export and the person page."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Lower
from django.utils import timezone

from roles.models import RoleVersion, TrainingRequirement
from roles.selectors import with_lists
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Capacity
from workforce.register import rules as register_rules
from workforce.register.models import Assignment, Person, TrainingRecord, current_q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# ?sort= value -> (label, ordering). Every ordering ends in pk so pages never overlap.
SORTS = {
    "name": ("Name (A to Z)", [Lower("full_name").asc(), "pk"]),
    "-name": ("Name (Z to A)", [Lower("full_name").desc(), "-pk"]),
    "start": (
        "Start date (earliest first)",
        [F("start_date").asc(nulls_last=True), Lower("full_name").asc(), "pk"],
    ),
    "-start": (
        "Start date (latest first)",
        [F("start_date").desc(nulls_last=True), Lower("full_name").asc(), "pk"],
    ),
    "organisation": ("Organisation", ["organisation__name", Lower("full_name").asc(), "pk"]),
    "status": ("Status", ["status", Lower("full_name").asc(), "pk"]),
}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class PeopleFilters:
    q: str = ""
    organisation: int | None = None
    team: int | None = None
    family: str = ""
    engagement_type: str = ""
    status: str = ""
    sort: str = DEFAULT_SORT


def payee_only(user: AbstractBaseUser) -> bool:
    """Finance sees people as payees: name and payee reference, nothing else. Someone who
    is also a lead, supervisor or safeguarding lead somewhere sees more, per person."""
    held = access.all_capacities(user)
    return Capacity.FINANCE in held and not held.intersection(
        {*groups.ORGANISATION_WIDE, Capacity.SUPERVISOR}
    )


def current_assignments_prefetch(on: datetime.date | None = None) -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(current_q(on=on))
        .select_related("role_version__role", "team", "supervisor__person")
        .order_by("-start_date", "-pk"),
        to_attr="current_assignments",
    )


def name_matches(text: str) -> Q:
    """People whose full or preferred name contains `text`, in any case."""
    return Q(full_name__icontains=text) | Q(preferred_name__icontains=text)


def people_list(user: AbstractBaseUser, filters: PeopleFilters) -> QuerySet[Person]:
    """The people `user` may see, filtered and sorted; the same rows for page and export."""
    people = access.scoped(user, Person).select_related("organisation")
    if filters.q:
        people = people.filter(name_matches(filters.q))
    if filters.organisation:
        people = people.filter(organisation_id=filters.organisation)
    if filters.status:
        people = people.filter(status=filters.status)
    if not payee_only(user):
        # Whose role, team and engagement this user may see, row by row: someone who is
        # finance in one organisation and a lead in another sees the first only as payees.
        profile = register_rules.profile_people_filter(user)
        people = people.annotate(
            show_profile=ExpressionWrapper(profile, output_field=BooleanField())
        )
        # A filter on what a row does not show would tell what it would say: filtering by
        # role, team or engagement keeps to the people whose profile the user may read.
        # (Finance alone filters by name and status only.)
        if filters.engagement_type or filters.team or filters.family:
            people = people.filter(profile)
        if filters.engagement_type:
            people = people.filter(engagement_type=filters.engagement_type)
        current = Assignment.objects.filter(current_q(), person=OuterRef("pk"))
        if filters.team:
            people = people.filter(Exists(current.filter(team_id=filters.team)))
        if filters.family:
            people = people.filter(
                Exists(current.filter(role_version__role__family=filters.family))
            )
        people = people.prefetch_related(current_assignments_prefetch())
    ordering = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])[1]
    return people.order_by(*ordering)


def person_assignments(user: AbstractBaseUser, person: Person) -> dict[str, list[Assignment]]:
    """The person's assignments split into current, upcoming and past, each newest first."""
    today = timezone.localdate()
    rows = (
        access.scoped(user, Assignment)
        .filter(person=person)
        .select_related(
            "role_version__role", "team", "supervisor__person", "previous__role_version"
        )
        .order_by("-start_date", "-pk")
    )
    split: dict[str, list[Assignment]] = {"current": [], "upcoming": [], "past": []}
    for assignment in rows:
        if assignment.is_current(today):
            split["current"].append(assignment)
        elif assignment.is_upcoming(today):
            split["upcoming"].append(assignment)
        else:
            split["past"].append(assignment)
    return split


@dataclass
class TrainingLine:
    """One training requirement of a role version the person holds now, and where they are
    with it. Training done under an earlier version counts when the item is the same."""

    item: str
    renewal_months: int | None
    role_title: str
    requirement_id: int
    latest: TrainingRecord | None

    @property
    def status(self) -> str:
        return self.latest.status() if self.latest else "missing"


def person_training(
    user: AbstractBaseUser, person: Person, current: list[Assignment]
) -> tuple[list[TrainingLine], list[TrainingRecord]]:
    """(a line per requirement of the person's current role versions, all their records)."""

    records = list(
        access.scoped(user, TrainingRecord)
        .filter(person=person)
        .select_related("requirement__version", "recorded_by__person")
        .order_by("-completed_on", "-pk")
    )
    latest_by_item: dict[str, TrainingRecord] = {}
    for record in records:  # newest first, so the first seen per item is the latest
        latest_by_item.setdefault(record.requirement.item.strip().lower(), record)
    version_titles = {a.role_version_id: a.role_version.title for a in current}
    requirements = TrainingRequirement.objects.filter(version_id__in=version_titles).order_by(
        "version_id", "position"
    )
    lines = []
    seen: set[str] = set()
    for requirement in requirements:
        key = requirement.item.strip().lower()
        if key in seen:
            continue  # the same item required by two current roles shows once
        seen.add(key)
        lines.append(
            TrainingLine(
                item=requirement.item,
                renewal_months=requirement.renewal_months,
                role_title=version_titles[requirement.version_id],
                requirement_id=requirement.pk,
                latest=latest_by_item.get(key),
            )
        )
    return lines, records


def supervisors_for(organisation_id: int) -> QuerySet:
    """Logins that may be named as someone's supervisor in the organisation, for forms."""

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__capacity__in=groups.SUPERVISING,
        )
        .select_related("person")
        .distinct()
        .order_by("username")
    )


def role_versions_for(user) -> list[RoleVersion]:
    """The role versions a person holds today, from their current assignments, with their
    lists loaded: what the peer worker's home page shows as "your role".

    It is the version they were given, even if a newer one has since been published:
    that is what they were asked to do until someone moves them to the new version.
    """
    own = access.own_person_ids(user)  # read with the user's capacities
    if not own:  # a login with no person record holds no role
        return []
    held = Assignment.objects.current().filter(person_id__in=own).values("role_version_id")
    return list(with_lists(RoleVersion.objects.filter(pk__in=held)).order_by("title", "pk"))


EXPORT_HEADER = [
    "Full name",
    "Preferred name",
    "Pronouns",
    "Email",
    "Phone",
    "Organisation",
    "Engagement type",
    "Status",
    "Start date",
    "End date",
    "Current roles",
    "Current teams",
    "Payee reference",
]
PAYEE_EXPORT_HEADER = ["Full name", "Preferred name", "Organisation", "Status", "Payee reference"]


def people_export_lines(user: AbstractBaseUser, filters: PeopleFilters) -> Iterator[list]:
    """The people CSV's rows: the header, then exactly the filtered list in the same order.
    Someone who sees people as payees only gets the payee columns."""
    people = people_list(user, filters)
    payee = payee_only(user)
    yield PAYEE_EXPORT_HEADER if payee else EXPORT_HEADER
    # chunk_size keeps memory flat on a big register while prefetching per chunk.
    for person in people.iterator(chunk_size=500):
        if payee:
            yield [
                person.full_name,
                person.preferred_name,
                person.organisation.name,
                person.get_status_display(),
                person.payee_reference,
            ]
            continue
        # Only the payee columns for someone this user sees as a payee only.
        full = person.show_profile
        current = person.current_assignments if full else []
        yield [
            person.full_name,
            person.preferred_name,
            person.pronouns if full else "",
            person.email if full else "",
            person.phone if full else "",
            person.organisation.name,
            person.get_engagement_type_display() if full else "",
            person.get_status_display(),
            person.start_date if full else None,
            person.end_date if full else None,
            "; ".join(a.role_version.title for a in current),
            "; ".join(a.team.name for a in current),
            person.payee_reference,
        ]
