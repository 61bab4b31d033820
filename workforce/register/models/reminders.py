"""The training reminders outbox: every reminder is recorded before it is sent, and the
database keeps each one unique, so `send_reminders` never sends the same one twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from workforce.register.models.assignments import TrainingRecord


class TrainingReminder(models.Model):
    """One email about one training record: to the person themself (no recipient) or to one
    of their supervisors (the recipient), either some days before expiry or on the day."""

    class Kind(models.TextChoices):
        BEFORE = "before", "Before it expires"
        ON_THE_DAY = "on_the_day", "On the day it expires"

    record = models.ForeignKey(TrainingRecord, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Empty for the person the record is about; their supervisor otherwise.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The day it was due, which the email counts the days left from.
    due_on = models.DateField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Serves "deliver every reminder not yet sent".
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True),
                name="trainingreminder_unsent_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["before", "on_the_day"]), name="trainingreminder_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["record", "kind"],
                condition=Q(recipient__isnull=True),
                name="trainingreminder_once_to_the_person",
            ),
            models.UniqueConstraint(
                fields=["record", "kind", "recipient"],
                condition=Q(recipient__isnull=False),
                name="trainingreminder_once_to_each_supervisor",
            ),
        ]

    def __str__(self):
        who = f"user {self.recipient_id}" if self.recipient_id else "the person"
        return f"{self.get_kind_display()} to {who} (training record {self.record_id})"
