"""Forms for reporting and for each step. They check the shape of what was typed; the rules
(who, which state, mandatory escalation) are the services' to enforce."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model

from roles.models import RoleExclusion
from supervision.incidents import deadlines, rules
from supervision.incidents.models import (
    AbuseType,
    Agency,
    Category,
    DbsDecision,
    Incident,
    Outcome,
    ReferralConsent,
    Safeguarding,
    Severity,
    State,
    TriageDecision,
)
from supervision.incidents.selectors import SORTS
from workforce.platform.widgets import LongSelect


class DateInput(forms.DateInput):
    """The browser's own date picker; its value is always ISO (2026-01-31)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def helper() -> FormHelper:
    # Templates write the <form> tag, CSRF token and buttons themselves.
    h = FormHelper()
    h.form_tag = False
    h.disable_csrf = True
    return h


def user_label(user) -> str:
    person = getattr(user, "person", None)
    return person.display_name if person else user.get_username()


class FindPersonForm(forms.Form):
    """Step 1 for someone who may report about many people: part of a name first."""

    q = forms.CharField(
        label="Find the worker by name",
        max_length=100,
        required=False,
        help_text="Type part of their first or last name, then press Find.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()

    def clean_q(self):
        text = " ".join(self.cleaned_data["q"].split())
        if not text:
            raise forms.ValidationError("Type part of their name to find them.")
        return text


class ChoosePersonForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Who is it about?",
        queryset=None,
        empty_label="Choose the worker",
        help_text="The worker whose boundary was crossed. You can report about yourself.",
        widget=LongSelect,  # a lead chooses from everyone in their organisations
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        shown = ("full_name", "organisation", "organisation__name")
        self.fields["person"].queryset = people.only(*shown)
        several = people.values("organisation_id").distinct().order_by()[:2].count() > 1
        self.fields["person"].label_from_instance = lambda p: (
            f"{p.full_name} ({p.organisation.name})" if several else p.full_name
        )


class ReportForm(forms.Form):
    occurred_on = forms.DateField(
        label="Date it happened", widget=DateInput(), help_text="For example 27/3/2026."
    )
    occurred_time = forms.TimeField(
        label="Time it happened (optional)",
        required=False,
        widget=TimeInput(),
        help_text="If you know it.",
    )
    category = forms.ChoiceField(
        label="What kind of boundary was it about?",
        choices=[("", "Choose one"), *Category.choices],
        help_text="Choose the one that fits best. You can add a correction later.",
    )
    exclusion = forms.ModelChoiceField(
        label="Which part of their role was crossed? (optional)",
        queryset=None,
        required=False,
        empty_label="None of these, or not sure",
        help_text="These are the things their current role says they must never do.",
    )
    severity = forms.ChoiceField(
        label="How serious was it?",
        choices=Severity.choices,
        widget=forms.RadioSelect,
        help_text="High or critical incidents always go to a safeguarding lead.",
    )
    safeguarding = forms.ChoiceField(
        label="Is anyone at risk of abuse or neglect?",
        choices=Safeguarding.choices,
        widget=forms.RadioSelect,
        initial=Safeguarding.NONE,
        help_text="Any safeguarding concern always goes to a safeguarding lead.",
    )
    abuse_types = forms.MultipleChoiceField(
        label="Which types of abuse or neglect? (optional)",
        choices=AbuseType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only if someone is at risk. Tick all that apply; a safeguarding lead can "
        "change them later. The worker never sees these.",
    )
    narrative = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="Facts in order: where, who was there, what was said and done. It cannot be "
        "edited after you send it; corrections are added underneath.",
    )
    told_someone = forms.TypedChoiceField(
        label="Have you already told someone about it in person or by phone?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="no",
    )
    told_whom = forms.CharField(
        label="Who did you tell? (if you did)",
        required=False,
        max_length=200,
        help_text="Their name and role, for example: Daniel Hughes, my supervisor.",
    )

    def __init__(self, *args, exclusions, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["occurred_on"].initial = deadlines.today()
        self.fields["exclusion"].queryset = exclusions
        self.fields["exclusion"].label_from_instance = lambda e: f"{e.text} ({e.version.title})"
        if not exclusions:
            self.fields[
                "exclusion"
            ].help_text = (
                "They have no current role with listed exclusions, so there is nothing to choose."
            )

    def clean(self):
        data = super().clean()
        if data.get("told_someone") and not (data.get("told_whom") or "").strip():
            self.add_error("told_whom", "Say who you told.")
        return data


class TriageForm(forms.Form):
    decision = forms.ChoiceField(
        label="What should happen next?", choices=TriageDecision.choices, widget=forms.RadioSelect
    )
    escalate_to = forms.ModelChoiceField(
        label="Safeguarding lead to escalate it to",
        queryset=None,
        required=False,
        empty_label="Choose a safeguarding lead",
        help_text="Needed if you escalate. They are emailed straight away.",
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="A sentence or two. This is kept in the incident's chronology.",
    )

    def __init__(self, *args, incident: Incident, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["escalate_to"].queryset = leads
        self.fields["escalate_to"].label_from_instance = user_label
        # Why escalation is mandatory ("" if it is not), for the page to say.
        self.mandatory_because = rules.why_mandatory(incident)
        if rules.escalation_mandatory(incident):
            # Not offered at all: the service and the database would refuse it anyway.
            self.fields["decision"].choices = [
                (TriageDecision.ESCALATE, TriageDecision.ESCALATE.label)
            ]
            self.fields["decision"].initial = TriageDecision.ESCALATE
            self.fields["decision"].help_text = (
                f"Escalation is mandatory here: {self.mandatory_because}. It cannot be "
                "managed through supervision alone."
            )

    def clean(self):
        data = super().clean()
        if data.get("decision") == TriageDecision.ESCALATE and not data.get("escalate_to"):
            self.add_error("escalate_to", "Choose the safeguarding lead to escalate it to.")
        return data


class EscalateForm(forms.Form):
    escalate_to = forms.ModelChoiceField(
        label="Safeguarding lead", queryset=None, empty_label="Choose a safeguarding lead"
    )
    reason = forms.CharField(
        label="Why?", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["escalate_to"].queryset = leads
        self.fields["escalate_to"].label_from_instance = user_label


class NoteForm(forms.Form):
    """A single optional or required note: acknowledging, completing an action, reviewing."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, label: str, help_text: str = "", required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["note"].label = label
        self.fields["note"].help_text = help_text
        self.fields["note"].required = required


class ReferralForm(forms.Form):
    agency = forms.ChoiceField(
        label="Referred to", choices=[("", "Choose the agency"), *Agency.choices]
    )
    agency_name = forms.CharField(
        label="Name of the agency or team",
        required=False,
        max_length=200,
        help_text="Needed for another agency; useful for all. For example: Northshire County "
        "Council Adult Social Care.",
    )
    reference = forms.CharField(
        label="Their reference (optional)",
        required=False,
        max_length=100,
        help_text="The case or log number they gave you, if any.",
    )
    referred_on = forms.DateField(label="Date referred", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["referred_on"].initial = deadlines.today()


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What needs doing?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One clear step, for example: boundaries refresher in next supervision.",
    )
    owner = forms.ModelChoiceField(
        label="Who will do it?",
        queryset=None,
        empty_label="Choose who",
        help_text="Only people who can see this incident are listed.",
    )
    due_on = forms.DateField(label="Due by", widget=DateInput())

    def __init__(self, *args, owners: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(pk__in=[user.pk for user in owners])
            .select_related("person")
            .order_by("person__full_name", "username")
        )
        self.fields["owner"].label_from_instance = user_label


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=[("", "Choose one"), *Outcome.choices])
    learning = forms.CharField(
        label="What has been learned?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text="For the worker, the team and the organisation. Seen by everyone who can see "
        "the incident, including the worker if it is shown to them.",
    )
    no_referral_reason = forms.CharField(
        label="Why was no external referral made?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text="Needed for an escalated incident with no referral recorded.",
    )

    def __init__(self, *args, needs_referral_reason: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        if not needs_referral_reason:
            del self.fields["no_referral_reason"]


class AbuseTypesForm(forms.Form):
    abuse_types = forms.MultipleChoiceField(
        label="Types of abuse or neglect",
        choices=AbuseType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick all that apply (the ten types in the Care and Support Statutory "
        "Guidance). Untick them all if none applies.",
    )
    reason = forms.CharField(
        label="Why are you recording or changing them?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text="Kept in the chronology.",
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["abuse_types"].initial = list(incident.abuse_types)


class PersonalForm(forms.Form):
    """Making Safeguarding Personal: what the person at risk wants, and how that was heard."""

    views = forms.CharField(
        label="The person's views and wishes",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text="What they want to happen, in their words where you can. If they could not "
        "be asked, say why.",
    )
    consent = forms.ChoiceField(
        label="Did they agree to a referral?",
        choices=ReferralConsent.choices,
        widget=forms.RadioSelect,
    )
    without_consent_reason = forms.CharField(
        label="Why is the referral made without their agreement? (if it is)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text="For example: others are at risk, or a crime has been committed.",
    )
    capacity_considered = forms.TypedChoiceField(
        label="Was their mental capacity to make this decision considered?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    capacity_note = forms.CharField(
        label="Note on mental capacity",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text="What was concluded, or why their capacity was not in doubt.",
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        if incident.personal_recorded_at is not None:
            self.fields["views"].initial = incident.personal_views
            self.fields["consent"].initial = incident.referral_consent
            self.fields["without_consent_reason"].initial = incident.referral_without_consent_reason
            self.fields["capacity_considered"].initial = (
                "yes" if incident.capacity_considered else "no"
            )
            self.fields["capacity_note"].initial = incident.capacity_note

    def clean(self):
        data = super().clean()
        reason = (data.get("without_consent_reason") or "").strip()
        if data.get("consent") == ReferralConsent.WITHOUT and not reason:
            self.add_error(
                "without_consent_reason", "Say why the referral is made without their agreement."
            )
        return data


class DbsForm(forms.Form):
    """The DBS as a referral agency: the duty to refer, where the worker is removed from
    regulated activity."""

    removed = forms.TypedChoiceField(
        label="Has the worker been removed from regulated activity?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="no",
        help_text="Or would have been, had they not resigned or left. If so, the duty to refer "
        "to the Disclosure and Barring Service applies.",
    )
    decision = forms.ChoiceField(
        label="Duty to refer considered",
        choices=[("", "Not decided yet"), *DbsDecision.choices],
        required=False,
    )
    referred_on = forms.DateField(
        label="Date referred to the DBS (if referred)", required=False, widget=DateInput()
    )
    reason = forms.CharField(
        label="Why was the worker not referred? (if not)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        self.fields["removed"].initial = "yes" if incident.removed_from_regulated_activity else "no"
        self.fields["decision"].initial = incident.dbs_decision
        self.fields["referred_on"].initial = incident.dbs_referred_on
        self.fields["reason"].initial = incident.dbs_not_referred_reason

    def clean(self):
        data = super().clean()
        if data.get("removed") and not data.get("decision"):
            self.add_error("decision", "Say whether the worker was referred to the DBS.")
        if data.get("decision") == DbsDecision.REFERRED and not data.get("referred_on"):
            self.add_error("referred_on", "Give the date of the DBS referral.")
        if (
            data.get("decision") == DbsDecision.NOT_REFERRED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Say why the worker was not referred to the DBS.")
        return data


class CorrectionForm(forms.Form):
    occurred_on = forms.DateField(label="Date it happened", widget=DateInput())
    occurred_time = forms.TimeField(
        label="Time it happened (optional)", required=False, widget=TimeInput()
    )
    category = forms.ChoiceField(label="Kind of boundary", choices=Category.choices)
    exclusion = forms.ModelChoiceField(
        label="Part of their role crossed",
        queryset=None,
        required=False,
        empty_label="None of these, or not sure",
    )
    severity = forms.ChoiceField(label="Severity", choices=Severity.choices)
    safeguarding = forms.ChoiceField(label="Safeguarding concern", choices=Safeguarding.choices)
    reason = forms.CharField(
        label="What is being corrected, and why?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text="To correct the account itself, write the correction here: the original "
        "report is never changed, and this is added to the chronology.",
    )
    lift_escalation = forms.BooleanField(
        label="Lift mandatory escalation: it no longer needs a safeguarding lead",
        required=False,
    )

    def __init__(self, *args, incident: Incident, exclusions, may_lift: bool = False, **kwargs):
        initial = {
            "occurred_on": incident.occurred_on,
            "occurred_time": incident.occurred_time,
            "category": incident.category,
            "exclusion": incident.exclusion_id,
            "severity": incident.severity,
            "safeguarding": incident.safeguarding,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.helper = helper()

        # The worker's current exclusions, and the one already chosen (even if their role
        # has changed since).
        self.fields["exclusion"].queryset = RoleExclusion.objects.filter(
            pk__in=[*exclusions.values_list("pk", flat=True), incident.exclusion_id or 0]
        ).select_related("version")
        self.fields["exclusion"].label_from_instance = lambda e: f"{e.text} ({e.version.title})"
        if may_lift and rules.escalation_mandatory(incident):
            self.fields["lift_escalation"].help_text = (
                f"Only a safeguarding lead can do this. Escalation is mandatory because "
                f"{rules.why_mandatory(incident)}. Tick this only if, with the severity and "
                "safeguarding concern corrected above, it can be managed without you. Your "
                "reason is kept in the chronology."
            )
        else:
            del self.fields["lift_escalation"]


class VisibilityForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Kept in the chronology. The worker never sees it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()


class LeadsOnlyForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Why only safeguarding leads need to know. Kept in the chronology and in "
        "the audit trail, which administrators read: give the reason, not what happened.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()


class PolicyForm(forms.Form):
    triage_working_days = forms.IntegerField(
        label="Triage within (working days)",
        min_value=1,
        max_value=10,
        help_text="Working days skip weekends and the bank holidays of your organisation's nation.",
    )
    acknowledge_hours = forms.IntegerField(
        label="A safeguarding lead acknowledges an escalation within (hours)",
        min_value=1,
        max_value=72,
    )
    acknowledge_urgent_hours = forms.IntegerField(
        label="…or, when it is critical or a child is at risk, within (hours)",
        min_value=1,
        max_value=72,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()


class FilterForm(forms.Form):
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Any"), ("open", "Open (not closed)"), *State.choices],
    )
    category = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any"), *Category.choices]
    )
    severity = forms.ChoiceField(
        label="Severity", required=False, choices=[("", "Any"), *Severity.choices]
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    recurrence = forms.BooleanField(label="Recurrences only", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The template lays the fields out itself (in a row), so it needs Bootstrap's classes.
        for field in self.fields.values():
            is_box = isinstance(field.widget, forms.CheckboxInput)
            field.widget.attrs["class"] = "form-check-input" if is_box else "form-select"
