from django import template

from payments.models import Claim
from payments.money import format_gbp
from workforce.organisations import access
from workforce.organisations.models import Capacity as C

register = template.Library()

S = Claim.State
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


LINKS = [
    ("payments:approvals", "Approve claims", (C.COPRODUCTION_LEAD, C.ADMIN)),
    ("payments:batches", "Payment batches", (C.FINANCE, C.ADMIN)),
    ("payments:totals", "Tax-year totals", (C.COPRODUCTION_LEAD, C.FINANCE, C.ADMIN)),
    ("payments:activities", "Activities", (C.COPRODUCTION_LEAD, C.ADMIN)),
    ("payments:thresholds", "Benefits limits", (C.COPRODUCTION_LEAD, C.ADMIN)),
    ("payments:rate_cards", "Rate cards", (C.COPRODUCTION_LEAD, C.FINANCE, C.ADMIN)),
]


@register.inclusion_tag("payments/partials/payments_nav.html", takes_context=True)
def payments_nav(context):
    """Links between the payments pages this user may use (leads, finance)."""
    request = context["request"]
    held = access.all_capacities(request.user)
    return {
        "request": request,
        "links": [(name, label) for name, label, wanted in LINKS if held.intersection(wanted)],
    }
