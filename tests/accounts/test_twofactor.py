import re
import time
from base64 import b32decode

from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from workforce.models import AuditEntry


def _code(key: bytes, steps_from_now: int = 0) -> str:
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * steps_from_now
    return f"{totp.token():06d}"


def _password_login(username, ip="10.1.1.1"):
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR=ip
    )
    assert response.status_code == 302
    return client


def _secret_from_page(html: str) -> bytes:
    grouped = re.search(r'aria-label="Set-up key">([A-Z2-7 ]+)<', html).group(1)
    secret = grouped.replace(" ", "")
    return b32decode(secret + "=" * (-len(secret) % 8))


def test_lead_must_set_up_two_step_sign_in_before_anything_else(lead, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wait after a wrong code is tested below
    client = _password_login("lead")
    response = client.get(reverse("workforce:organisations"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    page = client.get(response["Location"])
    assert b"<svg" in page.content  # the QR code
    key = _secret_from_page(page.content.decode())
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000", "next": "/"})
    assert b"That code did not work" in wrong.content
    assert not TOTPDevice.objects.filter(user=lead, confirmed=True).exists()
    done = client.post(
        reverse("two_factor_setup"),
        {"code": _code(key), "next": reverse("workforce:organisations")},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("workforce:organisations")
    assert client.get(reverse("workforce:organisations")).status_code == 200
    assert AuditEntry.objects.filter(action="two_factor.set_up", actor=lead).exists()


def test_next_sign_in_asks_for_a_code_and_each_code_works_once(lead):
    device = TOTPDevice.objects.create(user=lead, name="app", confirmed=True)
    client = _password_login("lead")
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    code = _code(device.bin_key)
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    # The same code cannot be used again, even in a brand new sign-in.
    other = _password_login("lead", ip="10.1.1.2")
    replay = other.post(reverse("two_factor_verify"), {"code": code})
    assert b"That code did not work" in replay.content
    assert other.get(reverse("home")).status_code == 302


def test_codes_outside_one_step_of_the_clock_are_refused(lead, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=lead, name="app", confirmed=True)
    client = _password_login("lead")
    stale = client.post(reverse("two_factor_verify"), {"code": _code(device.bin_key, -3)})
    assert b"That code did not work" in stale.content
    future = client.post(reverse("two_factor_verify"), {"code": _code(device.bin_key, 3)})
    assert b"That code did not work" in future.content
    assert client.get(reverse("home")).status_code == 302


def test_peer_workers_do_not_need_it_unless_everyone_does(peer, settings):
    client = _password_login("peer")
    assert client.get(reverse("home")).status_code == 200
    settings.TWO_FACTOR_FOR_EVERYONE = True
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))


def test_every_capacity_that_must_use_it(personas):
    from workforce.accounts import twofactor

    required = {who for who, user in personas.items() if twofactor.required_for(user)}
    assert required == {"lead", "safeguarding", "finance", "admin", "outsider"}


def test_admin_site_needs_the_second_step(admin_user):
    TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    client = _password_login("admin")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_password_reset_does_not_get_past_the_second_step(client, lead):
    TOTPDevice.objects.create(user=lead, name="app", confirmed=True)
    client.post(reverse("password_reset"), {"email": "lead@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "new-pass-2026-x", "new_password2": "new-pass-2026-x"})
    # Resetting does not sign in; signing in with the new password still asks for a code.
    assert client.get(reverse("home")).status_code == 302
    client.post(reverse("login"), {"username": "lead", "password": "new-pass-2026-x"})
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))


def test_replacing_the_authenticator_needs_the_password_and_a_code(client, lead):
    client.force_login(lead)
    device = TOTPDevice.objects.get(user=lead, confirmed=True)
    wrong = client.post(
        reverse("two_factor_manage"), {"password": "not-it", "code": _code(device.bin_key)}
    )
    assert b"That is not your current password" in wrong.content
    no_code = client.post(reverse("two_factor_manage"), {"password": PASSWORD})
    assert b"Enter the 6-digit code from your authenticator app." in no_code.content
    right = client.post(
        reverse("two_factor_manage"), {"password": PASSWORD, "code": _code(device.bin_key)}
    )
    assert right["Location"] == reverse("two_factor_setup")
    # Kept until the new one is confirmed (tests/accounts/test_two_step.py follows it through).
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert TOTPDevice.objects.filter(user=lead, confirmed=False).count() == 1


def test_cancel_signs_out(lead):
    client = _password_login("lead")
    response = client.post(reverse("two_factor_cancel"))
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_open_redirects_are_refused(lead):
    device = TOTPDevice.objects.create(user=lead, name="app", confirmed=True)
    client = _password_login("lead")
    response = client.post(
        reverse("two_factor_verify"),
        {"code": _code(device.bin_key), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_wrong_codes_slow_down_guessing(lead):
    device = TOTPDevice.objects.create(user=lead, name="app", confirmed=True)
    client = _password_login("lead")
    client.post(reverse("two_factor_verify"), {"code": "000000"})
    # Straight after a wrong code even the right one must wait.
    throttled = client.post(reverse("two_factor_verify"), {"code": _code(device.bin_key)})
    assert b"Too many wrong codes" in throttled.content
    assert client.get(reverse("home")).status_code == 302


def _spaced(code: str, separator: str) -> str:
    return f" {code[:3]}{separator}{code[3:]} "


def test_a_pasted_code_with_a_space_or_hyphen_works_and_is_never_cut_short(lead):
    """WCAG 2.2, 3.3.8: the code may be pasted or filled in as an app shows it."""
    device = TOTPDevice.objects.create(user=lead, name="app", confirmed=True)
    client = _password_login("lead")
    page = client.get(reverse("two_factor_verify")).content.decode()
    box = re.search(r'<input [^>]*name="code"[^>]*>', page).group(0)
    assert 'autocomplete="one-time-code"' in box and 'inputmode="numeric"' in box
    # Room for "123 456" with a stray space each side; no pattern to refuse the space.
    assert 'maxlength="12"' in box and "pattern=" not in box and "paste" not in page
    response = client.post(
        reverse("two_factor_verify"), {"code": _spaced(_code(device.bin_key), " ")}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200

    # The same field on the page that replaces the authenticator, with a hyphen.
    right = client.post(
        reverse("two_factor_manage"),
        {"password": PASSWORD, "code": _spaced(_code(device.bin_key, 1), "-")},
    )
    assert right["Location"] == reverse("two_factor_setup")


def test_a_code_that_is_not_six_digits_says_so_and_spends_no_try(lead):
    device = TOTPDevice.objects.create(user=lead, name="app", confirmed=True)
    client = _password_login("lead")
    for typed in ("12345", "1234567", "12a456", "１２３４５６"):
        response = client.post(reverse("two_factor_verify"), {"code": typed})
        assert "Enter the 6 digits your authenticator app shows" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # nothing was checked against the device
    assert client.get(reverse("home")).status_code == 302
