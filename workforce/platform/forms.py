"""What every form and view shares: the date picker, the crispy helper, and showing a
service's refusal beside the field it is about."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from workforce.platform.base import WorkforceError


class DateInput(forms.DateInput):
    """The browser's own date picker; its value is always ISO (2026-01-31)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def helper() -> FormHelper:
    # Templates write the <form> tag, CSRF token and buttons themselves.
    h = FormHelper()
    h.form_tag = False
    h.disable_csrf = True
    return h


def form_error(form: forms.Form, error: WorkforceError) -> None:
    """Show a service's refusal beside the field it is about, or at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
