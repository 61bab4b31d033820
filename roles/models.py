"""Role definitions and their versions.

A `Role` is the stable identity (which organisation, which family). What the role *is* lives
in `RoleVersion` rows and their ordered lists. A version is a draft until published; once
published it never changes (a database trigger refuses it, see migration 0002), so a
person's assignment to a version proves what they were asked to do on a date.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

# Choices live in their own module so the models' Meta constraints can name them; each model
# also exposes its own as a nested attribute (Role.Family, RoleVersion.Status, ...).
from roles.choices import (
    AfcBand,
    EmploymentBasis,
    LivedExperience,
    RoleFamily,
    SupervisionKind,
    Urgency,
    VersionStatus,
)
from workforce.platform.checks import OneQueryChecks


class Role(models.Model):
    Family = RoleFamily

    # Families whose work is closest to the people using services: the seeds name unclear
    # limits as the main risk there, so publishing needs at least one explicit exclusion.
    FAMILIES_NEEDING_EXCLUSIONS = frozenset(
        {Family.PEER_SUPPORT_WORKER, Family.SENIOR_PEER, Family.EXPERT_BY_EXPERIENCE}
    )

    organisation = models.ForeignKey(
        "workforce.Organisation", on_delete=models.PROTECT, related_name="roles"
    )
    family = models.CharField(max_length=40, choices=Family.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(family__in=RoleFamily.values), name="role_family_valid"
            ),
        ]
        indexes = [
            # Serves the role list filtered by organisation and family.
            models.Index(fields=["organisation", "family"], name="role_org_family_idx"),
        ]

    def __str__(self):
        return f"{self.get_family_display()} role #{self.pk}"

    @property
    def needs_exclusions(self) -> bool:
        return self.family in self.FAMILIES_NEEDING_EXCLUSIONS


class RoleVersion(OneQueryChecks):
    Status = VersionStatus
    LivedExperience = LivedExperience
    EmploymentBasis = EmploymentBasis
    Band = AfcBand

    # Publishing is not "content": these are the only columns the database lets change on a
    # published version (published -> superseded or retired). Keep in step with 0002's trigger.
    LIFECYCLE_FIELDS = ("status", "superseded_at", "retired_at", "retired_by", "retired_reason")

    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

    title = models.CharField(max_length=200)
    purpose = models.TextField(
        blank=True, help_text="Why the role exists and what difference it makes, in a few lines."
    )
    lived_experience_kind = models.CharField(
        "lived experience needed",
        max_length=20,
        choices=LivedExperience.choices,
        default=LivedExperience.PERSONAL,
    )
    lived_experience_detail = models.TextField(
        "more about the lived experience needed",
        blank=True,
        help_text="For a named service, say which (for example perinatal or substance use).",
    )
    employment_basis = models.CharField(
        max_length=20, choices=EmploymentBasis.choices, default=EmploymentBasis.EMPLOYED
    )
    afc_band = models.CharField(
        "Agenda for Change band",
        max_length=3,
        choices=Band.choices,
        blank=True,
        help_text="Only for employed roles.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The version this draft was copied from ("Edit" on a published version), if any.
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retired_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["role_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "number"], name="roleversion_number_unique_in_role"
            ),
            # At most one published version per role: "the role" means exactly one thing.
            models.UniqueConstraint(
                fields=["role"],
                condition=Q(status="published"),
                name="roleversion_one_published_per_role",
            ),
            # One draft at a time, so "Edit" always lands on the same draft.
            models.UniqueConstraint(
                fields=["role"],
                condition=Q(status="draft"),
                name="roleversion_one_draft_per_role",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="roleversion_number_positive"),
            models.CheckConstraint(
                condition=Q(status__in=VersionStatus.values), name="roleversion_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="roleversion_title_required",
                violation_error_message="Give the role a title.",
            ),
            models.CheckConstraint(
                condition=Q(lived_experience_kind__in=LivedExperience.values),
                name="roleversion_lived_experience_valid",
            ),
            models.CheckConstraint(
                condition=~Q(lived_experience_kind="named_service")
                | ~Q(lived_experience_detail=""),
                name="roleversion_named_service_described",
                violation_error_message="Say which service the lived experience should be of.",
            ),
            models.CheckConstraint(
                condition=Q(employment_basis__in=EmploymentBasis.values),
                name="roleversion_employment_basis_valid",
            ),
            # A band means something only for employed roles, and an employed role has one.
            models.CheckConstraint(
                condition=(Q(employment_basis="employed") & Q(afc_band__in=AfcBand.values))
                | (~Q(employment_basis="employed") & Q(afc_band="")),
                name="roleversion_band_iff_employed",
                violation_error_message="Employed roles need an Agenda for Change band; "
                "other roles have none.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | (~Q(status="draft") & Q(published_at__isnull=False)),
                name="roleversion_published_at_iff_published",
            ),
            models.CheckConstraint(
                condition=Q(status="superseded", superseded_at__isnull=False)
                | (~Q(status="superseded") & Q(superseded_at__isnull=True)),
                name="roleversion_superseded_at_iff_superseded",
            ),
            models.CheckConstraint(
                condition=Q(status="retired", retired_at__isnull=False)
                | (~Q(status="retired") & Q(retired_at__isnull=True)),
                name="roleversion_retired_at_iff_retired",
            ),
        ]
        indexes = [
            # Serves the role list's "current title/status" subqueries and version history.
            models.Index(fields=["role", "status", "number"], name="roleversion_role_status_idx"),
        ]

    def __str__(self):
        return f"{self.title} (version {self.number}, {self.get_status_display().lower()})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def band_or_basis(self) -> str:
        if self.employment_basis == self.EmploymentBasis.EMPLOYED and self.afc_band:
            return f"Employed, {self.get_afc_band_display()}"
        return self.get_employment_basis_display()


class _VersionItem(OneQueryChecks):
    """A row of one of a version's ordered lists. Rows of a non-draft version never change
    (the database refuses it), so the lists are part of what was published."""

    # Each subclass declares `version` with its own related name (duties, exclusions, ...).
    position = models.PositiveSmallIntegerField()

    class Meta:
        abstract = True
        ordering = ["position"]

    @classmethod
    def _item_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        return [
            models.UniqueConstraint(
                fields=["version", "position"], name=f"{prefix}_position_unique_in_version"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name=f"{prefix}_position_positive"
            ),
        ]


class RoleDuty(_VersionItem):
    version = models.ForeignKey(RoleVersion, on_delete=models.CASCADE, related_name="duties")
    text = models.CharField("duty", max_length=300)

    class Meta(_VersionItem.Meta):
        verbose_name_plural = "role duties"
        constraints = [
            *_VersionItem._item_constraints("roleduty"),
            models.CheckConstraint(condition=~Q(text=""), name="roleduty_text_required"),
        ]

    def __str__(self):
        return self.text


class RoleExclusion(_VersionItem):
    version = models.ForeignKey(RoleVersion, on_delete=models.CASCADE, related_name="exclusions")
    text = models.CharField("what the role must never do", max_length=300)
    instead = models.CharField(
        "what to do instead",
        max_length=300,
        blank=True,
        help_text="For example: pass it to the care coordinator.",
    )

    class Meta(_VersionItem.Meta):
        constraints = [
            *_VersionItem._item_constraints("roleexclusion"),
            models.CheckConstraint(condition=~Q(text=""), name="roleexclusion_text_required"),
        ]

    def __str__(self):
        return self.text


class SupervisionRequirement(_VersionItem):
    Kind = SupervisionKind

    version = models.ForeignKey(
        RoleVersion, on_delete=models.CASCADE, related_name="supervision_requirements"
    )
    kind = models.CharField("type of supervision", max_length=30, choices=Kind.choices)
    min_frequency_days = models.PositiveSmallIntegerField(
        "at least every (days)",
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="For example 28 for monthly, 56 for every 8 weeks.",
    )
    min_minutes = models.PositiveSmallIntegerField(
        "for at least (minutes)", validators=[MinValueValidator(1), MaxValueValidator(600)]
    )

    class Meta(_VersionItem.Meta):
        constraints = [
            *_VersionItem._item_constraints("supervisionrequirement"),
            # Compliance is worked out per type, so each type appears once per version.
            models.UniqueConstraint(
                fields=["version", "kind"],
                name="supervisionrequirement_kind_once_per_version",
                violation_error_message="Each type of supervision can be listed only once.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SupervisionKind.values),
                name="supervisionrequirement_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(min_frequency_days__gte=1, min_frequency_days__lte=366),
                name="supervisionrequirement_frequency_positive",
            ),
            models.CheckConstraint(
                condition=Q(min_minutes__gte=1, min_minutes__lte=600),
                name="supervisionrequirement_minutes_positive",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()}: at least every {self.min_frequency_days} days, "
            f"at least {self.min_minutes} minutes"
        )


class EscalationStep(_VersionItem):
    Urgency = Urgency

    version = models.ForeignKey(
        RoleVersion, on_delete=models.CASCADE, related_name="escalation_steps"
    )
    who = models.CharField(
        "who to go to", max_length=200, help_text="A role, not a person: for example duty worker."
    )
    for_what = models.CharField("for what", max_length=300)
    how_fast = models.CharField("how fast", max_length=20, choices=Urgency.choices)

    class Meta(_VersionItem.Meta):
        constraints = [
            *_VersionItem._item_constraints("escalationstep"),
            models.CheckConstraint(condition=~Q(who=""), name="escalationstep_who_required"),
            models.CheckConstraint(
                condition=Q(how_fast__in=Urgency.values), name="escalationstep_how_fast_valid"
            ),
        ]

    def __str__(self):
        return f"{self.for_what}: {self.who}, {self.get_how_fast_display().lower()}"


# Reminders before a certificate expires: a month's notice unless the role says otherwise,
# and never more than a year ahead (a notice that early would be forgotten by the day).
REMIND_DAYS_DEFAULT = 30
REMIND_DAYS_MAX = 365


class TrainingRequirement(_VersionItem):
    version = models.ForeignKey(
        RoleVersion, on_delete=models.CASCADE, related_name="training_requirements"
    )
    item = models.CharField("training", max_length=200)
    renewal_months = models.PositiveSmallIntegerField(
        "renew every (months)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Leave empty if it is done once.",
    )
    remind_days_before = models.PositiveSmallIntegerField(
        "remind this many days before it expires",
        default=REMIND_DAYS_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(REMIND_DAYS_MAX)],
        help_text="The person and their supervisor get an email this many days before a "
        f"certificate expires, and another on the day. Between 1 and {REMIND_DAYS_MAX}.",
    )

    class Meta(_VersionItem.Meta):
        constraints = [
            *_VersionItem._item_constraints("trainingrequirement"),
            models.CheckConstraint(condition=~Q(item=""), name="trainingrequirement_item_required"),
            models.CheckConstraint(
                condition=Q(renewal_months__isnull=True)
                | Q(renewal_months__gte=1, renewal_months__lte=120),
                name="trainingrequirement_renewal_positive",
            ),
            models.CheckConstraint(
                condition=Q(remind_days_before__gte=1, remind_days_before__lte=REMIND_DAYS_MAX),
                name="trainingrequirement_remind_days_in_range",
                violation_error_message="Reminders must be between 1 and "
                f"{REMIND_DAYS_MAX} days before expiry.",
            ),
        ]

    def __str__(self):
        if self.renewal_months:
            return (
                f"{self.item} (renew every {self.renewal_months} months, "
                f"reminders from {self.remind_days_before} days before)"
            )
        return f"{self.item} (once)"


class ProgressionRoute(_VersionItem):
    version = models.ForeignKey(
        RoleVersion, on_delete=models.CASCADE, related_name="progression_routes"
    )
    to_role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="+", verbose_name="role to progress to"
    )
    note = models.CharField(
        "how to get there",
        max_length=300,
        blank=True,
        help_text="For example: after a year in post and the peer supervision course.",
    )

    class Meta(_VersionItem.Meta):
        constraints = [
            *_VersionItem._item_constraints("progressionroute"),
            models.UniqueConstraint(
                fields=["version", "to_role"],
                name="progressionroute_once_per_version",
                violation_error_message="Each role can be listed only once.",
            ),
        ]

    def __str__(self):
        return f"Progression to role #{self.to_role_id}"
