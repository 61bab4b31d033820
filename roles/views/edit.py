"""Writing roles: create, edit a draft, publish, retire, start and discard drafts.

Every change goes through roles.services; a broken rule comes back as RoleRuleError and is
shown to the user with nothing saved.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from roles import selectors, services
from roles.forms import LISTS, LISTS_BY_PREFIX, MAX_ROWS, RoleVersionForm, row_values
from roles.models import Role, RoleVersion, SupervisionRequirement
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Organisation
from workforce.platform.query import parse_id


class RetireForm(forms.Form):
    reason = forms.CharField(
        label="Why is this role being retired? (optional)",
        help_text="This is kept with the role's history.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _row_action(post) -> tuple[str, str, int] | None:
    """("add", list, -1) or ("up", list, row index) when a row button was pressed."""
    for key in post:
        verb, _, prefix = key.partition("_")
        if verb in ("add", "up") and prefix in LISTS_BY_PREFIX:
            try:
                index = int(post[key]) if verb == "up" else -1
            except ValueError:
                return None
            return verb, prefix, index
    return None


def _formsets(data, *, initial: dict[str, list[dict]] | None, role_choices):
    formsets = {}
    for spec in LISTS:
        kwargs = {"prefix": spec.prefix}
        if spec.prefix == "progression_routes":
            kwargs["form_kwargs"] = {"role_choices": role_choices}
        if data is not None:
            formsets[spec.prefix] = spec.formset_class()(data, **kwargs)
        else:
            formsets[spec.prefix] = spec.formset_class()(initial=initial[spec.prefix], **kwargs)
    return formsets


def _reshow(form, formsets, action, *, form_kwargs, role_choices):
    """The same page again, unbound (no error messages yet), with a row added or moved."""
    verb, target, index = action
    rows = {prefix: [row_values(f) for f in fs.forms] for prefix, fs in formsets.items()}
    focus = None
    if verb == "add" and len(rows[target]) < MAX_ROWS:
        rows[target].append({})
        focus = len(rows[target]) - 1
    elif verb == "up" and 0 < index < len(rows[target]):
        rows[target][index - 1], rows[target][index] = rows[target][index], rows[target][index - 1]
        focus = index - 1
    new_form = RoleVersionForm(**{**form_kwargs, "initial": row_values(form)})
    new_formsets = _formsets(None, initial=rows, role_choices=role_choices)
    if focus is not None:
        row = new_formsets[target].forms[focus]
        first = next(iter(row.fields))
        row.fields[first].widget.attrs["autofocus"] = True
    return new_form, new_formsets


def _errors_for_summary(formsets) -> list[dict]:
    """Every list error, each linking to where it is on the page, for the summary at the top."""
    summary = []
    for spec in LISTS:
        formset = formsets[spec.prefix]
        for error in formset.non_form_errors():
            summary.append({"anchor": f"list-{spec.prefix}", "label": spec.title, "message": error})
        for number, row in enumerate(formset.forms, start=1):
            if formset.can_delete and formset._should_delete_form(row):
                continue
            noun = f"{spec.noun.capitalize()} {number}"
            for error in row.non_field_errors():
                anchor = f"{spec.prefix}-row-{number}"
                summary.append({"anchor": anchor, "label": noun, "message": error})
            for name, errors in row.errors.items():
                if name == "__all__":
                    continue
                for error in errors:
                    summary.append(
                        {
                            "anchor": row[name].id_for_label,
                            "label": f"{noun}, {row[name].label.lower()}",
                            "message": error,
                        }
                    )
    return summary


def _editor(
    request,
    *,
    template_context: dict,
    instance: RoleVersion,
    initial_lists: dict[str, list[dict]],
    organisation: Organisation,
    role: Role | None,
    family_editable: bool,
    save,
):
    """The create/edit page. `save(content, family)` calls the service and returns a
    redirect; a RoleRuleError it raises is shown at the top with nothing saved."""
    selected = [
        row.get("to_role") for row in initial_lists["progression_routes"] if row.get("to_role")
    ]
    role_choices = selectors.progression_choices(role, organisation, include=selected)
    form_kwargs = {"instance": instance, "family_editable": family_editable}
    if family_editable and role is not None:
        form_kwargs["initial"] = {"family": role.family}
    if request.method != "POST":
        form = RoleVersionForm(**form_kwargs)
        formsets = _formsets(None, initial=initial_lists, role_choices=role_choices)
        extra_errors = []
    else:
        form = RoleVersionForm(request.POST, **form_kwargs)
        formsets = _formsets(request.POST, initial=None, role_choices=role_choices)
        action = _row_action(request.POST)
        if action is not None:
            form, formsets = _reshow(
                form, formsets, action, form_kwargs=form_kwargs, role_choices=role_choices
            )
            extra_errors = []
        else:
            # Validate everything (no short cut) so every error is shown at once.
            lists_valid = [fs.is_valid() for fs in formsets.values()]
            if form.is_valid() and all(lists_valid):
                content = services.RoleContent(
                    **{name: form.cleaned_data[name] for name in services.CONTENT_FIELDS},
                    **{prefix: fs.items() for prefix, fs in formsets.items()},
                )
                try:
                    return save(content, form.cleaned_data.get("family"))
                except services.RoleRuleError as error:
                    form.add_error(None, error.message)
            extra_errors = _errors_for_summary(formsets)
    lists = [(spec, formsets[spec.prefix]) for spec in LISTS]
    return render(
        request,
        "roles/form.html",
        {
            **template_context,
            "form": form,
            "lists": lists,
            "extra_errors": extra_errors,
            "max_rows": MAX_ROWS,
        },
    )


def _blank_lists(**overrides) -> dict[str, list[dict]]:
    lists = {spec.prefix: [{}] for spec in LISTS}
    lists.update(overrides)
    return lists


@access.access_required(*groups.LEADS_AND_ADMINS)
def role_create(request):
    organisations = list(selectors.organisations_writable_by(request.user))
    chosen = request.GET.get("organisation", "")
    if chosen:
        # An organisation that is not a valid id is not found, like one that is not theirs.
        organisation_id = parse_id(chosen)
        if organisation_id is None:
            raise Http404
        organisation = access.get_object_for(
            request.user, Organisation, "create_role", pk=organisation_id
        )
    elif len(organisations) == 1:
        organisation = organisations[0]
    else:
        return render(request, "roles/choose_organisation.html", {"organisations": organisations})

    def save(content, family):
        version = services.role_create(
            organisation=organisation, family=family or "", content=content, by=request.user
        )
        messages.success(
            request,
            "Draft saved. Only co-production leads and administrators can see it until it is "
            "published.",
        )
        return redirect("roles:detail", pk=version.role_id)

    # Most trusts' policies ask for supervision at least every 8 weeks when nothing else is
    # set, so the first supervision row starts there (it can be changed or removed).
    first_supervision = {
        "kind": SupervisionRequirement.Kind.LINE_MANAGEMENT,
        "min_frequency_days": 56,
        "min_minutes": 60,
    }
    return _editor(
        request,
        template_context={"organisation": organisation, "creating": True},
        instance=RoleVersion(),
        initial_lists=_blank_lists(supervision_requirements=[first_supervision]),
        organisation=organisation,
        role=None,
        family_editable=True,
        save=save,
    )


@access.access_required(*groups.LEADS_AND_ADMINS)
def role_edit_draft(request, pk: int):
    role = access.get_object_for(request.user, Role, "edit", pk=pk)
    draft = selectors.draft_of(request.user, role)
    if draft is None:
        messages.info(request, "This role has no draft. Use “Edit” to start one.")
        return redirect("roles:detail", pk=role.pk)
    draft = selectors.with_lists(RoleVersion.objects.filter(pk=draft.pk)).get()
    family_editable = not role.versions.exclude(status=RoleVersion.Status.DRAFT).exists()

    def save(content, family):
        services.role_version_update_draft(
            version=draft, content=content, family=family, by=request.user
        )
        messages.success(request, f"Draft version {draft.number} saved.")
        return redirect("roles:detail", pk=role.pk)

    initial_lists = {}
    for spec in LISTS:
        fields = spec.form._meta.fields
        items = [
            forms.model_to_dict(item, fields=fields) for item in getattr(draft, spec.prefix).all()
        ]
        initial_lists[spec.prefix] = items or [{}]
    return _editor(
        request,
        template_context={"organisation": role.organisation, "role": role, "draft": draft},
        instance=draft,
        initial_lists=initial_lists,
        organisation=role.organisation,
        role=role,
        family_editable=family_editable,
        save=save,
    )


@access.access_required(*groups.LEADS_AND_ADMINS)
def role_publish(request, pk: int):
    role = access.get_object_for(request.user, Role, "edit", pk=pk)
    draft = selectors.draft_of(request.user, role)
    if draft is None:
        messages.info(request, "There is no draft to publish.")
        return redirect("roles:detail", pk=role.pk)
    error = None
    if request.method == "POST":
        try:
            version = services.role_version_publish(version=draft, by=request.user)
        except services.RoleRuleError as exc:
            error = exc
        else:
            messages.success(request, f"Version {version.number} of “{version.title}” published.")
            return redirect("roles:detail", pk=role.pk)
    published = selectors.published_of(role)
    numbers = [draft.number] + ([published.number] if published else [])
    pair = {
        v.number: v
        for v in selectors.with_lists(RoleVersion.objects.filter(role=role, number__in=numbers))
    }
    return render(
        request,
        "roles/confirm_publish.html",
        {
            "role": role,
            "draft": pair[draft.number],
            "published": published,
            "diff": selectors.version_diff(pair[published.number], pair[draft.number])
            if published
            else None,
            "missing": error.missing if error else services.publish_problems(draft),
            "error": error,
        },
    )


@access.access_required(*groups.LEADS_AND_ADMINS)
def role_retire(request, pk: int):
    role = access.get_object_for(request.user, Role, "edit", pk=pk)
    published = selectors.published_of(role)
    if published is None:
        messages.info(request, "Only a published role can be retired.")
        return redirect("roles:detail", pk=role.pk)
    form = RetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_retire(role=role, reason=form.cleaned_data["reason"], by=request.user)
        except services.RoleRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"“{published.title}” retired.")
            return redirect("roles:detail", pk=role.pk)
    return render(
        request, "roles/confirm_retire.html", {"role": role, "version": published, "form": form}
    )


@require_POST
@access.access_required(*groups.LEADS_AND_ADMINS)
def role_new_draft(request, pk: int):
    role = access.get_object_for(request.user, Role, "edit", pk=pk)
    source = selectors.current_version(request.user, role)
    draft, created = services.role_version_new_draft_from(version=source, by=request.user)
    if created:
        messages.success(
            request,
            f"Draft version {draft.number} started from version {source.number}. The published "
            "version does not change until you publish this draft.",
        )
    else:
        messages.info(request, f"This role already has a draft (version {draft.number}).")
    return redirect("roles:edit_draft", pk=role.pk)


@access.access_required(*groups.LEADS_AND_ADMINS)
def role_discard_draft(request, pk: int):
    role = access.get_object_for(request.user, Role, "edit", pk=pk)
    draft = selectors.draft_of(request.user, role)
    if draft is None:
        messages.info(request, "There is no draft to discard.")
        return redirect("roles:detail", pk=role.pk)
    if request.method == "POST":
        remaining = services.role_draft_discard(version=draft, by=request.user)
        messages.success(request, f"Draft version {draft.number} discarded.")
        if remaining is None:
            return redirect("roles:list")
        return redirect("roles:detail", pk=role.pk)
    return render(request, "roles/confirm_discard.html", {"role": role, "draft": draft})
