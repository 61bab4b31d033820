"""SITE_URL: what the settings accept (workforce/platform/links.py, read by settings.py), and
every email's links built on it, whatever Host header the request that caused it carried."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tests.factories import PersonFactory
from workforce.platform.links import LOCAL_SITE_URL, site_link, site_url_setting

ATTACKER = "attacker.example"


@pytest.mark.parametrize(
    ("value", "debug", "message"),
    [
        ("", False, "SITE_URL is not set"),
        ("http://workforce.example.org", False, "must start with https://"),
        ("workforce.example.org", True, "must be an http or https address"),
        ("https://", False, "must be an http or https address"),
        ("ftp://workforce.example.org", True, "must be an http or https address"),
        ("https://workforce.example.org/?next=/", False, "must be an http or https address"),
    ],
)
def test_a_site_url_links_cannot_be_built_on_is_refused(value, debug, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        site_url_setting(value, debug=debug)


def test_accepted_site_urls():
    assert site_url_setting(" https://w.example.org/ ", debug=False) == "https://w.example.org"
    assert (
        site_url_setting("https://w.example.org/app/", debug=False) == "https://w.example.org/app"
    )
    assert site_url_setting("", debug=True) == LOCAL_SITE_URL
    assert site_url_setting("http://localhost:8000", debug=True) == "http://localhost:8000"


def test_site_link(settings):
    settings.SITE_URL = "https://w.example.org"
    assert site_link("/incidents/5/") == "https://w.example.org/incidents/5/"
    assert site_link("/incidents/5/", base="https://other.example/") == (
        "https://other.example/incidents/5/"
    )


@pytest.fixture
def hostile_host(settings):
    """A request whose Host header names someone else's server (allowed here so that the
    request reaches the view: behind a misconfigured proxy it would)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ATTACKER]
    settings.SITE_URL = "https://workforce.example.org"
    return {"HTTP_HOST": ATTACKER}


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_the_invitation_links_to_the_site_not_the_host_header(
    client, org, personas, hostile_host, mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory(organisation=org, email="new@example.org")
    client.force_login(personas["lead"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("workforce:person_invite", args=[person.pk]),
            {"capacity": "peer_worker"},
            **hostile_host,
        )
    (mail,) = mailoutbox
    (link,) = _links(mail.body)
    assert link.startswith("https://workforce.example.org/accounts/reset/")
    assert ATTACKER not in mail.body


def test_the_password_reset_links_to_the_site_not_the_host_header(
    client, personas, hostile_host, mailoutbox
):
    client.post(reverse("password_reset"), {"email": personas["peer"].email}, **hostile_host)
    (mail,) = mailoutbox
    (link,) = _links(mail.body)
    assert link.startswith("https://workforce.example.org/accounts/reset/")
    assert ATTACKER not in mail.body
    # The link works.
    assert client.get(link.removeprefix(settings.SITE_URL), follow=True).status_code == 200
