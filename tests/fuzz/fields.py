"""What a form sends: its fields, read from the form classes and from the page that serves it.

The form class says each field's type (date, number, choice...), so every declared field gets
a strategy of its kind. The page (parsed from the real GET response) adds what only exists
at run time: fields a form adds in `__init__`, formset management fields, submit buttons
with names, and the options and initial values a browser would send, which let the fuzzer
start from a valid submission and get past the first checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django import forms

KINDS = (
    "text",
    "textarea",
    "email",
    "password",
    "int",
    "decimal",
    "date",
    "time",
    "datetime",
    "choice",
    "multichoice",
    "model",
    "multimodel",
    "bool",
    "file",
    "hidden",
    "submit",
)


@dataclass
class Field:
    name: str
    kind: str = "text"
    choices: list[str] = field(default_factory=list)  # values known to be valid
    initial: list[str] = field(default_factory=list)  # what a browser sends unchanged
    max_length: int | None = None

    def merge(self, other: Field) -> None:
        # The form class knows the type better than the HTML; the page knows the options.
        if self.kind in ("text", "hidden") and other.kind not in ("text", "hidden"):
            self.kind = other.kind
        for value in other.choices:
            if value not in self.choices:
                self.choices.append(value)
        self.initial = self.initial or other.initial
        self.max_length = self.max_length or other.max_length


def kind_of(form_field: forms.Field) -> str:
    """The fuzzing kind of a Django form field (most specific class first)."""
    table = [
        (forms.ModelMultipleChoiceField, "multimodel"),
        (forms.ModelChoiceField, "model"),
        (forms.MultipleChoiceField, "multichoice"),
        (forms.ChoiceField, "choice"),  # TypedChoiceField too
        (forms.BooleanField, "bool"),
        (forms.FileField, "file"),
        (forms.DecimalField, "decimal"),
        (forms.FloatField, "decimal"),
        (forms.IntegerField, "int"),
        (forms.DateTimeField, "datetime"),
        (forms.DateField, "date"),
        (forms.TimeField, "time"),
        (forms.EmailField, "email"),
    ]
    for cls, kind in table:
        if isinstance(form_field, cls):
            return kind
    if isinstance(form_field.widget, forms.PasswordInput):
        return "password"
    if isinstance(form_field.widget, forms.Textarea):
        return "textarea"
    return "text"


MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def fields_of_form_class(form_class, prefix: str = "", rows: int = 3) -> dict[str, Field]:
    """Every field the class declares (model forms included), by the name it posts under.
    With a formset prefix: the management form and the first few rows, each deletable."""
    if prefix:
        result = {f"{prefix}-{name}": Field(f"{prefix}-{name}", kind="int") for name in MANAGEMENT}
        for row in range(rows):
            result.update(_declared(form_class, f"{prefix}-{row}"))
            result[f"{prefix}-{row}-DELETE"] = Field(f"{prefix}-{row}-DELETE", kind="bool")
        return result
    return _declared(form_class, "")


def _declared(form_class, prefix: str) -> dict[str, Field]:
    result = {}
    for name, form_field in form_class.base_fields.items():
        posted = f"{prefix}-{name}" if prefix else name
        choices = []
        if kind_of(form_field) in ("choice", "multichoice"):
            choices = [str(value) for value, _ in form_field.choices if value != ""]
        result[posted] = Field(
            posted,
            kind=kind_of(form_field),
            choices=choices,
            max_length=getattr(form_field, "max_length", None),
        )
    return result


INPUT_KINDS = {
    "date": "date",
    "time": "time",
    "datetime-local": "datetime",
    "number": "decimal",
    "email": "email",
    "password": "password",
    "checkbox": "bool",
    "radio": "choice",
    "file": "file",
    "hidden": "hidden",
    "submit": "submit",
}


class _FormParser(HTMLParser):
    """Collects the POST forms of a page (or its GET forms, with method="get"): action and
    fields, with options and initials."""

    def __init__(self, method: str = "post"):
        super().__init__(convert_charrefs=True)
        self.method = method
        self.forms: list[tuple[str, dict[str, Field]]] = []
        self._current: dict[str, Field] | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._text: list[str] = []

    def _field(self, name: str, kind: str) -> Field:
        existing = self._current.get(name)
        if existing is None:
            existing = self._current[name] = Field(name, kind=kind)
        return existing

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == self.method:
                self._current = {}
                self.forms.append((a.get("action", ""), self._current))
            return
        if self._current is None:
            return
        name = a.get("name")
        if tag in ("input", "button") and name and name != "csrfmiddlewaretoken":
            kind = INPUT_KINDS.get(a.get("type", "text" if tag == "input" else "submit"), "text")
            f = self._field(name, kind)
            value = a.get("value", "on" if kind == "bool" else "")
            if kind in ("choice", "bool", "submit"):
                if value not in f.choices:
                    f.choices.append(value)
                if "checked" in a:
                    f.initial.append(value)
            elif kind != "file":
                f.initial = [value]
            if a.get("maxlength", "").isdigit():
                f.max_length = int(a["maxlength"])
        elif tag == "select" and name:
            self._select = self._field(name, "multichoice" if "multiple" in a else "choice")
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if value and value not in self._select.choices:
                self._select.choices.append(value)
            if "selected" in a:
                self._select.initial.append(value)
        elif tag == "textarea" and name:
            self._textarea = self._field(name, "textarea")
            self._text = []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self._textarea.initial = [text[1:] if text.startswith("\n") else text]
            self._textarea = None


def fields_on_page(
    html: str, target_path: str, page_path: str, method: str = "post"
) -> dict[str, Field]:
    """The fields of the page's POST (or GET) forms that submit to `target_path`."""
    parser = _FormParser(method)
    parser.feed(html)
    found: dict[str, Field] = {}
    for action, page_fields in parser.forms:
        path = urlsplit(action).path or page_path
        if path != target_path:
            continue
        for name, f in page_fields.items():
            if name in found:
                found[name].merge(f)
            else:
                found[name] = f
    return found


def browser_payload(fields: dict[str, Field]) -> dict[str, list[str]]:
    """What a browser sends when the form is submitted unchanged (named buttons left out:
    the fuzzer presses them)."""
    payload = {}
    for name, f in fields.items():
        if f.kind in ("submit", "file"):
            continue
        if f.kind in ("choice", "multichoice", "model", "multimodel", "bool"):
            if f.initial:
                payload[name] = list(f.initial)
            elif f.kind in ("choice", "model") and f.choices:
                payload[name] = [f.choices[0]]
            continue
        if f.initial:
            payload[name] = list(f.initial)
    return payload
