from django.conf import settings
from django.db import models

from workforce.models import Organisation, Person


class PaymentMethod(models.TextChoices):
    PAYROLL = "payroll", "Through payroll"
    INVOICE = "invoice", "By invoice"
    DECLINED = "declined", "Declined payment"
    REDUCED = "reduced", "A reduced amount"
    VOUCHERS = "vouchers", "Vouchers"
    EXPENSES_ONLY = "expenses_only", "Expenses only"


# Discouraged choices: allowed only once an individual discussion has been recorded.
NEEDS_DISCUSSION = (PaymentMethod.VOUCHERS, PaymentMethod.EXPENSES_ONLY)
# Methods where no fee is paid; the involvement is still recorded, for recognition.
NO_FEE = (PaymentMethod.DECLINED, PaymentMethod.EXPENSES_ONLY)


class PaymentDiscussion(models.Model):
    """An individual conversation about how someone wants to be paid, and why."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="payment_discussions")
    held_on = models.DateField("date of the discussion")
    held_with = models.CharField(
        "who it was with", max_length=200, help_text="For example the co-production lead's name."
    )
    pay_schedule = models.TextField(
        "preferences on pay schedule", blank=True, help_text="For example monthly, or in one go."
    )
    benefits_considerations = models.TextField(
        blank=True,
        help_text="What the person said about benefits. Record facts, not advice.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "-held_on", "-pk"]

    def __str__(self):
        return f"Discussion with {self.person} on {self.held_on:%d/%m/%Y}"


class BenefitsThreshold(models.Model):
    """A limit an organisation asks the app to watch, e.g. a weekly permitted-work limit.

    Reference points only (configured, dated): the app warns, it never blocks and it never
    gives benefits advice.
    """

    class Period(models.TextChoices):
        WEEK = "week", "Per week (Monday to Sunday)"
        MONTH = "month", "Per calendar month"
        TAX_YEAR = "tax_year", "Per tax year (6 April to 5 April)"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="benefits_thresholds"
    )
    name = models.CharField(max_length=120, help_text="For example “ESA permitted work”.")
    period = models.CharField(max_length=10, choices=Period.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "name", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="threshold_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(period__in=["week", "month", "tax_year"]),
                name="threshold_period_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="threshold_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.name}: £{self.amount} {self.get_period_display().lower()}"


class PaymentPreference(models.Model):
    """How one person wants to be paid, and whether they want benefits-aware totals."""

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="payment_preference"
    )
    method = models.CharField(
        max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.PAYROLL
    )
    reduced_amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Only for “a reduced amount”: the most to be paid for any one activity.",
    )
    receives_benefits = models.BooleanField(
        default=False,
        help_text="Show running totals against your organisation's limits, and warn before "
        "a claim crosses one.",
    )
    # Which of the organisation's limits to watch; none chosen means all of them.
    thresholds = models.ManyToManyField(BenefitsThreshold, blank=True, related_name="+")
    discussion = models.ForeignKey(
        PaymentDiscussion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=PaymentMethod.values),
                name="preference_method_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(method__in=NEEDS_DISCUSSION)
                | models.Q(discussion__isnull=False),
                name="preference_discouraged_needs_discussion",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        method=PaymentMethod.REDUCED,
                        reduced_amount__isnull=False,
                        reduced_amount__gte=0,
                    )
                    | (~models.Q(method=PaymentMethod.REDUCED) & models.Q(reduced_amount=None))
                ),
                name="preference_reduced_amount_iff_reduced",
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_method_display()}"
