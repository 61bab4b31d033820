"""Per-organisation deadlines, and the record of every email the incident workflow sends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from supervision.incidents import deadlines
from supervision.incidents.models.choices import NoticeKind
from supervision.incidents.models.incident import Incident
from supervision.incidents.models.records import IncidentAction
from workforce.platform.checks import OneQueryChecks


class IncidentPolicy(OneQueryChecks):
    """An organisation's own deadlines. Without a row the defaults in deadlines.py apply.

    A change applies to incidents reported or escalated after it: deadlines already set stay
    as they were, so a deadline once shown to someone is never moved.
    """

    organisation = models.OneToOneField(
        "workforce.Organisation", on_delete=models.PROTECT, related_name="incident_policy"
    )
    triage_working_days = models.PositiveSmallIntegerField(
        "triage within (working days)", default=deadlines.DEFAULT_TRIAGE_WORKING_DAYS
    )
    acknowledge_hours = models.PositiveSmallIntegerField(
        "acknowledge an escalation within (hours)", default=deadlines.DEFAULT_ACKNOWLEDGE_HOURS
    )
    acknowledge_urgent_hours = models.PositiveSmallIntegerField(
        "acknowledge within (hours) when critical or a child is at risk",
        default=deadlines.DEFAULT_ACKNOWLEDGE_URGENT_HOURS,
    )
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "incident policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(triage_working_days__gte=1, triage_working_days__lte=10),
                name="incidentpolicy_triage_days_range",
                violation_error_message="Triage must be due within 1 to 10 working days.",
            ),
            models.CheckConstraint(
                condition=Q(acknowledge_hours__gte=1, acknowledge_hours__lte=72),
                name="incidentpolicy_acknowledge_hours_range",
                violation_error_message="Acknowledgement must be due within 1 to 72 hours.",
            ),
            models.CheckConstraint(
                condition=Q(acknowledge_urgent_hours__gte=1)
                & Q(acknowledge_urgent_hours__lte=F("acknowledge_hours")),
                name="incidentpolicy_urgent_not_slower",
                violation_error_message="The urgent deadline cannot be longer than the usual one.",
            ),
        ]

    def __str__(self):
        return f"Incident deadlines for {self.organisation}"


class IncidentNotice(models.Model):
    """An email the workflow sends, recorded before it is sent: the outbox that makes
    `send_reminders` idempotent. `key` names the step and the recipient, so the same reminder
    is never created twice; `sent_at` is set once it has gone (or `failure` says why not)."""

    Kind = NoticeKind

    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="notices")
    action = models.ForeignKey(
        IncidentAction, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Serves "deliver everything not yet sent".
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="notice_unsent_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NoticeKind.values), name="incidentnotice_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to user {self.recipient_id} ({self.incident})"
