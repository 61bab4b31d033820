"""What the payments views share: capacities per page, pagination, organisation choice, and
the links between the payments pages."""

from __future__ import annotations

from django.http import Http404

from workforce.organisations import access
from workforce.organisations.models import Capacity as C
from workforce.organisations.models import Organisation
from workforce.platform import paging

PER_PAGE = 25

# The payments pages a lead or finance officer moves between, with who may use each.
NAV_LINKS = [
    ("payments:approvals", "Approve claims", (C.COPRODUCTION_LEAD, C.ADMIN)),
    ("payments:batches", "Payment batches", (C.FINANCE, C.ADMIN)),
    ("payments:totals", "Tax-year totals", (C.COPRODUCTION_LEAD, C.FINANCE, C.ADMIN)),
    ("payments:activities", "Activities", (C.COPRODUCTION_LEAD, C.ADMIN)),
    ("payments:thresholds", "Benefits limits", (C.COPRODUCTION_LEAD, C.ADMIN)),
    ("payments:rate_cards", "Rate cards", (C.COPRODUCTION_LEAD, C.FINANCE, C.ADMIN)),
]


def nav_links(user) -> list[tuple[str, str]]:
    """(url name, label) of the payments pages this user may use, for
    payments/partials/payments_nav.html."""
    held = access.all_capacities(user)
    return [(name, label) for name, label, wanted in NAV_LINKS if held.intersection(wanted)]


def page_of(
    request, items, per_page: int = PER_PAGE, count: int | None = None, keys_first: bool = True
):
    return paging.page_of(request, items, per_page, count=count, keys_first=keys_first)


def organisations_for(user, capacities: tuple[str, ...]):
    return Organisation.objects.filter(pk__in=access.organisation_ids(user, *capacities)).order_by(
        "name"
    )


def own_person(user):
    """The signed-in user's own person record; 404 if their login has none."""
    person = getattr(user, "person", None)
    if person is None:
        raise Http404("This login is not linked to a person record.")
    return person
