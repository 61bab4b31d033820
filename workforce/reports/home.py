"""The home page: what each capacity is for, and the panels for the user's work."""

from django.shortcuts import render

from workforce.organisations import access
from workforce.organisations import selectors as organisation_selectors
from workforce.organisations.models import Capacity
from workforce.register import selectors
from workforce.register.selectors.people import role_versions_for
from workforce.reports import navigation


@access.access_required()
def home(request):
    memberships = list(organisation_selectors.memberships_of(request.user))
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
            "my_role_versions": role_versions_for(request.user),
        },
    )
