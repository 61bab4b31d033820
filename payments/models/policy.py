from decimal import Decimal

from django.conf import settings
from django.db import models

from workforce.organisations.models import Organisation
from workforce.platform.checks import OneQueryChecks

# Used by an organisation that has not set its own payments policy.
DEFAULT_CORRECTION_MAX_INCREASE = Decimal("50.00")
# An expense line above this is refused (a typing slip of £99,999,999.99 was accepted), and a
# line above the receipt amount needs its receipt attached. Defaults an organisation changes.
DEFAULT_EXPENSE_LINE_MAX = Decimal("250.00")
DEFAULT_RECEIPT_REQUIRED_OVER = Decimal("25.00")


class PaymentPolicy(OneQueryChecks):
    """An organisation's own payments settings, changed only through
    payments.services.payment_policy_set (audited). Without a row the defaults above apply.
    """

    class MissingPayeeReference(models.TextChoices):
        WARN = "warn", "Warn and list them: finance may still include them"
        REFUSE = "refuse", "Refuse them: they wait until the person's payee reference is added"

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="payment_policy"
    )
    # A correction's fee may exceed the corrected claim's fee by at most this much (all the
    # corrections to one claim together), so a correction can never become a blank cheque.
    correction_max_increase = models.DecimalField(
        "most a correction may add above the claim's fee",
        max_digits=10,
        decimal_places=2,
        default=DEFAULT_CORRECTION_MAX_INCREASE,
    )
    expense_line_max = models.DecimalField(
        "most one expense line may be",
        max_digits=10,
        decimal_places=2,
        default=DEFAULT_EXPENSE_LINE_MAX,
    )
    receipt_required_over = models.DecimalField(
        "a receipt is needed for any expense line above",
        max_digits=10,
        decimal_places=2,
        default=DEFAULT_RECEIPT_REQUIRED_OVER,
    )
    # A claim paid without finance's reference for the person is likely to bounce back from
    # the payroll or accounts system, so finance is warned; an organisation may refuse it.
    missing_payee_reference = models.CharField(
        "claims for people with no payee reference, when a batch is made",
        max_length=10,
        choices=MissingPayeeReference.choices,
        default=MissingPayeeReference.WARN,
    )
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "payment policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(correction_max_increase__gte=0),
                name="paymentpolicy_correction_max_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(expense_line_max__gt=0, receipt_required_over__gte=0),
                name="paymentpolicy_expense_limits_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(missing_payee_reference__in=["warn", "refuse"]),
                name="paymentpolicy_missing_payee_reference_valid",
            ),
        ]

    def __str__(self):
        return f"Payments policy for {self.organisation}"

    @property
    def refuses_missing_payee_reference(self) -> bool:
        return self.missing_payee_reference == self.MissingPayeeReference.REFUSE

    @classmethod
    def for_organisation(cls, organisation_id: int) -> "PaymentPolicy":
        """The organisation's policy, or an unsaved one holding the defaults."""
        return cls.objects.filter(organisation_id=organisation_id).first() or cls(
            organisation_id=organisation_id
        )
