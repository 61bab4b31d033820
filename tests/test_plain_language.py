"""The plain-language review (docs/plain-language.md) stays true: the words a peer worker
meets are explained where they are used, the explanations stay short, and error messages on
the peer's forms say how to put the problem right."""

import html
import re

import pytest
from django.urls import reverse

from tests.factories import make_claim, supervise
from workforce.platform.glossary import GLOSSARY


def _text(response) -> str:
    assert response.status_code in (200, 400), response.status_code
    return html.unescape(response.content.decode())


def _explains(page: str, key: str) -> bool:
    term, meaning = GLOSSARY[key]
    return f'data-term="{key}"' in page and f"What does “{term}” mean?" in page and meaning in page


@pytest.mark.parametrize("key", sorted(GLOSSARY))
def test_each_explanation_is_short_and_plain(key):
    term, meaning = GLOSSARY[key]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", meaning) if s]
    assert len(sentences) <= 4, f"{term}: {len(sentences)} sentences"
    for sentence in sentences:
        assert len(sentence.split()) <= 30, f"{term}: long sentence: {sentence}"


@pytest.fixture
def peer_client(client, personas, org, seed_card):
    version = supervise(org, personas["lead"], personas["peer"], personas["supervisor"])
    make_claim(personas["peer"], state="draft")
    client.force_login(personas["peer"])
    client.version = version
    return client


# Page -> the words it must explain.
PAGES = {
    "roles:list": ["band", "ebe", "co-production"],
    "supervision:mine": ["supervision"],
    "supervision:log": ["supervision"],
    "payments:my_claims": ["involvement", "tier", "rate-card", "batch"],
    "payments:claim_create": ["tier", "rate-card", "co-production"],
    "incidents:list": ["boundary-incident", "triage", "safeguarding"],
    "incidents:mine": ["boundary-incident", "triage"],
    "incidents:report": ["boundary-incident"],
}


@pytest.mark.parametrize("url_name", list(PAGES))
def test_peer_pages_explain_their_words(peer_client, url_name):
    page = _text(peer_client.get(reverse(url_name)))
    missing = [key for key in PAGES[url_name] if not _explains(page, key)]
    assert not missing, f"{url_name} no longer explains {missing}"


def test_the_role_page_explains_band_supervision_and_escalation(peer_client):
    page = _text(peer_client.get(reverse("roles:detail", args=[peer_client.version.role_id])))
    for key in ("band", "supervision", "escalation"):
        assert _explains(page, key), key
    # The home page shows the peer's role with the same explanations.
    home = _text(peer_client.get(reverse("home")))
    assert _explains(home, "supervision") and _explains(home, "escalation")


def test_the_claim_page_explains_tier_rate_card_and_batch(peer_client, personas):
    claim = make_claim(personas["peer"], state="submitted", description="Panel")
    page = _text(peer_client.get(reverse("payments:claim", args=[claim.pk])))
    for key in ("tier", "rate-card", "batch"):
        assert _explains(page, key), key


def test_claim_form_errors_say_how_to_fix_them(peer_client):
    # (An empty POST is treated as no POST at all: send one empty field.)
    page = _text(peer_client.post(reverse("payments:claim_create"), {"description": ""}))
    assert "There is a problem" in page
    assert "Enter how long it took in hours, for example 2 or 1.5." in page
    assert "Choose how much preparation it needed." in page
    assert "Say what you did, or choose the activity." in page
    assert "This field is required." not in page
    page = _text(
        peer_client.post(
            reverse("payments:claim_create"),
            {"description": "Panel", "activity_date": "2026-01-05", "hours": "0.1"},
        )
    )
    assert "Enter at least 0.25 hours (15 minutes)." in page


def test_expense_errors_say_how_to_fix_them(peer_client, personas):
    claim = make_claim(personas["peer"], state="draft", description="Panel")
    url = reverse("payments:expense_add", args=[claim.pk])
    response = peer_client.post(url, {"description": ""}, follow=True)
    page = _text(response)
    assert "Enter the amount in pounds, for example 4.50." in page
    assert "Say what the expense was for" in page
    assert "This field is required." not in page


def test_supervision_log_errors_say_how_to_fix_them(peer_client):
    page = _text(peer_client.post(reverse("supervision:log"), {"date": "", "minutes": "an hour"}))
    assert "Enter the date of the session." in page
    assert "Enter the minutes as a whole number, for example 60." in page
    assert "This field is required." not in page
