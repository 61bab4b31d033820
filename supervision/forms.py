"""Forms for logging supervision, disputing a log and adding actions.

The log form is phone-first: the fields a peer worker needs fit one screen at 375 px, with
today, their named supervisor and the type of supervision they most need filled in.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

from supervision.models import MAX_MINUTES, SessionFormat, SupervisionSession, Topic
from supervision.services import ActionInput
from workforce.platform.query import BoundedDateField
from workforce.platform.widgets import LongSelect

ME = "me"
SUPERVISOR = "supervisor"
DEFAULT_MINUTES = 60
ACTION_DUE_IN_DAYS = 28


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **attrs):
        super().__init__(format="%Y-%m-%d", attrs=attrs)


class SupervisorChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        person = getattr(user, "person", None)
        return person.full_name if person else user.get_username()


class PersonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person):
        return person.full_name


DETAILS = ["date", "minutes", "kind", "format"]


class SessionDetailsForm(forms.Form):
    """What a session was: shared by the log form and the correction form."""

    date = forms.DateField(
        label="Date",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date of the session.",
            "invalid": "Enter the date as day, month and year, for example 11 11 2026.",
        },
    )
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=1,
        max_value=MAX_MINUTES,
        error_messages={
            "required": "Enter how long the session was in minutes, for example 60.",
            "invalid": "Enter the minutes as a whole number, for example 60.",
            "min_value": "Enter at least 1 minute.",
            "max_value": "Enter at most %(limit_value)s minutes.",
        },
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=SupervisionSession.Kind.choices,
        error_messages={"required": "Choose the type of supervision."},
    )
    format = forms.ChoiceField(
        label="How you met",
        choices=SessionFormat.choices,
        initial=SessionFormat.IN_PERSON,
        error_messages={"required": "Choose how you met, for example in person."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(
                "The date cannot be in the future. Enter the day the session happened."
            )
        return date


class SessionForm(SessionDetailsForm):
    """Log a session. `mode` is "supervisee" (I was supervised: choose the supervisor) or
    "supervisor" (I supervised: choose who, one person or a group)."""

    field_order = ["supervisees", "supervisor", *DETAILS]

    supervisees = PersonChoices(
        label="Who was supervised",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick everyone who was there. Tick several for a group session.",
    )
    supervisor = SupervisorChoice(
        label="Supervisor",
        queryset=None,
        empty_label="Choose",
        error_messages={"required": "Choose who supervised you."},
        widget=LongSelect,  # every supervisor and lead of a large trust
    )
    topics = forms.MultipleChoiceField(
        label="Topics (optional)",
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label="Private notes (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    action_text = forms.CharField(label="Agreed action (optional)", required=False, max_length=300)
    action_owner = forms.ChoiceField(label="Whose action", required=False)
    action_due_date = forms.DateField(label="Due by", required=False, widget=DateInput())

    def __init__(
        self,
        *args,
        mode: str,
        supervisors=None,
        supervisees=None,
        user=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.mode = mode
        self.user = user
        if mode == "supervisee":
            del self.fields["supervisees"]
            self.fields["supervisor"].queryset = supervisors
            self.fields["action_owner"].choices = [(ME, "Me"), (SUPERVISOR, "My supervisor")]
            private_to = "you and your supervisor"
        else:
            del self.fields["supervisor"]
            self.fields["supervisees"].queryset = supervisees
            self.fields["action_owner"].choices = [(ME, "Me")] + [
                (f"p{person.pk}", person.full_name) for person in list(supervisees)
            ]
            private_to = "you and the people you supervised"
        self.fields["notes"].help_text = f"Only {private_to} can read these, never leads."
        self.fields["topics"].help_text = f"Private: only {private_to} see them."
        self.fields["action_owner"].initial = ME

    def clean(self):
        data = super().clean()
        if data.get("action_text", "").strip() and not data.get("action_due_date"):
            self.add_error("action_due_date", "Give the date the action is due by.")
        return data

    def action_inputs(self, supervisor_user) -> list[ActionInput]:
        text = self.cleaned_data.get("action_text", "").strip()
        if not text:
            return []
        owner_key = self.cleaned_data.get("action_owner") or ME
        if owner_key == ME:
            owner = self.user
        elif owner_key == SUPERVISOR:
            owner = supervisor_user
        else:
            chosen = {f"p{p.pk}": p for p in self.cleaned_data.get("supervisees", [])}
            person = chosen.get(owner_key)
            owner = person.user if person else None
        return [ActionInput(text=text, owner=owner, due_date=self.cleaned_data["action_due_date"])]


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label="Why do you disagree with this log?",
        help_text="For example: we did not meet that day, or it was 30 minutes, not 60. The "
        "other party and your organisation's co-production leads can read this, so do not "
        "put private notes here.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why you disagree, for example “we did not meet that day”."
        },
    )


class CorrectForm(SessionDetailsForm):
    """Correct a log: its details as they were, to change, and for a group, anyone to take
    off (someone who says they were not there)."""

    remove = PersonChoices(
        label="Take anyone off this session? (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick someone who was not there. Their open actions from it go with them.",
    )

    def __init__(self, *args, session: SupervisionSession, people, **kwargs):
        kwargs.setdefault("initial", {name: getattr(session, name) for name in DETAILS})
        super().__init__(*args, **kwargs)
        if len(people) > 1:
            self.fields["remove"].queryset = people
        else:
            del self.fields["remove"]


class ActionForm(forms.Form):
    text = forms.CharField(label="Action", max_length=300)
    owner = forms.ChoiceField(label="Whose action")
    due_date = forms.DateField(label="Due by", widget=DateInput())

    def __init__(self, *args, parties: list[tuple[object, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {str(user.pk): user for user, _ in parties}
        self.fields["owner"].choices = [(str(user.pk), label) for user, label in parties]

    def clean_owner(self):
        return self.parties[self.cleaned_data["owner"]]


class RecordRangeForm(forms.Form):
    start = BoundedDateField(label="From", widget=DateInput())
    end = BoundedDateField(label="To", widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date cannot be before the start date.")
        return data


class SessionFilterForm(forms.Form):
    q = forms.CharField(label="Name", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *SupervisionSession.Kind.choices]
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *SupervisionSession.Status.choices],
    )
    start = BoundedDateField(label="From", required=False, widget=DateInput())
    end = BoundedDateField(label="To", required=False, widget=DateInput())
