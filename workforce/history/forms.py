from __future__ import annotations

from django import forms

from workforce.history import selectors


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        person = getattr(user, "person", None)
        return f"{person.full_name} ({user.get_username()})" if person else user.get_username()


class AuditFilterForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())
    user = UserChoice(label="Who", required=False, queryset=None, empty_label="Anyone")
    record_type = forms.ChoiceField(label="Record", required=False)
    action = forms.ChoiceField(label="Action", required=False, choices=selectors.action_choices)

    def __init__(self, data, *, viewer):
        super().__init__(data)
        self.fields["user"].queryset = selectors.audit_users(viewer)
        self.fields["record_type"].choices = [
            ("", "Any record"),
            *selectors.record_types().items(),
        ]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date cannot be before the start date.")
        return data

    def filters(self) -> selectors.AuditFilters | None:
        """The filters asked for; None while the form has errors (nothing is shown then)."""
        if not self.is_bound:
            return selectors.AuditFilters()
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return selectors.AuditFilters(
            start=data["start"],
            end=data["end"],
            user_id=data["user"].pk if data["user"] else None,
            record_type=data["record_type"],
            action=data["action"],
        )
