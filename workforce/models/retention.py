from django.conf import settings
from django.db import models

from workforce.models.core import Organisation


class RetentionPeriod(models.Model):
    """One organisation's own period for one kind of record, in months.

    Organisations sharing an installation keep records for as long as their own
    information governance leads decide; without a row the installation's default applies
    (workforce/retention.py). Set with `manage.py retention_period`, audited.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="retention_periods"
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
