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

from workforce.models import (
    Assignment,
    Capacity,
    DiversityProfile,
    Membership,
    Organisation,
    Person,
    Team,
    TrainingRecord,
    WellbeingPlan,
    current_q,
)

C = Capacity
# Capacities that may see everyone in their organisation's register.
ORGANISATION_WIDE = (C.COPRODUCTION_LEAD, C.SAFEGUARDING_LEAD, C.ADMIN)
# Capacities that may change the register: people, logins, assignments, training.
REGISTER_WRITERS = (C.COPRODUCTION_LEAD, C.ADMIN)


def capacities(user) -> dict[int, frozenset[str]]:
    """{organisation id: capacities held there}, read once per request user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_workforce_capacities", None)
    if cached is None:
        held: dict[int, set[str]] = {}
        # The user's own person record comes along (see own_person_ids).
        own = Person.objects.filter(user_id=models.OuterRef("user_id")).values("pk")[:1]
        rows = (
            Membership.objects.filter(user=user)
            .annotate(own_person=models.Subquery(own))
            .values_list("organisation_id", "capacity", "own_person")
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
        cached = frozenset(Person.objects.filter(user_id=user.pk).values_list("pk", flat=True))
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


def _supervisee_filter(user) -> models.Q:
    """People with an assignment in force today whose named supervisor is `user`, in an
    organisation the user belongs to (membership first, as everywhere)."""
    return models.Q(
        models.Exists(
            Assignment.objects.filter(current_q(), person=models.OuterRef("pk"), supervisor=user)
        ),
        organisation_id__in=organisation_ids(user),
    )


def supervisee_ids(user) -> frozenset[int]:
    """Ids of the people `user` currently supervises, read once per request user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_workforce_supervisees", None)
    if cached is None:
        cached = frozenset(
            Person.objects.filter(_supervisee_filter(user)).values_list("pk", flat=True)
        )
        user._workforce_supervisees = cached
    return cached


def is_supervisor_of(user, person: Person) -> bool:
    return person.pk in supervisee_ids(user)


# --- Which rows: one rule per model, each starting from organisation membership.


def _organisations(user) -> models.QuerySet:
    return Organisation.objects.filter(pk__in=organisation_ids(user))


def _teams(user) -> models.QuerySet:
    return Team.objects.filter(organisation_id__in=organisation_ids(user))


def _people(user) -> models.QuerySet:
    """Peer worker: self. Supervisor: self and supervisees. Leads, safeguarding, admin: their
    organisations. Finance: their organisations too, but only as payees: the rules below
    ("view_profile" and friends) keep everything else about a person from them."""
    own = models.Q(user_id=user.pk)
    wide_ids = organisation_ids(user, *ORGANISATION_WIDE, C.FINANCE)
    wide = models.Q(organisation_id__in=wide_ids)
    if organisation_ids(user) <= wide_ids:
        # Supervisees are in the user's organisations, all seen whole: asking who they are
        # (an EXISTS inside the OR) only made PostgreSQL test every person of the trust.
        return Person.objects.filter(own | wide)
    return Person.objects.filter(own | wide | _supervisee_filter(user))


def profile_people_filter(user, prefix: str = "") -> models.Q:
    """Whose whole profile (assignments, training) `user` may read: not finance's payees."""
    own = models.Q(**{f"{prefix}user_id": user.pk})
    wide_ids = organisation_ids(user, *ORGANISATION_WIDE)
    wide = models.Q(**{f"{prefix}organisation_id__in": wide_ids})
    if organisation_ids(user) <= wide_ids:  # supervisees are in these organisations too
        return own | wide
    supervised = models.Q(**{f"{prefix}pk__in": supervisee_ids(user)})
    return own | wide | supervised


def _assignments(user) -> models.QuerySet:
    return Assignment.objects.filter(profile_people_filter(user, "person__"))


def _training_records(user) -> models.QuerySet:
    return TrainingRecord.objects.filter(profile_people_filter(user, "person__"))


