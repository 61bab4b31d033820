"""Reads shared by pages and reports, always starting from the access layer's scopes."""

from django.db.models import Count, QuerySet

from workforce import access
from workforce.models import Membership, Organisation, Team


def organisations_for(user) -> QuerySet[Organisation]:
    # Teams only: joining people as well multiplied every team by every person (at 5,000
    # people, 300,000 rows to count a few dozen teams, 0.2 s; bench/README.md).
    return access.scoped(user, Organisation).annotate(team_count=Count("teams"))


def organisation_teams(user, organisation: Organisation) -> QuerySet[Team]:
    return access.scoped(user, Team).filter(organisation=organisation)


def memberships_of(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "capacity")
    )
