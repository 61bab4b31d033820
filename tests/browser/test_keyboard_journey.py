"""Journey 2 without a mouse: `peer` signs in, reads their role, logs a supervision session,
makes a claim with an expense and a receipt, submits it and sees its payment status, using
only Tab, Shift+Tab, Enter, Space and the arrow keys (text is typed with the keyboard).

After every key press that moves focus, the focused element must show a visible focus
indicator and be in the viewport (tests/browser/keyboard.py). Each page is entered through
the skip link. No clicks, no `.fill()`; the file chooser opens from the keyboard and
Playwright's filechooser event hands it the receipt."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from payments.models import Claim
from supervision.models import SupervisionSession
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible
from tests.browser.keyboard import assert_focus_visible, loaded, press, skip_to_main, tab_to
from tests.factories import PASSWORD, PDF, assign_direct, days_ago, make_claim, version_with

SLOW = 20_000


def _menu(page, href, *, phone):
    """Reach the menu entry `href` and follow it: Tab from the top of a freshly loaded page,
    Shift+Tab when focus is in the page's content already (or it opened at #main-content). On
    a phone the menu is folded away: Enter on its button opens it first."""
    loaded(page)
    backwards = page.url.endswith("#main-content") or page.evaluate(
        "document.activeElement && document.activeElement !== document.body"
    )
    if phone:
        tab_to(page, "button.navbar-toggler", backwards=backwards)
        page.keyboard.press("Enter")
        expect(page.locator("#main-nav")).to_be_visible(timeout=SLOW)
        tab_to(page, f"nav[aria-label=Main] a[href='{href}']")
    else:
        tab_to(page, f"nav[aria-label=Main] a[href='{href}']", backwards=backwards)
    page.keyboard.press("Enter")


# A phone on a slow network (100 ms a request, 40 kB/s down): each page's text arrives well
# before its scripts (the menu's and htmx), so the page is still loading when a key could be
# pressed. Without waiting for the page to load (tests/browser/keyboard.py `loaded`), this run
# failed each time it was tried: the menu button was pressed before its script had run. It is
# run on request (KEYBOARD_SLOW_NETWORK=1), not in `make test`, to keep CI's time down.
SLOW_NETWORK = {"latency": 100, "downloadThroughput": 40_000, "uploadThroughput": -1}
JOURNEYS = [(DESKTOP, None), (PHONE, None)]
JOURNEY_IDS = ["desktop", "phone"]
if os.environ.get("KEYBOARD_SLOW_NETWORK") == "1":
    JOURNEYS.append((PHONE, SLOW_NETWORK))
    JOURNEY_IDS.append("phone-slow-network")


@pytest.mark.parametrize("viewport,network", JOURNEYS, ids=JOURNEY_IDS)
def test_peer_journey_by_keyboard_only(
    browser_context, personas, org, seed_card, media_root, artifacts, tmp_path, viewport, network
):
    peer, supervisor, lead, finance = (
        personas[name] for name in ("peer", "supervisor", "lead", "finance")
    )
    version = version_with(org, ("line_management", 28, 60))
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(60))
    # An earlier claim already paid, so the payment status has something to show.
    paid_claim = make_claim(
        peer, state="paid", approver=lead, finance=finance, description="Panel in May"
    )
    phone = viewport is PHONE
    page = browser_context(viewport).new_page()
    # Playwright starts intercepting file choosers when the first listener is added, without
    # waiting for the browser to confirm it: added by `expect_file_chooser` just before the
    # key press, it can lose the race to the press, and Chromium then opens its own (unseen)
    # dialog and no event comes (a 30 s timeout, in 1 of about 4 whole-suite runs). Listening
    # from the start keeps interception on throughout.
    page.on("filechooser", lambda chooser: None)
    if network:
        emulation = page.context.new_cdp_session(page)
        emulation.send("Network.enable")
        emulation.send("Network.emulateNetworkConditions", {"offline": False, **network})
    shots = f"keyboard-{'phone' if phone else 'desktop'}{'-slow' if network else ''}"

    # --- Sign in, typing.
    page.goto("/accounts/login/")
    # The username field has autofocus: type straight away.
    expect(page.locator("#id_username")).to_be_focused()
    assert_focus_visible(page, "on the sign-in page")
    page.keyboard.type("peer")
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Hello, Peer", timeout=SLOW)

    # --- Read the role: the menu (on a phone, opened with Enter first), then the role.
    _menu(page, "/roles/", phone=phone)
    expect(page.locator("h1")).to_have_text("Roles", timeout=SLOW)
    skip_to_main(page)
    tab_to(page, f"main a[href='/roles/{version.role_id}/']")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Peer support worker", timeout=SLOW)
    expect(page.get_by_role("heading", name="What you must never do")).to_be_visible()
    # "Band" is explained where it is used.
    skip_to_main(page)
    tab_to(page, "main details.wf-explain summary")
    press(page, "Enter", "opening the explanation")
    expect(page.locator("main details.wf-explain").first).to_have_attribute("open", "")
    page.screenshot(path=str(artifacts / f"{shots}-role.png"), full_page=True)

    # --- Log a supervision session: defaults are right, tick a topic with Space.
    # Back up from the explanation to the menu with Shift+Tab.
    _menu(page, "/supervision/", phone=phone)
    expect(page.locator("h1")).to_have_text("My supervision", timeout=SLOW)
    skip_to_main(page)
    tab_to(page, "main a[href='/supervision/log/']")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Log supervision", timeout=SLOW)
    skip_to_main(page)
    tab_to(page, "input[name=topics][value=boundaries]")
    press(page, "Space", "ticking Boundaries")
    expect(page.get_by_label("Boundaries")).to_be_checked()
    tab_to(page, "#id_notes")
    page.keyboard.type("Talked about ending visits on time.")
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Session logged")).to_be_visible(timeout=SLOW)
    assert SupervisionSession.objects.filter(supervisees=peer.person).exists()

    # --- Make a claim: type the details, choose preparation with the arrow keys.
    _menu(page, "/payments/", phone=phone)
    expect(page.locator("h1")).to_have_text("My claims", timeout=SLOW)
    skip_to_main(page)
    tab_to(page, "main a[href='/payments/claims/new/']")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Make a claim", timeout=SLOW)
    skip_to_main(page)
    tab_to(page, "#id_description")
    page.keyboard.type("Video meeting about discharge letters")
    tab_to(page, "#id_activity_date")
    # Chromium orders a date field's parts by its own locale (day or month first). A recent
    # day whose day and month are the same number (11 November, say) types the same either way.
    day = timezone.localdate() - timedelta(days=1)
    while day.day != day.month:
        day -= timedelta(days=1)
    page.keyboard.type(day.strftime("%d%m%Y"))
    expect(page.locator("#id_activity_date")).to_have_value(day.isoformat())
    tab_to(page, "#id_hours")
    page.keyboard.type("2")
    # Into the radio group: the first option; the arrow key moves to and selects "Some".
    tab_to(page, "input[name=preparation]")
    press(page, "ArrowDown", "choosing preparation")
    expect(page.get_by_label("Some (for example papers to read)")).to_be_checked()
    suggestion = page.locator("#tier-suggestion")
    expect(suggestion).to_contain_text(
        "Suggested: row 2, 1 × £50.00 per task or item = £50.00", timeout=SLOW
    )
    # The form explains what a tier and a rate card are.
    tab_to(page, "#claim-form details.wf-explain summary")
    page.screenshot(path=str(artifacts / f"{shots}-claim-form.png"), full_page=True)
    tab_to(page, "#claim-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved as a draft: row 2, £50.00.")).to_be_visible(timeout=SLOW)

    # --- An expense with a receipt: select with arrows, type, open the file chooser.
    skip_to_main(page)
    tab_to(page, "#id_kind")
    kinds = page.locator("#id_kind option").evaluate_all("os => os.map(o => o.value)")
    for _ in range(kinds.index("travel") - kinds.index(page.locator("#id_kind").input_value())):
        press(page, "ArrowDown", "choosing the type of expense")
    expect(page.locator("#id_kind")).to_have_value("travel")
    tab_to(page, "#id_description")
    page.keyboard.type("Bus fare there and back")
    tab_to(page, "#id_amount")
    page.keyboard.type("4.50")
    tab_to(page, "#id_receipt")
    receipt = tmp_path / "bus-ticket.pdf"
    receipt.write_bytes(PDF)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(receipt))
    assert_focus_visible(page, "after choosing the receipt")
    tab_to(page, "main form[enctype] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Expense added.")).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("link", name="bus-ticket.pdf")).to_be_visible()

    # --- Submit it: the button comes just before the expenses, after the claim's details.
    skip_to_main(page)
    tab_to(page, "main form[action$='/submit/'] button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Submitted.")).to_be_visible(timeout=SLOW)
    claim = Claim.objects.filter(person=peer.person).exclude(pk=paid_claim.pk).get()
    assert claim.description == "Video meeting about discharge letters"
    assert claim.state == "submitted"
    (expense,) = claim.expenses.all()
    assert (expense.kind, str(expense.amount)) == ("travel", "4.50")
    assert expense.receipt_name == "bus-ticket.pdf"

    # --- Payment status: back to My claims by the breadcrumb.
    skip_to_main(page)
    tab_to(page, "main nav[aria-label=Breadcrumb] a")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("My claims", timeout=SLOW)
    new = page.get_by_role("listitem").filter(has_text="Video meeting about discharge letters")
    expect(new).to_contain_text("Waiting for approval")
    paid = page.get_by_role("listitem").filter(has_text="Panel in May")
    expect(paid).to_contain_text("Paid")
    page.screenshot(path=str(artifacts / f"{shots}-my-claims.png"), full_page=True)
    # The paid claim's own page: Shift+Tab from the top of the page wraps round to the end.
    tab_to(page, f"main a[href='/payments/claims/{paid_claim.pk}/']", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_text("the same day it was submitted")).to_be_visible(timeout=SLOW)
    assert_accessible(page, "a paid claim after the keyboard journey")
