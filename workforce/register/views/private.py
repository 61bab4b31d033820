"""Pages for what is private to a person: the wellbeing plan, the person's own diversity
answers, and the leads' diversity report (counts only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Organisation
from workforce.platform import audit, disclosure
from workforce.platform.query import Query
from workforce.platform.read_log import What, read_log_record
from workforce.register import selectors, services
from workforce.register.forms import DiversityForm, WellbeingPlanForm
from workforce.register.models import DiversityProfile, Person, WellbeingPlan
from workforce.register.services.private import DIVERSITY_FIELDS


def _plan_of(person: Person) -> WellbeingPlan | None:
    return WellbeingPlan.objects.filter(person=person).select_related("updated_by__person").first()


@access.access_required()
def wellbeing(request, pk: int):
    person = access.get_object_for(request.user, Person, "view_wellbeing", pk=pk)
    plan = _plan_of(person)
    sections = [
        (heading, getattr(plan, name, "") if plan else "")
        for name, heading, _ in WellbeingPlan.SECTIONS
    ]
    headings = {name: heading for name, heading, _ in WellbeingPlan.SECTIONS}
    entries = audit.history(plan).select_related("actor__person") if plan else []
    if plan:
        read_log_record(user=request.user, obj=plan, what=What.WELLBEING_PLAN, url=request.path)
    # Newest first; which sections changed, never the words (they are on the page already).
    history = [
        (entry, [headings[name] for name in entry.changes if name in headings])
        for entry in reversed(list(entries))
    ]
    return render(
        request,
        "workforce/wellbeing.html",
        {
            "person": person,
            "plan": plan,
            "sections": sections,
            "history": history,
            "is_self": person.user_id == request.user.pk,
        },
    )


@access.access_required()
def wellbeing_edit(request, pk: int):
    person = access.get_object_for(request.user, Person, "edit_wellbeing", pk=pk)
    plan = _plan_of(person)
    initial = {name: getattr(plan, name) for name in WellbeingPlan.section_names()} if plan else {}
    form = WellbeingPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.wellbeing_plan_update(person=person, by=request.user, **form.cleaned_data)
        messages.success(request, "Wellbeing plan saved.")
        return redirect("workforce:wellbeing", pk=person.pk)
    if plan:
        # The form is filled in with the plan: as much a read as the plan page.
        read_log_record(user=request.user, obj=plan, what=What.WELLBEING_PLAN, url=request.path)
    return render(request, "workforce/wellbeing_form.html", {"form": form, "person": person})


@access.access_required()
def my_diversity(request):
    person = getattr(request.user, "person", None)
    if person is None or not access.can(request.user, "edit_diversity", person):
        raise Http404("Your login is not linked to anyone on the register.")
    # Read through the access layer, which lets only the person themselves see it.
    profile = access.scoped(request.user, DiversityProfile).filter(person=person).first()
    initial = {name: getattr(profile, name) for name in DIVERSITY_FIELDS} if profile else {}
    form = DiversityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.diversity_profile_update(person=person, by=request.user, **form.cleaned_data)
        messages.success(request, "Thank you: your answers are saved. Only you can see them.")
        return redirect("workforce:my_diversity")
    return render(request, "workforce/my_diversity.html", {"form": form, "profile": profile})


@access.access_required(*groups.LEADS_AND_ADMINS)
def diversity_report(request):
    organisations = list(
        Organisation.objects.filter(
            pk__in=access.organisation_ids(request.user, *groups.LEADS_AND_ADMINS)
        )
    )
    chosen = Query(request.GET).id("organisation", allowed=[o.pk for o in organisations])
    organisation = next((o for o in organisations if o.pk == chosen), organisations[0])
    report = selectors.diversity_report(request.user, organisation)
    return render(
        request,
        "workforce/diversity_report.html",
        {
            "report": report,
            "organisations": organisations,
            "organisation": organisation,
            "disclosure_rule": disclosure.RULE,
        },
    )
