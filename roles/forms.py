"""The role editor: one form for the version's fields and a formset for each list.

Rows can be added ("Add another ...") and moved up by submit buttons that re-render the
page with the user's input kept, so the editor works without JavaScript. A blank row is
ignored; a row ticked "Remove" is dropped on save.
"""

from __future__ import annotations

from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet

from roles.models import (
    REMIND_DAYS_DEFAULT,
    REMIND_DAYS_MAX,
    EscalationStep,
    ProgressionRoute,
    Role,
    RoleDuty,
    RoleExclusion,
    RoleVersion,
    SupervisionRequirement,
    TrainingRequirement,
)
from workforce.organisations.models import Organisation

MAX_ROWS = 30


class RoleVersionForm(forms.ModelForm):
    """The version's own fields; `family` and `organisation` only where they may be chosen."""

    class Meta:
        model = RoleVersion
        fields = [
            "title",
            "purpose",
            "lived_experience_kind",
            "lived_experience_detail",
            "employment_basis",
            "afc_band",
        ]
        labels = {"title": "Role title", "purpose": "Purpose of the role"}
        help_texts = {"title": "For example: Peer support worker, community mental health team."}
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "lived_experience_detail": forms.Textarea(attrs={"rows": 2}),
            "lived_experience_kind": forms.RadioSelect,
            "employment_basis": forms.RadioSelect,
        }

    def __init__(
        self,
        *args,
        family_editable: bool = False,
        organisations: QuerySet[Organisation] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        about = ["title"]
        if family_editable:
            self.fields["family"] = forms.ChoiceField(
                label="Role family",
                choices=[("", "Choose a family"), *Role.Family.choices],
                help_text="Peer support, senior peer and expert by experience roles need at "
                "least one exclusion before they can be published.",
            )
            about.append("family")
        if organisations is not None and len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                queryset=organisations, label="Organisation", empty_label="Choose one"
            )
            about.insert(0, "organisation")
        self.fields["afc_band"].choices = [
            ("", "Not employed on a band"),
            *RoleVersion.Band.choices,
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset("About the role", *about, "purpose"),
            Fieldset("Lived experience", "lived_experience_kind", "lived_experience_detail"),
            Fieldset("Employment", "employment_basis", "afc_band"),
        )

    def clean(self):
        cleaned = super().clean()
        basis = cleaned.get("employment_basis")
        band = cleaned.get("afc_band")
        # Said at the field, rather than as the database constraint's general message.
        if basis == RoleVersion.EmploymentBasis.EMPLOYED and not band:
            self.add_error("afc_band", "Choose the band for an employed role.")
        elif basis and basis != RoleVersion.EmploymentBasis.EMPLOYED and band:
            self.add_error("afc_band", "Only employed roles have a band: choose “Not employed”.")
        kind = cleaned.get("lived_experience_kind")
        if (
            kind == RoleVersion.LivedExperience.NAMED_SERVICE
            and not cleaned.get("lived_experience_detail", "").strip()
        ):
            self.add_error("lived_experience_detail", "Say which service, for example perinatal.")
        return cleaned


class RowForm(forms.ModelForm):
    """One row of a list. Every row may be left blank (it is then ignored)."""

    content_fields: tuple[str, ...] = ()

    def has_changed(self) -> bool:
        # The formset's own Remove box is not content: a ticked blank row is still blank.
        return any(name in self.changed_data for name in self.content_fields)


class DutyForm(RowForm):
    content_fields = ("text",)

    class Meta:
        model = RoleDuty
        fields = ["text"]
        labels = {"text": "What the role does"}


class ExclusionForm(RowForm):
    content_fields = ("text", "instead")

    class Meta:
        model = RoleExclusion
        fields = ["text", "instead"]
        labels = {"text": "What the role must never do"}


class SupervisionForm(RowForm):
    content_fields = ("kind", "min_frequency_days", "min_minutes")

    class Meta:
        model = SupervisionRequirement
        fields = ["kind", "min_frequency_days", "min_minutes"]


class EscalationForm(RowForm):
    content_fields = ("who", "for_what", "how_fast")

    class Meta:
        model = EscalationStep
        fields = ["for_what", "who", "how_fast"]
        labels = {"for_what": "When this happens"}
        help_texts = {"for_what": "For example: someone talks about harming themselves."}


