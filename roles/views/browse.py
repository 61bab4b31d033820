"""Reading roles: the list, a role and its versions, history, differences, print."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from roles import selectors, services
from roles.models import Role, RoleVersion
from workforce.organisations import access
from workforce.organisations.models import Organisation
from workforce.platform.query import Query, parse_id

PAGE_SIZE = 25


@access.access_required()
def role_list(request):
    query = Query(request.GET)
    family = query.choice(
        "family", Role.Family.values, message="That role family is not known; all are shown."
    )
    status = query.choice(
        "status", selectors.LIST_STATUSES, message="That status is not known; all are shown."
    )
    sort = query.choice("sort", selectors.SORTS, default="title")
    search = query.text("q")
    organisations = list(access.scoped(request.user, Organisation).order_by("name"))
    organisation_id = query.id(
        "organisation",
        message="That organisation is not one of yours; roles of all yours are shown.",
        allowed=[org.pk for org in organisations],
    )
    roles = selectors.roles_for(
        request.user,
        family=family,
        status=status,
        organisation_id=organisation_id,
        search=search,
        sort=sort,
    )
    page = Paginator(roles, PAGE_SIZE).get_page(query.page())
    can_create = bool(selectors.organisations_writable_by(request.user).exists())
    return render(
        request,
        "roles/list.html",
        {
            "page": page,
            "query_errors": query.errors,
            "filtered": bool(family or status or organisation_id or search),
            "family": family,
            "status": status,
            "sort": sort,
            "search": search,
            "organisation_id": organisation_id,
            "organisations": organisations,
            "families": Role.Family.choices,
            "statuses": selectors.LIST_STATUSES.items(),
            "sorts": [
                ("title", "Title (A to Z)"),
                ("-title", "Title (Z to A)"),
                ("family", "Family"),
                ("organisation", "Organisation"),
                ("-published", "Most recently published"),
            ],
            "can_create": can_create,
        },
    )


def _version_page(request, role: Role, version: RoleVersion, *, is_current: bool):
    can_edit = access.can(request.user, "edit", role)
    context = {
        "role": role,
        "version": version,
        "is_current": is_current,
        "can_edit": can_edit,
        "published": selectors.published_of(role) if not version.is_published else version,
    }
    if can_edit:
        draft = version if version.is_draft else selectors.draft_of(request.user, role)
        context["draft"] = draft
        context["missing"] = services.publish_problems(draft) if draft else []
    return render(request, "roles/version.html", context)


@access.access_required()
def role_detail(request, pk: int):
    role = access.get_object_for(request.user, Role, "view", pk=pk)
    current = selectors.current_version(request.user, role)
    if current is None:  # a role whose only draft the user may not see
        raise Http404
    version = selectors.version_for(request.user, role, current.number)
    return _version_page(request, role, version, is_current=True)


@access.access_required()
def version_detail(request, pk: int, number: int):
    role = access.get_object_for(request.user, Role, "view", pk=pk)
    version = selectors.version_for(request.user, role, number)
    if version is None:
        raise Http404
    current = selectors.current_version(request.user, role)
    return _version_page(request, role, version, is_current=current.pk == version.pk)


@access.access_required()
def role_print(request, pk: int, number: int):
    role = access.get_object_for(request.user, Role, "view", pk=pk)
    version = selectors.version_for(request.user, role, number)
    if version is None:
        raise Http404
    return render(request, "roles/print.html", {"role": role, "version": version})


@access.access_required()
def role_history(request, pk: int):
    role = access.get_object_for(request.user, Role, "view", pk=pk)
    versions = list(selectors.version_history(request.user, role))
    can_edit = access.can(request.user, "edit", role)
    trail = list(selectors.role_audit_trail(role, versions)) if can_edit else []
    return render(
        request,
        "roles/history.html",
        {
            "role": role,
            "versions": versions,
            "current": selectors.current_version(request.user, role),
            "trail": trail,
            "can_edit": can_edit,
        },
    )


@access.access_required()
def role_diff(request, pk: int):
    role = access.get_object_for(request.user, Role, "view", pk=pk)
    versions = list(selectors.version_history(request.user, role))
    context = {"role": role, "versions": versions, "diff": None}
    if len(versions) < 2:
        return render(request, "roles/diff.html", context)
    before, after = selectors.comparison_pair(
        versions,
        current=selectors.current_version(request.user, role),
        before=parse_id(request.GET.get("from", "")),
        after=parse_id(request.GET.get("to", "")),
    )
    pair = {
        v.number: v
        for v in selectors.with_lists(
            access.scoped(request.user, RoleVersion).filter(role=role, number__in=[before, after])
        )
    }
    context.update(
        {
            "diff": selectors.version_diff(pair[before], pair[after]),
            "before": before,
            "after": after,
        }
    )
    return render(request, "roles/diff.html", context)
