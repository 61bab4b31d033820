"""Every page reachable from the navigation, for every kind of user, passes axe-core
(WCAG 2.0/2.1/2.2 A and AA) at desktop width; peer workers' pages also at phone width.

One test walks every persona, each in a fresh browser profile, and reports every persona's
failures together: a live-server test's teardown flushes every table, which costs more
than a persona's crawl."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible
from tests.matrix import PERSONAS as _ALL

# peer2 holds the same capacities as peer, so reaches the same pages.
CRAWLED = [who for who in _ALL if who != "peer2"]


def _nav_links(page):
    hrefs = page.eval_on_selector_all(
        "nav[aria-label=Main] a.nav-link, nav[aria-label=Main] a.navbar-brand",
        "els => els.map(e => e.getAttribute('href'))",
    )
    # The admin site is Django's own; it is outside this app's pages.
    return sorted({h for h in hrefs if h and h.startswith("/") and not h.startswith("/admin")})


def _crawl(page, label):
    page.goto("/")
    visited = []
    for href in _nav_links(page):
        response = page.goto(href)
        assert response.status < 400, f"{label}: {href} answered {response.status}"
        assert_accessible(page, f"{href} as {label}")
        visited.append(href)
    return visited


def test_navigation_pages_are_accessible(browser_context, personas, sign_in):
    failures = []
    for who, viewport in [*((who, DESKTOP) for who in CRAWLED), ("peer", PHONE)]:
        label = who if viewport is DESKTOP else f"{who} on a phone"
        page = browser_context(viewport).new_page()
        sign_in(page, personas[who])
        try:
            visited = _crawl(page, label)
            assert "/" in visited, f"{label}: the home page was not crawled"
        except (AssertionError, pytest.fail.Exception) as failure:
            failures.append(str(failure))
    assert not failures, "\n\n".join(failures)


def test_signed_out_pages_are_accessible(page):
    for path in ["/accounts/login/", "/accounts/password_reset/"]:
        page.goto(path)
        assert_accessible(page, path)
