"""Assignment rules (only published versions, consistent dates, a real supervisor), moving to
a newer version with who and when, and training records with expiry lists."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.factories import make_login, make_role_version
from workforce.models import Assignment, AuditEntry, Capacity
from workforce.register import selectors, services

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _create(person, version, supervisor, lead, team, **overrides):
    fields = {
        "person": person,
        "role_version": version,
        "team": team,
        "supervisor": supervisor,
        "start_date": TODAY,
        "hours_per_week": Decimal("15"),
        "by": lead,
    }
    fields.update(overrides)
    return services.assignment_create(**fields)


def test_assignment_create_is_audited(personas, version, team):
    a = _create(personas["peer2"].person, version, personas["supervisor"], personas["lead"], team)
    entry = AuditEntry.objects.get(action="assignment.created")
    assert entry.actor == personas["lead"] and entry.object_id == str(a.pk)
    assert entry.changes["role_version"] == version.pk


def test_draft_version_gives_a_clear_error_and_saves_nothing(personas, org, team):
    draft = make_role_version(org, title="Not yet", published=False)
    with pytest.raises(services.WorkforceError, match="only a published role version"):
        _create(personas["peer2"].person, draft, personas["supervisor"], personas["lead"], team)
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_date": TODAY - DAY}, "end date cannot be before the start"),
        ({"hours_per_week": Decimal("0")}, "more than 0"),
        ({"hours_per_week": Decimal("81")}, "at most 80"),
    ],
)
def test_dates_and_hours_must_make_sense(personas, version, team, overrides, message):
    with pytest.raises(services.WorkforceError, match=message):
        _create(
            personas["peer2"].person,
            version,
            personas["supervisor"],
            personas["lead"],
            team,
            **overrides,
        )
    assert not Assignment.objects.exists()


def test_supervisor_must_supervise_here_and_not_be_the_person(personas, version, team, org):
    lead, peer2 = personas["lead"], personas["peer2"]
    with pytest.raises(services.WorkforceError, match="not a supervisor or co-production lead"):
        _create(peer2.person, version, personas["peer"], lead, team)
    with pytest.raises(services.WorkforceError, match="own supervisor"):
        sup_peer = make_login("senior", org, Capacity.SUPERVISOR)
        _create(sup_peer.person, version, sup_peer, lead, team)
    # A co-production lead can be the named supervisor.
    _create(peer2.person, version, lead, lead, team)


def test_leavers_cannot_be_assigned(personas, version, team):
    peer2 = personas["peer2"].person
    services.person_leave(person=peer2, by=personas["lead"], end_date=TODAY, reason="other")
    with pytest.raises(services.WorkforceError, match="has left"):
        _create(peer2, version, personas["supervisor"], personas["lead"], team)


def test_several_assignments_and_the_current_one_is_obvious(personas, version, team, org, lead):
    person = personas["peer2"].person
    past = _create(
        person,
        version,
        personas["supervisor"],
        lead,
        team,
        start_date=TODAY - 90 * DAY,
        end_date=TODAY - 31 * DAY,
    )
    researcher = factories.published_version(
        org, lead, title="Peer researcher", family="peer_researcher"
    )
    current = _create(
        person, researcher, personas["supervisor"], lead, team, start_date=TODAY - 30 * DAY
    )
    upcoming = _create(
        person, version, personas["supervisor"], lead, team, start_date=TODAY + 30 * DAY
    )
    split = selectors.person_assignments(lead, person)
    assert split == {"current": [current], "upcoming": [upcoming], "past": [past]}


def test_move_to_a_newer_version_records_who_and_when(peer_assignment, lead, client):
    v2 = factories.newer_version(peer_assignment.role_version, lead, title="Peer support worker v2")
    moved = services.assignment_move_to_version(
        assignment=peer_assignment, role_version=v2, on=TODAY, by=lead
    )
    peer_assignment.refresh_from_db()
    assert peer_assignment.end_date == TODAY - DAY  # the old one stays as it was, ended
    assert peer_assignment.role_version.number == 1
    assert moved.previous == peer_assignment and moved.role_version == v2
    assert moved.created_by == lead and moved.created_at is not None
    assert (moved.team, moved.supervisor, moved.hours_per_week) == (
        peer_assignment.team,
        peer_assignment.supervisor,
        peer_assignment.hours_per_week,
    )
    entry = AuditEntry.objects.get(action="assignment.moved_to_version")
    assert entry.actor == lead
    assert entry.changes["role_version"] == [peer_assignment.role_version_id, v2.pk]
    # The person's page shows the move.
    client.force_login(lead)
    html = client.get(reverse("workforce:person", args=[moved.person_id])).content.decode()
    assert "moved from version 1" in html


def test_move_rules(peer_assignment, lead, org):
    old = peer_assignment.role_version
    other = make_role_version(org, title="Other role")
    with pytest.raises(services.WorkforceError, match="same role"):
        services.assignment_move_to_version(
            assignment=peer_assignment, role_version=other, on=TODAY, by=lead
        )
    with pytest.raises(services.WorkforceError, match="not newer"):
        services.assignment_move_to_version(
            assignment=peer_assignment, role_version=old, on=TODAY, by=lead
        )
    v2 = factories.newer_version(old, lead)
    with pytest.raises(services.WorkforceError, match="after the assignment began"):
        services.assignment_move_to_version(
            assignment=peer_assignment, role_version=v2, on=peer_assignment.start_date, by=lead
        )
    services.assignment_move_to_version(
        assignment=peer_assignment, role_version=v2, on=TODAY, by=lead
    )
    with pytest.raises(services.WorkforceError, match="already been moved"):
        services.assignment_move_to_version(
            assignment=peer_assignment, role_version=v2, on=TODAY, by=lead
        )


def test_assignment_end_and_change_supervisor(peer_assignment, lead, org):
    other = make_login("other-sup", org, Capacity.SUPERVISOR)
    services.assignment_update(
        assignment=peer_assignment, by=lead, supervisor=other, hours_per_week=Decimal("30")
    )
    peer_assignment.refresh_from_db()
    assert peer_assignment.supervisor == other and peer_assignment.hours_per_week == 30
    with pytest.raises(services.WorkforceError, match="cannot be before the start"):
        services.assignment_end(
            assignment=peer_assignment, end_date=peer_assignment.start_date - DAY, by=lead
        )
    services.assignment_end(assignment=peer_assignment, end_date=TODAY, by=lead)
    assert [
        e.action
        for e in AuditEntry.objects.filter(object_type="workforce.assignment").order_by("pk")
    ] == [
        "assignment.created",
        "assignment.updated",
        "assignment.ended",
    ]


def test_assign_page_offers_only_published_versions_and_named_supervisors(
    client, personas, version, org
):
    make_role_version(org, title="Draft only", published=False)
    client.force_login(personas["lead"])
    person = personas["peer2"].person
    html = client.get(reverse("workforce:assignment_create", args=[person.pk])).content.decode()
    assert version.title in html and "Draft only" not in html
    assert "supervisor" in html
    response = client.post(
        reverse("workforce:assignment_create", args=[person.pk]),
        {
            "role_version": version.pk,
            "team": org.teams.first().pk,
            "supervisor": personas["supervisor"].pk,
            "start_date": TODAY.isoformat(),
            "hours_per_week": "18.5",
        },
    )
    assert response.status_code == 302
    assert Assignment.objects.get(person=person).supervisor == personas["supervisor"]


def test_assign_page_shows_errors_and_saves_nothing(client, personas, version, org):
    client.force_login(personas["lead"])
    person = personas["peer2"].person
    response = client.post(
        reverse("workforce:assignment_create", args=[person.pk]),
        {
            "role_version": version.pk,
            "team": org.teams.first().pk,
            "supervisor": personas["supervisor"].pk,
            "start_date": TODAY.isoformat(),
            "end_date": (TODAY - DAY).isoformat(),
            "hours_per_week": "0",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "The end date cannot be before the start date." in html
    assert not Assignment.objects.exists()


# --- Training


def test_training_expiry_is_worked_out_from_the_renewal_period(peer_assignment, lead):
    yearly = peer_assignment.role_version.training_requirements.get(renewal_months=12)
    once = peer_assignment.role_version.training_requirements.get(renewal_months=None)
    done = datetime.date(2024, 2, 29)
    r1 = services.training_record_create(
        person=peer_assignment.person, requirement=yearly, completed_on=done, by=lead
    )
    r2 = services.training_record_create(
        person=peer_assignment.person, requirement=once, completed_on=done, by=lead
    )
    assert r1.expires_on == datetime.date(2025, 2, 28)
    assert r2.expires_on is None


def test_training_rules(peer_assignment, lead, personas):
    requirement = peer_assignment.role_version.training_requirements.first()
    with pytest.raises(services.WorkforceError, match="future"):
        services.training_record_create(
            person=peer_assignment.person,
            requirement=requirement,
            completed_on=TODAY + DAY,
            by=lead,
        )
    with pytest.raises(services.WorkforceError, match="not required by any role"):
        services.training_record_create(
            person=personas["peer2"].person, requirement=requirement, completed_on=TODAY, by=lead
        )


def test_expiring_and_expired_lists_show_only_the_latest_record(peer_assignment, lead, personas):
    person = peer_assignment.person
    yearly = peer_assignment.role_version.training_requirements.get(renewal_months=12)
    once = peer_assignment.role_version.training_requirements.get(renewal_months=None)
    # Expired long ago, but renewed since: not on the expired list.
    services.training_record_create(
        person=person, requirement=yearly, completed_on=TODAY - 800 * DAY, by=lead
    )
    renewed = services.training_record_create(
        person=person, requirement=yearly, completed_on=TODAY - 340 * DAY, by=lead
    )  # expires in about 25 days
    lapsed = services.training_record_create(
        person=person,
        requirement=once,
        completed_on=TODAY - 100 * DAY,
        expires_on=TODAY - DAY,
        by=lead,
    )
    expiring = list(selectors.training_due(lead, which="expiring"))
    expired = list(selectors.training_due(lead, which="expired"))
    assert expiring == [renewed]
    assert expired == [lapsed]
    # peer2 sees none of it; the supervisor and the person do.
    assert not selectors.training_due(personas["peer2"], which="expired").exists()
    assert list(selectors.training_due(personas["supervisor"], which="expired")) == [lapsed]
    assert list(selectors.training_due(personas["peer"], which="expired")) == [lapsed]


def test_person_page_shows_training_status_per_requirement(client, peer_assignment, lead, personas):
    yearly = peer_assignment.role_version.training_requirements.get(renewal_months=12)
    services.training_record_create(
        person=peer_assignment.person, requirement=yearly, completed_on=TODAY - 400 * DAY, by=lead
    )
    client.force_login(personas["peer"])
    html = client.get(
        reverse("workforce:person", args=[peer_assignment.person_id])
    ).content.decode()
    assert "Expired" in html and "Not done" in html
    assert "Safeguarding adults level 2" in html and "Peer support induction" in html


def test_training_done_under_an_earlier_version_counts_for_the_same_item(peer_assignment, lead):
    yearly = peer_assignment.role_version.training_requirements.get(renewal_months=12)
    services.training_record_create(
        person=peer_assignment.person, requirement=yearly, completed_on=TODAY, by=lead
    )
    v2 = factories.newer_version(peer_assignment.role_version, lead)
    moved = services.assignment_move_to_version(
        assignment=peer_assignment, role_version=v2, on=TODAY, by=lead
    )
    lines, _ = selectors.person_training(lead, moved.person, [moved])
    statuses = {line.item: line.status for line in lines}
    assert statuses == {"Safeguarding adults level 2": "valid", "Peer support induction": "missing"}
