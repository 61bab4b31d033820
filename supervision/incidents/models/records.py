"""What hangs off an incident: its chronology, actions, external referrals and the links to
earlier incidents it recurs.

The chronology, referrals and recurrence links are append-only (migration 0002's triggers
refuse UPDATE and DELETE). An action may change once, from open to done, and never again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from supervision.incidents.models.choices import Agency, EventKind
from supervision.incidents.models.incident import Incident
from workforce.platform.checks import OneQueryChecks

_USER = settings.AUTH_USER_MODEL


class IncidentEvent(OneQueryChecks):
    """One step in an incident's chronology: who, when, what, and the values before and after.

    `summary` is a short plain statement shown in lists ("Triaged: escalate"); `detail` is the
    text the person wrote with the step (reasons, notes, corrections). Both are as private as
    the incident; neither is ever copied into the audit trail.
    """

    Kind = EventKind

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    summary = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # Serves the incident page's chronology and the per-worker chronology.
            models.Index(fields=["incident", "at"], name="incidentevent_incident_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="incidentevent_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="incidentevent_summary_required"),
        ]

    def __str__(self):
        return f"{self.incident} — {self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class IncidentAction(OneQueryChecks):
    """Something agreed to put things right or prevent a recurrence: owner, due date, done."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField("what needs doing", max_length=500)
    owner = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="incident_actions")
    due_on = models.DateField("due by")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            # Serves the overdue-action reminders and the "overdue" filter.
            models.Index(
                fields=["due_on"], condition=Q(done_at__isnull=True), name="incidentaction_open_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""), name="incidentaction_description_required"
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True, done_note="")
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="incidentaction_done_recorded",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(done_at__gte=F("created_at")),
                name="incidentaction_done_after_created",
            ),
        ]

    def __str__(self):
        return f"Action {self.pk} on {self.incident}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class IncidentReferral(OneQueryChecks):
    """An external referral the safeguarding lead made: agency, their reference, the date."""

    Agency = Agency

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="referrals")
    agency = models.CharField(max_length=30, choices=Agency.choices)
    agency_name = models.CharField(
        "name of the agency or team",
        max_length=200,
        blank=True,
        help_text="For example: Northshire County Council Adult Social Care.",
    )
    reference = models.CharField("their reference", max_length=100, blank=True)
    referred_on = models.DateField("date referred")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["referred_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__in=Agency.values), name="incidentreferral_agency_valid"
            ),
            models.CheckConstraint(
                condition=~Q(agency=Agency.OTHER) | ~Q(agency_name=""),
                name="incidentreferral_other_agency_named",
                violation_error_message="Name the agency.",
            ),
        ]

    def __str__(self):
        return f"Referral to {self.get_agency_display()} ({self.incident})"


class IncidentRecurrence(models.Model):
    """`incident` recurs `earlier`: same worker, same category, within 12 months."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="+")
    earlier = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["incident", "earlier"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "earlier"], name="incidentrecurrence_unique"
            ),
            models.CheckConstraint(
                condition=~Q(incident=F("earlier")), name="incidentrecurrence_not_itself"
            ),
        ]

    def __str__(self):
        return f"Incident #{self.incident_id} recurs #{self.earlier_id}"
