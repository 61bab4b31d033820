"""Canary crawl: unique tokens planted in private supervision notes, a safeguarding
narrative and a wellbeing plan must never reach finance, another peer worker or another
organisation's lead, on any page or download they can reach by following links."""

import re
from collections import deque

import pytest
from django.core.management import call_command
from django.test import Client

from tests.conftest import verify_second_factor
from tests.factories import make_supervision_session, report_incident

NOTE_TOKEN = "CANARY-NOTE-7f3a9c"
NARRATIVE_TOKEN = "CANARY-NARRATIVE-2b8e41"
PLAN_TOKEN = "CANARY-PLAN-d05c66"
TOKENS = (NOTE_TOKEN, NARRATIVE_TOKEN, PLAN_TOKEN)
HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/accounts/logout/", "/accounts/two-factor/cancel/", "/admin/logout/")
MAX_PAGES = 400


@pytest.fixture
def planted(db, settings):
    from django.contrib.auth import get_user_model

    from workforce.models import Person, WellbeingPlan

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    users = {u.username: u for u in get_user_model().objects.all()}
    peer = Person.objects.get(user=users["peer"])
    make_supervision_session(
        supervisor=users["supervisor"],
        supervisees=[peer],
        date=__import__("datetime").date(2026, 1, 5),
        kind="clinical",
        notes=f"Private: {NOTE_TOKEN}",
    )
    report_incident(
        users["supervisor"], peer, narrative=f"What happened: {NARRATIVE_TOKEN}", severity="high"
    )
    plan, _ = WellbeingPlan.objects.get_or_create(person=peer)
    WellbeingPlan.objects.filter(pk=plan.pk).update(keeps_me_well=f"Walks. {PLAN_TOKEN}")
    return users


def _crawl(client):
    seen, queue, leaks = set(), deque(["/"]), []
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or path.startswith(SKIP):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200:
            continue
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        leaks += [(path, token) for token in TOKENS if token in text]
        if "html" in response.get("Content-Type", ""):
            queue.extend(p.replace("&amp;", "&") for p in HREF.findall(text))
    return seen, leaks


def _client_for(user):
    client = Client()
    client.force_login(user)
    verify_second_factor(client, user)
    return client


@pytest.mark.slow
def test_private_text_never_reaches_those_who_may_not_see_it(planted):
    # One seeding for every crawl: the demo data is large and slow to build.
    for who in ["finance", "peer2", "outsider"]:
        seen, leaks = _crawl(_client_for(planted[who]))
        assert len(seen) > 5, f"the crawl as {who} reached too little to prove anything"
        assert leaks == [], who
    # And the crawl would find them: the supervisor may see all three.
    _, found = _crawl(_client_for(planted["supervisor"]))
    assert {token for _, token in found} == set(TOKENS)
