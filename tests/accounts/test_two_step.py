"""Two-step sign-in cannot be undone without two steps: before the code only verify, set-up
(with no authenticator yet) and cancel are open; changing the authenticator needs a verified
session, the password and a current code; each change is emailed and audited in every
organisation the login belongs to; the session key changes once the code is accepted."""

import re
import time
from base64 import b32decode, b32encode

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, MembershipFactory
from tests.queue import run_jobs
from workforce.models import AuditEntry
from workforce.models import Capacity as C

MANAGE = reverse("two_factor_manage")
SETUP = reverse("two_factor_setup")
VERIFY = reverse("two_factor_verify")


def _code(key: bytes, steps_from_now: int = 0) -> str:
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * steps_from_now
    return f"{totp.token():06d}"


def _password_login(username):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _secret_from_page(html: str) -> bytes:
    grouped = re.search(r'aria-label="Set-up key">([A-Z2-7 ]+)<', html).group(1)
    secret = grouped.replace(" ", "")
    return b32decode(secret + "=" * (-len(secret) % 8))


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.mark.parametrize("who", ["safeguarding", "finance"])
def test_the_password_alone_cannot_replace_the_authenticator(request, who, no_throttle):
    user = request.getfixturevalue(who)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    key = device.bin_key
    client = _password_login(who)  # the code page is showing
    for method in ("get", "post"):
        response = getattr(client, method)(MANAGE, {"password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    setup = client.get(SETUP)
    assert setup["Location"].startswith(VERIFY)
    assert 'aria-label="Set-up key"' not in setup.content.decode()
    assert TOTPDevice.objects.filter(user=user).count() == 1  # no new secret was made
    assert client.get(reverse("home"))["Location"].startswith(VERIFY)
    assert not AuditEntry.objects.filter(action__startswith="two_factor.").exists()
    # The code page itself still works with the old authenticator.
    assert client.post(VERIFY, {"code": _code(key)}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_before_the_code_only_verify_and_cancel_are_open(safeguarding):
    TOTPDevice.objects.create(user=safeguarding, name="app", confirmed=True)
    client = _password_login("safeguarding")
    assert client.get(VERIFY).status_code == 200
    for path in (MANAGE, SETUP, MANAGE + "anything/", reverse("email_change")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY), path
    response = client.post(reverse("two_factor_cancel"))
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_a_peer_who_turned_it_on_is_asked_for_the_code_too(peer, no_throttle):
    device = TOTPDevice.objects.create(user=peer, name="app", confirmed=True)
    client = _password_login("peer")
    assert client.get(reverse("home"))["Location"].startswith(VERIFY)
    assert client.post(MANAGE, {"password": PASSWORD})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    client.post(VERIFY, {"code": _code(device.bin_key)})
    assert client.get(reverse("home")).status_code == 200


def test_replacing_needs_a_verified_session_the_password_and_a_current_code(
    client, safeguarding, other_org, no_throttle, mailoutbox, django_capture_on_commit_callbacks
):
    # A login in two organisations: the change shows on both organisations' audit pages.
    MembershipFactory(user=safeguarding, organisation=other_org, capacity=C.PEER_WORKER)
    client.force_login(safeguarding)  # verified, with an authenticator
    old = TOTPDevice.objects.get(user=safeguarding, confirmed=True)
    no_code = client.post(MANAGE, {"password": PASSWORD})
    assert "Enter the 6-digit code from your authenticator app." in no_code.content.decode()
    wrong_code = client.post(MANAGE, {"password": PASSWORD, "code": "000000"})
    assert "That code did not work" in wrong_code.content.decode()
    wrong_password = client.post(MANAGE, {"password": "guess", "code": _code(old.bin_key)})
    assert "That is not your current password." in wrong_password.content.decode()
    assert list(TOTPDevice.objects.filter(user=safeguarding)) == [old]

    started = client.post(MANAGE, {"password": PASSWORD, "code": _code(old.bin_key)})
    assert started["Location"] == SETUP
    # The old authenticator keeps working until the new one is confirmed.
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    page = client.get(SETUP)
    new_key = _secret_from_page(page.content.decode())
    assert new_key != old.bin_key
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(SETUP, {"code": _code(new_key), "next": reverse("home")})
    assert done["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    (new,) = TOTPDevice.objects.filter(user=safeguarding)
    assert new.confirmed and new.bin_key == new_key
    orgs = {safeguarding.person.organisation_id, other_org.pk}
    for action in ("two_factor.removed", "two_factor.set_up"):
        entries = AuditEntry.objects.filter(action=action, actor=safeguarding)
        assert {e.organisation_id for e in entries} == orgs
        assert entries.count() == 2
        for entry in entries:
            assert old.key not in str(entry.changes) + entry.summary
            assert new.key not in str(entry.changes) + entry.summary
    run_jobs()  # the worker sends what the change queued
    (notice,) = mailoutbox
    assert notice.to == [safeguarding.email]
    assert "replaced" in notice.body
    assert "If this was not you" in notice.body
    assert b32encode(new_key).decode().rstrip("=") not in notice.body.replace(" ", "")


def test_turning_it_off_is_emailed_and_audited_in_each_organisation(
    client, peer, other_org, mailoutbox, django_capture_on_commit_callbacks
):
    MembershipFactory(user=peer, organisation=other_org, capacity=C.PEER_WORKER)
    device = TOTPDevice.objects.create(user=peer, name="app", confirmed=True)
    client.force_login(peer)  # past the second step, as if the code had been typed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(MANAGE, {"password": PASSWORD, "code": _code(device.bin_key)})
    assert response["Location"] == MANAGE
    assert not TOTPDevice.objects.filter(user=peer).exists()
    entries = AuditEntry.objects.filter(action="two_factor.removed", actor=peer)
    assert {e.organisation_id for e in entries} == {peer.person.organisation_id, other_org.pk}
    run_jobs()  # the worker sends what the change queued
    (notice,) = mailoutbox
    assert notice.to == [peer.email]
    assert "turned off" in notice.body
    assert "If this was not you" in notice.body


def test_setting_it_up_is_emailed_and_audited(
    lead, no_throttle, mailoutbox, django_capture_on_commit_callbacks
):
    client = _password_login("lead")
    key = _secret_from_page(client.get(SETUP).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SETUP, {"code": _code(key)})
    entry = AuditEntry.objects.get(action="two_factor.set_up", actor=lead)
    assert entry.organisation_id == lead.person.organisation_id
    run_jobs()  # the worker sends what the change queued
    (notice,) = mailoutbox
    assert notice.to == [lead.email]
    assert "set up" in notice.body
    # The secret is never mailed.
    assert b32encode(key).decode().rstrip("=") not in notice.body.replace(" ", "")


def test_the_session_key_changes_when_the_code_is_accepted(lead):
    device = TOTPDevice.objects.create(user=lead, name="app", confirmed=True)
    client = _password_login("lead")
    before = client.session.session_key
    client.post(VERIFY, {"code": _code(device.bin_key)})
    after = client.session.session_key
    assert before != after
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.filter(session_key=after).exists()
    assert client.get(reverse("home")).status_code == 200
    # Someone holding the old cookie has nothing.
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_the_session_key_changes_when_set_up_is_confirmed(lead, no_throttle):
    client = _password_login("lead")
    key = _secret_from_page(client.get(SETUP).content.decode())
    before = client.session.session_key
    client.post(SETUP, {"code": _code(key)})
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()
