"""Setting payments up: rate cards, the payments policy, activities, benefits limits,
payment preferences."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from payments import benefits_reference, selectors, services
from payments.errors import PaymentsError
from payments.forms import (
    ActivityForm,
    DiscussionForm,
    PaymentPolicyForm,
    PreferenceForm,
    RateCardForm,
    RateCardRowForm,
    RateCardRowFormSet,
    ThresholdEndForm,
    ThresholdForm,
    show_error,
)
from payments.models import (
    DEFAULT_CORRECTION_MAX_INCREASE,
    Activity,
    BenefitsThreshold,
    PaymentDiscussion,
    PaymentPolicy,
    PaymentPreference,
    RateCardTier,
    seed_rows,
)
from payments.views.common import nav_links, organisations_for, own_person, page_of
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Organisation
from workforce.register.models import Person


@access.access_required(*groups.CLAIM_READERS)
def rate_cards(request):
    return render(
        request,
        "payments/rate_cards.html",
        {
            "payments_links": nav_links(request.user),
            "cards": selectors.with_claim_counts(
                selectors.rate_cards_for(request.user), via="rate_card"
            ),
            "can_add": access.has_capacity(request.user, *groups.FINANCE_AND_ADMINS),
            "policy_organisations": organisations_for(request.user, groups.FINANCE_AND_ADMINS),
        },
    )


def _row_dict(row) -> dict:
    get = row.get if isinstance(row, dict) else lambda field: getattr(row, field)
    return {field: get(field) for field in services.ROW_FIELDS}


def _unsaved_rows(rows: list[dict]) -> list[RateCardTier]:
    return [RateCardTier(tier=number, **row) for number, row in enumerate(rows, 1)]


def _with_extra_row(data):
    """The posted rows and one more, blank: "Add a row" without JavaScript."""
    data = data.copy()
    try:
        total = int(data.get("rows-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    data["rows-TOTAL_FORMS"] = str(min(max(total, 0) + 1, RateCardRowFormSet.max_num))
    return data


def _preview(new_rows: list[dict] | None, in_force):
    """Typical activities priced by the new rows, each beside the card in force."""
    if not new_rows:
        return None
    new = services.preview(_unsaved_rows(new_rows))
    current = services.preview(in_force.tiers.all()) if in_force else [None] * len(new)
    return list(zip(new, current, strict=True))


def _row_errors(formset) -> list[dict]:
    """Each row's problems for the summary at the top, linked to the row."""
    if not formset.is_bound:
        return []
    errors = [
        {
            "anchor": f"row-{index}",
            "label": f"Row {index + 1}",
            "message": " ".join(e for field_errors in form.errors.values() for e in field_errors),
        }
        for index, form in enumerate(formset.forms)
        if form.errors
    ]
    return errors + [
        {"anchor": "rows", "label": "Rows", "message": error} for error in formset.non_form_errors()
    ]


@access.access_required(*groups.FINANCE_AND_ADMINS)
def rate_card_create(request):
    """A new card of any number of rows. Every button posts back here: "Add a row" adds a
    blank one, "Preview" drops the rows marked for removal and prices typical activities by
    the new card beside the card in force, "Add the card" saves it (the service checks
    every row again)."""
    organisations = organisations_for(request.user, groups.FINANCE_AND_ADMINS)
    cards = selectors.rate_cards_for(request.user).filter(organisation__in=organisations)
    latest = cards.first()
    in_force = cards.filter(effective_from__lte=timezone.localdate()).first()
    action = request.POST.get("action", "save") if request.method == "POST" else None
    if action in (None, "save"):
        form = RateCardForm(request.POST or None, organisations=organisations)
    else:
        # Adding a row or previewing keeps the card's details as typed, unchecked.
        form = RateCardForm(initial=request.POST.dict(), organisations=organisations)
    extra_errors = []
    if action is None:
        # Start from the latest card's rows (or the NIHR seed table): the usual change is a
        # new table of amounts with the same descriptions.
        new_rows = [_row_dict(row) for row in (latest.tiers.all() if latest else seed_rows())]
        formset = RateCardRowFormSet(
            prefix="rows", initial=[RateCardRowForm.initial_for(row) for row in new_rows]
        )
    elif action == "add":
        new_rows = None
        formset = RateCardRowFormSet(_with_extra_row(request.POST), prefix="rows")
    else:
        new_rows = None
        formset = RateCardRowFormSet(request.POST, prefix="rows")
        if formset.is_valid():
            new_rows = formset.rows()
            if action == "save" and form.is_valid():
                try:
                    card = services.rate_card_create(
                        organisation=form.chosen_organisation(),
                        by=request.user,
                        name=form.cleaned_data["name"],
                        effective_from=form.cleaned_data["effective_from"],
                        source=form.cleaned_data["source"],
                        rows=new_rows,
                    )
                except PaymentsError as error:
                    show_error(form, error)
                else:
                    messages.success(request, f"Rate card “{card.name}” added.")
                    return redirect("payments:rate_cards")
            elif action != "save":
                # The rows again without the removed ones, numbered afresh.
                formset = RateCardRowFormSet(
                    prefix="rows",
                    initial=[RateCardRowForm.initial_for(row) for row in new_rows],
                )
        extra_errors = _row_errors(formset)
    return render(
        request,
        "payments/rate_card_form.html",
        {
            "form": form,
            "formset": formset,
            "latest": latest,
            "in_force": in_force,
            "preview": _preview(new_rows, in_force),
            "extra_errors": extra_errors,
        },
        status=400 if extra_errors or (action == "save" and form.errors) else 200,
    )


