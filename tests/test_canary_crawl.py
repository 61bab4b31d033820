"""Canary crawl: unique tokens planted in private supervision notes, a safeguarding
narrative and a wellbeing plan must never reach finance, another peer worker or another
organisation's lead, on any page or download they can reach by following links.

The same crawls, and one as every other demo login, also read every page for a value
shown without words: a table cell or description left empty, or one that reads just
"None" or "nan" (what Python writes for a missing value)."""

import re
from collections import deque

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.conftest import verify_second_factor
from tests.factories import make_supervision_session, report_incident

NOTE_TOKEN = "CANARY-NOTE-7f3a9c"
NARRATIVE_TOKEN = "CANARY-NARRATIVE-2b8e41"
PLAN_TOKEN = "CANARY-PLAN-d05c66"
TOKENS = (NOTE_TOKEN, NARRATIVE_TOKEN, PLAN_TOKEN)
HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/accounts/logout/", "/accounts/two-factor/cancel/", "/admin/logout/")
MAX_PAGES = 400
CELL = re.compile(r"<(td|dd)\b[^>]*>(.*?)</\1>", re.S)
WHOLE_TEXT = re.compile(r">\s*(None|nan|NaN)\s*<")
TAG = re.compile(r"<[^>]+>")
# A cell holding a control or a picture says something without text of its own.
NOT_TEXT = re.compile(r"<(input|select|button|img|svg|textarea)\b")


@pytest.fixture
def planted(demo_seeded):
    from django.contrib.auth import get_user_model

    from workforce.models import Person, WellbeingPlan

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


def wordless(html: str) -> list[str]:
    """The cells and descriptions of a page that show a value without words."""
    found = [m.group(0) for m in WHOLE_TEXT.finditer(html)]
    for match in CELL.finditer(html):
        content = match.group(2)
        if NOT_TEXT.search(content):
            continue
        if TAG.sub("", content).strip() in ("", "None", "nan", "NaN"):
            found.append(match.group(0))
    return found


def _kind_of(path: str) -> tuple:
    """Pages of one kind: the same view with the same query parameters."""
    bare, _, query = path.partition("?")
    try:
        name = resolve(bare).view_name
    except Resolver404:
        name = bare
    return name, tuple(sorted(part.split("=")[0] for part in query.split("&") if part))


def _crawl(client, *, per_kind: int | None = None):
    """Every page reachable from the home page (`per_kind`: at most that many of each
    kind). Returns the pages seen, the tokens found on them and the wordless values of the
    app's own pages (the Django admin is Django's)."""
    seen, queue, leaks, empty = set(), deque(["/"]), [], []
    kinds: dict[tuple, int] = {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or path.startswith(SKIP):
            continue
        if per_kind is not None:
            kind = _kind_of(path)
            if kinds.get(kind, 0) >= per_kind:
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200:
            continue
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        leaks += [(path, token) for token in TOKENS if token in text]
        if "html" in response.get("Content-Type", ""):
            queue.extend(p.replace("&amp;", "&") for p in HREF.findall(text))
            if not path.startswith("/admin/"):
                empty += [(path, cell[:200]) for cell in wordless(text)]
    return seen, leaks, empty


def _client_for(user):
    client = Client()
    client.force_login(user)
    verify_second_factor(client, user)
    return client


@pytest.mark.slow
def test_private_text_never_reaches_those_who_may_not_see_it(planted):
    # One seeding for every crawl: the demo data is large and slow to build.
    for who in ["finance", "peer2", "outsider"]:
        seen, leaks, empty = _crawl(_client_for(planted[who]))
        assert len(seen) > 5, f"the crawl as {who} reached too little to prove anything"
        assert leaks == [], who
        assert empty == [], f"values without words, as {who}"
    # And the crawl would find them: the supervisor may see all three.
    _, found, empty = _crawl(_client_for(planted["supervisor"]))
    assert {token for _, token in found} == set(TOKENS)
    assert empty == [], "values without words, as supervisor"


@pytest.mark.slow
def test_no_page_shows_a_missing_value_without_words(planted):
    """As the demo logins the canary crawl does not use, two pages of each kind: every
    empty value on a page is said in words ("Not recorded", "Never"), never left blank or
    written as Python's None."""
    for who in ["lead", "peer", "safeguarding", "admin"]:
        seen, _, empty = _crawl(_client_for(planted[who]), per_kind=2)
        assert len(seen) > 20, f"the crawl as {who} reached too little to prove anything"
        assert empty == [], f"values without words, as {who}"


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<td></td>", True),
        ("<td> <span class='x'> </span> </td>", True),
        ("<dd class='col'>None</dd>", True),
        ("<span>nan</span>", True),
        ("<td>Not recorded</td>", False),
        ("<td><input type='checkbox' aria-label='Choose'></td>", False),
        ("<p>None of these, or not sure</p>", False),
    ],
)
def test_the_check_finds_values_without_words(html, found):
    assert bool(wordless(html)) is found
