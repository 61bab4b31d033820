"""The platform's tables: the audit trail, the read log, the figures cache's versions,
password-reset requests and retention periods. They name organisations by label only,
so this layer imports nothing above it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
        "workforce.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
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


class ReadLogEntry(models.Model):
    """Who opened which private record, and when: a safeguarding narrative, a wellbeing plan,
    supervision notes or an action agreed in supervision. Never what it says. Append-only
    (migration 0002)."""

    class What(models.TextChoices):
        NARRATIVE = "narrative", "Incident narrative"
        WELLBEING_PLAN = "wellbeing_plan", "Wellbeing plan"
        SUPERVISION_NOTES = "supervision_notes", "Supervision notes"
        SESSION_ACTIONS = "session_actions", "Agreed supervision actions"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "workforce.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(max_length=30, choices=What.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    url = models.CharField(max_length=300, blank=True)

    class Meta:
        # The history app's table: it stays there, while the model lives with the platform
        # so that pages low in the layers can log a read without importing every app.
        app_label = "history"
        ordering = ["-at", "-pk"]
        verbose_name = "read log entry"
        verbose_name_plural = "read log entries"
        indexes = [models.Index(fields=["organisation", "at"], name="readlog_org_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    what__in=["narrative", "wellbeing_plan", "supervision_notes", "session_actions"]
                ),
                name="readlog_what_valid",
            )
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.what} {self.object_type}#{self.object_id}"


class FiguresVersion(models.Model):
    """How many committed changes an organisation's rows of a topic's tables have had
    (workforce/platform/figures.py); organisation 0 stands for rows whose organisation
    could not be found, and counts towards every organisation's figures.

    Written only by the triggers of migration 0014, at commit; read by
    workforce_figures_version(). Nothing in the app writes it.
    """

    # "<topic>:<organisation>", the row the triggers' upsert finds.
    key = models.CharField(max_length=80, primary_key=True)
    topic = models.CharField(max_length=40)
    # A plain number, not a foreign key: raising a version takes no lock on the organisation
    # (and not named `organisation`, which the app's code reads as the relation).
    organisation_number = models.BigIntegerField(db_column="organisation")
    version = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["topic", "organisation_number"]
        verbose_name = "figures version"

    def __str__(self):
        return f"{self.topic} in organisation {self.organisation_number}: v{self.version}"


class PasswordResetRequest(models.Model):
    """A password-reset email the app agreed to send, counted against the limits in
    workforce/services/credentials.py. Kept in the database, not in a process's memory, so
    the limits hold however many server processes answer; rows older than the counting
    window are pruned as new requests come in.

    The address is stored only as a keyed hash: the table says how often an address was
    asked for, never which addresses were.
    """

    address_hash = models.CharField(max_length=64)
    client = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["address_hash", "at"], name="reset_request_address_idx"),
            models.Index(fields=["client", "at"], name="reset_request_client_idx"),
            models.Index(fields=["at"], name="reset_request_at_idx"),
        ]

    def __str__(self):
        return f"reset request at {self.at:%Y-%m-%d %H:%M}"


class RetentionPeriod(models.Model):
    """One organisation's own period for one kind of record, in months.

    Organisations sharing an installation keep records for as long as their own
    information governance leads decide; without a row the installation's default applies
    (workforce/retention.py). Set with `manage.py retention_period`, audited.
    """

    organisation = models.ForeignKey(
        "workforce.Organisation", on_delete=models.CASCADE, related_name="retention_periods"
    )
    record_type = models.CharField(max_length=40)
    months = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "organisation", "record_type", name="retention_period_one_per_type"
            ),
            # A month at least, and no more than a century: beyond that is "for ever",
            # which needs no period.
            models.CheckConstraint(
                condition=models.Q(months__gte=1, months__lte=1200),
                name="retention_period_months_valid",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.record_type} for {self.months} months"


class OutboundEmail(models.Model):
    """An email the app has decided to send, recorded in the transaction of the change that
    caused it and sent by the worker (workforce/platform/mail.py). `sent_at` stays empty
    until the mail server has taken it, so none is lost while the server is down, and the
    row lock taken to send it means two workers never both send it."""

    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbound_email_unsent_idx",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self):
        state = f"sent {self.sent_at:%Y-%m-%d %H:%M}" if self.sent_at else "waiting"
        return f"email of {self.created_at:%Y-%m-%d %H:%M} ({state})"
