"""Reads shared by pages and reports, always starting from the access layer's scopes."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from workforce.organisations import access
from workforce.organisations.models import Membership, Organisation, Team


def organisations_for(user) -> QuerySet[Organisation]:
    # Teams only: joining people as well multiplied every team by every person, so
    # counting a few dozen teams read a row per team and person (bench/README.md).
    return access.scoped(user, Organisation).annotate(team_count=Count("teams"))


def organisation_teams(user, organisation: Organisation) -> QuerySet[Team]:
    return access.scoped(user, Team).filter(organisation=organisation)


def memberships_of(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "capacity")
    )


def organisation_users(organisation: Organisation) -> QuerySet:
    """Logins that may be given a capacity in `organisation`: its members and the people on
    its register who have a login."""
    return (
        get_user_model()
        .objects.filter(
            Q(memberships__organisation=organisation) | Q(person__organisation=organisation)
        )
        .distinct()
        .select_related("person")
        .order_by("username")
    )


def organisation_logins(organisation: Organisation) -> list[dict]:
    """Each of `organisation_users`, with the capacities they hold there."""
    held: dict[int, list[Membership]] = {}
    for membership in Membership.objects.filter(organisation=organisation).order_by("capacity"):
        held.setdefault(membership.user_id, []).append(membership)
    return [
        {
            "user": user,
            "person": getattr(user, "person", None),
            "memberships": held.get(user.pk, []),
        }
        for user in organisation_users(organisation)
    ]
