"""Forms for what is private to a person: their wellbeing plan and diversity answers."""

from __future__ import annotations

from django import forms

from workforce.platform.forms import helper
from workforce.register.models import WellbeingPlan
from workforce.register.models.diversity import CHARACTERISTICS

SECTION_MAX_LENGTH = 5000


class WellbeingPlanForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        for name, heading, hint in WellbeingPlan.SECTIONS:
            self.fields[name] = forms.CharField(
                label=heading,
                help_text=hint,
                required=False,
                max_length=SECTION_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 4}),
            )


class DiversityForm(forms.Form):
    """Every question is optional; "Prefer not to say" is an answer, an empty one is not."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
        for field, name, question, choices in CHARACTERISTICS:
            self.fields[field] = forms.ChoiceField(
                label=f"{name}: {question}",
                required=False,
                choices=[("", "Not answered"), *choices.choices],
            )
