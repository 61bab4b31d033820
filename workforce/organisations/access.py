"""The one access layer: which rows a user may see, and what they may do to an object.

Deny by default: a model without a scope rule shows nothing, an action without a rule is
refused. Everything is per organisation, from the user's Membership rows. Objects a user may
not see are 404 (never 403), so ids leak nothing about other organisations.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from workforce.organisations.models import Capacity, Membership, Organisation, Team

C = Capacity
# Capacities that may see everyone in their organisation's register.
# Capacities that may change the register: people, logins, assignments, training.


def capacities(user) -> dict[int, frozenset[str]]:
    """{organisation id: capacities held there}, read once per request user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_workforce_capacities", None)
    if cached is None:
        held: dict[int, set[str]] = {}
        # The user's own person record comes along (see own_person_ids), through the login's
        # `person` relation: the register's models sit above this layer.
        rows = Membership.objects.filter(user=user).values_list(
            "organisation_id", "capacity", "user__person"
        )
        for org_id, capacity, own_person in rows:
            held.setdefault(org_id, set()).add(capacity)
            user._workforce_own_people = frozenset([own_person] if own_person else [])
        cached = {org_id: frozenset(caps) for org_id, caps in held.items()}
        user._workforce_capacities = cached
    return cached


def own_person_ids(user) -> frozenset[int]:
    """The id of the user's own person record (none or one), read once per request user.

    Filters use `person_id__in=own_person_ids(user)` rather than `person__user_id=user.pk`:
    inside an OR, the join to the people table made PostgreSQL read and hash every person
    of every organisation on each list and count (bench/README.md).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    capacities(user)  # usually reads it too
    cached = getattr(user, "_workforce_own_people", None)
    if cached is None:  # a login with no membership
        own = get_user_model().objects.filter(pk=user.pk, person__isnull=False)
        cached = frozenset(own.values_list("person", flat=True))
        user._workforce_own_people = cached
    return cached


def organisation_ids(user, *wanted: str) -> set[int]:
    """Organisations where the user holds any of `wanted` (any capacity if none given)."""
    return {
        org_id
        for org_id, caps in capacities(user).items()
        if not wanted or caps.intersection(wanted)
    }


def admin_organisation_ids(user) -> set[int]:
    """Organisations whose records a staff login may look up in the Django admin: where it
    is an administrator. The superuser flag adds none (workforce/adminscope.py)."""
    if not getattr(user, "is_staff", False):
        return set()
    return organisation_ids(user, C.ADMIN)


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


def _memberships(user) -> models.QuerySet:
    own = models.Q(user_id=user.pk)
    managed = models.Q(organisation_id__in=organisation_ids(user, C.ADMIN, C.COPRODUCTION_LEAD))
    return Membership.objects.filter(own | managed)


SCOPES: dict[type[models.Model], Callable] = {
    Organisation: _organisations,
    Team: _teams,
    Membership: _memberships,
}


def scoped(user, model: type[models.Model]) -> models.QuerySet:
    """The rows of `model` that `user` may see. Nothing for anonymous or inactive users."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return model._default_manager.none()
    rule = scopes().get(model)
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
    # Giving and ending capacities there: its administrators (never their own: the service).
    (Organisation, "manage_capacities"): lambda user, org: has_capacity(
        user, C.ADMIN, organisation_id=org.pk
    ),
    # The nation it works in (its bank holidays set incident deadlines): its administrators.
    (Organisation, "set_nation"): lambda user, org: has_capacity(
        user, C.ADMIN, organisation_id=org.pk
    ),
}


class RuleBook:
    """One app's scopes and rules. Each rules module holds its own (`RULEBOOK =
    access.RuleBook()`) and fills it with the decorators below; the access layer reads the
    books of the modules named in settings.ACCESS_RULES the first time it is asked, so no
    module changes another when it is imported."""

    def __init__(self):
        self.scopes: dict[type[models.Model], Callable] = {}
        self.rules: dict[tuple[type[models.Model], str], Callable] = {}

    def scope(self, model: type[models.Model]):
        """The rule for which rows of `model` a user may see."""

        def decorator(func):
            self.scopes[model] = func
            return func

        return decorator

    def rule(self, model: type[models.Model], action: str):
        """The rule for whether a user may do `action` to a `model` object."""

        def decorator(func):
            self.rules[(model, action)] = func
            return func

        return decorator


_TABLES: tuple[dict, dict] | None = None


def _tables() -> tuple[dict, dict]:
    """Every app's scopes and rules: this module's own, then the book of each module in
    settings.ACCESS_RULES, read once."""
    global _TABLES
    if _TABLES is None:
        scopes, rules = dict(SCOPES), dict(RULES)
        for path in settings.ACCESS_RULES:
            book = import_module(path).RULEBOOK
            scopes.update(book.scopes)
            rules.update(book.rules)
        _TABLES = (scopes, rules)
    return _TABLES


def scopes() -> dict:
    return _tables()[0]


def rules() -> dict:
    return _tables()[1]


def can(user, action: str, obj: models.Model) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = rules().get((type(obj), action))
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

        # Who may open the page at all, for the menu's check (tests/test_architecture.py).
        wrapper.required_capacities = frozenset(wanted)
        return wrapper

    return decorator
