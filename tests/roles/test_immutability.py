"""The database itself refuses to change a published (or superseded or retired) role
version or any row of its lists, whatever path the write takes."""

import pytest
from django.db import IntegrityError, connection, transaction
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
from tests.factories import RoleVersionFactory, make_role_version


def violates(constraint: str):
    return pytest.raises(IntegrityError, match=constraint)


def refused():
    """Each attempt runs in its own savepoint, so the test can go on after the error."""
    return pytest.raises(IntegrityError, match="can never change|must start as a draft|fixed")


@pytest.fixture
def published(org):
    return make_role_version(org, title="Peer support worker")


def _superseded(org):
    version = make_role_version(org, title="Old")
    RoleVersion.objects.filter(pk=version.pk).update(
        status="superseded", superseded_at=timezone.now()
    )
    version.refresh_from_db()
    return version


def _retired(org):
    version = make_role_version(org, title="Gone")
    RoleVersion.objects.filter(pk=version.pk).update(status="retired", retired_at=timezone.now())
    version.refresh_from_db()
    return version


@pytest.mark.parametrize("make", [lambda org: make_role_version(org), _superseded, _retired])
def test_queryset_update_of_content_is_refused(org, make):
    version = make(org)
    for change in [
        {"title": "Changed"},
        {"purpose": "Changed"},
        {"afc_band": "4"},
        {"number": 9},
        {"published_at": timezone.now()},
    ]:
        with refused(), transaction.atomic():
            RoleVersion.objects.filter(pk=version.pk).update(**change)
    version.refresh_from_db()
    assert version.title != "Changed"


def test_save_bulk_update_raw_sql_and_delete_are_refused(published):
    published.title = "Changed"
    with refused(), transaction.atomic():
        published.save()
    with refused(), transaction.atomic():
        RoleVersion.objects.bulk_update([published], ["title"])
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE roles_roleversion SET title = 'Raw' WHERE id = %s", [published.pk])
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM roles_roleversion WHERE id = %s", [published.pk])
    with refused(), transaction.atomic():
        RoleVersion.objects.filter(pk=published.pk).delete()
    published.refresh_from_db()
    assert published.title == "Peer support worker"


def test_unpublishing_or_reviving_is_refused(org, published):
    with refused(), transaction.atomic():
        RoleVersion.objects.filter(pk=published.pk).update(status="draft", published_at=None)
    old = _superseded(org)
    with refused(), transaction.atomic():
        RoleVersion.objects.filter(pk=old.pk).update(status="published", superseded_at=None)
    gone = _retired(org)
    with refused(), transaction.atomic():
        RoleVersion.objects.filter(pk=gone.pk).update(status="published", retired_at=None)


def test_lifecycle_moves_are_allowed_and_only_them(published):
    # published -> superseded, touching only the lifecycle columns: allowed.
    RoleVersion.objects.filter(pk=published.pk).update(
        status="superseded", superseded_at=timezone.now()
    )
    published.refresh_from_db()
    assert published.status == "superseded"


def test_retiring_cannot_smuggle_a_content_change(published):
    with refused(), transaction.atomic():
        RoleVersion.objects.filter(pk=published.pk).update(
            status="retired", retired_at=timezone.now(), title="Sneaky"
        )


def test_a_version_cannot_be_inserted_already_published(org):
    role = Role.objects.create(organisation=org, family="peer_researcher")
    with refused(), transaction.atomic():
        RoleVersion.objects.create(
            role=role,
            number=1,
            title="Peer researcher",
            employment_basis="sessional",
            status="published",
            published_at=timezone.now(),
        )


ITEMS = [
    (RoleDuty, {"text": "New duty"}),
    (RoleExclusion, {"text": "Medication advice"}),
    (
        SupervisionRequirement,
        {"kind": "peer", "min_frequency_days": 28, "min_minutes": 60},
    ),
    (EscalationStep, {"who": "Duty worker", "for_what": "Risk", "how_fast": "immediately"}),
    (TrainingRequirement, {"item": "Safeguarding adults level 2", "renewal_months": 36}),
]


