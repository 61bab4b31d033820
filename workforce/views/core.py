from django.shortcuts import render

from workforce import access, selectors
from workforce.models import Organisation


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
