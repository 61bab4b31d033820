"""Assignments (giving someone a published role version) and training records."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from roles.models import RoleVersion, TrainingRequirement
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Team
from workforce.platform.forms import form_error
from workforce.platform.query import Query
from workforce.register import selectors, services
from workforce.register.forms import (
    AssignmentChangeForm,
    AssignmentEndForm,
    AssignmentForm,
    AssignmentMoveForm,
    TrainingRecordForm,
)
from workforce.register.models import EXPIRING_WITHIN_DAYS, Assignment, Person


def _published_versions(user, person: Person):

    return (
        access.scoped(user, RoleVersion)
        .filter(status=RoleVersion.Status.PUBLISHED, role__organisation_id=person.organisation_id)
        .select_related("role")
        .order_by("title", "pk")
    )


def _assignment_for(user, pk: int) -> Assignment:
    """An assignment the user may change (404 otherwise), with what the pages show."""
    assignment = get_object_or_404(
        access.scoped(user, Assignment).select_related(
            "person", "role_version__role", "team", "supervisor__person"
        ),
        pk=pk,
    )
    if not access.can(user, "change", assignment):
        raise Http404
    return assignment


@access.access_required(*groups.LEADS_AND_ADMINS)
def assignment_create(request, pk: int):
    person = access.get_object_for(request.user, Person, "assign", pk=pk)
    form = AssignmentForm(
        request.POST or None,
        person=person,
        role_versions=_published_versions(request.user, person),
        teams=access.scoped(request.user, Team).filter(organisation_id=person.organisation_id),
        supervisors=selectors.supervisors_for(person.organisation_id).exclude(
            pk=person.user_id or 0
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_create(person=person, by=request.user, **form.cleaned_data)
        except services.WorkforceError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{person.display_name} has been given the role.")
            return redirect("workforce:person", pk=person.pk)
    return render(request, "workforce/assignment_form.html", {"form": form, "person": person})


@access.access_required(*groups.LEADS_AND_ADMINS)
def assignment_change(request, pk: int):
    assignment = _assignment_for(request.user, pk)
    form = AssignmentChangeForm(
        request.POST or None,
        initial={
            "supervisor": assignment.supervisor_id,
            "hours_per_week": assignment.hours_per_week,
        },
        supervisors=selectors.supervisors_for(assignment.person.organisation_id).exclude(
            pk=assignment.person.user_id or 0
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_update(assignment=assignment, by=request.user, **form.cleaned_data)
        except services.WorkforceError as error:
            form_error(form, error)
        else:
            messages.success(request, "Assignment updated.")
            return redirect("workforce:person", pk=assignment.person_id)
    return render(
        request,
        "workforce/assignment_action.html",
        {"form": form, "assignment": assignment, "action": "change"},
    )


@access.access_required(*groups.LEADS_AND_ADMINS)
def assignment_end(request, pk: int):
    assignment = _assignment_for(request.user, pk)
    form = AssignmentEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_end(
                assignment=assignment, by=request.user, end_date=form.cleaned_data["end_date"]
            )
        except services.WorkforceError as error:
            form_error(form, error)
        else:
            messages.success(request, "Assignment end date recorded.")
            return redirect("workforce:person", pk=assignment.person_id)
    return render(
        request,
        "workforce/assignment_action.html",
        {"form": form, "assignment": assignment, "action": "end"},
    )


@access.access_required(*groups.LEADS_AND_ADMINS)
def assignment_move(request, pk: int):

    assignment = _assignment_for(request.user, pk)
    versions = access.scoped(request.user, RoleVersion).filter(
        role_id=assignment.role_version.role_id,
        status=RoleVersion.Status.PUBLISHED,
        number__gt=assignment.role_version.number,
    )
    form = AssignmentMoveForm(request.POST or None, versions=versions)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_move_to_version(
                assignment=assignment, by=request.user, **form.cleaned_data
            )
        except services.WorkforceError as error:
            form_error(form, error)
        else:
            messages.success(request, "Moved to the newer version of the role.")
            return redirect("workforce:person", pk=assignment.person_id)
    return render(
        request,
        "workforce/assignment_action.html",
        {"form": form, "assignment": assignment, "action": "move", "versions": versions},
    )


@access.access_required()
def training_create(request, pk: int):

    person = access.get_object_for(request.user, Person, "record_training", pk=pk)
    requirements = (
        TrainingRequirement.objects.filter(
            version__assignments__person=person,
        )
        .select_related("version")
        .distinct()
        .order_by("version__title", "-version__number", "position")
    )
    form = TrainingRecordForm(request.POST or None, requirements=requirements)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_record_create(person=person, by=request.user, **form.cleaned_data)
        except services.WorkforceError as error:
            form_error(form, error)
        else:
            messages.success(request, "Training recorded.")
            return redirect("workforce:person", pk=person.pk)
    return render(request, "workforce/training_form.html", {"form": form, "person": person})


@access.access_required()
def training_list(request):
    query = Query(request.GET)
    which = query.choice("show", ("expiring", "expired"), default="expiring")
    records = selectors.training_due(request.user, which=which)
    page = Paginator(records, 50).get_page(query.page())
    return render(
        request,
        "workforce/training_list.html",
        {"page": page, "which": which, "days": EXPIRING_WITHIN_DAYS},
    )