@pytest.mark.parametrize(("model", "values"), ITEMS)
def test_list_rows_of_a_published_version_cannot_be_added_changed_or_removed(
    org, published, model, values
):
    with refused(), transaction.atomic():
        model.objects.create(version=published, position=99, **values)
    with refused(), transaction.atomic():
        model.objects.bulk_create([model(version=published, position=98, **values)])
    existing = model.objects.filter(version=published).first()
    if existing is not None:
        with refused(), transaction.atomic():
            model.objects.filter(pk=existing.pk).update(position=50)
        with refused(), transaction.atomic():
            model.objects.filter(pk=existing.pk).delete()
        table = model._meta.db_table
        with refused(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE version_id = %s", [published.pk])  # noqa: S608
        # Nor can a row be moved out of a published version into a draft.
        draft = RoleVersionFactory(role=published.role, number=2)
        with refused(), transaction.atomic():
            model.objects.filter(pk=existing.pk).update(version=draft)


def test_progression_routes_of_a_published_version_are_fixed(org, published):
    target = make_role_version(org, title="Senior peer support worker", family="senior_peer")
    with refused(), transaction.atomic():
        ProgressionRoute.objects.create(version=published, position=1, to_role=target.role)


def test_drafts_change_freely(org):
    draft = make_role_version(org, published=False)
    RoleVersion.objects.filter(pk=draft.pk).update(title="Renamed")
    RoleDuty.objects.filter(version=draft).update(text="Reworded")
    RoleDuty.objects.create(version=draft, position=5, text="Another")
    RoleExclusion.objects.filter(version=draft).delete()
    draft.refresh_from_db()
    assert draft.title == "Renamed"
    assert list(draft.duties.values_list("text", flat=True)) == ["Reworded", "Another"]


def test_a_published_roles_organisation_and_family_are_fixed(org, other_org, published):
    with refused(), transaction.atomic():
        Role.objects.filter(pk=published.role_id).update(family="peer_researcher")
    with refused(), transaction.atomic():
        Role.objects.filter(pk=published.role_id).update(organisation=other_org)
    never_published = make_role_version(org, published=False).role
    Role.objects.filter(pk=never_published.pk).update(family="peer_researcher")


def test_named_constraints(org, published):
    # At most one published version per role.
    second = RoleVersionFactory(role=published.role, number=2)
    with violates("roleversion_one_published_per_role"), transaction.atomic():
        RoleVersion.objects.filter(pk=second.pk).update(
            status="published", published_at=timezone.now()
        )
    # One draft at a time, and version numbers unique per role.
    with violates("roleversion_one_draft_per_role"), transaction.atomic():
        RoleVersionFactory(role=published.role, number=3)
    with violates("roleversion_number_unique_in_role"), transaction.atomic():
        RoleVersion.objects.filter(pk=second.pk).update(number=1)
    # A band exactly when employed.
    with violates("roleversion_band_iff_employed"), transaction.atomic():
        RoleVersionFactory(role=published.role, number=4, employment_basis="employed", afc_band="")
    second.delete()
    with violates("roleversion_band_iff_employed"), transaction.atomic():
        RoleVersionFactory(
            role=published.role, number=4, employment_basis="sessional", afc_band="3"
        )
    draft = RoleVersionFactory(role=published.role, number=5)
    with violates("supervisionrequirement_frequency_positive"), transaction.atomic():
        SupervisionRequirement.objects.create(
            version=draft, position=1, kind="peer", min_frequency_days=0, min_minutes=60
        )
    with violates("supervisionrequirement_kind_once_per_version"), transaction.atomic():
        for position in (1, 2):
            SupervisionRequirement.objects.create(
                version=draft,
                position=position,
                kind="peer",
                min_frequency_days=28,
                min_minutes=60,
            )
    with violates("roleduty_position_unique_in_version"), transaction.atomic():
        RoleDuty.objects.bulk_create(
            [
                RoleDuty(version=draft, position=1, text="a"),
                RoleDuty(version=draft, position=1, text="b"),
            ]
        )
