"""Reads of roles shared by pages, always starting from the access layer's scopes."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Lower

from roles.models import ProgressionRoute, Role, RoleVersion
from roles.rules import writer_organisation_ids
from workforce.organisations import access
from workforce.organisations.models import Organisation
from workforce.platform.models import AuditEntry

Status = RoleVersion.Status

# Which version stands for the role: the published one, else the latest retired or
# superseded one, else (for those who may see it) the draft of a role never published.
_PREFERENCE = Case(
    When(status=Status.PUBLISHED, then=Value(0)),
    When(status=Status.DRAFT, then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)

SORTS = {
    "title": (Lower("current_title").asc(), "pk"),
    "-title": (Lower("current_title").desc(), "-pk"),
    "family": ("family", Lower("current_title").asc(), "pk"),
    "organisation": ("organisation__name", Lower("current_title").asc(), "pk"),
    "-published": ("-last_published_at", "pk"),
}

LIST_STATUSES = {
    "published": "Published",
    "draft": "Not yet published",
    "changes": "Published, with a draft of changes",
    "retired": "Retired",
}


def roles_for(
    user,
    *,
    family: str = "",
    status: str = "",
    organisation_id: int | None = None,
    search: str = "",
    sort: str = "title",
) -> QuerySet[Role]:
    """The role list: one row per role the user may see, named by its current version.

    Everything shown is annotated in the one query, so the query count does not grow with
    the number of roles.
    """
    visible = access.scoped(user, RoleVersion).filter(role=OuterRef("pk"))
    current = visible.order_by(_PREFERENCE, "-number")
    roles = (
        access.scoped(user, Role)
        .select_related("organisation")
        .annotate(
            current_title=Subquery(current.values("title")[:1]),
            current_number=Subquery(current.values("number")[:1]),
            current_status=Subquery(current.values("status")[:1]),
            current_band=Subquery(current.values("afc_band")[:1]),
            current_basis=Subquery(current.values("employment_basis")[:1]),
            last_published_at=Subquery(
                visible.exclude(published_at=None).order_by("-number").values("published_at")[:1]
            ),
            has_published=Exists(visible.filter(status=Status.PUBLISHED)),
            ever_published=Exists(visible.exclude(status=Status.DRAFT)),
            draft_number=Subquery(visible.filter(status=Status.DRAFT).values("number")[:1]),
        )
    )
    if family:
        roles = roles.filter(family=family)
    if organisation_id:
        roles = roles.filter(organisation_id=organisation_id)
    if status == "published":
        roles = roles.filter(has_published=True)
    elif status == "draft":
        roles = roles.filter(ever_published=False)
    elif status == "changes":
        roles = roles.filter(has_published=True, draft_number__isnull=False)
    elif status == "retired":
        roles = roles.filter(has_published=False, ever_published=True)
    if search:
        # Any visible version's title matches, so a renamed role is found by its old name.
        roles = roles.filter(Exists(visible.filter(title__icontains=search.strip())))
    return roles.order_by(*SORTS.get(sort, SORTS["title"]))


def current_version(user, role: Role) -> RoleVersion | None:
    """The version a user should see first: published, else the latest retired or
    superseded one, else (for leads) the draft of a role never published."""
    return (
        access.scoped(user, RoleVersion)
        .filter(role=role)
        .select_related("role__organisation", "published_by", "retired_by", "created_by")
        .order_by(_PREFERENCE, "-number")
        .first()
    )


def draft_of(user, role: Role) -> RoleVersion | None:
    return access.scoped(user, RoleVersion).filter(role=role, status=Status.DRAFT).first()


def published_of(role: Role) -> RoleVersion | None:
    return role.versions.filter(status=Status.PUBLISHED).first()


def with_lists(versions: QuerySet[RoleVersion]) -> QuerySet[RoleVersion]:
    """Load every list of each version in one query per list, not one per version."""
    titles = RoleVersion.objects.filter(role=OuterRef("to_role"), status=Status.PUBLISHED)
    return versions.select_related(
        "role__organisation", "published_by", "retired_by", "created_by"
    ).prefetch_related(
        "duties",
        "exclusions",
        "supervision_requirements",
        "escalation_steps",
        "training_requirements",
        Prefetch(
            "progression_routes",
            queryset=ProgressionRoute.objects.annotate(
                to_title=Subquery(titles.values("title")[:1])
            ),
        ),
    )


def version_for(user, role: Role, number: int) -> RoleVersion | None:
    return with_lists(access.scoped(user, RoleVersion).filter(role=role, number=number)).first()


def version_history(user, role: Role) -> QuerySet[RoleVersion]:
    """Every version of the role the user may see, newest first, with who did what."""
    return (
        access.scoped(user, RoleVersion)
        .filter(role=role)
        .select_related("created_by", "published_by", "retired_by")
        .order_by("-number")
    )


def role_audit_trail(role: Role, versions: list[RoleVersion]) -> QuerySet[AuditEntry]:
    """Audit entries about the role and the given versions, oldest first."""
    ids = [str(v.pk) for v in versions]
    return (
        AuditEntry.objects.filter(
            Q(object_type=Role._meta.label_lower, object_id=str(role.pk))
            | Q(object_type=RoleVersion._meta.label_lower, object_id__in=ids)
        )
        .select_related("actor")
        .order_by("at", "pk")
    )


def organisations_writable_by(user) -> QuerySet[Organisation]:

    return Organisation.objects.filter(pk__in=writer_organisation_ids(user)).order_by("name")


def progression_choices(
    role: Role | None, organisation: Organisation, *, include: list | None = None
) -> QuerySet[Role]:
    """Roles a draft may name as a next step: published roles in the same organisation,
    plus any it names already (which may since have been retired)."""
    named = RoleVersion.objects.filter(role=OuterRef("pk")).exclude(status=Status.DRAFT)
    roles = Role.objects.filter(organisation=organisation).annotate(
        current_title=Subquery(named.order_by(_PREFERENCE, "-number").values("title")[:1]),
        has_published=Exists(named.filter(status=Status.PUBLISHED)),
    )
    wanted = Q(has_published=True)
    if include:
        wanted |= Q(pk__in=[int(pk) for pk in include if str(pk).isdigit()])
    roles = roles.filter(wanted, current_title__isnull=False).order_by(Lower("current_title"))
    if role is not None and role.pk:
        roles = roles.exclude(pk=role.pk)
    return roles


# --- Differences between two versions


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class ListDiff:
    label: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class VersionDiff:
    before: RoleVersion
    after: RoleVersion
    fields: list[FieldChange]
    lists: list[ListDiff]

    @property
    def has_changes(self) -> bool:
        return bool(self.fields) or any(item.has_changes for item in self.lists)


def _field_values(version: RoleVersion) -> list[tuple[str, str]]:
    return [
        ("Title", version.title),
        ("Purpose", version.purpose),
        ("Lived experience needed", version.get_lived_experience_kind_display()),
        ("More about the lived experience needed", version.lived_experience_detail),
        ("Employment basis", version.get_employment_basis_display()),
        ("Agenda for Change band", version.get_afc_band_display() if version.afc_band else ""),
    ]


def _exclusion(item) -> str:
    return f"{item.text} (instead: {item.instead})" if item.instead else item.text


def _escalation(item) -> str:
    return f"{item.for_what}: go to {item.who}, {item.get_how_fast_display().lower()}"


def _progression(item) -> str:
    title = getattr(item, "to_title", None) or f"role #{item.to_role_id}"
    return f"{title} ({item.note})" if item.note else title


# (label, related name, how an item reads, what identifies it across versions or None to
# match by position in the list)
_LISTS: list[tuple[str, str, Callable, Callable | None]] = [
    ("Duties", "duties", lambda item: item.text, None),
    ("Exclusions", "exclusions", _exclusion, None),
    ("Supervision", "supervision_requirements", str, lambda item: item.kind),
    ("Escalation pathway", "escalation_steps", _escalation, None),
    ("Training", "training_requirements", str, lambda item: item.item.strip().lower()),
    ("Progression routes", "progression_routes", _progression, lambda item: item.to_role_id),
]


def _diff_by_key(before: list, after: list, show: Callable, key: Callable, diff: ListDiff):
    old = {key(item): item for item in before}
    new = {key(item): item for item in after}
    for k, item in new.items():
        if k not in old:
            diff.added.append(show(item))
        elif show(old[k]) != show(item):
            diff.changed.append((show(old[k]), show(item)))
        else:
            diff.unchanged += 1
    diff.removed.extend(show(item) for k, item in old.items() if k not in new)


def _diff_in_order(before: list[str], after: list[str], diff: ListDiff):
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            diff.unchanged += i2 - i1
        elif op == "insert":
            diff.added.extend(after[j1:j2])
        elif op == "delete":
            diff.removed.extend(before[i1:i2])
        else:  # a replaced run: pair items up as rewordings, the rest added or removed
            pairs = min(i2 - i1, j2 - j1)
            diff.changed.extend(zip(before[i1 : i1 + pairs], after[j1 : j1 + pairs], strict=True))
            diff.removed.extend(before[i1 + pairs : i2])
            diff.added.extend(after[j1 + pairs : j2])


def comparison_pair(
    versions: list[RoleVersion],
    *,
    current: RoleVersion,
    before: int | None = None,
    after: int | None = None,
) -> tuple[int, int]:
    """Which two version numbers to compare: those asked for when they exist; otherwise
    the current version, against the version it was copied from (else the one before it).
    Needs at least two versions."""
    numbers = [v.number for v in versions]
    if after not in numbers:
        after = current.number
    if before in numbers and before != after:
        return before, after
    after_version = next(v for v in versions if v.number == after)
    based_on = next((v.number for v in versions if v.pk == after_version.based_on_id), None)
    older = [n for n in numbers if n < after]
    if based_on is not None:
        return based_on, after
    if older:
        return max(older), after
    return min(n for n in numbers if n != after), after


def version_diff(before: RoleVersion, after: RoleVersion) -> VersionDiff:
    """What changed from `before` to `after`, field by field and list by list.

    Both versions should come from `with_lists`, so this runs no queries.
    """
    fields = [
        FieldChange(label, old, new)
        for (label, old), (_, new) in zip(_field_values(before), _field_values(after), strict=True)
        if old != new
    ]
    lists = []
    for label, related, show, key in _LISTS:
        old_items = list(getattr(before, related).all())
        new_items = list(getattr(after, related).all())
        diff = ListDiff(label)
        if key is None:
            _diff_in_order([show(i) for i in old_items], [show(i) for i in new_items], diff)
        else:
            _diff_by_key(old_items, new_items, show, key, diff)
        lists.append(diff)
    return VersionDiff(before=before, after=after, fields=fields, lists=lists)
