from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD


def _attempt(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_five_wrong_passwords_lock_that_username_from_that_address(client, lead):
    for _ in range(4):
        assert _attempt(client, "lead", "wrong").status_code == 200
    # The fifth failure locks the pair; even the right password is then refused.
    assert _attempt(client, "lead", "wrong").status_code == 429
    locked = _attempt(client, "lead", PASSWORD)
    assert locked.status_code == 429
    assert b"Too many attempts" in locked.content
    assert "_auth_user_id" not in client.session


def test_lockout_does_not_spread_to_other_addresses_or_users(client, lead, peer):
    for _ in range(5):
        _attempt(client, "lead", "wrong", ip="10.0.0.1")
    # The real lead, elsewhere, can still sign in: an attacker cannot lock them out.
    assert _attempt(client, "lead", PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert _attempt(client, "peer", PASSWORD, ip="10.0.0.1").status_code == 302


def test_lockout_lifts_after_15_minutes(client, lead):
    from axes.models import AccessAttempt

    for _ in range(5):
        _attempt(client, "lead", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _attempt(client, "lead", PASSWORD).status_code == 302


def test_passwords_are_hashed_with_argon2(settings, django_user_model):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = django_user_model.objects.create_user("hashme", password="long-enough-secret-1")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_password_rules(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least 8 characters"):
        validate_password("Zq7$xk2")
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password123")
    # Long passphrases are welcome: no upper limit, no forced composition rules.
    validate_password("correct horse battery staple " * 4)
    validate_password("a" * 3 + "long passphrase without digits or symbols at all, 80 chars!!")


BREACH_CHECK = {
    "NAME": "pwned_passwords_django.validators.PwnedPasswordsValidator",
    "OPTIONS": {"error_message": "This password has appeared in a known data breach."},
}


class _FakeRangeApi:
    """Stands in for Have I Been Pwned's range API: knows one breached password."""

    def __init__(self, fail=False):
        self.fail, self.asked = fail, []

    def check_password(self, password):
        from pwned_passwords_django import exceptions

        self.asked.append(password)
        if self.fail:
            raise exceptions.PwnedPasswordsError(
                "unreachable", exceptions.ErrorCode.REQUEST_ERROR, {}
            )
        return 4242 if password == "Tr0ub4dor&3-breached" else 0


def test_a_breached_password_is_refused_when_changing_password(client, peer, settings, monkeypatch):
    from pwned_passwords_django import api

    fake = _FakeRangeApi()
    monkeypatch.setattr(api.default_client, "check_password", fake.check_password)
    settings.AUTH_PASSWORD_VALIDATORS = [*settings.AUTH_PASSWORD_VALIDATORS, BREACH_CHECK]
    client.force_login(peer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Tr0ub4dor&3-breached",
            "new_password2": "Tr0ub4dor&3-breached",
        },
    )
    assert response.status_code == 200
    assert b"known data breach" in response.content
    peer.refresh_from_db()
    assert peer.check_password(PASSWORD)
    # A password the breach data does not know is accepted.
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "plum kettle orbit meadow",
            "new_password2": "plum kettle orbit meadow",
        },
    )
    assert response.status_code == 302
    assert fake.asked == ["Tr0ub4dor&3-breached", "plum kettle orbit meadow"]


def test_breach_check_falls_back_to_the_common_list_when_the_api_is_unreachable(
    settings, monkeypatch
):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from pwned_passwords_django import api

    fake = _FakeRangeApi(fail=True)
    monkeypatch.setattr(api.default_client, "check_password", fake.check_password)
    settings.AUTH_PASSWORD_VALIDATORS = [BREACH_CHECK]
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password123")
    validate_password("plum kettle orbit meadow")
    assert len(fake.asked) == 2


def test_a_very_long_username_is_refused_not_a_server_error(client, lead):
    """Found by the fuzzer: django-axes keeps usernames in 255 characters."""
    for name in ("x" * 5000, "\ufdfa" * 150):  # the second grows 18-fold under NFKC
        response = _attempt(client, name, "wrong")
        assert response.status_code == 200
        assert b"Please enter a correct" in response.content or b"username" in response.content
