"""`{% explain "band" %}`: a short "What does … mean?" for a word from workforce/glossary.py."""

from django import template

from workforce.platform.glossary import explanation

register = template.Library()


@register.inclusion_tag("partials/explain.html")
def explain(key: str, css: str = "") -> dict:
    term, meaning = explanation(key)
    return {"key": key, "term": term, "meaning": meaning, "css": css}
