"""Who does which published role version, in which team, supervised by whom; and the training
they have done against that version's requirements."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import BigIntegerRangeField, DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils import timezone

from workforce.organisations.models import Team
from workforce.platform.checks import OneQueryChecks
from workforce.register.models.people import Person


def current_q(prefix: str = "", on: datetime.date | None = None) -> Q:
    """Assignments in force on `on` (today by default): started, and not yet ended.

    `prefix` lets other models filter through a relation, e.g. current_q("assignments__").
    """
    on = on or timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


class AssignmentQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        return self.filter(current_q(on=on))


def _range(lower: str, upper: str, function: str, output_field) -> Func:
    """A closed PostgreSQL range over two columns, for the exclusion constraint below.

    The person, version and team ids are compared as single-point int8 ranges so that the
    constraint needs only GiST's built-in range support, not the btree_gist extension (which
    the embedded PostgreSQL used locally does not ship).
    """
    return Func(F(lower), F(upper), Value("[]"), function=function, output_field=output_field)


class Assignment(OneQueryChecks):
    """A person in a published role version, in a team, from a date, with a named supervisor.

    Rules the database keeps (migration 0007's trigger and the constraints below): only a
    published version can be assigned; person, team and role belong to one organisation;
    nobody supervises themselves; the end is never before the start; hours are positive;
    the same person is never in the same version and team twice at once.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assignments")
    role_version = models.ForeignKey(
        "roles.RoleVersion", on_delete=models.PROTECT, related_name="assignments"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="assignments")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervised_assignments"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Empty while it goes on.")
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    # Set when this assignment replaced another on a move to a newer version of the role.
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [
            # Serves the access rule "a supervisor sees the people they currently supervise".
            models.Index(fields=["supervisor", "end_date"], name="assignment_supervisor_idx"),
            # Serves a person's assignments, newest first, on their page and the people list.
            models.Index(fields=["person", "start_date"], name="assignment_person_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_end_not_before_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0, hours_per_week__lte=80),
                name="assignment_hours_in_range",
                violation_error_message="Hours per week must be more than 0 and at most 80.",
            ),
            ExclusionConstraint(
                name="assignment_no_overlap_same_version_and_team",
                expressions=[
                    (_range("person", "person", "int8range", BigIntegerRangeField()), "&&"),
                    (
                        _range("role_version", "role_version", "int8range", BigIntegerRangeField()),
                        "&&",
                    ),
                    (_range("team", "team", "int8range", BigIntegerRangeField()), "&&"),
                    (
                        _range("start_date", "end_date", "daterange", DateRangeField()),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                violation_error_message="This person already has this role version in this "
                "team for some of those dates.",
            ),
        ]

    def __str__(self):
        return f"{self.person} as {self.role_version.title} in {self.team.name}"

    @property
    def organisation_id(self) -> int:
        return self.team.organisation_id

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    def is_upcoming(self, on: datetime.date | None = None) -> bool:
        return self.start_date > (on or timezone.localdate())


class TrainingRecord(models.Model):
    """Training a person completed, against a training requirement of a role version they
    hold or held. A requirement renewed every N months expires N months after completion."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="training_records")
    requirement = models.ForeignKey(
        "roles.TrainingRequirement", on_delete=models.PROTECT, related_name="records"
    )
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="Empty if it never expires.")
    note = models.CharField(
        max_length=200, blank=True, help_text="Optional: provider or certificate number."
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [
            # Serves the "expiring in the next 60 days" and "expired" lists.
            models.Index(fields=["expires_on"], name="training_expires_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("completed_on")),
                name="training_expires_after_completion",
                violation_error_message="The expiry date must be after the completion date.",
            ),
            models.UniqueConstraint(
                fields=["person", "requirement", "completed_on"],
                name="training_once_per_requirement_per_day",
                violation_error_message="This training is already recorded for that date.",
            ),
        ]

    def __str__(self):
        return f"{self.requirement.item} — {self.person} ({self.completed_on:%d/%m/%Y})"

    @property
    def organisation_id(self) -> int:
        return self.person.organisation_id

    def status(self, on: datetime.date | None = None) -> str:
        on = on or timezone.localdate()
        if self.expires_on is None:
            return "valid"
        if self.expires_on < on:
            return "expired"
        if self.expires_on <= on + datetime.timedelta(days=EXPIRING_WITHIN_DAYS):
            return "expiring"
        return "valid"


# "Expiring" means within this many days, on lists, pages and the person's own view.
EXPIRING_WITHIN_DAYS = 60
