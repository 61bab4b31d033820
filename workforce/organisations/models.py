"""Organisations, their teams, and the capacities logins hold in them (Membership)."""

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
