"""The app works under its own Content Security Policy: real Chromium, CSP not bypassed,
every navigation page for each persona, and not one violation reported."""

import pytest

from tests.browser.conftest import DESKTOP
from tests.browser.test_accessibility_crawl import _nav_links

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


@pytest.mark.parametrize("who", ["lead", "peer", "finance", "safeguarding", "supervisor"])
def test_no_csp_violations_on_navigation_pages(chromium, live_server, personas, sign_in, who):
    context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url)
    try:
        context.add_init_script(LISTEN)
        page = context.new_page()
        sign_in(page, personas[who])
        page.goto("/")
        found = {}
        for href in _nav_links(page):
            page.goto(href)
            page.wait_for_load_state("networkidle")
            violations = page.evaluate("window.__cspViolations")
            if violations:
                found[href] = violations
        assert found == {}
    finally:
        context.close()
