"""The people of the register: who they are, how they are engaged, whether they have left."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from workforce.organisations.models import Organisation
from workforce.platform.checks import OneQueryChecks


class EngagementType(models.TextChoices):
    EMPLOYED = "employed", "Employed"
    SESSIONAL = "sessional", "Sessional / involvement bank"
    VCSE_PARTNER = "vcse_partner", "VCSE partner staff"
    VOLUNTEER = "volunteer", "Volunteer"


class PersonStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "On a break"
    LEFT = "left", "Left"


class LeavingReason(models.TextChoices):
    END_OF_CONTRACT = "end_of_contract", "End of contract or project"
    RESIGNED = "resigned", "Resigned"
    MOVED_ROLE = "moved_role", "Moved to a role elsewhere"
    RETIRED = "retired", "Retired"
    HEALTH = "health", "Health or wellbeing"
    DISMISSED = "dismissed", "Dismissed"
    OTHER = "other", "Other"


class Person(OneQueryChecks):
    """Someone in the lived experience workforce (or who supervises or manages it).

    Bank details are never stored here: finance keeps them, we keep finance's payee reference.
    A person belongs to one organisation's register; someone who works for two organisations
    has an entry in each (the email is unique only within an organisation).
    """

    EngagementType = EngagementType
    Status = PersonStatus
    LeavingReason = LeavingReason

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    full_name = models.CharField(max_length=200)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Finance's own reference for paying this person; bank details never live here.
    payee_reference = models.CharField(max_length=50, blank=True)
    engagement_type = models.CharField(
        max_length=20, choices=EngagementType.choices, default=EngagementType.EMPLOYED
    )
    status = models.CharField(
        max_length=10, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    leaving_reason = models.CharField(max_length=20, choices=LeavingReason.choices, blank=True)
    # When the last login invitation was sent (the audit trail has every one).
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"
        indexes = [
            # Serves the people list: one organisation's register in name order.
            models.Index(fields=["organisation", "full_name"], name="person_org_name_idx"),
        ]
        constraints = [
            # Serves the import match "same email within the organisation".
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=~models.Q(email=""),
                name="person_email_unique_in_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(engagement_type__in=EngagementType.values),
                name="person_engagement_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PersonStatus.values), name="person_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(leaving_reason__in=["", *LeavingReason.values]),
                name="person_leaving_reason_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="person_end_not_before_start",
            ),
            # A leaver always has a last day and a reason; nobody else has a reason.
            models.CheckConstraint(
                condition=(
                    models.Q(status="left", end_date__isnull=False) & ~models.Q(leaving_reason="")
                )
                | (~models.Q(status="left") & models.Q(leaving_reason="")),
                name="person_leaver_has_end_date_and_reason",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name

    @property
    def has_left(self) -> bool:
        return self.status == self.Status.LEFT
