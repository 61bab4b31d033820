"""Forms for the register: the people list's filters, a person's record, leaving, invites,
and CSV import."""

from __future__ import annotations

from django import forms

from roles.models import RoleFamily
from workforce.organisations.models import Capacity, Organisation, Team
from workforce.platform.forms import DateInput, helper
from workforce.platform.widgets import LongSelect
from workforce.register.models import Person
from workforce.register.people_csv import COLUMNS, MAX_BYTES, REQUIRED
from workforce.register.selectors.people import DEFAULT_SORT, SORTS, PeopleFilters


class PeopleFilterForm(forms.Form):
    # Selects written in one pass (workforce/widgets.py): six of them, with every team of a
    # large trust, were a fifth of the people list's time (bench/README.md).
    q = forms.CharField(label="Name", required=False, max_length=100)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="All", widget=LongSelect
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="All", widget=LongSelect
    )
    family = forms.ChoiceField(label="Role family", required=False, widget=LongSelect)
    engagement_type = forms.ChoiceField(
        required=False, choices=[("", "All"), *Person.EngagementType.choices], widget=LongSelect
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "All"), *Person.Status.choices], widget=LongSelect
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        initial=DEFAULT_SORT,
        widget=LongSelect,
    )

    def __init__(self, *args, organisations, teams, payee_only: bool, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["organisation"].queryset = organisations
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda team: (
            team.name if len(organisations) < 2 else f"{team.name} ({team.organisation.name})"
        )
        self.fields["family"].choices = [("", "All"), *RoleFamily.choices]
        if len(organisations) < 2:
            del self.fields["organisation"]
        if payee_only:
            for name in ("team", "family", "engagement_type"):
                del self.fields[name]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
        self.fields["q"].widget.input_type = "search"

    def filters(self):

        data = self.cleaned_data if self.is_valid() else {}
        return PeopleFilters(
            q=(data.get("q") or "").strip(),
            organisation=getattr(data.get("organisation"), "pk", None),
            team=getattr(data.get("team"), "pk", None),
            family=data.get("family") or "",
            engagement_type=data.get("engagement_type") or "",
            status=data.get("status") or "",
            sort=data.get("sort") or DEFAULT_SORT,
        )


class PersonForm(forms.ModelForm):
    status = forms.ChoiceField(
        choices=[
            (Person.Status.ACTIVE, Person.Status.ACTIVE.label),
            (Person.Status.PAUSED, Person.Status.PAUSED.label),
        ],
        help_text="“On a break” keeps their record and roles while they take time out. "
        "To record that someone has left, use “Record leaving” on their page.",
    )

    class Meta:
        model = Person
        fields = [
            "organisation",
            "full_name",
            "preferred_name",
            "pronouns",
            "email",
            "phone",
            "engagement_type",
            "status",
            "start_date",
            "payee_reference",
        ]
        labels = {
            "full_name": "Full name",
            "preferred_name": "Preferred name (optional)",
            "pronouns": "Pronouns (optional)",
            "phone": "Phone (optional)",
            "payee_reference": "Finance payee reference (optional)",
            "start_date": "Start date (optional)",
        }
        help_texts = {
            "preferred_name": "What they like to be called. Shown instead of their full name.",
            "pronouns": "Only if they want them shown, for example she/her or they/them.",
            "email": "Needed to invite them to sign in; also how imports recognise them.",
            "payee_reference": "Finance's reference for paying them. Never bank details.",
        }
        widgets = {"start_date": DateInput(), "engagement_type": forms.RadioSelect}

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        if self.instance.pk or organisations is None or len(organisations) < 2:
            # The organisation is fixed once someone is on a register, or when there is
            # only one to choose; the view sets it on the instance.
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
            self.fields["organisation"].empty_label = "Choose one"
        if self.instance.pk and self.instance.has_left:
            del self.fields["status"]


class LeaveForm(forms.Form):
    end_date = forms.DateField(label="Last day", widget=DateInput())
    reason = forms.ChoiceField(
        label="Reason for leaving", choices=Person.LeavingReason.choices, widget=forms.RadioSelect
    )
    close_login = forms.BooleanField(
        label="End their access and switch off their login",
        required=False,
        initial=True,
        help_text="Their access to this organisation ends now, and they are signed out "
        "everywhere. (If they also work for another organisation here, their login keeps "
        "that access only.) Untick if they still need to sign in, for example to claim for "
        "work already done: the access review report will list them until their access ends.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()


class InviteForm(forms.Form):
    capacity = forms.ChoiceField(
        label="What will they do here?",
        choices=[
            (Capacity.PEER_WORKER, "Peer worker: sees their own role, training and plan"),
            (Capacity.SUPERVISOR, "Supervisor: also sees the people they supervise"),
        ],
        initial=Capacity.PEER_WORKER,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()


class ImportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), empty_label="Choose one"
    )
    file = forms.FileField(
        label="CSV file",
        help_text=(
            f"A CSV file saved as UTF-8, at most {MAX_BYTES // 1024 // 1024} MB. The first row "
            f"names the columns: {', '.join(REQUIRED)} (required) and any of "
            f"{', '.join(c for c in COLUMNS if c not in REQUIRED)}."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before a byte is read into memory.
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files and import each."
            )
        return upload


class CapacityGrantForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Who",
        queryset=None,
        empty_label="Choose a login",
        help_text="Only people on this organisation's register, or already part of it.",
    )
    capacity = forms.ChoiceField(
        label="What they will do here",
        choices=[("", "Choose one"), *Capacity.choices],
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda login: (
            f"{login.person.display_name} ({login.get_username()})"
            if getattr(login, "person", None)
            else login.get_username()
        )
        self.helper = helper()
