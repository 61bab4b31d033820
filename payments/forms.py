"""Crispy forms for payments: labels and hints in plain English; domain errors from the
services land next to the field they are about (see `show_error`)."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils import timezone

from payments.errors import PaymentsError
from payments.models import Activity, BenefitsThreshold, ExpenseLine, PaymentMethod, PaymentPolicy
from payments.money import format_gbp
from payments.services.setup import rate_card_row_problem
from payments.tiers import MAX_MINUTES, Preparation, Unit
from workforce.organisations.models import Organisation, Team

DATE = {"type": "date"}


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )


def money_field(label: str, *, required: bool = True, help_text: str = "", minimum="0.00"):
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal(minimum),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


def show_error(form: forms.Form, error: PaymentsError) -> None:
    """Put a service's refusal next to its field, or at the top if it has none."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class OrganisationChoiceMixin:
    """An organisation field only for people who act for more than one organisation."""

    def setup_organisation(self, organisations) -> None:
        organisations = list(organisations)
        self.organisations = organisations
        if len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                queryset=Organisation.objects.filter(pk__in=[o.pk for o in organisations]),
                label="Organisation",
            )
            self.order_fields(["organisation"])

    def chosen_organisation(self) -> Organisation:
        if "organisation" in self.fields:
            return self.cleaned_data["organisation"]
        return self.organisations[0]


# The claim form's default row: a value of its own, so the choice is never left empty.
SUGGESTED = "suggested"


class ClaimForm(forms.Form):
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        label="Which activity was it?",
        empty_label="It is not in the list – I will describe it",
        help_text="Choose it from the list if you can: it fills in the date for you.",
    )
    description = forms.CharField(
        required=False,
        max_length=200,
        label="What did you do?",
        help_text="Only if the activity is not in the list. For example “Reading panel papers”.",
    )
    activity_date = date_field("When was it?", required=False, help_text="Only if not in the list.")
    hours = forms.DecimalField(
        label="How long did it take, in hours?",
        help_text="For example 2, or 1.5 for an hour and a half. Do not count preparation here.",
        min_value=Decimal("0.25"),
        max_value=Decimal(MAX_MINUTES // 60),
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter how long it took in hours, for example 2 or 1.5.",
            "invalid": "Enter the hours as a number, for example 2 or 1.5.",
            "min_value": "Enter at least 0.25 hours (15 minutes).",
            "max_value": "Enter at most %(limit_value)s hours. For longer, claim each day "
            "separately.",
            "max_decimal_places": "Enter the hours as a number, for example 2 or 1.5.",
        },
    )
    preparation = forms.ChoiceField(
        label="How much preparation did it need?",
        choices=Preparation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how much preparation it needed."},
    )
    chaired_or_trained = forms.BooleanField(
        required=False, label="I chaired or co-chaired it, or delivered training"
    )
    tier = forms.ChoiceField(
        required=False,
        initial=SUGGESTED,
        label="Which row of the rate card? (optional)",
        help_text="Leave it as the suggested row unless another row fits what you did better.",
    )
    quantity = forms.DecimalField(
        required=False,
        label="How many of the row's unit? (optional)",
        help_text="Leave blank to work it out from how long it took, for example 1.5 hours "
        "on a per-hour row, or 1 for a per-task row.",
        min_value=Decimal("0.01"),
        max_value=Decimal("999.99"),
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )
    tier_reason = forms.CharField(
        required=False,
        label="Why another row? (needed if you choose one)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, activities=None, card=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activities is not None:
            self.fields["activity"].queryset = activities
        rows = list(card.tiers.all()) if card is not None else []
        self.fields["tier"].choices = [(SUGGESTED, "The suggested row")] + [
            (
                row.tier,
                f"Row {row.tier} – {format_gbp(row.fee)} {row.get_unit_display()} – "
                f"{row.description}",
            )
            for row in rows
        ]

    def clean(self):
        data = super().clean()
        if not data.get("activity"):
            if not (data.get("description") or "").strip():
                self.add_error("description", "Say what you did, or choose the activity.")
            if not data.get("activity_date") and "activity_date" not in self.errors:
                self.add_error("activity_date", "Give the date, or choose the activity.")
        return data

    @property
    def minutes(self) -> int:
        hours = self.cleaned_data["hours"]
        return int((hours * 60).to_integral_value(rounding=ROUND_HALF_UP))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "activity": data.get("activity"),
            "description": data.get("description", ""),
            "activity_date": data.get("activity_date"),
            "duration_minutes": self.minutes,
            "preparation": data["preparation"],
            "chaired_or_trained": data.get("chaired_or_trained", False),
            "tier": None if data.get("tier") in (None, "", SUGGESTED) else int(data["tier"]),
            "quantity": data.get("quantity"),
            "tier_reason": data.get("tier_reason", ""),
        }


class ExpenseForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type of expense",
        choices=ExpenseLine.Kind.choices,
        error_messages={"required": "Choose the type of expense."},
    )
    description = forms.CharField(
        max_length=200,
        label="What was it for?",
        help_text="For example “Bus fare there and back”.",
        error_messages={
            "required": "Say what the expense was for, for example “Bus fare there and back”."
        },
    )
    amount = money_field("Amount (£)", minimum="0.01")
    amount.error_messages.update(
        {
            "required": "Enter the amount in pounds, for example 4.50.",
            "invalid": "Enter the amount in pounds as a number, for example 4.50.",
            "min_value": "Enter an amount of at least £0.01.",
            "max_decimal_places": "Enter pounds and pence only, for example 4.50.",
        }
    )
    receipt = forms.FileField(
        required=False,
        label="Receipt (optional)",
        help_text="A PDF, JPEG photo or PNG image, up to 5 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )


class ApproveForm(forms.Form):
    tier = forms.TypedChoiceField(label="Row of the rate card", coerce=int)
    tier_reason = forms.CharField(
        required=False,
        label="Why a different row? (needed if you change it)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    duplicate_reason = forms.CharField(
        required=False,
        label="Why this is not a duplicate (needed only for a possible duplicate)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, claim, rows, **kwargs):
        kwargs.setdefault("initial", {"tier": claim.tier})
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [
            (
                row.tier,
                f"Row {row.tier} – {format_gbp(row.fee)} {row.get_unit_display()}"
                + (" (suggested)" if row.tier == claim.suggested_tier else ""),
            )
            for row in rows
        ]
        if not claim.possible_duplicate_of_id:
            del self.fields["duplicate_reason"]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why is it not approved?",
        help_text="The person will see this. Be clear and kind.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AdjustmentForm(forms.Form):
    fee = money_field(
        "Amount still owed (£)",
        help_text="What the person should get on top of what this claim paid. Expenses can be "
        "added to the correction separately.",
    )
    reason = forms.CharField(
        label="What is being corrected?", widget=forms.Textarea(attrs={"rows": 2})
    )


class MarkPaidForm(forms.Form):
    paid_on = date_field("Date paid")
    reference = forms.CharField(
        max_length=100, label="Payment reference", help_text="The reference finance used."
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class BatchForm(OrganisationChoiceMixin, forms.Form):
    cut_off = date_field("Cut-off date", help_text="Claims approved on or before this date.")
    cost_code = forms.CharField(
        required=False,
        max_length=50,
        label="Cost code (optional)",
        help_text="Leave blank for every cost code.",
    )

    def __init__(self, *args, organisations, **kwargs):
        kwargs.setdefault("initial", {"cut_off": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.setup_organisation(organisations)

    def clean_cut_off(self):
        # Claims are approved on or before the cut-off, so a far-future one is a typo; and
        # the last day the calendar has (9999-12-31) has no next day to end at.
        cut_off = self.cleaned_data["cut_off"]
        if cut_off > timezone.localdate() + timedelta(days=366):
            raise forms.ValidationError("Choose a cut-off no more than a year from today.")
        return cut_off


class UnreferencedChoiceForm(forms.Form):
    """What to do with claims for people who have no payee reference, when a batch is made.

    Left unanswered they are included, as the page's warning said they would be; where the
    organisation refuses them, only leaving them out is offered."""

    INCLUDE, LEAVE_OUT = "include", "leave_out"
    without_reference = forms.ChoiceField(
        label="Claims for people with no payee reference",
        choices=[
            (INCLUDE, "Include them: finance pays them without a payee reference"),
            (LEAVE_OUT, "Leave them out: they wait for a later batch"),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        required=False,
        initial=INCLUDE,
    )

    def __init__(self, *args, refused: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if refused:
            field = self.fields["without_reference"]
            field.choices = [c for c in field.choices if c[0] == self.LEAVE_OUT]
            field.initial = self.LEAVE_OUT

    @property
    def leave_out(self) -> bool:
        return self.is_valid() and self.cleaned_data["without_reference"] == self.LEAVE_OUT


class RateCardForm(OrganisationChoiceMixin, forms.Form):
    name = forms.CharField(
        max_length=200,
        label="Name",
        help_text="For example “NIHR involvement rates from 16 December 2025”.",
    )
    effective_from = date_field(
        "Applies to activities from", help_text="Earlier activities keep the card before it."
    )
    source = forms.CharField(
        required=False,
        label="Where the figures come from",
        help_text="The publisher, title, date and address of the published table, and anything "
        "you could not confirm.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_organisation(organisations)


def hours_field(label: str, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        required=False,
        label=label,
        help_text=help_text,
        min_value=Decimal("0"),
        max_value=Decimal(MAX_MINUTES // 60),
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )


ANY_PREPARATION = [("", "Any")]


class RateCardRowForm(forms.Form):
    """One row of a new card. The bands are in hours here (minutes on the row)."""

    unit = forms.ChoiceField(label="Unit", choices=Unit.choices, initial=Unit.ITEM)
    fee = money_field("Amount (£)", required=False)
    description = forms.CharField(
        required=False, max_length=300, label="What it covers", help_text="In plain words."
    )
    hours_over = hours_field(
        "Suggested for activities longer than (hours)", "Leave blank for no shortest."
    )
    hours_up_to = hours_field(
        "…and up to (hours)",
        "Leave blank for no longest. Leave both blank and both "
        "preparation levels as “Any” for a row chosen by hand only.",
    )
    preparation_from = forms.ChoiceField(
        required=False,
        label="Least preparation",
        choices=ANY_PREPARATION + list(Preparation.choices),
    )
    preparation_to = forms.ChoiceField(
        required=False,
        label="Most preparation",
        choices=ANY_PREPARATION + list(Preparation.choices),
    )
    note = forms.CharField(
        required=False,
        max_length=300,
        label="Note (optional)",
        help_text="For example “Not confirmed: …” where a figure could not be checked.",
    )

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        if data.get("fee") is None and "fee" not in self.errors:
            self.add_error("fee", "Give the amount, £0.00 or more.")
        if not (data.get("description") or "").strip() and "description" not in self.errors:
            self.add_error("description", "Say what the row covers.")
        if self.errors:
            return data
        problem = rate_card_row_problem(self.row())
        if problem is not None:
            field, message = problem
            self.add_error(FORM_FIELD.get(field, field), message)
        return data

    def row(self) -> dict:
        data = self.cleaned_data

        def minutes(hours):
            return None if hours is None else int(hours * 60)

        return {
            "unit": data.get("unit"),
            "fee": data.get("fee"),
            "description": data.get("description", ""),
            "minutes_over": minutes(data.get("hours_over")),
            "minutes_up_to": minutes(data.get("hours_up_to")),
            "preparation_from": data.get("preparation_from", ""),
            "preparation_to": data.get("preparation_to", ""),
            "note": data.get("note", ""),
        }

    @staticmethod
    def initial_for(row) -> dict:
        """A saved row (or a row's dict) as this form's initial data."""
        get = row.get if isinstance(row, dict) else lambda k, d=None: getattr(row, k, d)

        def hours(minutes):
            return None if minutes is None else (Decimal(minutes) / 60).quantize(Decimal("0.01"))

        return {
            "unit": get("unit"),
            "fee": get("fee"),
            "description": get("description", ""),
            "hours_over": hours(get("minutes_over")),
            "hours_up_to": hours(get("minutes_up_to")),
            "preparation_from": get("preparation_from", "") or "",
            "preparation_to": get("preparation_to", "") or "",
            "note": get("note", "") or "",
        }


FORM_FIELD = {"minutes_over": "hours_over", "minutes_up_to": "hours_up_to"}
MAX_ROWS = 40


class BaseRateCardRowFormSet(forms.BaseFormSet):
    def initial_form_count(self):
        # Every row may be left blank (and is then ignored), including the ones the page
        # started with: so adding, removing and previewing never trip over an empty row.
        return 0 if self.is_bound else super().initial_form_count()

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this row"

    def clean(self):
        if any(self.errors):
            return
        if not self.rows():
            raise forms.ValidationError("A rate card needs at least one row.")

    def kept_forms(self):
        """The rows filled in and not marked to be removed, in order."""
        return [
            form
            for form in self.forms
            if form.has_changed() and form.is_valid() and not form.cleaned_data.get("DELETE")
        ]

    def rows(self) -> list[dict]:
        return [form.row() for form in self.kept_forms()]


RateCardRowFormSet = forms.formset_factory(
    RateCardRowForm,
    formset=BaseRateCardRowFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
    absolute_max=MAX_ROWS,
)


class ActivityForm(OrganisationChoiceMixin, forms.Form):
    title = forms.CharField(max_length=200, label="Title")
    date = date_field("Date")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, label="Team")
    cost_code = forms.CharField(
        required=False, max_length=50, label="Cost code", help_text="Finance's budget code."
    )
    description = forms.CharField(
        required=False, label="Description", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_organisation(organisations)
        self.fields["team"].queryset = Team.objects.filter(
            organisation__in=[o.pk for o in self.organisations]
        ).select_related("organisation")


class ThresholdForm(OrganisationChoiceMixin, forms.Form):
    name = forms.CharField(
        max_length=120, label="Name", help_text="For example “ESA permitted work limit”."
    )
    period = forms.ChoiceField(label="Counted", choices=BenefitsThreshold.Period.choices)
    amount = money_field("Earnings limit (£)", minimum="0.01")
    hours_limit = forms.DecimalField(
        label="Hours limit (optional)",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=5,
        decimal_places=2,
        help_text="Warn when the hours worked in the period reach this. For ESA permitted "
        "work, 16 (the work must be under 16 hours a week).",
    )
    effective_from = date_field("From")
    effective_until = date_field("Until (optional)", required=False)
    source = forms.CharField(
        required=False,
        label="Source",
        help_text="Where the figure comes from: title, publisher, date and web address.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        required=False,
        label="Notes",
        help_text="Anything else people should know. Not advice.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_organisation(organisations)


class ThresholdEndForm(forms.Form):
    effective_until = date_field(
        "Last day it applies",
        help_text="From the next day the limit is no longer watched. Add the new figure as a "
        "new limit.",
    )


class PreferenceForm(forms.Form):
    method = forms.ChoiceField(
        label="How would you like to be paid?",
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
    )
    reduced_amount = money_field(
        "The most to be paid for one activity (£)",
        required=False,
        help_text="Only if you chose a reduced amount.",
    )
    receives_benefits = forms.BooleanField(
        required=False,
        label="I receive benefits: show my running totals and warn me before a claim crosses "
        "a limit",
        help_text="We never give benefits advice and never stop a claim.",
    )
    thresholds = forms.ModelMultipleChoiceField(
        queryset=BenefitsThreshold.objects.none(),
        required=False,
        label="Which limits should we watch?",
        help_text="Leave all unticked to watch every limit your organisation has set.",
        widget=forms.CheckboxSelectMultiple,
    )
    uc_assessment_day = forms.IntegerField(
        label="If you receive Universal Credit: the day of the month your claim started (optional)",
        required=False,
        min_value=1,
        max_value=31,
        help_text="For example 17 if it started on 17 March. Your monthly assessment periods "
        "start on this day, so we count your payments in the same months as DWP.",
    )

    def __init__(self, *args, thresholds, discussed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thresholds"].queryset = thresholds
        if not discussed:
            self.fields["method"].help_text = (
                "Vouchers and expenses only can be chosen after an individual discussion "
                "with your co-production lead has been recorded."
            )

    def clean(self):
        data = super().clean()
        if data.get("method") == PaymentMethod.REDUCED and data.get("reduced_amount") is None:
            self.add_error("reduced_amount", "Give the most you want to be paid for one activity.")
        return data


class DiscussionForm(forms.Form):
    held_on = date_field("Date of the discussion")
    held_with = forms.CharField(
        max_length=200, label="Who it was with", help_text="Names and roles of who took part."
    )
    pay_schedule = forms.CharField(
        required=False,
        label="Preferences on pay schedule",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    benefits_considerations = forms.CharField(
        required=False,
        label="Benefits considerations",
        help_text="What the person said. Record facts, not advice.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


POLICY_MONEY_MESSAGES = {
    "required": "Enter an amount in pounds, for example 50.00.",
    "invalid": "Enter the amount in pounds as a number, for example 50.00.",
    "min_value": "Enter an amount of £0.00 or more.",
    "max_digits": "Enter an amount under £100,000,000.00.",
    "max_whole_digits": "Enter an amount under £100,000,000.00.",
    "max_decimal_places": "Enter pounds and pence only, for example 50.00.",
}


class PaymentPolicyForm(forms.Form):
    correction_max_increase = money_field(
        "Most a correction may add above the claim's own fee (£)",
        help_text="A correction to a claim already sent to finance may pay up to the claim's "
        "fee plus this amount, counting every correction to that claim. For example, with "
        "£50.00 a £25.00 claim can be corrected by up to £75.00 in all. £0.00 means up to "
        "the claim's fee.",
    )
    expense_line_max = money_field(
        "Most one expense line may be (£)",
        help_text="A larger amount is refused when the expense is added, so a typing slip "
        "cannot become a payment. Leave it empty to keep it as it is.",
        minimum="0.01",
        required=False,
    )
    receipt_required_over = money_field(
        "A receipt is needed for any expense above (£)",
        help_text="£0.00 means every expense needs a receipt. Leave it empty to keep it as it is.",
        required=False,
    )
    missing_payee_reference = forms.ChoiceField(
        label="Claims for people with no payee reference, when a batch is made",
        choices=PaymentPolicy.MissingPayeeReference.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Finance's system may send back a payment without its payee reference. "
        "Either way finance sees the list of them before making the batch.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(POLICY_MONEY_MESSAGES)
