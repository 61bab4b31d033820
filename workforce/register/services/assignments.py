"""Writes about assignments (person x published role version x team) and training records."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from roles.models import RoleVersion
from workforce.organisations import capacities as groups
from workforce.organisations.models import Membership, Team
from workforce.platform import audit
from workforce.platform.base import WorkforceError, add_months, diff, snapshot
from workforce.register.models import Assignment, Person, TrainingRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from roles.models import RoleVersion, TrainingRequirement

# Who can be named as someone's supervisor: a login that supervises or leads there.


def _locked_version(role_version_id: int) -> RoleVersion:

    return (
        RoleVersion.objects.select_for_update(of=("self",))
        .select_related("role")
        .get(pk=role_version_id)
    )


def _check_supervisor(*, supervisor: AbstractBaseUser | None, person: Person) -> None:
    if supervisor is None or not supervisor.is_active:
        raise WorkforceError("Choose a supervisor who has an active login.", field="supervisor")
    if supervisor.pk == person.user_id:
        raise WorkforceError("Nobody can be their own supervisor.", field="supervisor")
    if not Membership.objects.filter(
        user=supervisor,
        organisation_id=person.organisation_id,
        capacity__in=groups.SUPERVISING,
    ).exists():
        raise WorkforceError(
            f"{supervisor.get_username()} is not a supervisor or co-production lead at "
            "this organisation.",
            field="supervisor",
        )


def _check_hours(hours: Decimal | int | str) -> Decimal:
    hours = Decimal(hours)
    if not Decimal("0") < hours <= Decimal("80"):
        raise WorkforceError(
            "Hours per week must be more than 0 and at most 80.", field="hours_per_week"
        )
    return hours


def _check_dates(start_date: datetime.date, end_date: datetime.date | None) -> None:
    if end_date is not None and end_date < start_date:
        raise WorkforceError("The end date cannot be before the start date.", field="end_date")


def _save(assignment: Assignment) -> None:
    # The exclusion constraint is the last word on overlaps; say it in plain English.
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        if "assignment_no_overlap" in str(exc):
            raise WorkforceError(
                "This person already has this role version in this team for some of those dates."
            ) from exc
        raise


@transaction.atomic
def assignment_create(
    *,
    person: Person,
    role_version: RoleVersion,
    team: Team,
    supervisor: AbstractBaseUser,
    start_date: datetime.date,
    hours_per_week: Decimal | int | str,
    by: AbstractBaseUser | None,
    end_date: datetime.date | None = None,
) -> Assignment:
    person = Person.objects.select_for_update().get(pk=person.pk)
    # Locked so that nobody publishes a newer version (superseding this one) meanwhile.
    version = _locked_version(role_version.pk)
    if not version.is_published:
        raise WorkforceError(
            f"“{version.title}” version {version.number} is {version.get_status_display().lower()}"
            ": only a published role version can be assigned.",
            field="role_version",
        )
    if person.has_left:
        raise WorkforceError(f"{person.full_name} has left, so they cannot be given a role.")
    if version.role.organisation_id != person.organisation_id:
        raise WorkforceError("That role belongs to another organisation.", field="role_version")
    if team.organisation_id != person.organisation_id:
        raise WorkforceError("That team belongs to another organisation.", field="team")
    _check_supervisor(supervisor=supervisor, person=person)
    _check_dates(start_date, end_date)
    if person.start_date and start_date < person.start_date:
        raise WorkforceError(
            f"{person.full_name} starts on {person.start_date:%d/%m/%Y}; an assignment cannot "
            "begin before that.",
            field="start_date",
        )
    assignment = Assignment(
        person=person,
        role_version=version,
        team=team,
        supervisor=supervisor,
        start_date=start_date,
        end_date=end_date,
        hours_per_week=_check_hours(hours_per_week),
        created_by=by if getattr(by, "pk", None) else None,
    )
    _save(assignment)
    audit.record(
        actor=by,
        action="assignment.created",
        obj=assignment,
        organisation_id=person.organisation_id,
        summary=f"{person.full_name} assigned to {version.title} (version {version.number}) "
        f"in {team.name} from {start_date:%d/%m/%Y}, supervised by "
        f"{supervisor.get_username()}",
        changes={
            "person": person.pk,
            "role_version": version.pk,
            "team": team.pk,
            "supervisor": supervisor.pk,
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat() if end_date else None,
            "hours_per_week": str(assignment.hours_per_week),
        },
    )
    return assignment


@transaction.atomic
def assignment_update(
    *,
    assignment: Assignment,
    by: AbstractBaseUser | None,
    supervisor: AbstractBaseUser | None = None,
    hours_per_week: Decimal | int | str | None = None,
) -> Assignment:
    """Change who supervises, or the hours. Anything else is a new assignment."""
    assignment = (
        Assignment.objects.select_for_update().select_related("person").get(pk=assignment.pk)
    )
    names = ["supervisor", "hours_per_week"]
    before = snapshot(assignment, names)
    if supervisor is not None:
        _check_supervisor(supervisor=supervisor, person=assignment.person)
        assignment.supervisor = supervisor
    if hours_per_week is not None:
        assignment.hours_per_week = _check_hours(hours_per_week)
    changes = diff(before, snapshot(assignment, names))
    if not changes:
        return assignment
    assignment.save(update_fields=[name for name in names if name in changes])
    audit.record(
        actor=by,
        action="assignment.updated",
        obj=assignment,
        organisation_id=assignment.person.organisation_id,
        summary=f"Assignment of {assignment.person.full_name} changed: {', '.join(changes)}",
        changes=changes,
    )
    return assignment


@transaction.atomic
def assignment_end(
    *, assignment: Assignment, end_date: datetime.date, by: AbstractBaseUser | None
) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update().select_related("person").get(pk=assignment.pk)
    )
    if assignment.end_date is not None and assignment.end_date <= end_date:
        raise WorkforceError(
            f"This assignment already ended on {assignment.end_date:%d/%m/%Y}.", field="end_date"
        )
    _check_dates(assignment.start_date, end_date)
    before = assignment.end_date
    assignment.end_date = end_date
    assignment.save(update_fields=["end_date"])
    audit.record(
        actor=by,
        action="assignment.ended",
        obj=assignment,
        organisation_id=assignment.person.organisation_id,
        summary=f"Assignment of {assignment.person.full_name} ends on {end_date:%d/%m/%Y}",
        changes={"end_date": [before.isoformat() if before else None, end_date.isoformat()]},
    )
    return assignment


@transaction.atomic
def assignment_move_to_version(
    *,
    assignment: Assignment,
    role_version: RoleVersion,
    on: datetime.date,
    by: AbstractBaseUser | None,
) -> Assignment:
    """Move someone to a newer published version of the same role from `on`.

    The old assignment ends the day before and stays as it was (it proves what they were asked
    to do until then); a new one with the same team, supervisor and hours starts on `on`,
    linked to it, with who moved them and when.
    """
    old = Assignment.objects.select_for_update().select_related("person").get(pk=assignment.pk)
    version = _locked_version(role_version.pk)
    current_version = old.role_version
    if version.role_id != current_version.role_id:
        raise WorkforceError("A move is to a newer version of the same role.")
    if version.number <= current_version.number:
        raise WorkforceError(
            f"Version {version.number} is not newer than version {current_version.number}."
        )
    if not version.is_published:
        raise WorkforceError(
            f"Version {version.number} is {version.get_status_display().lower()}: "
            "only a published role version can be assigned."
        )
    if hasattr(old, "next"):
        raise WorkforceError("This assignment has already been moved to a newer version.")
    if on <= old.start_date:
        raise WorkforceError(
            f"Choose a date after the assignment began ({old.start_date:%d/%m/%Y}).", field="on"
        )
    if old.end_date is not None and on > old.end_date:
        raise WorkforceError(
            f"This assignment ended on {old.end_date:%d/%m/%Y}; it cannot move after that.",
            field="on",
        )
    new = Assignment(
        person=old.person,
        role_version=version,
        team=old.team,
        supervisor=old.supervisor,
        start_date=on,
        end_date=old.end_date,
        hours_per_week=old.hours_per_week,
        previous=old,
        created_by=by if getattr(by, "pk", None) else None,
    )
    old.end_date = on - datetime.timedelta(days=1)
    old.save(update_fields=["end_date"])
    _save(new)
    audit.record(
        actor=by,
        action="assignment.moved_to_version",
        obj=new,
        organisation_id=old.person.organisation_id,
        summary=f"{old.person.full_name} moved from version {current_version.number} to "
        f"version {version.number} of {version.title} from {on:%d/%m/%Y}",
        changes={
            "role_version": [current_version.pk, version.pk],
            "previous_assignment": old.pk,
            "on": on.isoformat(),
        },
    )
    return new


def default_expiry(completed_on: datetime.date, renewal_months: int | None) -> datetime.date | None:
    return add_months(completed_on, renewal_months) if renewal_months else None


@transaction.atomic
def training_record_create(
    *,
    person: Person,
    requirement: TrainingRequirement,
    completed_on: datetime.date,
    by: AbstractBaseUser | None,
    expires_on: datetime.date | None = None,
    note: str = "",
) -> TrainingRecord:
    """Record completed training. Without an expiry date, one is worked out from the
    requirement's renewal period (none if it is done once)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if completed_on > timezone.localdate():
        raise WorkforceError("Training cannot be completed in the future.", field="completed_on")
    if not Assignment.objects.filter(
        person=person, role_version_id=requirement.version_id
    ).exists():
        raise WorkforceError(
            f"“{requirement.item}” is not required by any role {person.full_name} holds or held.",
            field="requirement",
        )
    if expires_on is None:
        expires_on = default_expiry(completed_on, requirement.renewal_months)
    if expires_on is not None and expires_on <= completed_on:
        raise WorkforceError(
            "The expiry date must be after the completion date.", field="expires_on"
        )
    if TrainingRecord.objects.filter(
        person=person, requirement=requirement, completed_on=completed_on
    ).exists():
        raise WorkforceError("This training is already recorded for that date.")
    record = TrainingRecord.objects.create(
        person=person,
        requirement=requirement,
        completed_on=completed_on,
        expires_on=expires_on,
        note=note.strip(),
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    audit.record(
        actor=by,
        action="training.recorded",
        obj=record,
        organisation_id=person.organisation_id,
        summary=f"{person.full_name} completed {requirement.item} on {completed_on:%d/%m/%Y}",
        changes={
            "requirement": requirement.pk,
            "completed_on": completed_on.isoformat(),
            "expires_on": expires_on.isoformat() if expires_on else None,
        },
    )
    return record
