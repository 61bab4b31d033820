from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Nation(models.TextChoices):
    """Where an organisation works: its bank holidays set the working days."""

    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NHS_TRUST = "nhs_trust", "NHS trust"
        VCSE = "vcse", "VCSE partner"
        USER_LED = "user_led", "User-led organisation"

    Nation = Nation

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    nation = models.CharField(
        max_length=20,
        choices=Nation.choices,
        default=Nation.ENGLAND,
        help_text="Its bank holidays are skipped when deadlines count working days.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(nation__in=[n.value for n in Nation]),
                name="organisation_nation_known",
            ),
        ]

    def __str__(self):
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("name"), name="team_name_unique_in_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


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


class Person(models.Model):
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


class Capacity(models.TextChoices):
    PEER_WORKER = "peer_worker", "Peer worker"
    SUPERVISOR = "supervisor", "Supervisor"
    COPRODUCTION_LEAD = "coproduction_lead", "Co-production lead"
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead"
    FINANCE = "finance", "Finance"
    ADMIN = "admin", "Administrator"


class Membership(models.Model):
    """What a login may do, and where: one capacity in one organisation."""

    Capacity = Capacity

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    capacity = models.CharField(max_length=30, choices=Capacity.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "capacity"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "capacity"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__in=Capacity.values),
                name="membership_capacity_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_capacity_display()} at {self.organisation}"


class AuditEntry(models.Model):
    """One attributed action, written by a service in the same transaction as the change.

    Append-only: a database trigger refuses UPDATE and DELETE on this table.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Namespaced verb, e.g. "role.published", "claim.approved".
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=300, blank=True)
    # {"field": [before, after]} or any small structured detail; never secrets or notes.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [
            # Serves "history of this object" on detail pages.
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_idx"),
            # Serves the audit page: an organisation's entries, newest first.
            models.Index(fields=["organisation", "at"], name="audit_org_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
