"""Forms of the organisations layer: the nation an organisation works in."""

from django import forms

from workforce.organisations.models import Organisation
from workforce.platform.forms import helper


class NationForm(forms.Form):
    nation = forms.ChoiceField(
        label="Where does it work?",
        choices=Organisation.Nation.choices,
        widget=forms.RadioSelect,
        help_text="Incident deadlines counted in working days skip this nation's bank holidays.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()
