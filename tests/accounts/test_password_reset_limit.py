"""Password-reset emails are limited per address and per client, counted in the database
(so the limit holds across server processes); past the limit the page looks the same."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from workforce.accounts import credentials
from workforce.models import PasswordResetRequest

URL = reverse("password_reset")


def _ask(email, ip="10.2.0.1"):
    response = Client().post(URL, {"email": email}, REMOTE_ADDR=ip, follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert "If that address belongs to an account here" in response.content.decode()
    return response


@pytest.fixture
def people(db):
    return [UserFactory(username=f"person{n}", email=f"person{n}@example.org") for n in range(5)]


def test_one_address_gets_at_most_three_an_hour(people, mailoutbox):
    pages = [_ask("person0@example.org").content for _ in range(6)]
    assert len(mailoutbox) == credentials.RESET_EMAILS_PER_ADDRESS == 3
    # The refused requests' pages are the same as the sent ones'.
    assert len({re.sub(rb'(nonce|value)="[^"]+"', b"", p) for p in pages}) == 1
    # Another address from the same client is counted separately.
    _ask("person1@example.org")
    assert len(mailoutbox) == 4
    # The address is limited whichever client asks.
    _ask("person0@example.org", ip="10.9.9.9")
    assert len(mailoutbox) == 4


def test_one_client_gets_at_most_ten_an_hour(db, mailoutbox):
    for n in range(12):
        UserFactory(username=f"many{n}", email=f"many{n}@example.org")
    for n in range(12):
        _ask(f"many{n}@example.org", ip="10.3.0.1")
    assert len(mailoutbox) == credentials.RESET_EMAILS_PER_CLIENT == 10
    _ask("many11@example.org", ip="10.3.0.2")
    assert len(mailoutbox) == 11


def test_unknown_addresses_count_too_and_nothing_readable_is_stored(db, mailoutbox):
    for _ in range(4):
        _ask("nobody@example.org")
    assert mailoutbox == []
    assert PasswordResetRequest.objects.count() == credentials.RESET_EMAILS_PER_ADDRESS
    stored = PasswordResetRequest.objects.values_list("address_hash", flat=True)
    assert all("nobody" not in value and "@" not in value for value in stored)


def test_an_hour_later_the_address_may_ask_again_and_old_rows_are_pruned(people, mailoutbox):
    for _ in range(3):
        _ask("person0@example.org")
    PasswordResetRequest.objects.update(at=timezone.now() - timedelta(hours=1, minutes=1))
    _ask("person0@example.org")
    assert len(mailoutbox) == 4
    assert PasswordResetRequest.objects.count() == 1
