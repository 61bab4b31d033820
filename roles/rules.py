"""The roles app's entries in the one access layer (workforce/access.py).

- Co-production leads and administrators of a role's organisation see every version,
  drafts included, and may create, edit, publish, retire and discard.
- Everyone else in that organisation reads what has been published: published versions,
  and superseded and retired ones for history. Drafts stay hidden (404).
- Other organisations see nothing (404).

Imported from RolesConfig.ready(), so the rules are registered before any request.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from roles.models import Role, RoleVersion
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Organisation

# This app's scopes and rules, read by the access layer (settings.ACCESS_RULES).
RULEBOOK = access.RuleBook()

READABLE_STATUSES = (
    RoleVersion.Status.PUBLISHED,
    RoleVersion.Status.SUPERSEDED,
    RoleVersion.Status.RETIRED,
)


def writer_organisation_ids(user) -> set[int]:
    return access.organisation_ids(user, *groups.LEADS_AND_ADMINS)


@RULEBOOK.scope(RoleVersion)
def _role_versions(user) -> QuerySet[RoleVersion]:
    members = access.organisation_ids(user)
    writers = writer_organisation_ids(user)
    return RoleVersion.objects.filter(
        Q(role__organisation_id__in=writers)
        | Q(role__organisation_id__in=members, status__in=READABLE_STATUSES)
    )


@RULEBOOK.scope(Role)
def _roles(user) -> QuerySet[Role]:
    members = access.organisation_ids(user)
    writers = writer_organisation_ids(user)
    # A role nobody has published yet exists only for those who may write it.
    ever_published = Exists(
        RoleVersion.objects.filter(role=OuterRef("pk"), status__in=READABLE_STATUSES)
    )
    return Role.objects.filter(
        Q(organisation_id__in=writers) | (Q(organisation_id__in=members) & ever_published)
    )


def _writes(user, role: Role) -> bool:
    return access.has_capacity(user, *groups.LEADS_AND_ADMINS, organisation_id=role.organisation_id)


def _reads(user, role: Role) -> bool:
    # Membership of the organisation, and (for those who do not write roles) a version
    # that has been published: the same as the scope, so the rule is safe on its own.
    if _writes(user, role):
        return True
    if role.organisation_id not in access.organisation_ids(user):
        return False
    return role.versions.filter(status__in=READABLE_STATUSES).exists()


RULEBOOK.rule(Role, "view")(_reads)
RULEBOOK.rule(Role, "edit")(_writes)
RULEBOOK.rule(RoleVersion, "view")(
    lambda user, version: (
        access.has_capacity(
            user, *groups.LEADS_AND_ADMINS, organisation_id=version.role.organisation_id
        )
        or (
            version.status in READABLE_STATUSES
            and version.role.organisation_id in access.organisation_ids(user)
        )
    )
)

RULEBOOK.rule(Organisation, "create_role")(
    lambda user, organisation: access.has_capacity(
        user, *groups.LEADS_AND_ADMINS, organisation_id=organisation.pk
    )
)
