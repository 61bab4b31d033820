"""Form widgets shared by every app."""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict) -> str:
    """The attributes as Django's attrs.html writes them: in order, `name` alone for True,
    nothing for False, every value escaped."""
    written = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            written.append(f" {name}")
        else:
            written.append(f' {name}="{conditional_escape(str(value))}"')
    return "".join(written)


class LongSelect(forms.Select):
    """A select of hundreds or thousands of options, such as everyone in a large trust.

    Its HTML is the same as forms.Select's (without option groups), but written in one pass:
    Django renders a template for each option, which made the incident report form take
    more than half a second for a lead of a 5,000-person trust (bench/README.md).
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = set(self.format_value(value))
        options = []
        for option_value, label in self.choices:
            text = str(option_value)
            selected = text in chosen
            if selected:
                chosen = set()  # only the first match, as forms.Select does
            options.append(
                f'\n  <option value="{conditional_escape(text)}"{" selected" if selected else ""}>'
                f"{conditional_escape(label)}</option>\n"
            )
        attributes = _attributes(self.build_attrs(self.attrs, attrs))
        # Every value and label was escaped above.
        options_html = "".join(options)
        html = f'<select name="{conditional_escape(name)}"{attributes}>{options_html}\n</select>'
        return mark_safe(html)  # noqa: S308
