"""The database refuses bad writes itself, whatever code (or raw SQL) attempts them."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests import factories
from tests.factories import PersonFactory, make_login, make_role_version
from workforce.models import (
    Assignment,
    Capacity,
    DiversityProfile,
    Person,
    Team,
    TrainingRecord,
)

TODAY = timezone.localdate()


def refused(match=None):
    """The write must fail in the database; the transaction around it keeps the test usable."""

    class _Refused:
        def __enter__(self):
            self.raises = pytest.raises(IntegrityError, match=match)
            self.raises.__enter__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc):
            self.atomic.__exit__(*exc)
            return self.raises.__exit__(*exc)

    return _Refused()


def _assignment(peer_assignment, **changes):
    fields = {
        "person": peer_assignment.person,
        "role_version": peer_assignment.role_version,
        "team": peer_assignment.team,
        "supervisor": peer_assignment.supervisor,
        "start_date": TODAY + datetime.timedelta(days=400),
        "hours_per_week": Decimal("10"),
    }
    fields.update(changes)
    return Assignment(**fields)


# --- People


def test_person_end_before_start_is_refused(org):
    with refused("person_end_not_before_start"):
        PersonFactory(organisation=org, start_date=TODAY, end_date=TODAY - datetime.timedelta(1))


def test_leaver_needs_end_date_and_reason_and_others_have_no_reason(org):
    with refused("person_leaver_has_end_date_and_reason"):
        PersonFactory(organisation=org, status="left", end_date=TODAY)
    with refused("person_leaver_has_end_date_and_reason"):
        PersonFactory(organisation=org, status="left", leaving_reason="resigned")
    with refused("person_leaver_has_end_date_and_reason"):
        PersonFactory(organisation=org, status="active", leaving_reason="resigned")
    PersonFactory(organisation=org, status="left", end_date=TODAY, leaving_reason="resigned")


def test_person_choices_are_checked(org):
    with refused("person_engagement_type_valid"):
        PersonFactory(organisation=org, engagement_type="contractor")
    with refused("person_status_valid"):
        PersonFactory(organisation=org, status="gone")


def test_email_unique_within_organisation_ignoring_case(org, other_org):
    PersonFactory(organisation=org, email="sam@example.org")
    with refused("person_email_unique_in_organisation"):
        PersonFactory(organisation=org, email="SAM@example.org")
    PersonFactory(organisation=other_org, email="sam@example.org")  # another register: fine


# --- Assignments


def test_assignment_end_before_start_is_refused(peer_assignment):
    with refused("assignment_end_not_before_start"):
        _assignment(peer_assignment, end_date=TODAY + datetime.timedelta(days=399)).save()


@pytest.mark.parametrize("hours", ["0", "-1", "80.5"])
def test_assignment_hours_must_be_positive_and_sane(peer_assignment, hours):
    with refused("assignment_hours_in_range"):
        _assignment(peer_assignment, hours_per_week=Decimal(hours)).save()


def test_only_published_versions_can_be_assigned(peer_assignment, org):
    draft = make_role_version(org, title="Draft role", published=False)
    with refused("only a published role version can be assigned"):
        _assignment(peer_assignment, role_version=draft).save()
    # Raw SQL is refused too: the rule lives in a trigger, not in Python.
    with refused("only a published role version can be assigned"), connection.cursor() as cur:
        cur.execute(
            "UPDATE workforce_assignment SET role_version_id = %s WHERE id = %s",
            [draft.pk, peer_assignment.pk],
        )


def test_superseded_versions_cannot_be_newly_assigned_but_old_ones_stay(peer_assignment, lead):
    old = peer_assignment.role_version
    factories.newer_version(old, lead)
    old.refresh_from_db()
    assert old.status == "superseded"
    with refused("only a published role version can be assigned"):
        _assignment(peer_assignment, role_version=old).save()
    # The existing assignment keeps pointing at what was published then, and can still end.
    peer_assignment.end_date = TODAY
    peer_assignment.save(update_fields=["end_date"])


def test_person_team_and_role_share_one_organisation(peer_assignment, other_org, lead):
    with refused("one organisation"):
        _assignment(peer_assignment, team=Team.objects.get(organisation=other_org)).save()
    foreign_role = make_role_version(other_org, title="Elsewhere")
    with refused("one organisation"):
        _assignment(peer_assignment, role_version=foreign_role).save()


def test_nobody_supervises_themselves(peer_assignment, personas):
    with refused("own supervisor"):
        _assignment(peer_assignment, supervisor=personas["peer"]).save()


def test_same_version_and_team_cannot_overlap(peer_assignment):
    with refused("assignment_no_overlap_same_version_and_team"):
        _assignment(peer_assignment, start_date=TODAY).save()
    # Back to back is fine.
    Assignment.objects.filter(pk=peer_assignment.pk).update(end_date=TODAY)
    _assignment(peer_assignment, start_date=TODAY + datetime.timedelta(days=1)).save()


def test_bulk_update_cannot_break_the_rules(peer_assignment):
    with refused("assignment_end_not_before_start"):
        Assignment.objects.filter(pk=peer_assignment.pk).update(
            end_date=peer_assignment.start_date - datetime.timedelta(days=1)
        )
    with refused("assignment_hours_in_range"):
        Assignment.objects.update(hours_per_week=0)


# --- Training


def test_training_expiry_after_completion(peer_assignment):
    requirement = peer_assignment.role_version.training_requirements.first()
    with refused("training_expires_after_completion"):
        TrainingRecord.objects.create(
            person=peer_assignment.person,
            requirement=requirement,
            completed_on=TODAY,
            expires_on=TODAY,
        )


def test_training_once_per_requirement_per_day(peer_assignment):
    requirement = peer_assignment.role_version.training_requirements.first()
    fields = {"person": peer_assignment.person, "requirement": requirement, "completed_on": TODAY}
    TrainingRecord.objects.create(**fields)
    with refused("training_once_per_requirement_per_day"):
        TrainingRecord.objects.create(**fields)


def test_training_only_against_the_persons_role_versions(peer_assignment, personas, org):
    requirement = peer_assignment.role_version.training_requirements.first()
    with refused("not part of a role version"):
        TrainingRecord.objects.create(
            person=personas["peer2"].person, requirement=requirement, completed_on=TODAY
        )
    unrelated = make_role_version(org, title="Peer researcher", family="peer_researcher")
    with refused("not part of a role version"):
        TrainingRecord.objects.create(
            person=peer_assignment.person,
            requirement=unrelated.training_requirements.first(),
            completed_on=TODAY,
        )


# --- Diversity


def test_diversity_answers_must_be_known_values(org):
    person = make_login("someone", org, Capacity.PEER_WORKER).person
    with refused("diversity_race_valid"):
        DiversityProfile.objects.create(person=person, race="martian")
    with refused("diversity_age_valid"):
        DiversityProfile.objects.create(person=person, age="17")
    DiversityProfile.objects.create(person=person, age="prefer_not_to_say", race="")
    assert Person.objects.get(pk=person.pk).diversity.age == "prefer_not_to_say"


def test_factories_make_valid_rows(db):
    from tests.factories import (
        AssignmentFactory,
        DiversityProfileFactory,
        TrainingRecordFactory,
        WellbeingPlanFactory,
    )

    assignment = AssignmentFactory()
    assert assignment.is_current()
    assert assignment.person.organisation_id == assignment.team.organisation_id
    record = TrainingRecordFactory(assignment=assignment)
    assert record.person == assignment.person
    assert WellbeingPlanFactory().keeps_me_well
    assert DiversityProfileFactory().age == "prefer_not_to_say"
