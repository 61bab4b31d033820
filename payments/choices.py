"""The payments vocabulary that pages label: each stored value and the words shown for it.

Apart from the models, so the template tags can draw a claim's state without importing
them (as roles/choices.py does for roles)."""

from django.db import models


class ClaimState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not approved"
    EXPORTED = "exported", "Sent to finance"
    PAID = "paid", "Paid"
