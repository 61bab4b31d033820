"""Finance's pages: what is waiting, batches, downloads, recording payment; and the
per-person tax-year totals leads and finance share."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from payments import exports, periods, selectors, services
from payments.errors import PaymentsError
from payments.forms import BatchForm, MarkPaidForm, UnreferencedChoiceForm, show_error
from payments.models import Batch, Claim, PaymentPolicy
from payments.money import ZERO
from payments.services.batches import claims_count
from payments.views.common import nav_links, organisations_for, page_of
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.platform import audit, figures, paging
from workforce.platform.query import Query

WAITING_SHOWN = 50
PREVIEW_SHOWN = 200


@access.access_required(*groups.FINANCE_AND_ADMINS)
def batches(request):
    waiting = selectors.finance_waiting(request.user)
    # A trust has a few batches a month: a plain slice of them is cheap.
    page = page_of(request, selectors.batches_for(request.user), keys_first=False)
    page.object_list = selectors.with_figures(page.object_list)
    return render(
        request,
        "payments/batches.html",
        {
            "payments_links": nav_links(request.user),
            "page": page,
            "waiting": paging.rows_between(waiting, 0, WAITING_SHOWN),
            "waiting_count": waiting.count(),
            "median_days": selectors.median_days_to_pay(request.user),
            "form": BatchForm(
                organisations=organisations_for(request.user, groups.FINANCE_AND_ADMINS)
            ),
        },
    )


@access.access_required(*groups.FINANCE_AND_ADMINS)
def batch_new(request):
    """Check first (GET shows what would go in, and which claims have no payee reference),
    then create (POST)."""
    data = request.POST if request.method == "POST" else request.GET
    form = BatchForm(
        data or None, organisations=organisations_for(request.user, groups.FINANCE_AND_ADMINS)
    )
    preview = None
    choice = None
    if form.is_bound and form.is_valid():
        organisation = form.chosen_organisation()
        cut_off, cost_code = form.cleaned_data["cut_off"], form.cleaned_data["cost_code"]
        refused = PaymentPolicy.for_organisation(organisation.pk).refuses_missing_payee_reference
        choice = UnreferencedChoiceForm(
            request.POST if request.method == "POST" else None, refused=refused
        )
        if request.method == "POST":
            try:
                batch = services.batch_create(
                    organisation=organisation,
                    by=request.user,
                    cut_off=cut_off,
                    cost_code=cost_code,
                    leave_out_unreferenced=choice.leave_out,
                )
            except PaymentsError as error:
                show_error(form, error)
            else:
                messages.success(request, f"Batch {batch.reference} created.")
                return redirect("payments:batch", pk=batch.pk)
        found = services.batch_candidates(
            organisation=organisation, cut_off=cut_off, cost_code=cost_code
        )
        candidates = selectors.with_totals(found).select_related("person")
        unreferenced = services.without_payee_reference(found).select_related("person")
        preview = {
            "organisation": organisation,
            "claims": candidates.order_by("pk")[:PREVIEW_SHOWN],
            "totals": selectors.claims_summary(candidates),
            "unreferenced": list(unreferenced.order_by("pk")[:PREVIEW_SHOWN]),
            "unreferenced_count": unreferenced.count(),
            "refused": refused,
        }
    return render(
        request, "payments/batch_new.html", {"form": form, "preview": preview, "choice": choice}
    )


@access.access_required(*groups.FINANCE_AND_ADMINS)
def batch_detail(request, pk: int):
    batch = access.get_object_for(request.user, Batch, "view", pk=pk)
    totals = selectors.batch_totals(batch)
    unpaid = selectors.batch_unpaid(batch)

    def lines_context():
        # One line per claim: the totals' count is the number of lines.
        page = page_of(
            request,
            selectors.batch_lines(batch),
            per_page=100,
            count=totals.count,
            keys_first=False,  # in position order, off the batchline_position index
        )
        return {"page": page}

    # A batch's lines never change (triggers refuse it) except as its claims are paid, and
    # payments only ever add to the paid ones: the unpaid count names which are paid. So
    # the rendered lines are kept for good under it (and the page's query string).
    lines = figures.kept_html(
        figures.PAYMENTS,
        (batch.pk, unpaid, request.GET.urlencode()),
        "payments/partials/batch_lines.html",
        lines_context,
        request,
        organisations=[batch.organisation_id],
        for_good=True,
    )
    return render(
        request,
        "payments/batch_detail.html",
        {
            "batch": batch,
            "lines": lines,
            "totals": totals,
            "unpaid": unpaid,
            "history": audit.history(batch),
        },
    )


@access.access_required(*groups.FINANCE_AND_ADMINS)
def batch_download(request, pk: int, fmt: str):
    batch = access.get_object_for(request.user, Batch, "view", pk=pk)
    name = exports.BatchExport(batch).filename
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.batch_csv(batch), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "xlsx":
        response = FileResponse(
            exports.batch_xlsx(batch),
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response.block_size = 256 * 1024  # not 4 KB a chunk: the file can run to 100 MB
        return response
    raise Http404


@access.access_required(*groups.FINANCE_AND_ADMINS)
def batch_mark_paid(request, pk: int):
    """Confirm first (GET shows what will be marked), then record payment (POST)."""
    batch = access.get_object_for(request.user, Batch, "mark_paid", pk=pk)
    form = MarkPaidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.batch_mark_paid(batch=batch, by=request.user, **form.cleaned_data)
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(request, f"{claims_count(count)} in {batch.reference} marked paid.")
            return redirect("payments:batch", pk=batch.pk)
    return render(
        request,
        "payments/batch_paid.html",
        {"batch": batch, "form": form, "totals": selectors.batch_totals(batch)},
    )


@access.access_required(*groups.FINANCE_AND_ADMINS)
def claim_mark_paid(request, pk: int):
    claim = access.get_object_for(request.user, Claim, "mark_paid", pk=pk)
    form = MarkPaidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_mark_paid(claim=claim, by=request.user, **form.cleaned_data)
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Claim {claim.reference} marked paid.")
            return redirect("payments:claim", pk=claim.pk)
    return render(request, "payments/claim_paid.html", {"claim": claim, "form": form})


@access.access_required(*groups.TOTALS_READERS)
def totals(request):
    today = timezone.localdate()
    start = periods.tax_year_from_label(Query(request.GET).text("year")) or (
        periods.tax_year_start(today)
    )
    this_year = periods.tax_year_start(today)
    years = [this_year.replace(year=this_year.year - n) for n in range(0, 6)]
    label = periods.tax_year_label(start)

    def table_context():
        context = {
            "rows": selectors.tax_year_totals(request.user, start),
            "label": label,
            "overall": selectors.claims_summary(selectors.tax_year_claims(request.user, start)),
        }
        context["expected_total"] = sum((row.expected for row in context["rows"]), ZERO)
        return context

    # Kept until a claim or person changes (workforce/figures.py): a large trust's year is
    # tens of thousands of claims summed per person, too slow for every view
    # (bench/README.md). Expense
    # lines are frozen once a claim is submitted, so they change nothing counted here.
    table = figures.kept_html(
        figures.PAYMENTS,
        (request.user.pk, start),
        "payments/partials/totals_table.html",
        table_context,
        request,
        organisations=access.organisation_ids(request.user),
    )
    return render(
        request,
        "payments/totals.html",
        {
            "payments_links": nav_links(request.user),
            "table": table,
            "start": start,
            "end": periods.tax_year_bounds(start)[1],
            "label": label,
            "years": [(periods.tax_year_label(y), y == start) for y in years],
        },
    )
