"""Small helpers the workforce views share."""

from __future__ import annotations

from django import forms

from workforce.services import WorkforceError


def form_error(form: forms.Form, error: WorkforceError) -> None:
    """Show a service's refusal beside the field it is about, or at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
