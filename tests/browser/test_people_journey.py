"""A co-production lead imports people from a CSV file with one bad row, sees exactly what is
wrong, fixes it, imports, and gives one of the new people a published role with `supervisor`
as their named supervisor: in Chromium at 1280px and on a 375px phone, each page checked with
axe-core."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import WIDTH_IDS, WIDTHS, assert_accessible, menu_link
from tests.factories import published_version
from workforce.models import Assignment, Person

HEADER = "full_name,email,preferred_name,engagement_type,start_date\n"
ROWS = [
    "Alex Example,alex@example.org,Alex,sessional,2026-01-05\n",
    "Bea Brown,{email},,volunteer,05/01/2026\n",
    "Cal Green,cal@example.org,,employed,\n",
]


def _csv(bea_email: str) -> dict:
    body = HEADER + "".join(ROWS).format(email=bea_email)
    return {"name": "people.csv", "mimeType": "text/csv", "buffer": body.encode()}


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_lead_imports_people_fixes_a_bad_row_and_assigns_a_role(
    browser_context, personas, org, sign_in, artifacts, viewport
):
    page = browser_context(viewport).new_page()
    width = WIDTH_IDS[WIDTHS.index(viewport)]
    version = published_version(org, personas["lead"], title="Peer support worker")
    sign_in(page, personas["lead"])
    page.goto("/")
    menu_link(page, "People").click()
    expect(page.locator("h1")).to_have_text("People")
    page.get_by_role("link", name="Import from a CSV file").click()
    expect(page.locator("h1")).to_have_text("Import people from a CSV file")
    assert_accessible(page, "import page")

    # --- A file with one bad row: nothing is imported, and the report says where and why.
    page.get_by_label("CSV file").set_input_files(_csv("bea-at-example.org"))
    page.get_by_role("button", name="Check and import").click()
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("Nothing was imported: 1 row has problems")
    report = page.locator("#import-errors")
    expect(report.locator("tbody tr")).to_have_count(1)
    expect(report.locator("tbody tr td").nth(0)).to_have_text("3")
    expect(report.locator("tbody tr td").nth(1)).to_have_text("email")
    expect(report.locator("tbody tr td").nth(2)).to_contain_text("is not a valid email address")
    assert not Person.objects.filter(email="alex@example.org").exists()
    assert_accessible(page, "import error report")
    page.screenshot(path=str(artifacts / f"people-import-errors-{width}.png"), full_page=True)

    # --- Fixed: everyone is imported.
    page.get_by_label("CSV file").set_input_files(_csv("bea@example.org"))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator("h1")).to_have_text("People")
    expect(page.get_by_role("status").first).to_contain_text(
        "Import finished: 3 added, 0 updated, 0 already up to date"
    )
    assert (
        Person.objects.filter(
            organisation=org, email__in=["alex@example.org", "bea@example.org", "cal@example.org"]
        ).count()
        == 3
    )

    # --- Find Alex, give them the published role with `supervisor`.
    page.get_by_label("Search by name").fill("Alex")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name="Alex Example").click()
    expect(page.locator("h1")).to_contain_text("Alex")
    expect(page.get_by_text("No current role.")).to_be_visible()
    page.get_by_role("link", name="Give a role").click()
    expect(page.locator("h1")).to_have_text("Give Alex a role")
    assert_accessible(page, "assignment form")
    page.get_by_label("Role").select_option(str(version.pk))
    page.get_by_label("Team").select_option(label="Community Team")
    page.get_by_label("Supervisor").select_option(str(personas["supervisor"].pk))
    page.get_by_label("Start date").fill(timezone.localdate().isoformat())
    page.get_by_label("Hours per week").fill("15")
    page.get_by_role("button", name="Give the role").click()

    expect(page.get_by_role("status").first).to_contain_text("Alex has been given the role")
    current = page.get_by_role("table", name="Current roles of Alex")
    expect(current).to_contain_text("Peer support worker")
    expect(current).to_contain_text("Community Team")
    expect(current).to_contain_text("Supervisor")
    assert_accessible(page, "person page with a role")
    page.screenshot(path=str(artifacts / f"people-assigned-{width}.png"), full_page=True)

    assignment = Assignment.objects.get(person__email="alex@example.org")
    assert assignment.role_version == version
    assert assignment.supervisor == personas["supervisor"]
    # And the supervisor now sees Alex as their supervisee.
    from workforce.organisations import access

    supervisor = type(personas["supervisor"]).objects.get(pk=personas["supervisor"].pk)
    assert access.scoped(supervisor, Person).filter(email="alex@example.org").exists()
