"""Organisations: the list, one organisation's page, and the nation it works in (set by its
administrators)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from workforce.organisations import access, services
from workforce.organisations import selectors as organisation_selectors
from workforce.organisations.forms import NationForm
from workforce.organisations.models import Capacity, Organisation
from workforce.platform.base import WorkforceError
from workforce.platform.forms import form_error


@access.access_required(Capacity.ADMIN)
def organisation_nation(request, pk: int):
    organisation = access.get_object_for(request.user, Organisation, "set_nation", pk=pk)
    form = NationForm(request.POST or None, initial={"nation": organisation.nation})
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_nation_update(
                organisation=organisation, by=request.user, nation=form.cleaned_data["nation"]
            )
        except WorkforceError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"{organisation.name} now works in {organisation.get_nation_display()}. "
                "Deadlines set from now on skip its bank holidays.",
            )
            return redirect("workforce:organisation", pk=organisation.pk)
    return render(
        request,
        "workforce/organisation_nation.html",
        {"organisation": organisation, "form": form},
    )


@access.access_required()
def organisation_list(request):
    organisations = organisation_selectors.organisations_for(request.user)
    return render(request, "workforce/organisation_list.html", {"organisations": organisations})


@access.access_required()
def organisation_detail(request, pk: int):
    organisation = access.get_object_for(request.user, Organisation, "view", pk=pk)
    teams = organisation_selectors.organisation_teams(request.user, organisation)
    return render(
        request,
        "workforce/organisation_detail.html",
        {
            "organisation": organisation,
            "teams": teams,
            "can_manage_capacities": access.can(request.user, "manage_capacities", organisation),
            "can_set_nation": access.can(request.user, "set_nation", organisation),
        },
    )
