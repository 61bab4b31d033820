"""The register's access rules: whose records a user may see and change, and who
supervises whom. Read by the access layer (workforce/organisations/access.py) through
settings.ACCESS_RULES."""

from __future__ import annotations

from django.db import models

from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.access import has_capacity, organisation_ids, scoped
from workforce.organisations.models import Capacity as C
from workforce.organisations.models import Organisation
from workforce.register.models import (
    Assignment,
    DiversityProfile,
    Person,
    TrainingRecord,
    WellbeingPlan,
    current_q,
)

# This app's scopes and rules, read by the access layer (settings.ACCESS_RULES).
RULEBOOK = access.RuleBook()


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


def _people(user) -> models.QuerySet:
    """Peer worker: self. Supervisor: self and supervisees. Leads, safeguarding, admin: their
    organisations. Finance: their organisations too, but only as payees: the rules below
    ("view_profile" and friends) keep everything else about a person from them."""
    own = models.Q(user_id=user.pk)
    wide_ids = organisation_ids(user, *groups.ORGANISATION_WIDE, C.FINANCE)
    wide = models.Q(organisation_id__in=wide_ids)
    if organisation_ids(user) <= wide_ids:
        # Supervisees are in the user's organisations, all seen whole: asking who they are
        # (an EXISTS inside the OR) only made PostgreSQL test every person of the trust.
        return Person.objects.filter(own | wide)
    return Person.objects.filter(own | wide | _supervisee_filter(user))


def profile_people_filter(user, prefix: str = "") -> models.Q:
    """Whose whole profile (assignments, training) `user` may read: not finance's payees."""
    own = models.Q(**{f"{prefix}user_id": user.pk})
    wide_ids = organisation_ids(user, *groups.ORGANISATION_WIDE)
    wide = models.Q(**{f"{prefix}organisation_id__in": wide_ids})
    if organisation_ids(user) <= wide_ids:  # supervisees are in these organisations too
        return own | wide
    supervised = models.Q(**{f"{prefix}pk__in": supervisee_ids(user)})
    return own | wide | supervised


RULEBOOK.scope(Person)(_people)


@RULEBOOK.scope(Assignment)
def _assignments(user) -> models.QuerySet:
    return Assignment.objects.filter(profile_people_filter(user, "person__"))


@RULEBOOK.scope(TrainingRecord)
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


@RULEBOOK.scope(WellbeingPlan)
def _wellbeing_plans(user) -> models.QuerySet:
    return WellbeingPlan.objects.filter(_wellbeing_people_filter(user, "person__"))


@RULEBOOK.scope(DiversityProfile)
def _diversity_profiles(user) -> models.QuerySet:
    # Only the person themselves, whatever else the user may do.
    return DiversityProfile.objects.filter(person__user_id=user.pk)


def _is_self(user, person: Person) -> bool:
    return person.user_id is not None and person.user_id == user.pk


def _holds(*wanted: str):
    def rule(user, person: Person) -> bool:
        return has_capacity(user, *wanted, organisation_id=person.organisation_id)

    return rule


@RULEBOOK.rule(Person, "view_profile")
def _person_profile(user, person: Person) -> bool:
    """Contact details, engagement, assignments and training: not finance."""
    return (
        _is_self(user, person)
        or is_supervisor_of(user, person)
        or _holds(*groups.ORGANISATION_WIDE)(user, person)
    )


@RULEBOOK.rule(Person, "view_payee")
def _person_payee(user, person: Person) -> bool:
    """Name and payee reference: what finance needs to pay someone."""
    return _person_profile(user, person) or _holds(C.FINANCE)(user, person)


def _person_wellbeing(user, person: Person) -> bool:
    return (
        _is_self(user, person)
        or is_supervisor_of(user, person)
        or _holds(C.COPRODUCTION_LEAD)(user, person)
    )


@RULEBOOK.rule(Person, "record_training")
def _person_training(user, person: Person) -> bool:
    return is_supervisor_of(user, person) or _holds(*groups.LEADS_AND_ADMINS)(user, person)


@RULEBOOK.rule(Person, "view")
def _person_view(user, person: Person) -> bool:
    return scoped(user, Person).filter(pk=person.pk).exists()


RULEBOOK.rule(Person, "edit")(_holds(*groups.LEADS_AND_ADMINS))
RULEBOOK.rule(Person, "invite")(_holds(*groups.LEADS_AND_ADMINS))
RULEBOOK.rule(Person, "assign")(_holds(*groups.LEADS_AND_ADMINS))
RULEBOOK.rule(Person, "view_wellbeing")(_person_wellbeing)
RULEBOOK.rule(Person, "edit_wellbeing")(_person_wellbeing)
# Only the person answers, and only the person ever reads the answers.
RULEBOOK.rule(Person, "edit_diversity")(_is_self)


@RULEBOOK.rule(Organisation, "import_people")
def _import_people(user, org: Organisation) -> bool:
    return has_capacity(user, *groups.LEADS_AND_ADMINS, organisation_id=org.pk)


@RULEBOOK.rule(Organisation, "view_diversity_report")
def _view_diversity_report(user, org: Organisation) -> bool:
    return has_capacity(user, *groups.LEADS_AND_ADMINS, organisation_id=org.pk)


@RULEBOOK.rule(Assignment, "view")
def _assignment_view(user, assignment: Assignment) -> bool:
    return scoped(user, Assignment).filter(pk=assignment.pk).exists()


@RULEBOOK.rule(Assignment, "change")
def _assignment_change(user, assignment: Assignment) -> bool:
    return has_capacity(
        user, *groups.LEADS_AND_ADMINS, organisation_id=assignment.team.organisation_id
    )
