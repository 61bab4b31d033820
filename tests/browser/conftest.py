"""Playwright driving Debian's Chromium (never a downloaded browser).

Without Chromium these tests skip with a clear message, except under CI=true, where a missing
browser is a failure: CI must prove the journeys.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures in
# the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's headless shell (package chromium-headless-shell, built from the same Chromium
# source) renders the same pages without the full browser's windowing and compositing
# processes, so it needs half the CPU; the full browser is the fallback.
CHROMIUM = (
    os.environ.get("CHROMIUM_PATH")
    or shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or "/usr/bin/chromium"
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install it with "
            "`apt-get install chromium-headless-shell` (or `chromium`) "
            "to run the browser tests."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        # Between its calls Playwright's sync API leaves its event loop marked as running, so
        # Django keeps this thread's database connections apart from those used before the
        # browser started (asgiref's Local stores them per context in "async" code). Close
        # them here, while that is still so: left open, the connection would still be using
        # the test database when pytest-django drops it ("being accessed by other users").
        from django.db import connections

        connections.close_all()
        browser.close()


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# Journeys run at both widths: pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS).
WIDTHS = [DESKTOP, PHONE]
WIDTH_IDS = ["desktop", "phone"]


def menu_link(page, name, exact=False):
    """The main menu's link called `name`; on a phone the menu is folded away behind its
    button, which is pressed first."""
    toggler = page.get_by_role("button", name="Show or hide the menu")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        # Bootstrap's script must be running before the button does anything, and a link
        # clicked while the menu is still sliding open can miss: wait for both.
        page.wait_for_load_state("load")
        toggler.click()
        page.locator("#main-nav.collapse.show").wait_for(state="visible")
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=exact)
    link.wait_for(state="visible")
    return link


def follow(link):
    """Click a link and return once the page it points to has loaded, so that whatever
    runs next sees the new page rather than the one being left."""
    from urllib.parse import urljoin, urlsplit

    page = link.page
    target = urlsplit(urljoin(page.url, link.get_attribute("href")))
    link.click()
    page.wait_for_url(lambda url: urlsplit(url)[:4] == target[:4], wait_until="load")
    return page


# axe-core rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


# Each page reports the Content Security Policy violations it sees to the test, across
# navigations (a page's own variables do not survive one).
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', e =>
  window.__cspViolation(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


def csp_watched(context):
    """Give the context the CSP listener; returns the list its violations go into, each as
    (page address, directive and what it blocked)."""
    violations = []
    context.expose_binding(
        "__cspViolation", lambda source, what: violations.append((source["frame"].url, what))
    )
    context.add_init_script(CSP_LISTENER)
    return violations


@pytest.fixture
def browser_context(chromium, live_server):
    """Fresh browser profiles for a test, each under the app's own Content Security Policy
    (never bypassed: axe is injected through the DevTools protocol, which the policy does not
    govern). Every journey is thereby also a CSP test: a violation on any page fails it."""
    contexts = []

    def make(viewport=DESKTOP):
        context = chromium.new_context(viewport=viewport, base_url=live_server.url)
        contexts.append((context, csp_watched(context)))
        return context

    yield make
    found = []
    for context, violations in contexts:
        for open_page in context.pages:
            # A violation's report is a message from the page; a round trip lets it arrive.
            open_page.evaluate("0")
        found.extend(violations)
        context.close()
    assert found == [], f"Content Security Policy violations: {found}"


@pytest.fixture
def page(browser_context):
    return browser_context().new_page()


@pytest.fixture
def phone_page(browser_context):
    return browser_context(PHONE).new_page()


@pytest.fixture
def sign_in(live_server):
    """Sign a user in without typing: a real server-side session whose cookie is handed to
    the browser. Journeys that test the sign-in form itself type instead."""
    from django.conf import settings
    from django.test import Client

    def do(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return do


# What Chromium says when a script runs in a document that a click has just replaced.
_NAVIGATING = ("reading 'documentElement'", "Execution context was destroyed")


def _settled(page, run):
    """Run a whole-page script once the page has loaded. A click that follows a link only
    waits for the navigation to start, so a script sent straight after it can land in the
    document being replaced; then it waits for the new one and runs again, once."""
    from playwright.sync_api import Error

    page.wait_for_load_state("load")
    try:
        return run()
    except Error as error:
        if not any(sign in str(error) for sign in _NAVIGATING):
            raise
        page.wait_for_load_state("load")
        return run()


def assert_accessible(page, label=""):
    """Zero axe-core violations (WCAG 2.0/2.1/2.2 A and AA) on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    # resultTypes keeps axe from building a selector and an HTML excerpt for every element
    # that passed; without it, axe spends a quarter of its time on results nobody reads.
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = _settled(page, lambda: Axe().run(page, options=options))
    violations = results.response["violations"]
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {label or page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {node['target']}: {node['html'][:160]}")
        pytest.fail("\n".join(lines))


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
