"""Every write to roles: keyword-only, atomic, state checked under a row lock, audited.

Each service locks the Role row first (`select_for_update`), so two leads acting on the same
role at once are served one after the other and each sees the other's result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from roles.models import (
    EscalationStep,
    ProgressionRoute,
    Role,
    RoleDuty,
    RoleExclusion,
    RoleVersion,
    SupervisionRequirement,
    TrainingRequirement,
)
from workforce.organisations.models import Organisation
from workforce.platform import audit

Status = RoleVersion.Status


class RoleRuleError(Exception):
    """A rule about roles was broken; `message` says what, in plain English, for the user.

    `missing` lists what a draft still needs before it can be published.
    """

    def __init__(self, message: str, *, missing: Sequence[str] = ()):
        super().__init__(message)
        self.message = message
        self.missing = list(missing)


# (related name on RoleVersion, item model, fields copied between versions)
LISTS: list[tuple[str, type[models.Model], tuple[str, ...]]] = [
    ("duties", RoleDuty, ("text",)),
    ("exclusions", RoleExclusion, ("text", "instead")),
    (
        "supervision_requirements",
        SupervisionRequirement,
        ("kind", "min_frequency_days", "min_minutes"),
    ),
    ("escalation_steps", EscalationStep, ("who", "for_what", "how_fast")),
    (
        "training_requirements",
        TrainingRequirement,
        ("item", "renewal_months", "remind_days_before"),
    ),
    ("progression_routes", ProgressionRoute, ("to_role", "note")),
]
CONTENT_FIELDS = (
    "title",
    "purpose",
    "lived_experience_kind",
    "lived_experience_detail",
    "employment_basis",
    "afc_band",
)


@dataclass
class RoleContent:
    """Everything a draft holds: its fields, and its lists as unsaved items in order."""

    title: str
    purpose: str = ""
    lived_experience_kind: str = RoleVersion.LivedExperience.PERSONAL
    lived_experience_detail: str = ""
    employment_basis: str = RoleVersion.EmploymentBasis.EMPLOYED
    afc_band: str = ""
    duties: Sequence[RoleDuty] = field(default_factory=list)
    exclusions: Sequence[RoleExclusion] = field(default_factory=list)
    supervision_requirements: Sequence[SupervisionRequirement] = field(default_factory=list)
    escalation_steps: Sequence[EscalationStep] = field(default_factory=list)
    training_requirements: Sequence[TrainingRequirement] = field(default_factory=list)
    progression_routes: Sequence[ProgressionRoute] = field(default_factory=list)


def _lock_role(role: Role) -> Role:
    return Role.objects.select_for_update().get(pk=role.pk)


def _lock_version(version: RoleVersion) -> RoleVersion:
    return RoleVersion.objects.select_for_update().select_related("role").get(pk=version.pk)


def _invalid(error: ValidationError) -> RoleRuleError:
    return RoleRuleError(" ".join(error.messages))


def _check_lists(role: Role, content: RoleContent) -> None:
    kinds = [item.kind for item in content.supervision_requirements]
    if len(kinds) != len(set(kinds)):
        raise RoleRuleError("Each type of supervision can be listed only once.")
    targets = [item.to_role_id for item in content.progression_routes]
    if len(targets) != len(set(targets)):
        raise RoleRuleError("Each progression route can name a role only once.")
    if role.pk in targets:
        raise RoleRuleError("A role cannot be a progression route to itself.")
    if targets:
        # Only roles everyone in the organisation can read: a published (or retired) one.
        valid = (
            Role.objects.filter(pk__in=targets, organisation_id=role.organisation_id)
            .filter(versions__status__in=[Status.PUBLISHED, Status.RETIRED])
            .values("pk")
            .distinct()
            .count()
        )
        if valid != len(targets):
            raise RoleRuleError(
                "Progression routes can only lead to published roles in the same organisation."
            )


def _write_content(version: RoleVersion, content: RoleContent) -> None:
    """Set a draft's fields and replace its lists. Lists are rewritten whole: a draft's rows
    have no identity worth keeping, and positions then always run 1, 2, 3..."""
    for name in CONTENT_FIELDS:
        setattr(version, name, getattr(content, name))
    if version.employment_basis != RoleVersion.EmploymentBasis.EMPLOYED:
        version.afc_band = ""
    try:
        version.full_clean(exclude=["role", "number", "created_by", "based_on"])
    except ValidationError as error:
        raise _invalid(error) from error
    _check_lists(version.role, content)
    version.save()
    for related_name, model, fields in LISTS:
        getattr(version, related_name).all().delete()
        rows = []
        for position, item in enumerate(getattr(content, related_name), start=1):
            row = model(version=version, position=position)
            for name in fields:
                setattr(row, name, getattr(item, name))
            try:
                row.full_clean(exclude=["version", "position"], validate_unique=False)
            except ValidationError as error:
                raise _invalid(error) from error
            rows.append(row)
        model.objects.bulk_create(rows)


def _list_counts(version: RoleVersion) -> dict[str, int]:
    return {name: getattr(version, name).count() for name, _, _ in LISTS}


@transaction.atomic
def role_create(
    *, organisation: Organisation, family: str, content: RoleContent, by
) -> RoleVersion:
    """A new role with its first version, as a draft nobody but leads can see yet."""
    if family not in Role.Family.values:
        raise RoleRuleError("Choose the family the role belongs to.")
    role = Role.objects.create(organisation=organisation, family=family, created_by=by)
    version = RoleVersion(role=role, number=1, created_by=by)
    _write_content(version, content)
    audit.record(
        actor=by,
        action="role.created",
        obj=role,
        summary=f"Created role “{version.title}” (draft version 1)",
        changes={"family": family, "version": 1},
    )
    return version


@transaction.atomic
def role_version_update_draft(
    *, version: RoleVersion, content: RoleContent, by, family: str | None = None
) -> RoleVersion:
    """Save a draft's fields and lists. `family` may change only while the role has never
    been published (the database refuses it afterwards)."""
    role = _lock_role(version.role)
    version = _lock_version(version)
    if not version.is_draft:
        raise RoleRuleError(
            f"Version {version.number} is {version.get_status_display().lower()}: it can no "
            "longer be changed. Use “Edit” to make a new draft from it."
        )
    changes: dict = {}
    if family is not None and family != role.family:
        if role.versions.exclude(status=Status.DRAFT).exists():
            raise RoleRuleError("The family of a role that has been published cannot change.")
        if family not in Role.Family.values:
            raise RoleRuleError("Choose the family the role belongs to.")
        changes["family"] = [role.family, family]
        role.family = family
        role.save(update_fields=["family"])
    version.role = role
    before = {name: getattr(version, name) for name in CONTENT_FIELDS}
    counts_before = _list_counts(version)
    _write_content(version, content)
    changes.update(
        {
            name: [before[name], getattr(version, name)]
            for name in CONTENT_FIELDS
            if before[name] != getattr(version, name)
        }
    )
    counts_after = _list_counts(version)
    changes.update(
        {
            name: [counts_before[name], counts_after[name]]
            for name in counts_after
            if counts_before[name] != counts_after[name]
        }
    )
    audit.record(
        actor=by,
        action="role.draft_updated",
        obj=version,
        organisation_id=role.organisation_id,
        summary=f"Saved draft version {version.number} of “{version.title}”",
        changes=changes,
    )
    return version


def publish_problems(version: RoleVersion) -> list[str]:
    """What a draft still needs before it can be published; empty when it is ready."""
    missing = []
    if not version.duties.exists():
        missing.append("at least one duty")
    if version.role.needs_exclusions and not version.exclusions.exists():
        missing.append(
            f"at least one exclusion (something a {version.role.get_family_display().lower()} "
            "must never do)"
        )
    if not version.supervision_requirements.exists():
        missing.append("at least one supervision requirement")
    if not version.escalation_steps.exists():
        missing.append("at least one escalation step")
    return missing


@transaction.atomic
def role_version_publish(*, version: RoleVersion, by) -> RoleVersion:
    """Publish a draft; the version published before it (if any) becomes superseded.

    Breaking a publishing rule raises RoleRuleError naming everything missing, and nothing
    is published.
    """
    role = _lock_role(version.role)
    version = _lock_version(version)
    if not version.is_draft:
        raise RoleRuleError(
            f"Version {version.number} is already {version.get_status_display().lower()}."
        )
    missing = publish_problems(version)
    if missing:
        raise RoleRuleError(
            "This role cannot be published yet. It needs " + "; ".join(missing) + ".",
            missing=missing,
        )
    now = timezone.now()
    previous = role.versions.select_for_update().filter(status=Status.PUBLISHED).first()
    if previous is not None:
        # Supersede first: the database allows one published version per role.
        previous.status = Status.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at"])
        audit.record(
            actor=by,
            action="role.superseded",
            obj=previous,
            organisation_id=role.organisation_id,
            summary=f"Version {previous.number} replaced by version {version.number}",
            changes={"status": [Status.PUBLISHED, Status.SUPERSEDED]},
        )
    version.status = Status.PUBLISHED
    version.published_at = now
    version.published_by = by
    version.save(update_fields=["status", "published_at", "published_by"])
    audit.record(
        actor=by,
        action="role.published",
        obj=version,
        organisation_id=role.organisation_id,
        summary=f"Published version {version.number} of “{version.title}”",
        changes={
            "status": [Status.DRAFT, Status.PUBLISHED],
            "superseded_version": previous.number if previous else None,
        },
    )
    return version


@transaction.atomic
def role_version_new_draft_from(*, version: RoleVersion, by) -> tuple[RoleVersion, bool]:
    """ "Edit" on a published (or older) version: a new draft copied from it.

    A role has at most one draft; if there is one already it is returned unchanged, so
    nobody's unpublished work is overwritten. Returns (draft, created).
    """
    role = _lock_role(version.role)
    version = _lock_version(version)
    existing = role.versions.filter(status=Status.DRAFT).first()
    if existing is not None:
        return existing, False
    number = (role.versions.aggregate(models.Max("number"))["number__max"] or 0) + 1
    draft = RoleVersion(role=role, number=number, created_by=by, based_on=version)
    for name in CONTENT_FIELDS:
        setattr(draft, name, getattr(version, name))
    draft.save()
    for related_name, model, fields in LISTS:
        model.objects.bulk_create(
            model(
                version=draft,
                position=item.position,
                **{name: getattr(item, name) for name in fields},
            )
            for item in getattr(version, related_name).all()
        )
    audit.record(
        actor=by,
        action="role.draft_created",
        obj=draft,
        organisation_id=role.organisation_id,
        summary=f"Started draft version {number} from version {version.number}",
        changes={"based_on": version.number},
    )
    return draft, True


@transaction.atomic
def role_retire(*, role: Role, by, reason: str = "") -> RoleVersion:
    """Retire the role's published version: nobody should be given this role any more.

    The version and its history stay readable; a draft, if any, is left alone, and
    publishing it later brings the role back.
    """
    role = _lock_role(role)
    version = role.versions.select_for_update().filter(status=Status.PUBLISHED).first()
    if version is None:
        raise RoleRuleError("Only a published role can be retired, and this one has none.")
    version.status = Status.RETIRED
    version.retired_at = timezone.now()
    version.retired_by = by
    version.retired_reason = reason.strip()
    version.save(update_fields=["status", "retired_at", "retired_by", "retired_reason"])
    audit.record(
        actor=by,
        action="role.retired",
        obj=version,
        organisation_id=role.organisation_id,
        summary=f"Retired version {version.number} of “{version.title}”",
        changes={"status": [Status.PUBLISHED, Status.RETIRED], "reason": version.retired_reason},
    )
    return version


@transaction.atomic
def role_draft_discard(*, version: RoleVersion, by) -> Role | None:
    """Throw away a draft. If the role was never published, the role goes with it.

    Returns the role, or None if it no longer exists.
    """
    role = _lock_role(version.role)
    version = _lock_version(version)
    if not version.is_draft:
        raise RoleRuleError(
            f"Version {version.number} is {version.get_status_display().lower()}: only a "
            "draft can be discarded."
        )
    number, title = version.number, version.title
    for related_name, _, _ in LISTS:
        getattr(version, related_name).all().delete()
    version.delete()
    remaining = role.versions.exists()
    audit.record(
        actor=by,
        action="role.draft_discarded",
        obj=role,
        summary=f"Discarded draft version {number} of “{title}”",
        changes={"version": number, "role_deleted": not remaining},
    )
    if not remaining:
        role.delete()
        return None
    return role
