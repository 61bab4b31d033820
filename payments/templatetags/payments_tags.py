"""Money, quantities and claim states as the payments pages write them."""

from django import template

from payments.choices import ClaimState as S
from payments.money import format_gbp

register = template.Library()

# Colour is never the only signal: the badge always carries the state's words too.
BADGES = {
    S.DRAFT: "text-bg-secondary",
    S.SUBMITTED: "text-bg-warning",
    S.APPROVED: "text-bg-info",
    S.REJECTED: "text-bg-danger",
    S.EXPORTED: "text-bg-primary",
    S.PAID: "text-bg-success",
}


@register.filter
def gbp(value) -> str:
    return format_gbp(value)


@register.filter
def normalize(value) -> str:
    """A quantity without trailing zeros: 1.50 shows as 1.5, 2.00 as 2."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.inclusion_tag("payments/partials/state_badge.html")
def state_badge(claim):
    return {"label": claim.get_state_display(), "css": BADGES.get(claim.state, "")}


@register.filter
def days(value) -> str:
    if value is None:
        return ""
    return "same day" if value == 0 else f"{value} day{'s' if value != 1 else ''}"
