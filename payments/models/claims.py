import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Least, Lower
from django.utils import timezone

from payments.choices import ClaimState
from payments.models.people import NO_FEE, PaymentMethod
from payments.tiers import MAX_MINUTES, Preparation, Unit
from workforce.organisations.models import Organisation, Team
from workforce.platform.checks import OneQueryChecks
from workforce.register.models import Person


def normalised_text(field: str) -> models.Func:
    """The text as a duplicate check compares it: any run of spaces, tabs or new lines as
    one space, no spaces at either end, lower case (SQL, so an index can hold it)."""
    spaced = models.Func(
        models.F(field),
        models.Value(r"\s+"),
        models.Value(" "),
        models.Value("g"),
        function="regexp_replace",
        output_field=models.TextField(),
    )
    return Lower(models.Func(spaced, function="btrim", output_field=models.TextField()))


Q = models.Q
F = models.F


class Activity(models.Model):
    """An involvement opportunity people can claim for."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="involvement_activities"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    date = models.DateField()
    cost_code = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "title"]
        verbose_name_plural = "activities"
        indexes = [
            # Serves the claim form's "activities in my organisation around now" list.
            models.Index(fields=["organisation", "date"], name="activity_org_date_idx"),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"


class Claim(OneQueryChecks):
    """One person's claim for one piece of involvement work.

    It moves only through payments.services; the constraints below (and the triggers in
    migration 0002) make the database refuse what the services forbid.
    """

    State = ClaimState

    Preparation = Preparation

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="payment_claims"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="payment_claims")
    # The claimant's login when the claim was made: the one user who may never decide it.
    claimant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    # Copied from the activity (or typed for an ad hoc claim), so the claim never changes
    # when the activity is later edited.
    description = models.CharField(max_length=200)
    activity_date = models.DateField()
    cost_code = models.CharField(max_length=50, blank=True)
    duration_minutes = models.PositiveIntegerField()
    preparation = models.CharField(max_length=20, choices=Preparation.choices)
    chaired_or_trained = models.BooleanField(default=False)
    suggested_tier = models.PositiveSmallIntegerField()
    tier = models.PositiveSmallIntegerField()
    tier_reason = models.TextField(blank=True)
    rate_card = models.ForeignKey(
        "payments.RateCard", on_delete=models.PROTECT, related_name="claims"
    )
    # The row, unit and quantity the claim was priced with: fee = the row's amount x quantity
    # (a correction's fee is the amount the lead entered). The database checks the row is on
    # the claim's card, numbered as `tier`, with the same unit (migration 0011).
    rate_row = models.ForeignKey(
        "payments.RateCardTier", on_delete=models.PROTECT, related_name="claims"
    )
    unit = models.CharField(max_length=20, choices=Unit.choices)
    quantity = models.DecimalField(max_digits=6, decimal_places=2)
    fee = models.DecimalField(max_digits=10, decimal_places=2)
    payment_method = models.CharField(
        max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.PAYROLL
    )
    reduced_to = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fee_payable = models.DecimalField(max_digits=10, decimal_places=2)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    possible_duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    duplicate_reason = models.TextField(blank=True)
    adjusts = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="adjustments"
    )
    adjustment_reason = models.TextField(blank=True)
    paid_on = models.DateField(null=True, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    S = State
    DECIDED = (S.APPROVED, S.REJECTED, S.EXPORTED, S.PAID)
    # Approved and still to be paid, or already paid: what counts as income.
    COUNTED = (S.SUBMITTED, S.APPROVED, S.EXPORTED, S.PAID)
    FINANCE_STATES = (S.APPROVED, S.EXPORTED, S.PAID)

    class Meta:
        ordering = ["-activity_date", "-pk"]
        indexes = [
            # Serves the approval queue: one organisation's submitted claims, oldest first.
            models.Index(fields=["organisation", "state", "submitted_at"], name="claim_queue_idx"),
            # Serves "my claims" and the benefits totals: one person's claims by date.
            models.Index(fields=["person", "activity_date"], name="claim_person_date_idx"),
            # Serves batch creation: approved claims decided up to a cut-off.
            models.Index(fields=["organisation", "state", "decided_at"], name="claim_batch_idx"),
            # Serves "batches to mark as paid" on the finance and admin dashboards
            # (payments.selectors.batches_to_mark_paid): only the claims waiting for their
            # payment to be recorded, a few weeks' worth, however many have been paid.
            models.Index(fields=["id"], condition=Q(state="exported"), name="claim_exported_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state__in=["draft", "submitted", "approved", "rejected", "exported", "paid"]
                ),
                name="claim_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(tier__gte=1, suggested_tier__gte=1), name="claim_row_from_1"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="claim_quantity_positive"),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="claim_unit_valid"),
            models.CheckConstraint(
                condition=Q(tier=F("suggested_tier")) | ~Q(tier_reason=""),
                name="claim_other_tier_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0, duration_minutes__lte=MAX_MINUTES),
                name="claim_duration_in_range",
            ),
            models.CheckConstraint(condition=~Q(description=""), name="claim_has_description"),
            models.CheckConstraint(
                condition=Q(fee__gte=0, fee_payable__gte=0, fee_payable__lte=F("fee")),
                name="claim_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    payment_method__in=["payroll", "invoice", "vouchers"],
                    fee_payable=F("fee"),
                    reduced_to=None,
                )
                | Q(payment_method__in=NO_FEE, fee_payable=0, reduced_to=None)
                | Q(
                    payment_method=PaymentMethod.REDUCED,
                    reduced_to__isnull=False,
                    reduced_to__gte=0,
                    fee_payable=Least(F("fee"), F("reduced_to")),
                ),
                name="claim_fee_payable_follows_method",
            ),
            models.CheckConstraint(
                condition=Q(decided_by=None)
                | Q(claimant_user=None)
                | ~Q(decided_by=F("claimant_user")),
                name="claim_decider_is_not_claimant",
            ),
            # Whoever created a claim (for a correction, the lead who made it) never decides
            # it; the claimant's current login is refused by a trigger (migration 0005).
            models.CheckConstraint(
                condition=Q(decided_by=None) | ~Q(decided_by=F("created_by")),
                name="claim_decider_is_not_creator",
            ),
            models.CheckConstraint(
                condition=Q(state="draft", submitted_at=None)
                | (~Q(state="draft") & Q(submitted_at__isnull=False)),
                name="claim_submitted_time_iff_submitted",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "submitted"], decided_by=None, decided_at=None)
                | Q(
                    state__in=["approved", "rejected", "exported", "paid"],
                    decided_by__isnull=False,
                    decided_at__isnull=False,
                ),
                name="claim_decision_iff_decided",
            ),
            models.CheckConstraint(
                condition=(Q(state="rejected") & ~Q(rejection_reason=""))
                | (~Q(state="rejected") & Q(rejection_reason="")),
                name="claim_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=(Q(state="paid", paid_on__isnull=False) & ~Q(payment_reference=""))
                | (~Q(state="paid") & Q(paid_on=None, payment_reference="")),
                name="claim_payment_recorded_iff_paid",
            ),
            models.CheckConstraint(
                condition=Q(adjusts=None, adjustment_reason="")
                | (Q(adjusts__isnull=False) & ~Q(adjustment_reason="")),
                name="claim_adjustment_has_reason",
            ),
            # Duplicates: once approved, a person has one claim per activity (or per date and
            # description) unless a lead recorded why a second one is right.
            models.UniqueConstraint(
                fields=["person", "activity"],
                condition=Q(
                    state__in=["approved", "exported", "paid"],
                    duplicate_reason="",
                    adjusts=None,
                    activity__isnull=False,
                ),
                name="claim_once_per_activity",
            ),
            models.UniqueConstraint(
                "person",
                "activity_date",
                normalised_text("description"),
                condition=Q(
                    state__in=["approved", "exported", "paid"],
                    duplicate_reason="",
                    adjusts=None,
                    activity=None,
                ),
                name="claim_once_per_day_and_description",
            ),
        ]

    def __str__(self):
        return f"Claim {self.reference}: {self.description}"

    @property
    def reference(self) -> str:
        return f"C{self.pk:06d}" if self.pk else "new"

    @property
    def is_adjustment(self) -> bool:
        return self.adjusts_id is not None

    @property
    def submitted_on(self) -> date | None:
        return timezone.localdate(self.submitted_at) if self.submitted_at else None

    @property
    def days_to_pay(self) -> int | None:
        """Days from submission to payment: the measure people care most about."""
        if self.paid_on is None or self.submitted_at is None:
            return None
        return (self.paid_on - self.submitted_on).days

    @property
    def days_waiting(self) -> int | None:
        """Days since submission, for a claim still on its way to being paid."""
        if self.submitted_at is None or self.state in (self.S.PAID, self.S.REJECTED):
            return None
        return (timezone.localdate() - self.submitted_on).days

    @property
    def hours(self) -> Decimal:
        """The duration in hours, as the claim form takes it (e.g. 1.5)."""
        return Decimal(self.duration_minutes) / 60

    @property
    def duration_display(self) -> str:
        hours, minutes = divmod(self.duration_minutes, 60)
        parts = []
        if hours:
            parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
        if minutes:
            parts.append(f"{minutes} minutes")
        return " ".join(parts)

    @property
    def is_locked(self) -> bool:
        """In a finance batch: the database refuses any change but recording payment."""
        return self.state in (self.S.EXPORTED, self.S.PAID)


RECEIPT_TYPES = ["application/pdf", "image/jpeg", "image/png"]


def receipt_upload_to(instance, filename: str) -> str:
    # A random name: the person's file name (which may say a lot) is kept in receipt_name
    # and never becomes part of a path.
    return f"receipts/{uuid.uuid4().hex}{instance.receipt_suffix}"


class ExpenseLine(OneQueryChecks):
    class Kind(models.TextChoices):
        TRAVEL = "travel", "Travel"
        SUBSISTENCE = "subsistence", "Food and drink (subsistence)"
        CARE = "care", "Care costs"
        OTHER = "other", "Other"

    class ReceiptType(models.TextChoices):
        NONE = "", "No receipt"
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG image"
        PNG = "image/png", "PNG image"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="expenses")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    # Stored under MEDIA_ROOT (outside the web root, no MEDIA_URL): served only through the
    # access-checked payments:receipt view.
    receipt = models.FileField(upload_to=receipt_upload_to, blank=True, max_length=200)
    receipt_name = models.CharField(max_length=200, blank=True)
    receipt_type = models.CharField(max_length=30, choices=ReceiptType.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=["travel", "subsistence", "care", "other"]),
                name="expense_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(receipt="", receipt_type="")
                | (~Q(receipt="") & Q(receipt_type__in=RECEIPT_TYPES)),
                name="expense_receipt_type_known",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: £{self.amount}"

    @property
    def receipt_suffix(self) -> str:
        return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
            self.receipt_type, ""
        )
