from tests.factories import PASSWORD


def test_lead_signs_in_and_sees_their_home_page(page, lead, org, artifacts):
    page.goto("/")
    # Not signed in: the login page, with a labelled form.
    assert page.locator("h1").inner_text() == "Sign in"
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
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
    assert page.get_by_role("alert").is_visible()
    assert "There is a problem" in page.get_by_role("alert").inner_text()
