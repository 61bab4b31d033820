"""Changing your own email address: password (and code, with an authenticator) first;
audited; a notice to the old address; nothing changes on a refusal."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PersonFactory, UserFactory
from tests.queue import run_jobs
from workforce.models import AuditEntry, Person

PASSWORD = "correct horse battery staple"
URL = reverse("email_change")


@pytest.fixture
def member(org, peer):
    """The peer worker, with a real password and a login named after their email."""
    peer.username = "pat@example.org"
    peer.email = "pat@example.org"
    peer.set_password(PASSWORD)
    peer.save()
    Person.objects.filter(user=peer).update(email="pat@example.org")
    return peer


def _code(device: TOTPDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:06d}"


@pytest.mark.django_db(transaction=True)
def test_right_password_changes_email_username_and_register_and_tells_the_old_address(
    client, member, mailoutbox
):
    client.force_login(member)
    response = client.post(URL, {"new_email": "Pat.New@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == "Pat.New@example.org"
    # Invited logins sign in with their email address: that moves too.
    assert member.username == "pat.new@example.org"
    assert Person.objects.get(user=member).email == "Pat.New@example.org"
    entry = AuditEntry.objects.get(action="login.email_changed")
    assert entry.actor == member
    assert entry.object_id == str(member.pk)
    assert entry.changes["email"] == ["pat@example.org", "Pat.New@example.org"]
    assert entry.organisation_id == member.person.organisation_id
    assert PASSWORD not in str(entry.changes)
    run_jobs()  # the worker sends what the change queued
    (notice,) = mailoutbox
    assert notice.to == ["pat@example.org"]
    assert "Pat.New@example.org" in notice.body
    assert "did not make this change" in notice.body
    # They can sign in with the new address.
    client.logout()
    response = client.post(
        reverse("login"), {"username": "pat.new@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(URL).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_wrong_password_refuses_and_changes_nothing(client, member, mailoutbox):
    client.force_login(member)
    response = client.post(URL, {"new_email": "thief@example.net", "password": "guess"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "That is not your current password." in page
    # The error is tied to its field and listed in the summary at the top.
    assert 'id="error_1_id_password"' in page
    assert 'href="#id_password"' in page
    member.refresh_from_db()
    assert (member.email, member.username) == ("pat@example.org", "pat@example.org")
    assert Person.objects.get(user=member).email == "pat@example.org"
    assert not AuditEntry.objects.filter(action="login.email_changed").exists()
    run_jobs()  # the worker sends what the change queued
    assert mailoutbox == []


def test_page_asks_for_the_password_and_links_from_the_account_menu(client, member):
    client.force_login(member)
    page = client.get(URL).content.decode()
    assert 'for="id_new_email"' in page
    assert 'for="id_password"' in page
    assert 'autocomplete="current-password"' in page
    assert "id_code" not in page  # no authenticator, no code asked for
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    assert f'href="{URL}"' in client.get(reverse("password_change")).content.decode()


def test_with_an_authenticator_the_code_is_needed_too(client, member):
    device = TOTPDevice.objects.create(user=member, name="Authenticator app", confirmed=True)
    client.force_login(member)
    response = client.post(URL, {"new_email": "new@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "6-digit code from your authenticator app" in response.content.decode()
    member.refresh_from_db()
    assert member.email == "pat@example.org"
    response = client.post(
        URL, {"new_email": "new@example.org", "password": PASSWORD, "code": "000000"}
    )
    assert "That code did not work" in response.content.decode()
    member.refresh_from_db()
    assert member.email == "pat@example.org"
    # (django-otp makes the next try wait a moment after a wrong code; skip the wait.)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    response = client.post(
        URL, {"new_email": "new@example.org", "password": PASSWORD, "code": _code(device)}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == "new@example.org"


def test_an_address_another_login_uses_is_refused(client, member):
    UserFactory(username="someone", email="taken@example.org")
    client.force_login(member)
    response = client.post(URL, {"new_email": "TAKEN@example.org", "password": PASSWORD})
    assert "Another login already uses that email address" in response.content.decode()
    member.refresh_from_db()
    assert member.email == "pat@example.org"


def test_a_register_entry_with_a_different_email_is_left_alone(client, org, member):
    Person.objects.filter(user=member).update(email="work@example.org")
    client.force_login(member)
    client.post(URL, {"new_email": "home@example.org", "password": PASSWORD})
    assert Person.objects.get(user=member).email == "work@example.org"
    assert get_user_model().objects.get(pk=member.pk).email == "home@example.org"


def test_five_wrong_passwords_sign_the_session_out(client, member):
    client.force_login(member)
    for _ in range(4):
        assert client.post(URL, {"new_email": "x@example.org", "password": "no"}).status_code == 200
    response = client.post(URL, {"new_email": "x@example.org", "password": "no"})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(URL).status_code == 302  # signed out
    member.refresh_from_db()
    assert member.email == "pat@example.org"


def test_it_only_ever_changes_the_signed_in_login(client, org, member):
    other = PersonFactory(organisation=org, email="other@example.org").pk
    client.force_login(member)
    client.post(URL, {"new_email": "mine@example.org", "password": PASSWORD, "user": other})
    assert Person.objects.get(pk=other).email == "other@example.org"
