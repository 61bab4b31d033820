"""Writes to what is private to a person: their wellbeing plan and their diversity answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from workforce.platform import audit
from workforce.platform.base import diff, snapshot
from workforce.register.models import DiversityProfile, Person, WellbeingPlan
from workforce.register.models.diversity import CHARACTERISTICS

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

DIVERSITY_FIELDS = [field for field, _, _, _ in CHARACTERISTICS]


@transaction.atomic
def wellbeing_plan_update(
    *, person: Person, by: AbstractBaseUser | None, **sections: str
) -> WellbeingPlan:
    """Save the plan's sections; the audit entry names each section that changed.

    The words themselves never go into the audit entry: audit entries are append-only and
    outlive the plan, so a plan deleted under the retention rules (workforce/retention.py)
    would otherwise live on in its history.
    """
    names = WellbeingPlan.section_names()
    unknown = set(sections) - set(names)
    if unknown:
        raise TypeError(f"wellbeing_plan_update() got unexpected sections: {sorted(unknown)}")
    # Locking the person serialises the first save, which creates the plan.
    person = Person.objects.select_for_update().get(pk=person.pk)
    plan, created = WellbeingPlan.objects.select_for_update().get_or_create(person=person)
    before = {} if created else snapshot(plan, names)
    for name, text in sections.items():
        setattr(plan, name, (text or "").strip())
    changed = diff(before, snapshot(plan, names))
    if created:
        changed = {name: values for name, values in changed.items() if values[1]}
    changes = {name: "added" if not old else "changed" for name, (old, _) in changed.items()}
    if not changes and not created:
        return plan
    plan.updated_by = by if getattr(by, "pk", None) else None
    plan.save()
    audit.record(
        actor=by,
        action="wellbeing_plan.updated",
        obj=plan,
        organisation_id=person.organisation_id,
        summary=f"Wellbeing plan of {person.full_name} changed: "
        + (", ".join(changes) if changes else "created"),
        changes=changes,
    )
    return plan


@transaction.atomic
def diversity_profile_update(
    *, person: Person, by: AbstractBaseUser, **answers: str
) -> DiversityProfile:
    """Save the person's own answers. Only the person may: nobody answers for someone else."""
    if getattr(by, "pk", None) is None or by.pk != person.user_id:
        raise PermissionDenied("Only the person can give their own diversity answers.")
    unknown = set(answers) - set(DIVERSITY_FIELDS)
    if unknown:
        raise TypeError(f"diversity_profile_update() got unexpected fields: {sorted(unknown)}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    profile, _ = DiversityProfile.objects.select_for_update().get_or_create(person=person)
    for name, value in answers.items():
        setattr(profile, name, value or "")
    profile.save()
    # That the answers changed is recorded, but not what they are, nor even which ones
    # changed: "pregnancy and maternity changed" would itself say too much.
    audit.record(
        actor=by,
        action="diversity.updated",
        obj=profile,
        organisation_id=person.organisation_id,
        summary="Diversity monitoring answers updated",
    )
    return profile
