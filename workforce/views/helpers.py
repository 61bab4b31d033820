"""Small helpers the workforce views share."""

from __future__ import annotations

from django import forms

from workforce.services import WorkforceError

# Characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def form_error(form: forms.Form, error: WorkforceError) -> None:
    """Show a service's refusal beside the field it is about, or at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
