"""An organisation's incident deadlines, set by its co-production and safeguarding leads."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from supervision.incidents import deadlines, services
from supervision.incidents.forms import PolicyForm
from supervision.incidents.views.helpers import show_error
from supervision.incidents.views.lists import _context, uses_incidents
from workforce.organisations import access
from workforce.organisations.models import Organisation


@uses_incidents
def policy(request, pk: int):
    organisation = access.get_object_for(request.user, Organisation, "configure_incidents", pk=pk)
    current = deadlines.policy_for(organisation.pk)
    form = PolicyForm(
        request.POST or None,
        initial={
            "triage_working_days": current.triage_working_days,
            "acknowledge_hours": current.acknowledge_hours,
            "acknowledge_urgent_hours": current.acknowledge_urgent_hours,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(organisation=organisation, by=request.user, **form.cleaned_data)
        except services.IncidentError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                "Deadlines saved. They apply to incidents reported or escalated from now on.",
            )
            return redirect("incidents:policy", pk=organisation.pk)
    return render(
        request,
        "incidents/policy.html",
        _context(
            request,
            organisation=organisation,
            form=form,
            defaults=deadlines.Policy(),
            bank_holidays=deadlines.upcoming_bank_holidays(
                deadlines.today(), nation=organisation.nation
            ),
        ),
    )
