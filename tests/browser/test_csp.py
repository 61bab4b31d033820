"""The app works under its own Content Security Policy in real Chromium: every browser test's
context is watched (conftest.browser_context) and fails on any violation, so each journey
and the accessibility crawl of every navigation page for every persona are CSP tests too.
This proves the watch itself sees a violation."""

from tests.browser.conftest import DESKTOP, csp_watched


def test_the_watch_reports_a_script_the_policy_blocks(chromium, live_server):
    context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url)
    try:
        violations = csp_watched(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        assert violations == []
        # An inline script without the page's nonce, as injected markup would be.
        page.evaluate(
            "document.body.appendChild("
            "Object.assign(document.createElement('script'), {textContent: 'window.x = 1'}))"
        )
        page.evaluate("0")
        assert violations == [(page.url, "script-src-elem inline")]
        assert page.evaluate("window.x") is None
    finally:
        context.close()
