"""The register: people list and export, a person's page, adding and editing, leaving,
invitations, and CSV import."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Organisation, Team
from workforce.platform import exports
from workforce.platform.forms import form_error
from workforce.platform.query import page_number
from workforce.register import people_csv, selectors, services
from workforce.register.forms import ImportForm, InviteForm, LeaveForm, PeopleFilterForm, PersonForm
from workforce.register.models import Person
from workforce.register.services.imports import ImportRejected

PAGE_SIZE = 25

# Links on a person's page to what the apps above the register keep about them: (label, URL
# name taking the person's pk, access action on Person). A link shows only to those that
# app's rules let do that action; the register names the pages, never imports them.
PERSON_LINKS = [
    ("Supervision record", "supervision:record", "view_supervision"),
    ("Incidents", "incidents:person", "view_incidents"),
    ("Payments", "payments:person", "view_payments"),
]


def person_links(user, person) -> list[dict]:
    return [
        {"label": label, "url": reverse(url_name, kwargs={"pk": person.pk})}
        for label, url_name, action in PERSON_LINKS
        if access.can(user, action, person)
    ]


def _filter_form(request):
    organisations = access.scoped(request.user, Organisation)
    teams = access.scoped(request.user, Team).select_related("organisation")
    return PeopleFilterForm(
        request.GET or None,
        organisations=organisations,
        teams=teams,
        payee_only=selectors.payee_only(request.user),
    )


@access.access_required()
def person_list(request):
    form = _filter_form(request)
    filters = form.filters()
    people = selectors.people_list(request.user, filters)
    page = Paginator(people, PAGE_SIZE).get_page(page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    writable = access.organisation_ids(request.user, *groups.LEADS_AND_ADMINS)
    return render(
        request,
        "workforce/person_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
            "payee_only": selectors.payee_only(request.user),
            "can_add": bool(writable),
        },
    )


@access.access_required()
def people_export(request):
    """Exactly the filtered list, in the same order, streamed as CSV."""
    filters = _filter_form(request).filters()
    # No byte-order mark: this export has never had one, and its bytes stay the same.
    response = StreamingHttpResponse(
        exports.render_csv(selectors.people_export_lines(request.user, filters), bom=False),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="people.csv"'
    return response


@access.access_required()
def my_profile(request):
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404("Your login is not linked to anyone on the register.")
    return redirect("workforce:person", pk=person.pk)


@access.access_required()
def person_detail(request, pk: int):
    person = access.get_object_for(
        request.user, Person, "view", pk=pk
    )  # finance gets here too, and sees the payee part only
    user = request.user
    context = {
        "person": person,
        "can": {
            action: access.can(user, action, person)
            for action in (
                "view_profile",
                "view_payee",
                "edit",
                "invite",
                "assign",
                "record_training",
                "view_wellbeing",
                "edit_diversity",
            )
        },
    }
    if context["can"]["view_profile"]:
        assignments = selectors.person_assignments(user, person)
        lines, records = selectors.person_training(user, person, assignments["current"])
        context.update(
            assignments=assignments,
            training_lines=lines,
            training_records=records,
            can_change_assignments=context["can"]["assign"],
            links=person_links(user, person),
        )
    return render(request, "workforce/person_detail.html", context)


@access.access_required(*groups.LEADS_AND_ADMINS)
def person_create(request):
    organisations = Organisation.objects.filter(
        pk__in=access.organisation_ids(request.user, *groups.LEADS_AND_ADMINS)
    )
    instance = Person(organisation=organisations[0]) if len(organisations) == 1 else Person()
    form = PersonForm(request.POST or None, instance=instance, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "organisation"}
        organisation = form.cleaned_data.get("organisation") or instance.organisation
        try:
            person = services.person_create(organisation=organisation, by=request.user, **data)
        except services.WorkforceError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{person.full_name} has been added.")
            return redirect("workforce:person", pk=person.pk)
    return render(request, "workforce/person_form.html", {"form": form, "person": None})


@access.access_required(*groups.LEADS_AND_ADMINS)
def person_edit(request, pk: int):
    person = access.get_object_for(request.user, Person, "edit", pk=pk)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, by=request.user, **form.cleaned_data)
        except services.WorkforceError as error:
            form_error(form, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect("workforce:person", pk=person.pk)
    return render(request, "workforce/person_form.html", {"form": form, "person": person})


@access.access_required(*groups.LEADS_AND_ADMINS)
def person_leave(request, pk: int):
    person = access.get_object_for(request.user, Person, "edit", pk=pk)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_leave(person=person, by=request.user, **form.cleaned_data)
        except services.WorkforceError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{person.full_name} is recorded as having left.")
            return redirect("workforce:person", pk=person.pk)
    return render(request, "workforce/person_leave.html", {"form": form, "person": person})


@access.access_required(*groups.LEADS_AND_ADMINS)
def person_invite(request, pk: int):
    person = access.get_object_for(request.user, Person, "invite", pk=pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_invite(
                person=person,
                by=request.user,
                capacity=form.cleaned_data["capacity"],
            )
        except services.WorkforceError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"Invitation sent to {person.email}. The link lets {person.display_name} "
                "choose their own password.",
            )
            return redirect("workforce:person", pk=person.pk)
    return render(request, "workforce/person_invite.html", {"form": form, "person": person})


@access.access_required(*groups.LEADS_AND_ADMINS)
def people_import(request):
    organisations = Organisation.objects.filter(
        pk__in=access.organisation_ids(request.user, *groups.LEADS_AND_ADMINS)
    )
    form = ImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    context = {"form": form, "errors": None, "file_error": None}
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        if not access.can(request.user, "import_people", organisation):
            raise Http404
        try:
            result = services.people_import(
                organisation=organisation, data=form.cleaned_data["file"].read(), by=request.user
            )
        except people_csv.ImportFileError as error:
            context["file_error"] = error.message
        except ImportRejected as rejected:
            context["file_error"] = rejected.message
            context["errors"] = rejected.errors
        else:
            messages.success(request, f"Import finished: {result.summary()}.")
            return redirect("workforce:people")
    return render(request, "workforce/people_import.html", context)


@access.access_required(*groups.LEADS_AND_ADMINS)
def people_import_template(request):
    response = HttpResponse(people_csv.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people-template.csv"'
    return response
