from django.conf import settings
from django.db import models

from workforce.organisations.models import Organisation
from workforce.platform.checks import OneQueryChecks
from workforce.register.models import Person


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


class BenefitsThreshold(OneQueryChecks):
    """A limit an organisation asks the app to watch, e.g. a weekly permitted-work limit.

    Reference points only (configured, dated): the app warns, it never blocks and it never
    gives benefits advice. Earnings count on the day they are paid; hours count in the
    period the work was done. A limit is never edited: a lead ends it (an end date) and
    adds the next one.
    """

    class Period(models.TextChoices):
        WEEK = "week", "Per week (Monday to Sunday)"
        MONTH = "month", "Per calendar month"
        UC_ASSESSMENT = (
            "uc_assessment",
            "Per Universal Credit assessment period (monthly, from the person's claim day)",
        )
        TAX_YEAR = "tax_year", "Per tax year (6 April to 5 April)"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="benefits_thresholds"
    )
    name = models.CharField(max_length=120, help_text="For example “ESA permitted work”.")
    period = models.CharField(max_length=20, choices=Period.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    hours_limit = models.DecimalField(
        "hours limit",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Warn when the hours worked in the period reach this, for example 16 for "
        "ESA permitted work (which must be under 16 hours a week).",
    )
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    source = models.TextField(
        blank=True, help_text="Where the figure comes from: title, publisher, date, address."
    )
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
                condition=models.Q(period__in=["week", "month", "uc_assessment", "tax_year"]),
                name="threshold_period_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(hours_limit__isnull=True) | models.Q(hours_limit__gt=0),
                name="threshold_hours_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="threshold_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.name}: £{self.amount} {self.get_period_display().lower()}"


class PaymentPreference(OneQueryChecks):
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
    uc_assessment_day = models.PositiveSmallIntegerField(
        "Universal Credit claim day",
        null=True,
        blank=True,
        help_text="The day of the month your Universal Credit claim started (1 to 31): your "
        "monthly assessment periods start on it.",
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
            models.CheckConstraint(
                condition=models.Q(uc_assessment_day__isnull=True)
                | models.Q(uc_assessment_day__gte=1, uc_assessment_day__lte=31),
                name="preference_uc_day_in_month",
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_method_display()}"
