"""The lead's pages: the approval queue, approving or rejecting, and corrections."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from payments import selectors, services
from payments.errors import PaymentsError
from payments.forms import AdjustmentForm, ApproveForm, RejectForm, show_error
from payments.models import Claim, PaymentPolicy
from payments.views.claim_page import claim_context
from payments.views.common import nav_links, organisations_for, page_of
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Team
from workforce.platform.query import Query


@access.access_required(*groups.LEADS_AND_ADMINS)
def approvals(request):
    teams = Team.objects.filter(
        organisation__in=organisations_for(request.user, groups.LEADS_AND_ADMINS)
    ).select_related("organisation")
    team_id = Query(request.GET).id("team")
    page = page_of(request, selectors.approval_queue(request.user, team_id))
    return render(
        request,
        "payments/approvals.html",
        {
            "payments_links": nav_links(request.user),
            "page": page,
            "teams": teams,
            "team_id": team_id,
        },
    )


def _refused(request, claim: Claim, **forms):
    """The claim's page again with the refused form and its errors (status 400)."""
    context = claim_context(request.user, claim, **forms)
    return render(request, "payments/claim_detail.html", context, status=400)


@access.access_required(*groups.LEADS_AND_ADMINS)
@require_POST
def claim_approve(request, pk: int):
    claim = access.get_object_for(request.user, Claim, "view", pk=pk)
    form = ApproveForm(request.POST, claim=claim, rows=claim.rate_card.tiers.all())
    if form.is_valid():
        try:
            claim = services.claim_approve(
                claim=claim,
                approver=request.user,
                tier=form.cleaned_data["tier"],
                tier_reason=form.cleaned_data.get("tier_reason", ""),
                duplicate_reason=form.cleaned_data.get("duplicate_reason", ""),
            )
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Claim {claim.reference} approved.")
            return redirect("payments:approvals")
    return _refused(request, claim, approve_form=form)


@access.access_required(*groups.LEADS_AND_ADMINS)
@require_POST
def claim_reject(request, pk: int):
    claim = access.get_object_for(request.user, Claim, "view", pk=pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            claim = services.claim_reject(
                claim=claim, by=request.user, reason=form.cleaned_data["reason"]
            )
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Claim {claim.reference} not approved; they will see why.")
            return redirect("payments:approvals")
    return _refused(request, claim, reject_form=form)


@access.access_required(*groups.LEADS_AND_ADMINS)
def claim_adjust(request, pk: int):
    """A correction to a claim already sent to finance: a new claim, never an edit."""
    original = access.get_object_for(request.user, Claim, "decide", pk=pk)
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_create_adjustment(
                original=original, by=request.user, **form.cleaned_data
            )
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(
                request, f"Correction {claim.reference} created; it waits for approval."
            )
            return redirect("payments:claim", pk=claim.pk)
    allowed = PaymentPolicy.for_organisation(original.organisation_id).correction_max_increase
    return render(
        request,
        "payments/claim_adjust.html",
        {"original": original, "form": form, "allowed": allowed, "most": original.fee + allowed},
    )
