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
