"""Forms for assignments and training records."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from workforce.platform.forms import DateInput, helper
from workforce.platform.widgets import LongSelect
from workforce.register.models import Person


def _supervisor_label(user) -> str:
    person = getattr(user, "person", None)
    return f"{person.display_name} ({user.get_username()})" if person else user.get_username()


class AssignmentForm(forms.Form):
    role_version = forms.ModelChoiceField(
        label="Role",
        queryset=None,
        empty_label="Choose a role",
        help_text="Only published roles can be given to someone.",
    )
    team = forms.ModelChoiceField(label="Team", queryset=None, empty_label="Choose a team")
    supervisor = forms.ModelChoiceField(
        label="Supervisor",
        queryset=None,
        empty_label="Choose a supervisor",
        help_text="Someone with a login who supervises or leads in this organisation.",
        widget=LongSelect,  # every supervisor and lead of a large trust
    )
    start_date = forms.DateField(label="Start date", widget=DateInput())
    end_date = forms.DateField(
        label="End date (optional)",
        required=False,
        widget=DateInput(),
        help_text="Leave empty if it has no planned end.",
    )
    hours_per_week = forms.DecimalField(
        label="Hours per week",
        min_value=0.5,
        max_value=80,
        decimal_places=1,
        help_text="For sessional work, the usual hours in a week.",
    )

    def __init__(self, *args, person: Person, role_versions, teams, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["role_version"].queryset = role_versions
        self.fields["role_version"].label_from_instance = lambda v: (
            f"{v.title} (version {v.number}, {v.band_or_basis})"
        )
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda team: team.name
        self.fields["supervisor"].queryset = supervisors
        self.fields["supervisor"].label_from_instance = _supervisor_label
        self.fields["start_date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date cannot be before the start date.")
        return data


class AssignmentChangeForm(forms.Form):
    supervisor = forms.ModelChoiceField(
        label="Supervisor", queryset=None, empty_label=None, widget=LongSelect
    )
    hours_per_week = forms.DecimalField(
        label="Hours per week", min_value=0.5, max_value=80, decimal_places=1
    )

    def __init__(self, *args, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["supervisor"].queryset = supervisors
        self.fields["supervisor"].label_from_instance = _supervisor_label


class AssignmentEndForm(forms.Form):
    end_date = forms.DateField(label="Last day in this role", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["end_date"].initial = timezone.localdate()


class AssignmentMoveForm(forms.Form):
    role_version = forms.ModelChoiceField(label="Newer version", queryset=None, empty_label=None)
    on = forms.DateField(
        label="From",
        widget=DateInput(),
        help_text="The first day on the new version. The current one ends the day before.",
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["role_version"].queryset = versions
        self.fields["role_version"].label_from_instance = lambda v: (
            f"{v.title} (version {v.number})"
        )
        self.fields["on"].initial = timezone.localdate()


class TrainingRecordForm(forms.Form):
    requirement = forms.ModelChoiceField(
        label="Training", queryset=None, empty_label="Choose the training"
    )
    completed_on = forms.DateField(label="Completed on", widget=DateInput())
    expires_on = forms.DateField(
        label="Expires on (optional)",
        required=False,
        widget=DateInput(),
        help_text="Leave empty to work it out from how often the role says it is renewed.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=200,
        help_text="For example the provider or a certificate number.",
    )

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["requirement"].queryset = requirements
        self.fields["requirement"].label_from_instance = lambda r: (
            f"{r.item} — {r.version.title} v{r.version.number}"
            + (f" (renew every {r.renewal_months} months)" if r.renewal_months else "")
        )
        self.fields["completed_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        done, expires = data.get("completed_on"), data.get("expires_on")
        if done and done > timezone.localdate():
            self.add_error("completed_on", "Training cannot be completed in the future.")
        if done and expires and expires <= done:
            self.add_error("expires_on", "The expiry date must be after the completion date.")
        return data
