"""The skip link: focus to <main>, and no "#main-content" left in the address to be carried
to the next page by a form (static/js/skip-link.js). Without scripts, a plain link."""

from playwright.sync_api import expect


def _skip(page):
    page.wait_for_load_state("load")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()


def test_the_skip_link_focuses_main_and_leaves_the_address_alone(page, personas, sign_in):
    sign_in(page, personas["peer"])
    page.goto("/supervision/log/")
    _skip(page)
    assert page.url.endswith("/supervision/log/")
    # The next Tab goes into the page's content, not back to the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_without_scripts_the_skip_link_is_a_plain_link(chromium, live_server, personas):
    from django.conf import settings
    from django.test import Client

    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        client = Client()
        client.force_login(personas["peer"])
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto("/supervision/log/")
        _skip(page)
        assert page.url.endswith("/supervision/log/#main-content")
    finally:
        context.close()
