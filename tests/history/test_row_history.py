"""Row history: database triggers record every insert, update and delete of the tracked
tables, including bulk updates and raw SQL, with the acting user and URL of the request (or
the management command) that did it, and never the private text."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.factories import PersonFactory, make_supervision_session, report_incident
from workforce.history import models as history
from workforce.models import Membership, Person, WellbeingPlan

SECRET = "PRIVATE-WORDS-5e1f"


def _events(model, obj):
    return list(model.objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id"))


def test_a_bulk_update_is_recorded(org):
    person = PersonFactory(organisation=org, full_name="Ann Before", status="active")
    Person.objects.filter(pk=person.pk).update(status="paused")
    events = _events(history.PersonEvent, person)
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert [e.status for e in events] == ["active", "paused"]


def test_a_change_to_name_or_contact_details_is_recorded_without_them(org):
    """Retention anonymises leavers; append-only history must never have kept the details."""
    person = PersonFactory(organisation=org, full_name="Ann Before", email="ann@example.org")
    Person.objects.filter(pk=person.pk).update(full_name="Ann After", phone="07700 900999")
    events = _events(history.PersonEvent, person)
    assert [e.pgh_label for e in events] == ["insert", "update"]
    snapshot = _row_json(history.PersonEvent, person)
    assert not [
        w for w in ("Ann Before", "Ann After", "ann@example.org", "900999") if w in snapshot
    ]


def test_raw_sql_writes_are_recorded(org):
    person = PersonFactory(organisation=org, full_name="Raw Person")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE workforce_person SET status = %s WHERE id = %s", ["paused", person.pk]
        )
        cursor.execute("DELETE FROM workforce_person WHERE id = %s", [person.pk])
    events = _events(history.PersonEvent, person)
    assert [e.pgh_label for e in events] == ["insert", "update", "delete"]
    assert events[1].status == "paused"
    # Outside any request or command there is no acting user to record.
    assert all(not (e.pgh_context or {}).get("user") for e in events)


def test_inserts_and_deletes_of_memberships_are_recorded(org, lead):
    membership = Membership.objects.create(user=lead, organisation=org, capacity="finance")
    Membership.objects.filter(pk=membership.pk).delete()
    events = _events(history.MembershipEvent, membership)
    assert [(e.pgh_label, e.capacity) for e in events] == [
        ("insert", "finance"),
        ("delete", "finance"),
    ]


def test_the_acting_user_and_url_come_from_the_request(client, peer):
    url = reverse("workforce:wellbeing_edit", kwargs={"pk": peer.person.pk})
    client.force_login(peer)
    fields = dict.fromkeys(WellbeingPlan.section_names(), "")
    fields["keeps_me_well"] = "Walks."
    response = client.post(url, fields)
    assert response.status_code == 302
    plan = WellbeingPlan.objects.get(person=peer.person)
    events = _events(history.WellbeingPlanEvent, plan)
    assert events[0].pgh_label == "insert"
    assert [(e.pgh_context["user"], e.pgh_context["url"]) for e in events] == [
        (peer.pk, url)
    ] * len(events)


def test_management_commands_are_named_in_the_history(tmp_path, org):
    path = tmp_path / "people.csv"
    path.write_text("full_name,email\nCara Command,cara@example.org\n")
    call_command("import_people", str(path), "--organisation", org.name)
    person = Person.objects.get(email="cara@example.org")
    (event,) = _events(history.PersonEvent, person)
    assert event.pgh_context["command"] == "import_people"


def _row_json(model, obj) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(json_agg(t), '[]')::text FROM {model._meta.db_table} t "  # noqa: S608
            "WHERE pgh_obj_id = %s",
            [obj.pk],
        )
        return cursor.fetchone()[0]


def test_private_text_never_reaches_a_history_row(org, supervisor, peer, supervised):
    plan = WellbeingPlan.objects.create(person=peer.person, keeps_me_well="x")
    # A change to the private text alone is still recorded as a change, without the words.
    WellbeingPlan.objects.filter(pk=plan.pk).update(early_signs=SECRET, what_helps=SECRET)
    assert [e.pgh_label for e in _events(history.WellbeingPlanEvent, plan)] == [
        "insert",
        "update",
    ]
    session = make_supervision_session(
        supervisor=supervisor, supervisees=[peer.person], notes=SECRET, topics=["wellbeing"]
    )
    incident = report_incident(
        supervisor, peer.person, narrative=SECRET, told_someone=True, told_whom=SECRET
    )
    snapshots = [
        _row_json(history.WellbeingPlanEvent, plan),
        _row_json(history.SessionNoteEvent, session.note),
        _row_json(history.IncidentEventHistory, incident),
        _row_json(history.IncidentChronologyEvent, incident.events.first()),
    ]
    assert all(json.loads(s) for s in snapshots), "each of these writes made history rows"
    assert not [s for s in snapshots if SECRET in s]
    # Diversity: that the answers changed, never what they are.
    fields = {f.name for f in history.DiversityProfileEvent._meta.fields}
    assert not fields & {"age", "disability", "race", "religion_belief", "sexual_orientation"}


@pytest.mark.parametrize("model", history.event_models(), ids=lambda m: m.__name__)
def test_every_tracked_table_has_its_history_triggers(model, db):
    table = model.pgh_tracked_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        names = {row[0] for row in cursor.fetchall()}
    for operation in ("insert", "update", "delete"):
        assert any(name.startswith(f"pgtrigger_{operation}_{operation}") for name in names), (
            table,
            names,
        )


def test_the_immutability_triggers_still_refuse_changes(org, lead):
    from django.db import IntegrityError, transaction

    from roles.models import RoleVersion
    from tests.factories import make_role_version

    version = make_role_version(org)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleVersion.objects.filter(pk=version.pk).update(title="Changed after publishing")
    assert not history.RoleVersionEvent.objects.filter(
        pgh_obj_id=version.pk, title="Changed after publishing"
    ).exists()