def _wellbeing_people_filter(user, prefix: str = "") -> models.Q:
    """The person, their supervisor and the organisation's co-production leads: nobody else,
    not safeguarding leads, finance or administrators."""
    own = models.Q(**{f"{prefix}user_id": user.pk})
    leads = models.Q(
        **{f"{prefix}organisation_id__in": organisation_ids(user, C.COPRODUCTION_LEAD)}
    )
    supervised = models.Q(**{f"{prefix}pk__in": supervisee_ids(user)})
    return own | leads | supervised


def _wellbeing_plans(user) -> models.QuerySet:
    return WellbeingPlan.objects.filter(_wellbeing_people_filter(user, "person__"))


def _diversity_profiles(user) -> models.QuerySet:
    # Only the person themselves, whatever else the user may do.
    return DiversityProfile.objects.filter(person__user_id=user.pk)


def _memberships(user) -> models.QuerySet:
    own = models.Q(user_id=user.pk)
    managed = models.Q(organisation_id__in=organisation_ids(user, C.ADMIN, C.COPRODUCTION_LEAD))
    return Membership.objects.filter(own | managed)


SCOPES: dict[type[models.Model], Callable] = {
    Organisation: _organisations,
    Team: _teams,
    Person: _people,
    Membership: _memberships,
    Assignment: _assignments,
    TrainingRecord: _training_records,
    WellbeingPlan: _wellbeing_plans,
    DiversityProfile: _diversity_profiles,
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


def _is_self(user, person: Person) -> bool:
    return person.user_id is not None and person.user_id == user.pk


def _holds(*wanted: str) -> Callable:
    def rule(user, person: Person) -> bool:
        return has_capacity(user, *wanted, organisation_id=person.organisation_id)

    return rule


def _person_profile(user, person: Person) -> bool:
    return (
        _is_self(user, person)
        or is_supervisor_of(user, person)
        or _holds(*ORGANISATION_WIDE)(user, person)
    )


def _person_payee(user, person: Person) -> bool:
    return _person_profile(user, person) or _holds(C.FINANCE)(user, person)


def _person_wellbeing(user, person: Person) -> bool:
    return (
        _is_self(user, person)
        or is_supervisor_of(user, person)
        or _holds(C.COPRODUCTION_LEAD)(user, person)
    )


def _person_training(user, person: Person) -> bool:
    return is_supervisor_of(user, person) or _holds(*REGISTER_WRITERS)(user, person)


RULES: dict[tuple[type[models.Model], str], Callable] = {
    (Organisation, "view"): lambda user, org: org.pk in organisation_ids(user),
    (Team, "view"): _member_of,
    (Person, "view"): lambda user, person: scoped(user, Person).filter(pk=person.pk).exists(),
    # Contact details, engagement, assignments and training: not finance.
    (Person, "view_profile"): _person_profile,
    # Name and payee reference: what finance needs to pay someone.
    (Person, "view_payee"): _person_payee,
    (Person, "edit"): _holds(*REGISTER_WRITERS),
    (Person, "invite"): _holds(*REGISTER_WRITERS),
    (Person, "assign"): _holds(*REGISTER_WRITERS),
    (Person, "record_training"): _person_training,
    (Person, "view_wellbeing"): _person_wellbeing,
    (Person, "edit_wellbeing"): _person_wellbeing,
    # Only the person answers, and only the person ever reads the answers.
    (Person, "edit_diversity"): _is_self,
    (Organisation, "import_people"): lambda user, org: has_capacity(
        user, *REGISTER_WRITERS, organisation_id=org.pk
    ),
    # Giving and ending capacities there: its administrators (never their own: the service).
    (Organisation, "manage_capacities"): lambda user, org: has_capacity(
        user, C.ADMIN, organisation_id=org.pk
    ),
    # The nation it works in (its bank holidays set incident deadlines): its administrators.
    (Organisation, "set_nation"): lambda user, org: has_capacity(
        user, C.ADMIN, organisation_id=org.pk
    ),
    (Organisation, "view_diversity_report"): lambda user, org: has_capacity(
        user, *REGISTER_WRITERS, organisation_id=org.pk
    ),
    (Assignment, "view"): lambda user, a: scoped(user, Assignment).filter(pk=a.pk).exists(),
    (Assignment, "change"): lambda user, a: has_capacity(
        user, *REGISTER_WRITERS, organisation_id=a.team.organisation_id
    ),
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