@access.access_required(*groups.FINANCE_AND_ADMINS)
def payment_policy(request, pk: int):
    """One organisation's payments policy; another organisation's is not found."""
    organisation = access.get_object_for(request.user, Organisation, "configure_payments", pk=pk)
    policy = PaymentPolicy.for_organisation(organisation.pk)
    form = PaymentPolicyForm(
        request.POST or None,
        initial={
            "correction_max_increase": policy.correction_max_increase,
            "expense_line_max": policy.expense_line_max,
            "receipt_required_over": policy.receipt_required_over,
            "missing_payee_reference": policy.missing_payee_reference,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_policy_set(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(
                request, "Payments policy saved. It applies to corrections made from now on."
            )
            return redirect("payments:policy", pk=organisation.pk)
    return render(
        request,
        "payments/policy.html",
        {
            "payments_links": nav_links(request.user),
            "organisation": organisation,
            "policy": policy,
            "form": form,
            "default": DEFAULT_CORRECTION_MAX_INCREASE,
        },
    )


@access.access_required(*groups.LEADS_AND_ADMINS)
def activities(request):
    organisations = organisations_for(request.user, groups.LEADS_AND_ADMINS)
    form = ActivityForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("organisation", None)
        try:
            activity = services.activity_create(
                organisation=form.chosen_organisation(), by=request.user, **data
            )
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(request, f"Activity “{activity.title}” added.")
            return redirect("payments:activities")
    items = (
        access.scoped(request.user, Activity)
        .filter(organisation__in=organisations)
        .select_related("team", "organisation")
        .order_by("-date", "title", "pk")
    )
    page = page_of(request, items)
    # Counted for the page's activities only, not for every activity before paging.
    page.object_list = selectors.with_claim_counts(page.object_list, via="activity")
    return render(
        request,
        "payments/activities.html",
        {"payments_links": nav_links(request.user), "form": form, "page": page},
    )


def _end_form(threshold, data=None) -> ThresholdEndForm:
    # One small form per limit on the page: ids kept apart, names as the view reads them.
    return ThresholdEndForm(data, auto_id=f"id_end_{threshold.pk}_%s")


def _thresholds_page(request, form, *, ending=None, end_form=None, status=200):
    organisations = organisations_for(request.user, groups.LEADS_AND_ADMINS)
    items = list(
        access.scoped(request.user, BenefitsThreshold)
        .filter(organisation__in=organisations)
        .select_related("organisation")
    )
    for item in items:
        refused = item.pk == ending
        item.end_form = end_form if refused else _end_form(item)
    return render(
        request,
        "payments/thresholds.html",
        {
            "payments_links": nav_links(request.user),
            "form": form,
            "items": items,
            "references": benefits_reference.in_force(timezone.localdate()),
        },
        status=status,
    )


@access.access_required(*groups.LEADS_AND_ADMINS)
def thresholds(request):
    organisations = organisations_for(request.user, groups.LEADS_AND_ADMINS)
    form = ThresholdForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("organisation", None)
        try:
            services.threshold_create(
                organisation=form.chosen_organisation(), by=request.user, **data
            )
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(request, "Limit added.")
            return redirect("payments:thresholds")
    return _thresholds_page(request, form)


@access.access_required(*groups.LEADS_AND_ADMINS)
@require_POST
def threshold_end(request, pk: int):
    """End one of the organisation's limits; another organisation's is not found."""
    threshold = get_object_or_404(
        access.scoped(request.user, BenefitsThreshold).filter(
            organisation__in=organisations_for(request.user, groups.LEADS_AND_ADMINS)
        ),
        pk=pk,
    )
    form = _end_form(threshold, request.POST)
    if form.is_valid():
        try:
            services.threshold_end(
                threshold=threshold,
                by=request.user,
                effective_until=form.cleaned_data["effective_until"],
            )
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(request, f"“{threshold.name}” ended.")
            return redirect("payments:thresholds")
    organisations = organisations_for(request.user, groups.LEADS_AND_ADMINS)
    return _thresholds_page(
        request,
        ThresholdForm(organisations=organisations),
        ending=threshold.pk,
        end_form=form,
        status=400,
    )


def _preference_form(request, person: Person, data=None) -> PreferenceForm:
    preference = PaymentPreference.objects.filter(person=person).first()
    initial = {}
    if preference is not None:
        initial = {
            "method": preference.method,
            "reduced_amount": preference.reduced_amount,
            "receives_benefits": preference.receives_benefits,
            "thresholds": list(preference.thresholds.values_list("pk", flat=True)),
            "uc_assessment_day": preference.uc_assessment_day,
        }
    return PreferenceForm(
        data,
        initial=initial,
        thresholds=BenefitsThreshold.objects.filter(organisation_id=person.organisation_id),
        discussed=services.may_choose_discouraged(person),
    )


def _save_preference(request, person: Person, form: PreferenceForm) -> bool:
    if not form.is_valid():
        return False
    try:
        services.preference_set(person=person, by=request.user, **form.cleaned_data)
    except PaymentsError as error:
        show_error(form, error)
        return False
    messages.success(request, "Payment preference saved.")
    return True


@access.access_required(*groups.CLAIMANTS)
def my_preferences(request):
    person = own_person(request.user)
    form = _preference_form(request, person, request.POST or None)
    if request.method == "POST" and _save_preference(request, person, form):
        return redirect("payments:my_claims")
    return render(
        request,
        "payments/preferences.html",
        {
            "form": form,
            "person": person,
            "discussions": PaymentDiscussion.objects.filter(person=person),
            "totals": selectors.running_totals(person.pk),
        },
    )


def _managed_person(request, pk: int) -> Person:
    person = get_object_or_404(
        access.scoped(request.user, Person).select_related("organisation"), pk=pk
    )
    if not access.can(request.user, "view_payments", person):
        raise Http404
    return person


def _person_page(request, person, *, preference_form=None, discussion_form=None, status=200):
    claims = selectors.claims_for(request.user).filter(person=person).order_by("-activity_date")
    return render(
        request,
        "payments/person.html",
        {
            "payments_links": nav_links(request.user),
            "person": person,
            "preference": PaymentPreference.objects.filter(person=person).first(),
            "preference_form": preference_form or _preference_form(request, person),
            "discussion_form": discussion_form or DiscussionForm(),
            "discussions": PaymentDiscussion.objects.filter(person=person).select_related(
                "recorded_by"
            ),
            "claims": claims[:20],
            "totals": selectors.running_totals(person.pk),
        },
        status=status,
    )


@access.access_required(*groups.LEADS_AND_ADMINS)
def person_payments(request, pk: int):
    return _person_page(request, _managed_person(request, pk))


@access.access_required(*groups.LEADS_AND_ADMINS)
@require_POST
def discussion_create(request, pk: int):
    person = _managed_person(request, pk)
    form = DiscussionForm(request.POST)
    if form.is_valid():
        try:
            services.discussion_record(person=person, by=request.user, **form.cleaned_data)
        except PaymentsError as error:
            show_error(form, error)
        else:
            messages.success(request, "Discussion recorded.")
            return redirect("payments:person", pk=person.pk)
    return _person_page(request, person, discussion_form=form, status=400)


@access.access_required(*groups.LEADS_AND_ADMINS)
@require_POST
def person_preference(request, pk: int):
    person = _managed_person(request, pk)
    form = _preference_form(request, person, request.POST)
    if _save_preference(request, person, form):
        return redirect("payments:person", pk=person.pk)
    return _person_page(request, person, preference_form=form, status=400)
