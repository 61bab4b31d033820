"""The demo register: about 30 people in both organisations, with assignments (peer and
peer2 supervised by `supervisor`), training expiring and expired, plans and answers; and
loading it twice changes nothing."""

from django.core.management import call_command
from django.db.models import F

from workforce.models import (
    Assignment,
    AuditEntry,
    DiversityProfile,
    Organisation,
    Person,
    TrainingRecord,
    WellbeingPlan,
)
from workforce.organisations import access
from workforce.register import selectors


def _counts():
    return [
        m.objects.count()
        for m in (Person, Assignment, TrainingRecord, WellbeingPlan, DiversityProfile, AuditEntry)
    ]


def test_demo_register(demo_seeded, settings, django_user_model):
    settings.DEBUG = True
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first, "seeding twice must change nothing"

    assert 28 <= Person.objects.count() <= 40
    for kind in (Organisation.Kind.NHS_TRUST, Organisation.Kind.VCSE):
        assert Person.objects.filter(organisation__kind=kind).count() >= 5
    supervisor = django_user_model.objects.get(username="supervisor")
    supervisees = set(
        Assignment.objects.current()
        .filter(supervisor=supervisor)
        .values_list("person__user__username", flat=True)
    )
    assert {"peer", "peer2"} <= supervisees
    lead = django_user_model.objects.get(username="lead")
    assert selectors.training_due(lead, which="expiring").exists()
    assert selectors.training_due(lead, which="expired").exists()
    assert Person.objects.filter(status="left").exists()
    assert WellbeingPlan.objects.filter(person__user__username="peer").exists()
    assert DiversityProfile.objects.count() >= 20
    # The supervisor's own view: themselves and the people they supervise.
    seen = set(access.scoped(supervisor, Person).values_list("user__username", flat=True))
    assert {"peer", "peer2", "supervisor"} <= seen
    # Every demo assignment is to a published version, in the person's organisation.
    assert not Assignment.objects.exclude(
        role_version__role__organisation=F("person__organisation")
    ).exists()
