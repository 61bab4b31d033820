"""An organisation's logins and what each may do there: the one place capacities change, by
its administrators."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from workforce.organisations import access, selectors
from workforce.organisations.models import Capacity, Membership, Organisation
from workforce.platform.forms import form_error
from workforce.register import services
from workforce.register.forms import CapacityGrantForm


@access.access_required(Capacity.ADMIN)
def capacities(request, pk: int):
    organisation = access.get_object_for(request.user, Organisation, "manage_capacities", pk=pk)
    rows = selectors.organisation_logins(organisation)
    # Only working logins may be chosen; the table above it lists the switched-off ones too.
    users = selectors.organisation_users(organisation).filter(is_active=True)
    form = CapacityGrantForm(request.POST or None, users=users)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_grant(
                user=form.cleaned_data["user"],
                organisation=organisation,
                capacity=form.cleaned_data["capacity"],
                by=request.user,
            )
        except services.WorkforceError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"{membership.user.get_username()} is now "
                f"{membership.get_capacity_display().lower()} here.",
            )
            return redirect("workforce:capacities", pk=organisation.pk)
    return render(
        request,
        "workforce/capacities.html",
        {"organisation": organisation, "rows": rows, "form": form},
    )


@require_POST
@access.access_required(Capacity.ADMIN)
def capacity_end(request, pk: int, membership_pk: int):
    organisation = access.get_object_for(request.user, Organisation, "manage_capacities", pk=pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, organisation=organisation
    )
    try:
        closed = services.membership_revoke(membership=membership, by=request.user)
    except services.WorkforceError as error:
        messages.error(request, error.message)
    else:
        message = (
            f"{membership.user.get_username()} is no longer "
            f"{membership.get_capacity_display().lower()} here."
        )
        if closed:
            message += " That was their last capacity, so their login is switched off."
        messages.success(request, message)
    return redirect("workforce:capacities", pk=organisation.pk)
