from django.conf import settings
from django.db import models

from workforce.organisations.models import Organisation


class Batch(models.Model):
    """Approved claims handed to finance together. Append-only (a trigger refuses changes)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="payment_batches"
    )
    cut_off = models.DateField(help_text="Claims approved on or before this date.")
    cost_code = models.CharField(max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "batches"

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"B{self.pk:05d}" if self.pk else "new"


class BatchLine(models.Model):
    """One claim in one batch, with who was to be paid as it stood when it was exported.

    The names and reference are copied here so that every download of the batch is the same,
    byte for byte, even if a person's record changes later.
    """

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="lines")
    claim = models.ForeignKey(
        "payments.Claim", on_delete=models.PROTECT, related_name="batch_lines"
    )
    position = models.PositiveIntegerField()
    payee_name = models.CharField(max_length=200)
    payee_reference = models.CharField(max_length=50, blank=True)
    approved_by_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            # The database's answer to two finance users exporting at the same moment.
            models.UniqueConstraint(fields=["claim"], name="batchline_claim_in_one_batch"),
            models.UniqueConstraint(fields=["batch", "position"], name="batchline_position"),
        ]

    def __str__(self):
        return f"{self.batch.reference} line {self.position}"
