"""Who sees whom: peer sees only self, supervisor sees supervisees, leads their organisation,
finance payee data only, other organisations nothing (404)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.factories import PersonFactory, make_login
from workforce.models import Assignment, Capacity, Person, TrainingRecord
from workforce.organisations import access
from workforce.register import services


def _seen(user):
    return set(access.scoped(type(user).objects.get(pk=user.pk), Person))


def test_peer_sees_only_themselves(personas, peer_assignment):
    assert _seen(personas["peer"]) == {personas["peer"].person}
    assert _seen(personas["peer2"]) == {personas["peer2"].person}


def test_supervisor_sees_self_and_current_supervisees_only(personas, peer_assignment):
    supervisor = personas["supervisor"]
    assert _seen(supervisor) == {supervisor.person, personas["peer"].person}
    # peer2 has no assignment with this supervisor.
    assert personas["peer2"].person not in _seen(supervisor)


def test_supervisor_stops_seeing_someone_once_the_assignment_ends(personas, peer_assignment):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    services.assignment_end(assignment=peer_assignment, end_date=yesterday, by=personas["lead"])
    assert _seen(personas["supervisor"]) == {personas["supervisor"].person}


def test_supervisor_does_not_see_a_future_supervisee_yet(personas, version):
    start = timezone.localdate() + datetime.timedelta(days=7)
    factories.assign(
        personas["peer2"].person,
        version,
        supervisor=personas["supervisor"],
        by=personas["lead"],
        start=start,
    )
    assert personas["peer2"].person not in _seen(personas["supervisor"])


def test_leads_safeguarding_admin_see_their_organisation(personas, org, other_org):
    colleague = PersonFactory(organisation=org)
    stranger = PersonFactory(organisation=other_org)
    for who in ("lead", "safeguarding", "admin", "finance"):
        seen = _seen(personas[who])
        assert colleague in seen and stranger not in seen, who


def test_outsider_gets_404_for_our_people(client, personas, peer_assignment):
    client.force_login(personas["outsider"])
    person = personas["peer"].person
    for name in ("person", "person_edit", "wellbeing", "assignment_create"):
        assert client.get(reverse(f"workforce:{name}", args=[person.pk])).status_code == 404


def test_finance_sees_payee_data_only(client, personas, peer_assignment):
    person = personas["peer"].person
    Person.objects.filter(pk=person.pk).update(
        payee_reference="PAY-0042", phone="07700 900123", pronouns="she/her"
    )
    client.force_login(personas["finance"])
    html = client.get(reverse("workforce:person", args=[person.pk])).content.decode()
    assert "PAY-0042" in html and person.full_name in html
    for private in ("07700 900123", person.email, "she/her", "Wellbeing", "Peer support worker"):
        assert private not in html, private
    listing = client.get(reverse("workforce:people")).content.decode()
    assert "PAY-0042" in listing and "Peer support worker" not in listing
    export = b"".join(client.get(reverse("workforce:people_export")).streaming_content)
    assert b"PAY-0042" in export and person.email.encode() not in export


def test_finance_filters_cannot_probe_roles(client, personas, peer_assignment):
    # A role-family filter from finance is ignored: it would reveal what they cannot see.
    client.force_login(personas["finance"])
    response = client.get(reverse("workforce:people"), {"family": "peer_educator"})
    assert personas["peer"].person in response.context["page"].object_list


def test_assignments_and_training_follow_the_person_scope(personas, peer_assignment):
    requirement = peer_assignment.role_version.training_requirements.first()
    services.training_record_create(
        person=personas["peer"].person,
        requirement=requirement,
        completed_on=timezone.localdate(),
        by=personas["lead"],
    )
    for who, sees in [
        ("peer", True),
        ("supervisor", True),
        ("lead", True),
        ("peer2", False),
        ("finance", False),
        ("outsider", False),
    ]:
        user = personas[who]
        assert access.scoped(user, Assignment).exists() is sees, who
        assert access.scoped(user, TrainingRecord).exists() is sees, who


def test_a_supervisor_elsewhere_sees_nobody_here(org, other_org, personas, version):
    # Named on an assignment here, but with no membership here: organisation comes first.
    stranger = make_login("stranger", other_org, Capacity.SUPERVISOR)
    Assignment.objects.create(
        person=personas["peer2"].person,
        role_version=version,
        team=org.teams.first(),
        supervisor=stranger,
        start_date=timezone.localdate(),
        hours_per_week=10,
    )
    assert personas["peer2"].person not in _seen(stranger)


def test_person_rules(personas, peer_assignment):
    peer = personas["peer"].person
    allowed = {
        "view_profile": {"lead", "supervisor", "peer", "safeguarding", "admin"},
        "view_payee": {"lead", "supervisor", "peer", "safeguarding", "admin", "finance"},
        "edit": {"lead", "admin"},
        "assign": {"lead", "admin"},
        "record_training": {"lead", "admin", "supervisor"},
        "view_wellbeing": {"lead", "supervisor", "peer"},
        "edit_wellbeing": {"lead", "supervisor", "peer"},
        "edit_diversity": {"peer"},
    }
    for action, who in allowed.items():
        got = {name for name, user in personas.items() if access.can(user, action, peer)}
        assert got == who, action


def test_finance_here_and_lead_elsewhere_sees_this_register_as_payees_only(
    client, personas, peer_assignment, org, other_org
):
    from tests.factories import MembershipFactory

    dual = make_login("dual", other_org, Capacity.COPRODUCTION_LEAD)
    MembershipFactory(user=dual, organisation=org, capacity=Capacity.FINANCE)
    peer = personas["peer"].person
    Person.objects.filter(pk=peer.pk).update(payee_reference="PAY-7")
    client.force_login(dual)
    url = reverse("workforce:people")
    response = client.get(url, {"q": personas["peer"].person.full_name})
    row = next(p for p in response.context["page"].object_list if p.pk == peer.pk)
    assert row.show_profile is False
    html = response.content.decode()
    assert "Seen as a payee only" in html and "<td>Peer support worker" not in html
    # Filtering by role family cannot reveal it either.
    response = client.get(url, {"family": "peer_support_worker"})
    assert personas["peer"].person not in response.context["page"].object_list
    export = b"".join(client.get(reverse("workforce:people_export")).streaming_content).decode()
    peer_row = next(line for line in export.splitlines() if line.startswith("Peer,"))
    assert personas["peer"].person.email not in peer_row and "Peer support worker" not in peer_row
    assert peer_row.endswith("PAY-7")
    # Their own organisation's people they see in full.
    assert "Dual" in client.get(url).content.decode()
