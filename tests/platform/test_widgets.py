"""LongSelect writes exactly the HTML Django's Select writes, without a template per option."""

import pytest
from django import forms

from workforce.platform.widgets import LongSelect

CHOICES = [
    ("", "Choose the worker"),
    (1, "Ann <Archer>"),
    (2, 'Bob "Bobby" & Co'),
    (3, "Cat"),
    ("3", "Cat again"),  # only the first match is selected, as Select does
]


@pytest.mark.parametrize("value", [None, "", 1, "2", 3, "missing"])
@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"class": "form-select is-invalid", "aria-describedby": 'x_help "y"', "required": True},
        {"disabled": False, "autofocus": True, "id": "id_person"},
    ],
)
def test_same_html_as_djangos_select(value, attrs):
    ours = LongSelect(choices=CHOICES).render("person", value, attrs)
    django = forms.Select(choices=CHOICES).render("person", value, attrs)
    assert ours == django


def test_model_choices_are_written_the_same(db):
    from tests.factories import OrganisationFactory, PersonFactory
    from workforce.models import Person

    organisation = OrganisationFactory()
    chosen = PersonFactory(organisation=organisation, full_name="Dee <b>Dee</b>")
    PersonFactory(organisation=organisation, full_name="Eve")
    field = forms.ModelChoiceField(Person.objects.order_by("pk"), widget=LongSelect)
    plain = forms.ModelChoiceField(Person.objects.order_by("pk"))
    assert field.widget.render("person", chosen.pk) == plain.widget.render("person", chosen.pk)
    assert "&lt;b&gt;" in field.widget.render("person", chosen.pk)
