from django.db import models
from django.utils import timezone


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
