from django.shortcuts import render

from workforce import access, navigation, selectors
from workforce.models import Capacity, Organisation


@access.access_required()
def home(request):
    memberships = list(selectors.memberships_of(request.user))
    held = access.all_capacities(request.user)
    summaries = [
        (label, navigation.CAPACITY_SUMMARIES[value])
        for value, label in Capacity.choices
        if value in held
    ]
    return render(
        request,
        "workforce/home.html",
        {
            "memberships": memberships,
            "summaries": summaries,
            "training": selectors.training_home(request.user) if memberships else None,
        },
    )


@access.access_required()
def organisation_list(request):
    organisations = selectors.organisations_for(request.user)
    return render(request, "workforce/organisation_list.html", {"organisations": organisations})


@access.access_required()
def organisation_detail(request, pk: int):
    organisation = access.get_object_for(request.user, Organisation, "view", pk=pk)
    teams = selectors.organisation_teams(request.user, organisation)
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
