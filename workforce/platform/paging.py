"""Pages of long lists whose rows carry joins.

A list page shows 25 rows but orders hundreds or thousands. With `select_related`, the
database joins every candidate row to its people and logins before sorting, and those
joins grow with the whole register (bench/README.md: the escalations queue joined every
person and every login of the trust to 656 open incidents to show 25). `page()` here
finds the page's keys first, ordered and sliced with only the joins the filters need,
then reads the full rows for those keys alone, in the same order.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator

from workforce.platform.query import page_number


class KeysFirstPaginator(Paginator):
    """A Paginator of a queryset of distinct rows (one per primary key)."""

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows_between(self.object_list, bottom, top), number, self)


def rows_between(queryset, bottom: int, top: int) -> list:
    """`queryset[bottom:top]`, keys first (see above)."""
    keys = list(queryset.select_related(None).values_list("pk", flat=True)[bottom:top])
    rows = {row.pk: row for row in queryset.filter(pk__in=keys).order_by()}
    # A row deleted between the two reads is left out, not an error.
    return [rows[key] for key in keys if key in rows]


def page_of(
    request, queryset, per_page: int, *, count: int | None = None, keys_first: bool = True
) -> Page:
    """The page the request asks for (`?page=`), the first if it asks for none or nonsense,
    the last if it asks for too far. `count`: how many rows there are, when the caller
    already knows (spares counting them again). `keys_first=False` for a list read
    straight off an index in its order, where a slice is already cheap."""
    paginator = (KeysFirstPaginator if keys_first else Paginator)(queryset, per_page)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached property
    return paginator.get_page(page_number(request))
