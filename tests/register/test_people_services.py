"""Adding, editing, leaving and inviting: rules, audit entries, and the invite email."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory
from workforce.models import AuditEntry, Capacity, Membership, Person
from workforce.register import services

TODAY = timezone.localdate()


def test_person_create_and_update_are_audited_with_before_and_after(org, personas):
    lead = personas["lead"]
    person = services.person_create(
        organisation=org, by=lead, full_name="Ada Lovelace", email="ada@example.org"
    )
    services.person_update(person=person, by=lead, pronouns="she/her", phone="0161 000 0000")
    entries = AuditEntry.objects.filter(object_id=str(person.pk)).order_by("pk")
    assert [e.action for e in entries] == ["person.created", "person.updated"]
    assert entries[1].changes == {"pronouns": ["", "she/her"], "phone": ["", "0161 000 0000"]}
    assert entries[1].actor == lead


def test_update_without_changes_writes_nothing(org, personas):
    person = PersonFactory(organisation=org, full_name="Same Name")
    services.person_update(person=person, by=personas["lead"], full_name="Same Name")
    assert not AuditEntry.objects.filter(object_id=str(person.pk)).exists()


def test_duplicate_email_is_a_clear_error(org, personas):
    PersonFactory(organisation=org, email="dup@example.org")
    with pytest.raises(services.WorkforceError, match="already has the email"):
        services.person_create(
            organisation=org, by=personas["lead"], full_name="X", email="DUP@example.org"
        )


def test_leaving_records_date_reason_ends_roles_and_closes_login(personas, peer_assignment):
    peer = personas["peer"]
    last_day = TODAY + datetime.timedelta(days=10)
    services.person_leave(
        person=peer.person, by=personas["lead"], end_date=last_day, reason="resigned"
    )
    person = Person.objects.get(pk=peer.person.pk)
    assert (person.status, person.end_date, person.leaving_reason) == ("left", last_day, "resigned")
    peer_assignment.refresh_from_db()
    assert peer_assignment.end_date == last_day
    peer.refresh_from_db()
    assert not peer.is_active
    entry = AuditEntry.objects.get(action="person.left")
    assert entry.changes["assignments_ended"] == [peer_assignment.pk]


def test_leaving_twice_or_before_starting_is_refused(org, personas):
    person = PersonFactory(organisation=org, start_date=TODAY)
    with pytest.raises(services.WorkforceError, match="before the start date"):
        services.person_leave(
            person=person,
            by=personas["lead"],
            end_date=TODAY - datetime.timedelta(days=1),
            reason="other",
        )
    services.person_leave(person=person, by=personas["lead"], end_date=TODAY, reason="other")
    with pytest.raises(services.WorkforceError, match="already recorded as having left"):
        services.person_leave(person=person, by=personas["lead"], end_date=TODAY, reason="other")


@pytest.mark.django_db(transaction=True)
def test_invite_creates_a_login_and_emails_a_set_your_own_password_link(
    client, org, personas, mailoutbox
):
    person = PersonFactory(organisation=org, full_name="New Starter", email="new@example.org")
    services.person_invite(person=person, by=personas["lead"], capacity=Capacity.PEER_WORKER)
    user = get_user_model().objects.get(username="new@example.org")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, organisation=org, capacity="peer_worker").exists()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["new@example.org"]
    assert "new@example.org" in mail.body
    link = re.search(re.escape(settings.SITE_URL) + r"(/accounts/reset/\S+)", mail.body).group(1)
    # Following the link lets them choose a password (Django's reset flow), once.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {
            "new_password1": "a-long-Unusual-passphrase-7",
            "new_password2": "a-long-Unusual-passphrase-7",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-Unusual-passphrase-7")
    # The link works once.
    client.logout()
    assert "This link does not work" in client.get(link, follow=True).content.decode()


@pytest.mark.django_db(transaction=True)
def test_no_email_is_sent_when_the_invite_rolls_back(org, personas, mailoutbox):
    from django.db import transaction

    person = PersonFactory(organisation=org, email="rollback@example.org")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.person_invite(person=person, by=personas["lead"], capacity="peer_worker")
        raise RuntimeError("something later failed")
    assert mailoutbox == []
    assert not get_user_model().objects.filter(username="rollback@example.org").exists()


def test_invite_rules(org, personas):
    lead = personas["lead"]
    nobody = PersonFactory(organisation=org, email="")
    with pytest.raises(services.WorkforceError, match="Add an email address"):
        services.person_invite(person=nobody, by=lead, capacity="peer_worker")
    with pytest.raises(services.WorkforceError, match="already has a login"):
        services.person_invite(person=personas["peer"].person, by=lead, capacity="peer_worker")
    someone = PersonFactory(organisation=org, email="x@example.org")
    with pytest.raises(services.WorkforceError, match="peer worker or a supervisor"):
        services.person_invite(person=someone, by=lead, capacity="admin")


def test_inviting_again_before_the_password_is_set_sends_a_new_link(
    org, personas, mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory(organisation=org, email="again@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.person_invite(person=person, by=personas["lead"], capacity="peer_worker")
    with django_capture_on_commit_callbacks(execute=True):
        services.person_invite(person=person, by=personas["lead"], capacity="peer_worker")
    assert len(mailoutbox) == 2
    actions = list(
        AuditEntry.objects.filter(object_id=str(person.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["person.invited", "person.reinvited"]


def test_invite_page_sends_and_says_so(
    client, org, personas, mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory(organisation=org, email="page@example.org", full_name="Page Person")
    client.force_login(personas["lead"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workforce:person_invite", args=[person.pk]),
            {"capacity": "peer_worker"},
            follow=True,
        )
    assert "Invitation sent to page@example.org" in response.content.decode()
    assert len(mailoutbox) == 1 and f"{settings.SITE_URL}/accounts/reset/" in mailoutbox[0].body
