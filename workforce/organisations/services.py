"""Writes about an organisation itself: setting it up (an installation operator, in the
admin) and changing the nation it works in (its administrators), both audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from workforce.organisations import access
from workforce.organisations.models import Organisation
from workforce.platform import audit
from workforce.platform.base import WorkforceError, snapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

SET_UP_FIELDS = ["name", "kind", "nation"]


@transaction.atomic
def organisation_set_up(*, organisation: Organisation, by: AbstractBaseUser) -> Organisation:
    """Save a new organisation (the admin's add form fills it in) and audit it."""
    if not (by.is_active and by.is_superuser):
        raise WorkforceError("Only an installation operator can set up an organisation.")
    if organisation.pk is not None:
        raise WorkforceError("This organisation is already set up.")
    organisation.full_clean()
    organisation.save()
    audit.record(
        actor=by,
        action="organisation.set_up",
        obj=organisation,
        summary=f"{organisation.name} set up ({organisation.get_nation_display()})",
        changes={name: [None, v] for name, v in snapshot(organisation, SET_UP_FIELDS).items()},
    )
    return organisation


@transaction.atomic
def organisation_nation_update(
    *, organisation: Organisation, by: AbstractBaseUser, nation: str
) -> Organisation:
    """Record the nation the organisation works in. Deadlines already set stay as they are;
    working days counted from now on skip that nation's bank holidays."""
    if not access.can(by, "set_nation", organisation):
        raise WorkforceError(
            f"Only administrators of {organisation.name} can change where it works."
        )
    if nation not in Organisation.Nation.values:
        raise WorkforceError("Choose England, Wales, Scotland or Northern Ireland.", field="nation")
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.nation == nation:
        raise WorkforceError(
            f"{locked.name} is already recorded as working in {locked.get_nation_display()}.",
            field="nation",
        )
    before = locked.get_nation_display()
    previous = locked.nation
    locked.nation = nation
    locked.save(update_fields=["nation"])
    audit.record(
        actor=by,
        action="organisation.nation_changed",
        obj=locked,
        summary=f"{locked.name} now works in {locked.get_nation_display()} (was {before})",
        changes={"nation": [previous, nation]},
    )
    organisation.nation = nation
    return locked
