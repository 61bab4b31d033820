import factory
from django.contrib.auth import get_user_model

from workforce.models import Membership, Organisation, Person, Team

PASSWORD = "test-pass-2026"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.NHS_TRUST


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    full_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    capacity = Membership.Capacity.PEER_WORKER


def make_login(username, organisation, *capacities, full_name=None, **user_fields):
    """A user with a Person record and the given capacities in `organisation`."""
    user = UserFactory(username=username, **user_fields)
    PersonFactory(
        user=user,
        organisation=organisation,
        full_name=full_name or username.title(),
        email=user.email,
    )
    for capacity in capacities:
        MembershipFactory(user=user, organisation=organisation, capacity=capacity)
    return user


# --- Roles


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "roles.Role"

    organisation = factory.SubFactory(OrganisationFactory)
    family = "peer_support_worker"


class RoleVersionFactory(factory.django.DjangoModelFactory):
    """A draft version (the database only accepts new versions as drafts)."""

    class Meta:
        model = "roles.RoleVersion"

    role = factory.SubFactory(RoleFactory)
    number = 1
    title = factory.Sequence(lambda n: f"Peer support worker {n}")
    purpose = "Offer hope and practical support through shared lived experience."
    employment_basis = "employed"
    afc_band = "3"


def publish_version(version, *, by=None):
    """Mark a complete draft published straight in the database (no audit): test set-up only.
    Real publishing goes through roles.services.role_version_publish."""
    from django.utils import timezone

    from roles.models import RoleVersion

    RoleVersion.objects.filter(pk=version.pk).update(
        status="published", published_at=timezone.now(), published_by=by
    )
    version.refresh_from_db()
    return version


def make_role_version(
    organisation,
    *,
    title="Peer support worker",
    family="peer_support_worker",
    published=True,
    role=None,
    number=1,
    duties=("Build trusting relationships through shared experience",),
    exclusions=("Clinical advice", "Crisis intervention"),
    supervision=(("line_management", 56, 60),),
    escalation=(("Your supervisor", "Any worry about someone's safety", "same_day"),),
    training=(("Peer support foundation course", None),),
    **fields,
):
    """A role version with complete lists, published unless `published=False`."""
    from roles.models import (
        EscalationStep,
        RoleDuty,
        RoleExclusion,
        SupervisionRequirement,
        TrainingRequirement,
    )

    if role is None:
        role = RoleFactory(organisation=organisation, family=family)
    version = RoleVersionFactory(role=role, number=number, title=title, **fields)
    for i, text in enumerate(duties, start=1):
        RoleDuty.objects.create(version=version, position=i, text=text)
    for i, text in enumerate(exclusions, start=1):
        RoleExclusion.objects.create(version=version, position=i, text=text)
    for i, (kind, days, minutes) in enumerate(supervision, start=1):
        SupervisionRequirement.objects.create(
            version=version, position=i, kind=kind, min_frequency_days=days, min_minutes=minutes
        )
    for i, (who, for_what, how_fast) in enumerate(escalation, start=1):
        EscalationStep.objects.create(
            version=version, position=i, who=who, for_what=for_what, how_fast=how_fast
        )
    for i, (item, months) in enumerate(training, start=1):
        TrainingRequirement.objects.create(
            version=version, position=i, item=item, renewal_months=months
        )
    return publish_version(version) if published else version