class TrainingForm(RowForm):
    # The reminder days have a default, so they alone do not make a blank row a real one.
    content_fields = ("item", "renewal_months")

    class Meta:
        model = TrainingRequirement
        fields = ["item", "renewal_months", "remind_days_before"]
        labels = {"remind_days_before": "Remind this many days before it expires"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["remind_days_before"]
        field.required = False
        message = f"Enter a number of days from 1 to {REMIND_DAYS_MAX}, or leave it empty."
        field.validators = [
            MinValueValidator(1, message=message),
            MaxValueValidator(REMIND_DAYS_MAX, message=message),
        ]
        field.help_text = (
            "The person and their supervisor are emailed this many days before it expires, "
            f"and again on the day. Leave empty for {REMIND_DAYS_DEFAULT}; at most "
            f"{REMIND_DAYS_MAX}."
        )

    def clean_remind_days_before(self):
        value = self.cleaned_data.get("remind_days_before")
        return REMIND_DAYS_DEFAULT if value is None else value


class RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.current_title} ({obj.get_family_display().lower()})"


class ProgressionForm(RowForm):
    content_fields = ("to_role", "note")

    class Meta:
        model = ProgressionRoute
        fields = ["to_role", "note"]
        field_classes = {"to_role": RoleChoiceField}

    def __init__(self, *args, role_choices: QuerySet[Role] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_role"].queryset = (
            role_choices if role_choices is not None else Role.objects.none()
        )
        self.fields["to_role"].empty_label = "Choose a role"


class RowFormSet(forms.BaseFormSet):
    unique_field: str | None = None
    unique_message = ""

    def _construct_form(self, i, **kwargs):
        # Blank rows are always allowed (and ignored), whether new or shown from the start.
        kwargs["empty_permitted"] = True
        return super()._construct_form(i, **kwargs)

    def kept_forms(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]

    def items(self) -> list:
        """The rows to save, in page order, as unsaved model instances."""
        return [form.instance for form in self.kept_forms()]

    def clean(self):
        if any(self.errors) or not self.unique_field:
            return
        seen = set()
        for form in self.kept_forms():
            value = form.cleaned_data.get(self.unique_field)
            if value in seen:
                raise forms.ValidationError(self.unique_message)
            seen.add(value)


class SupervisionFormSet(RowFormSet):
    unique_field = "kind"
    unique_message = "Each type of supervision can be listed only once."


class ProgressionFormSet(RowFormSet):
    unique_field = "to_role"
    unique_message = "Each role can be listed only once."


@dataclass(frozen=True)
class ListSpec:
    prefix: str  # also the RoleVersion related name and the RoleContent attribute
    title: str
    noun: str
    hint: str
    form: type[RowForm]
    formset: type[RowFormSet] = RowFormSet

    def formset_class(self):
        return forms.formset_factory(
            self.form,
            formset=self.formset,
            extra=0,
            can_delete=True,
            max_num=MAX_ROWS,
            validate_max=True,
            absolute_max=MAX_ROWS,
        )


LISTS = [
    ListSpec(
        "duties",
        "Duties",
        "duty",
        "What the role does, one duty a row. At least one is needed to publish.",
        DutyForm,
    ),
    ListSpec(
        "exclusions",
        "Exclusions",
        "exclusion",
        "What the role must never do, such as clinical advice or crisis intervention. Peer "
        "support, senior peer and expert by experience roles need at least one to publish.",
        ExclusionForm,
    ),
    ListSpec(
        "supervision_requirements",
        "Supervision",
        "supervision requirement",
        "How often, and for how long, the worker must be supervised. At least one is needed "
        "to publish.",
        SupervisionForm,
        SupervisionFormSet,
    ),
    ListSpec(
        "escalation_steps",
        "Escalation pathway",
        "escalation step",
        "Where the worker goes when something goes wrong, in order. At least one step is "
        "needed to publish.",
        EscalationForm,
    ),
    ListSpec(
        "training_requirements",
        "Training",
        "training requirement",
        "Training the role needs, and how often it must be renewed.",
        TrainingForm,
    ),
    ListSpec(
        "progression_routes",
        "Progression routes",
        "progression route",
        "Published roles in your organisation this role can lead on to.",
        ProgressionForm,
        ProgressionFormSet,
    ),
]
LISTS_BY_PREFIX = {spec.prefix: spec for spec in LISTS}


def row_values(form: forms.Form) -> dict:
    """What a bound row holds, as initial data for re-showing it unbound."""
    return {name: form[name].value() for name in form.fields}
