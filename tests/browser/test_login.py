import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD


def _code_for(grouped_secret: str) -> str:
    secret = grouped_secret.replace(" ", "")
    totp = TOTP(b32decode(secret + "=" * (-len(secret) % 8)), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_lead_signs_in_with_two_step_sign_in_and_sees_their_home_page(page, lead, org, artifacts):
    page.goto("/")
    # Not signed in: the login page, with a labelled form.
    assert page.locator("h1").inner_text() == "Sign in"
    assert_accessible(page, "sign in")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A lead must set up two-step sign-in first: scan the QR code, or type the key.
    # Checks that wait for the next page: a click does not wait for the page it leads to.
    expect(page.locator("h1")).to_have_text("Set up two-step sign-in")
    expect(page.locator("svg title")).to_have_text("QR code for your authenticator app")
    assert_accessible(page, "two-step set-up")
    key = page.get_by_label("Set-up key").inner_text()
    # Authenticator apps copy the code as "123 456": pasted so, the box keeps all of it and
    # sign-in takes it (WCAG 3.3.8, nothing to retype).
    code = _code_for(key)
    box = page.get_by_label("6-digit code")
    box.focus()
    page.keyboard.insert_text(f"{code[:3]} {code[3:]}")
    expect(box).to_have_value(f"{code[:3]} {code[3:]}")
    assert box.get_attribute("autocomplete") == "one-time-code"
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.wait_for_url("**/")
    assert page.locator("h1").inner_text() == "Hello, Lead"
    assert page.get_by_text("Co-production lead:").is_visible()
    assert page.get_by_role("link", name=org.name).is_visible()
    # Keyboard users get the skip link first.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    shot = artifacts / "lead-home.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5000


def test_wrong_password_shows_an_error_linked_to_the_form(page, lead):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")


@pytest.mark.parametrize("who", ["lead", "admin", "supervisor"])
def test_menu_fits_and_signing_out_works_from_the_keyboard(page, personas, sign_in, artifacts, who):
    sign_in(page, personas[who])
    page.goto("/")
    # Nothing in the header runs off the side of a 1280 px screen.
    overflow = page.evaluate(
        "document.querySelector('nav[aria-label=Main]').scrollWidth"
        " - document.querySelector('nav[aria-label=Main]').clientWidth"
    )
    page.screenshot(path=str(artifacts / f"{who}-menu.png"))
    assert overflow <= 0
    account = page.get_by_role("button", name="Your account")
    account.focus()
    page.keyboard.press("Enter")
    sign_out = page.get_by_role("button", name="Sign out")
    assert sign_out.is_visible()
    assert_accessible(page, "account menu open")
    sign_out.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login/")
    assert page.locator("h1").inner_text() == "Sign in"
