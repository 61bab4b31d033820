"""Reads shared by pages and reports, always starting from the access layer's scopes."""

from django.db.models import Count, QuerySet

from workforce import access
from workforce.models import Membership, Organisation, Team


def organisations_for(user) -> QuerySet[Organisation]:
    return access.scoped(user, Organisation).annotate(
        team_count=Count("teams", distinct=True), person_count=Count("people", distinct=True)
    )


def organisation_teams(user, organisation: Organisation) -> QuerySet[Team]:
    return access.scoped(user, Team).filter(organisation=organisation)


def memberships_of(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "capacity")
    )
