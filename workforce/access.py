"""The one access layer: which rows a user may see, and what they may do to an object.

Deny by default: a model without a scope rule shows nothing, an action without a rule is
refused. Everything is per organisation, from the user's Membership rows. Objects a user may
not see are 404 (never 403), so ids leak nothing about other organisations.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from workforce.models import Capacity, Membership, Organisation, Person, Team

C = Capacity
# Capacities that may see everyone in their organisation's register.
ORGANISATION_WIDE = (C.COPRODUCTION_LEAD, C.SAFEGUARDING_LEAD, C.ADMIN)


def capacities(user) -> dict[int, frozenset[str]]:
    """{organisation id: capacities held there}, read once per request user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_workforce_capacities", None)
    if cached is None:
        held: dict[int, set[str]] = {}
        for org_id, capacity in Membership.objects.filter(user=user).values_list(
            "organisation_id", "capacity"
        ):
            held.setdefault(org_id, set()).add(capacity)
        cached = {org_id: frozenset(caps) for org_id, caps in held.items()}
        user._workforce_capacities = cached
    return cached


def organisation_ids(user, *wanted: str) -> set[int]:
    """Organisations where the user holds any of `wanted` (any capacity if none given)."""
    return {
        org_id
        for org_id, caps in capacities(user).items()
        if not wanted or caps.intersection(wanted)
    }


def has_capacity(user, *wanted: str, organisation_id: int | None = None) -> bool:
    held = capacities(user)
    if organisation_id is not None:
        return bool(held.get(organisation_id, frozenset()).intersection(wanted))
    return any(caps.intersection(wanted) for caps in held.values())


def all_capacities(user) -> frozenset[str]:
    return frozenset().union(*capacities(user).values()) if capacities(user) else frozenset()


# --- Which rows: one rule per model, each starting from organisation membership.


def _organisations(user) -> models.QuerySet:
    return Organisation.objects.filter(pk__in=organisation_ids(user))


def _teams(user) -> models.QuerySet:
    return Team.objects.filter(organisation_id__in=organisation_ids(user))


def _people(user) -> models.QuerySet:
    own = models.Q(user_id=user.pk)
    wide = models.Q(organisation_id__in=organisation_ids(user, *ORGANISATION_WIDE))
    return Person.objects.filter(own | wide)


def _memberships(user) -> models.QuerySet:
    own = models.Q(user_id=user.pk)
    managed = models.Q(organisation_id__in=organisation_ids(user, C.ADMIN, C.COPRODUCTION_LEAD))
    return Membership.objects.filter(own | managed)


SCOPES: dict[type[models.Model], Callable] = {
    Organisation: _organisations,
    Team: _teams,
    Person: _people,
    Membership: _memberships,
}


def register_scope(model: type[models.Model]):
    """Other apps add their models' rules here, so there is still one access layer."""

    def decorator(func):
        SCOPES[model] = func
        return func

    return decorator


def scoped(user, model: type[models.Model]) -> models.QuerySet:
    """The rows of `model` that `user` may see. Nothing for anonymous or inactive users."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return model._default_manager.none()
    rule = SCOPES.get(model)
    if rule is None:
        # Deny by default: a model nobody wrote a rule for shows nothing.
        return model._default_manager.none()
    return rule(user)


# --- What they may do: (model, action) -> predicate(user, obj).


def _member_of(user, obj) -> bool:
    return obj.organisation_id in organisation_ids(user)


RULES: dict[tuple[type[models.Model], str], Callable] = {
    (Organisation, "view"): lambda user, org: org.pk in organisation_ids(user),
    (Team, "view"): _member_of,
    (Person, "view"): lambda user, person: scoped(user, Person).filter(pk=person.pk).exists(),
}


def register_rule(model: type[models.Model], action: str):
    def decorator(func):
        RULES[(model, action)] = func
        return func

    return decorator


def can(user, action: str, obj: models.Model) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = RULES.get((type(obj), action))
    return bool(rule and rule(user, obj))


def get_object_for(user, model: type[models.Model], action: str = "view", **lookup):
    """The object, if the user may see it and do `action` to it; otherwise 404."""
    obj = get_object_or_404(scoped(user, model), **lookup)
    if not can(user, action, obj):
        raise Http404
    return obj


def access_required(*wanted: str):
    """View decorator: signed in, and (if capacities are named) holding one of them somewhere.

    Object-level checks go through `get_object_for` inside the view.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if wanted and not has_capacity(request.user, *wanted):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
