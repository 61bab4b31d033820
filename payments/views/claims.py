"""The claimant's pages: my claims, the claim form with its tier suggestion, expenses."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from payments import selectors, services
from payments.errors import PaymentsError
from payments.forms import SUGGESTED, ClaimForm, ExpenseForm, show_error
from payments.models import Activity, Claim, ExpenseLine
from payments.money import ZERO, format_gbp, to_money
from payments.tiers import suggested_quantity
from payments.views.claim_page import claim_context
from payments.views.common import own_person, page_of
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.platform.query import Query


def _card(person, day=None):
    """The card whose rows the form offers: the one in force on the claim's date (today for
    a new claim); the service checks the row against the card of the date given."""
    try:
        return services.card_in_force(
            organisation_id=person.organisation_id, day=day or timezone.localdate()
        )
    except PaymentsError:
        return None


def _activities(user, person):
    # Recent and upcoming activities of the person's own organisation.
    today = timezone.localdate()
    return (
        access.scoped(user, Activity)
        .filter(
            organisation_id=person.organisation_id,
            date__range=(today - timedelta(days=183), today + timedelta(days=31)),
        )
        .order_by("-date", "title")
    )


@access.access_required(*groups.CLAIMANTS)
def my_claims(request):
    person = own_person(request.user)
    state = Query(request.GET).choice("state", Claim.State.values)
    claims = page_of(request, selectors.my_claims(request.user, state))
    return render(
        request,
        "payments/my_claims.html",
        {
            "person": person,
            "page": claims,
            "state": state,
            "states": Claim.State.choices,
            "totals": selectors.running_totals(person.pk),
            "limits": selectors.limits_now(person.pk),
        },
    )


@access.access_required(*groups.CLAIMANTS)
def claim_create(request):
    person = own_person(request.user)
    form = ClaimForm(
        request.POST or None, activities=_activities(request.user, person), card=_card(person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_create(person=person, by=request.user, **form.service_kwargs())
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                f"Saved as a draft: row {claim.tier}, {format_gbp(claim.fee)}. Check it, add "
                "any expenses, then submit it.",
            )
            return redirect("payments:claim", pk=claim.pk)
    return render(request, "payments/claim_form.html", {"form": form, "claim": None})


@access.access_required(*groups.CLAIMANTS)
def claim_edit(request, pk: int):
    claim = access.get_object_for(request.user, Claim, "edit", pk=pk)
    initial = {
        "activity": claim.activity_id,
        "description": "" if claim.activity_id else claim.description,
        "activity_date": None if claim.activity_id else claim.activity_date,
        "hours": claim.hours.quantize(ZERO),
        "preparation": claim.preparation,
        "chaired_or_trained": claim.chaired_or_trained,
        "tier": claim.tier if claim.tier != claim.suggested_tier else SUGGESTED,
        # Shown only when the claimant chose it, so a changed duration works it out afresh.
        "quantity": None
        if claim.quantity == suggested_quantity(claim.unit, claim.duration_minutes)
        else claim.quantity,
        "tier_reason": claim.tier_reason,
    }
    form = ClaimForm(
        request.POST or None,
        initial=initial,
        activities=_activities(request.user, claim.person),
        card=_card(claim.person, claim.activity_date),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_update(claim=claim, by=request.user, **form.service_kwargs())
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect("payments:claim", pk=claim.pk)
    return render(request, "payments/claim_form.html", {"form": form, "claim": claim})


@access.access_required(*groups.CLAIM_READERS)
def claim_detail(request, pk: int):
    claim = access.get_object_for(request.user, Claim, "view", pk=pk)
    return render(request, "payments/claim_detail.html", claim_context(request.user, claim))


@access.access_required(*groups.CLAIMANTS)
@require_POST
def claim_submit(request, pk: int):
    claim = access.get_object_for(request.user, Claim, "view", pk=pk)
    try:
        claim = services.claim_submit(claim=claim, by=request.user)
    except PaymentsError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Submitted. Your co-production lead will look at it; you will see here "
            "when it is approved and paid.",
        )
    return redirect("payments:claim", pk=claim.pk)


@access.access_required(*groups.CLAIMANTS)
def tier_suggestion(request):
    """The live suggestion under the claim form (htmx); without JavaScript the same
    suggestion shows on the claim's page once it is saved."""
    person = own_person(request.user)
    form = ClaimForm(request.GET, activities=_activities(request.user, person), card=_card(person))
    context = {"ready": False}
    if form.is_valid():
        data = form.cleaned_data
        day = data["activity"].date if data.get("activity") else data.get("activity_date")
        context = {"ready": True}
        try:
            card = services.card_in_force(organisation_id=person.organisation_id, day=day)
        except PaymentsError as error:
            context["problem"] = error.message
        else:
            suggestion = services.suggest(
                card,
                minutes=form.minutes,
                preparation=data["preparation"],
                chaired_or_trained=data.get("chaired_or_trained", False),
            )
            context.update(card=card, suggestion=suggestion)
            if suggestion.row is not None:
                quantity = suggested_quantity(suggestion.row.unit, form.minutes)
                context.update(quantity=quantity, fee=to_money(suggestion.row.fee * quantity))
    return render(request, "payments/partials/tier_suggestion.html", context)


@access.access_required(*groups.CLAIMANTS)
@require_POST
def expense_add(request, pk: int):
    claim = access.get_object_for(request.user, Claim, "edit", pk=pk)
    form = ExpenseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.expense_add(claim=claim, by=request.user, **form.cleaned_data)
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(request, "Expense added.")
            return redirect("payments:claim", pk=claim.pk)
    # The claim's page again, with the errors next to the expense's fields.
    context = claim_context(request.user, claim, expense_form=form)
    return render(request, "payments/claim_detail.html", context, status=400)


def _own_line(request, pk: int) -> ExpenseLine:
    line = get_object_or_404(
        access.scoped(request.user, ExpenseLine).select_related("claim__person"), pk=pk
    )
    if not access.can(request.user, "edit", line.claim):
        raise Http404
    return line


@access.access_required(*groups.CLAIMANTS)
def expense_remove(request, pk: int):
    """Confirm first (GET), then remove (POST)."""
    line = _own_line(request, pk)
    if request.method == "POST":
        try:
            services.expense_remove(line=line, by=request.user)
        except PaymentsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Expense removed.")
        return redirect("payments:claim", pk=line.claim_id)
    return render(request, "payments/expense_remove.html", {"line": line})


@access.access_required(*groups.CLAIM_READERS)
def receipt(request, pk: int):
    """The receipt file, only to those who may see its claim; 404 to everyone else."""
    line = get_object_or_404(access.scoped(request.user, ExpenseLine), pk=pk)
    if not access.can(request.user, "view_receipt", line):
        raise Http404
    response = FileResponse(
        line.receipt.open("rb"), as_attachment=True, filename=line.receipt_name or "receipt"
    )
    # The type we checked on upload, never a guess from the name.
    response["Content-Type"] = line.receipt_type
    return response
