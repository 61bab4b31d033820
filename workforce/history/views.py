"""The audit page and its CSV export: administrators, their organisations' rows only
(row history, the services' audit entries and the read log)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from workforce.history import selectors
from workforce.history.forms import AuditFilterForm
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.platform.exports import render_csv

PAGE_SIZE = 50
CSV_HEADERS = [
    "When",
    "Organisation",
    "Who",
    "Action",
    "Record",
    "Record id",
    "What was opened",
    "Page",
    "Command",
    "Details",
    "Changes",
]


def _rows(request):
    """The form, the filters asked for and their rows (none while the filters are wrong)."""
    form = AuditFilterForm(request.GET or None, viewer=request.user)
    filters = form.filters()
    return form, filters, selectors.audit_rows(request.user, filters)


@access.access_required(*groups.AUDITORS)
def audit(request):
    form, filters, rows = _rows(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "history/audit.html",
        {
            "form": form,
            "page": page,
            "rows": list(selectors.describe(page.object_list)),
            "filtered": filters is None or any(vars(filters).values()),
            "export_query": _without_page(request.GET),
        },
    )


@access.access_required(*groups.AUDITORS)
def audit_export(request):
    """Exactly the rows the page shows for the same filters, every page of them."""
    _form, _filters, rows = _rows(request)

    def lines():
        yield CSV_HEADERS
        batch = []
        for row in rows.iterator(chunk_size=500):
            batch.append(row)
            if len(batch) == 500:
                yield from _csv_rows(batch)
                batch = []
        yield from _csv_rows(batch)

    response = StreamingHttpResponse(render_csv(lines()), content_type="text/csv; charset=utf-8")
    name = f"audit-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


def _csv_rows(batch):
    for row in selectors.describe(batch):
        yield [
            row.at.strftime("%Y-%m-%d %H:%M:%S"),
            row.organisation,
            row.user,
            row.action,
            row.record_type,
            row.record_id,
            row.what,
            row.url,
            row.via,
            selectors.PRIVATE_NOTE if row.private else row.summary,
            row.changes,
        ]
