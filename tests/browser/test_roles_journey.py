"""A co-production lead defines a role, publishes it, edits it into version 2, publishes
that, and sees what changed: in Chromium at 1280px and on a 375px phone, every page checked
with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTH_IDS, WIDTHS, assert_accessible, menu_link


def _fill_row(page, prefix, index, **values):
    for name, value in values.items():
        field = page.locator(f"#id_{prefix}-{index}-{name}")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def _add_row(page, noun, prefix, index):
    page.get_by_role("button", name=f"Add another {noun}").click()
    new_field = page.locator(f"[name^='{prefix}-{index}-']").first
    expect(new_field).to_be_visible()
    # The page comes back with the new row focused, so keyboard users carry on there.
    expect(new_field).to_be_focused()


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_lead_creates_publishes_and_revises_a_role(
    browser_context, personas, sign_in, artifacts, viewport
):
    page = browser_context(viewport).new_page()
    width = WIDTH_IDS[WIDTHS.index(viewport)]
    sign_in(page, personas["lead"])
    page.goto("/")
    menu_link(page, "Roles").click()
    expect(page.locator("h1")).to_have_text("Roles")
    assert_accessible(page, "empty role list")

    # --- Create: title, family, band, two duties, two exclusions, supervision, escalation.
    page.get_by_role("link", name="Create a role").click()
    expect(page.locator("h1")).to_have_text("Create a role")
    assert_accessible(page, "create a role")
    page.get_by_label("Role title").fill("Peer support worker, community team")
    page.get_by_label("Role family").select_option("peer_support_worker")
    page.get_by_label("Purpose of the role").fill(
        "Offers hope and practical support through shared lived experience."
    )
    page.get_by_label("Agenda for Change band", exact=True).select_option("3")
    _fill_row(page, "duties", 0, text="Build trusting relationships through shared experience")
    _add_row(page, "duty", "duties", 1)
    # What was typed before the page came back is still there.
    expect(page.get_by_label("Role title")).to_have_value("Peer support worker, community team")
    _fill_row(page, "duties", 1, text="Support people to attend appointments")
    _fill_row(
        page, "exclusions", 0, text="Clinical advice", instead="Refer to the care coordinator"
    )
    _add_row(page, "exclusion", "exclusions", 1)
    _fill_row(page, "exclusions", 1, text="Crisis intervention", instead="Call the duty worker")
    # The first supervision row is suggested (line management every 8 weeks, an hour).
    expect(page.locator("#id_supervision_requirements-0-min_frequency_days")).to_have_value("56")
    _fill_row(
        page,
        "escalation_steps",
        0,
        for_what="Someone talks about harming themselves",
        who="Duty worker",
        how_fast="immediately",
    )
    assert_accessible(page, "role editor, filled in")
    page.screenshot(path=str(artifacts / f"roles-editor-{width}.png"), full_page=True)
    # Enter in a text field saves the draft (not the first "Add another" button).
    page.locator("#id_escalation_steps-0-who").press("Enter")
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.get_by_text("It has everything needed to publish.")).to_be_visible()
    assert_accessible(page, "draft role page")

    # --- Publish version 1, confirming first.
    page.get_by_role("link", name="Publish").click()
    expect(page.locator("h1")).to_contain_text("Publish version 1")
    assert_accessible(page, "publish confirmation")
    page.get_by_role("button", name="Publish version 1").click()
    expect(
        page.get_by_text("Version 1 of “Peer support worker, community team” published.")
    ).to_be_visible()
    expect(page.locator(".badge", has_text="Published")).to_be_visible()
    role_url = page.url

    # --- "Edit" makes version 2 as a draft; version 1 stays as it is until publishing.
    page.get_by_role("button", name="Edit this role").click()
    expect(page.locator("h1")).to_have_text("Edit draft version 2")
    expect(page.locator("#id_duties-1-text")).to_have_value("Support people to attend appointments")
    page.get_by_label("Agenda for Change band", exact=True).select_option("4")
    _add_row(page, "duty", "duties", 2)
    _fill_row(page, "duties", 2, text="Co-facilitate the hearing voices group")
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_text("Draft version 2 saved.")).to_be_visible()
    # The page still shows version 1 (what staff see) with the draft waiting.
    expect(page.get_by_text("Employed, Band 3")).to_be_visible()

    page.get_by_role("link", name="Publish draft version 2").click()
    expect(page.get_by_role("heading", name="What will change")).to_be_visible()
    assert_accessible(page, "publish confirmation with changes")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Employed, Band 4")).to_be_visible()
    expect(page).to_have_url(role_url)
    assert_accessible(page, "published role page")
    page.screenshot(path=str(artifacts / f"roles-detail-{width}.png"), full_page=True)

    # --- What changed between the versions.
    page.get_by_role("link", name="What changed in this version").click()
    expect(page.locator("h1")).to_have_text("What changed")
    main = page.locator("main")
    expect(main).to_contain_text("Added Co-facilitate the hearing voices group")
    expect(main.get_by_role("row", name=re.compile("Agenda for Change band"))).to_contain_text(
        "Band 3"
    )
    expect(main.get_by_role("row", name=re.compile("Agenda for Change band"))).to_contain_text(
        "Band 4"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page, "version diff")
    shot = artifacts / f"roles-diff-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5000

    # --- History, and the printable description.
    page.goto(role_url + "history/")
    expect(page.get_by_role("link", name="Version 1", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Version 1 replaced by version 2")).to_be_visible()
    assert_accessible(page, "version history")
    page.goto(role_url + "versions/2/print/")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_text("What you must never do")).to_be_visible()
    page.emulate_media(media="screen")
    assert_accessible(page, "printable description")


def test_editor_keeps_input_and_summarises_errors(page, personas, sign_in):
    sign_in(page, personas["lead"])
    page.goto("/roles/new/")
    page.get_by_label("Role family").select_option("peer_support_worker")
    _fill_row(page, "duties", 0, text="Listen without judgement")
    page.locator("#id_supervision_requirements-0-min_frequency_days").fill("0")
    page.get_by_role("button", name="Save draft").last.click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Role title")
    expect(summary).to_contain_text("Supervision requirement 1")
    expect(page.locator("#id_duties-0-text")).to_have_value("Listen without judgement")
    assert_accessible(page, "editor with errors")
    # Each summary item links to its field.
    summary.get_by_role("link", name=re.compile("Role title")).click()
    expect(page.get_by_label("Role title")).to_be_focused()


def test_peer_reads_a_role_on_a_phone(phone_page, personas, sign_in, org):
    from tests.factories import make_role_version

    version = make_role_version(org, title="Peer support worker")
    page = phone_page
    sign_in(page, personas["peer"])
    page.goto(f"/roles/{version.role_id}/")
    expect(page.locator("h1")).to_have_text("Peer support worker")
    expect(page.get_by_role("heading", name="What you must never do")).to_be_visible()
    expect(page.get_by_role("button", name="Edit this role")).to_have_count(0)
    # Nothing wider than the screen: no sideways scrolling to read the role.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page, "role page on a phone")
    page.goto(f"/roles/{version.role_id}/versions/1/print/")
    assert_accessible(page, "printable description on a phone")
