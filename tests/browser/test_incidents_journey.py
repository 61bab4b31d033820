"""`supervisor` reports a high-severity boundary incident about `peer`; triage cannot choose
supervision only, so it is escalated; `safeguarding` acknowledges it, records a referral,
reviews and closes it; `peer` (the worker) then sees the outcome. In Chromium at 1280px and
again at 375px (a phone); every page visited is checked with axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTH_IDS, WIDTHS, assert_accessible, follow, menu_link
from tests.factories import supervise


def _nav(page, name):
    menu_link(page, name, exact=True).click()


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_report_escalate_acknowledge_refer_close_and_the_worker_sees_the_outcome(
    browser_context, personas, org, sign_in, artifacts, viewport
):
    supervisor, peer, safeguarding, lead = (
        personas["supervisor"],
        personas["peer"],
        personas["safeguarding"],
        personas["lead"],
    )
    supervise(org, lead, peer, supervisor)
    width = WIDTH_IDS[WIDTHS.index(viewport)]

    # --- The supervisor reports.
    page = browser_context(viewport).new_page()
    sign_in(page, supervisor)
    page.goto("/")
    _nav(page, "Incidents")
    expect(page.locator("h1")).to_have_text("Boundary incidents")
    expect(page.get_by_text("There are no incidents for you to see.")).to_be_visible()
    assert_accessible(page, "incident list (empty)")
    page.get_by_role("link", name="Report an incident").first.click()
    expect(page.locator("h1")).to_have_text("Report a boundary incident")
    assert_accessible(page, "report: who is it about")
    page.get_by_label("Who is it about?").select_option(label="Peer")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("About: Peer")).to_be_visible()
    assert_accessible(page, "report form")
    page.get_by_label("What kind of boundary was it about?").select_option("clinical_advice")
    page.get_by_label("Which part of their role was crossed? (optional)").select_option(
        label="Clinical advice (Peer support worker)"
    )
    page.get_by_label("High", exact=True).check()
    page.get_by_label("What happened?").fill(
        "During a home visit Sam advised the person to stop taking their antidepressants."
    )
    page.screenshot(path=str(artifacts / f"incidents-report-{width}.png"), full_page=True)
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("has been reported and is waiting for triage")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Boundary incident #")
    assert_accessible(page, "incident page (reported)")

    # --- Triage: supervision only is not even offered for a high-severity incident.
    page.get_by_role("link", name="Triage", exact=True).click()
    expect(page.locator("h1")).to_have_text("Triage")
    expect(page.get_by_text("Escalation is mandatory here")).to_be_visible()
    expect(page.get_by_label("Manage it through supervision")).to_have_count(0)
    expect(page.get_by_label("Escalate it to a safeguarding lead")).to_be_checked()
    assert_accessible(page, "triage form")
    page.get_by_label("Safeguarding lead to escalate it to").select_option(str(safeguarding.pk))
    page.get_by_label("Why?").fill("High severity: medication advice is outside the role.")
    page.get_by_role("button", name="Record triage").click()
    expect(page.get_by_text("Triage recorded.")).to_be_visible()
    expect(page.get_by_text("Escalated: waiting for the safeguarding lead").first).to_be_visible()
    assert_accessible(page, "incident page (escalated)")
    incident_url = page.url

    # --- The safeguarding lead acknowledges, records a referral, reviews and closes.
    page = browser_context(viewport).new_page()
    sign_in(page, safeguarding)
    page.goto("/")
    _nav(page, "Escalations")
    expect(page.locator("h1")).to_have_text("Escalations")
    assert_accessible(page, "escalations queue")
    follow(page.get_by_role("link", name="Incident #").first)
    assert_accessible(page, "incident page (safeguarding lead)")
    follow(page.get_by_role("link", name="Acknowledge"))
    assert_accessible(page, "acknowledge form")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged: it is now yours")).to_be_visible()
    assert_accessible(page, "incident page (acknowledged)")

    follow(page.get_by_role("link", name="Record an external referral"))
    assert_accessible(page, "referral form")
    page.get_by_label("Referred to").select_option("adult_safeguarding")
    page.get_by_label("Name of the agency or team").fill("Northshire Adult Social Care")
    page.get_by_label("Their reference (optional)").fill("ASC-4471")
    page.get_by_role("button", name="Record referral").click()
    expect(page.get_by_text("Referral recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="ASC-4471")).to_be_visible()
    assert_accessible(page, "incident page (referral)")

    # Making Safeguarding Personal: needed before an escalated incident can be closed.
    follow(page.get_by_role("link", name="Making Safeguarding Personal"))
    assert_accessible(page, "Making Safeguarding Personal form")
    page.get_by_label("The person's views and wishes").fill(
        "They want their GP told and to keep seeing the same peer worker."
    )
    page.get_by_label("They agreed to a referral").check()
    page.get_by_label("Yes").check()
    page.get_by_label("Note on mental capacity").fill("Able to decide; no concerns raised.")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("Making Safeguarding Personal recorded.")).to_be_visible()

    follow(page.get_by_role("link", name="Start the review"))
    assert_accessible(page, "review form")
    page.get_by_label("What did the review find?").fill(
        "The person is safe; their GP reviewed the medication the same day."
    )
    page.get_by_role("button", name="Start the review").click()
    follow(page.get_by_role("link", name="Close", exact=True))
    assert_accessible(page, "close form")
    page.get_by_label("Outcome").select_option("training")
    page.get_by_label("What has been learned?").fill(
        "Medication questions go to the care coordinator; refresher booked for the team."
    )
    page.get_by_role("button", name="Close the incident").click()
    expect(page.get_by_text("Closed. The outcome and learning")).to_be_visible()
    assert_accessible(page, "incident page (closed)")
    page.screenshot(path=str(artifacts / f"incidents-closed-{width}.png"), full_page=True)

    # --- The worker sees the outcome.
    page = browser_context(viewport).new_page()
    sign_in(page, peer)
    page.goto("/")
    _nav(page, "Incidents")
    assert_accessible(page, "incident list (worker)")
    page.get_by_role("link", name="Incident #").first.click()
    expect(page).to_have_url(incident_url)
    outcome = page.get_by_role("region", name="Outcome")
    expect(outcome).to_contain_text("Training or development")
    expect(outcome).to_contain_text("Medication questions go to the care coordinator")
    expect(page.get_by_text("(you)")).to_be_visible()
    expect(page.get_by_text("What you can do now")).to_have_count(0)
    assert_accessible(page, "incident page (worker, closed)")


def test_every_incident_page_with_data_is_accessible(
    browser_context, personas, org, sign_in, artifacts
):
    """The pages the journey does not reach, full of data: every state, overdue steps, a
    recurrence, actions, corrections; the lead at 1280px, the worker on a phone."""
    from supervision.incidents import deadlines, services
    from tests.browser.conftest import PHONE
    from tests.factories import incident_in

    lead, supervisor, peer, safeguarding = (
        personas[name] for name in ("lead", "supervisor", "peer", "safeguarding")
    )
    supervise(org, lead, peer, supervisor)
    cast = {"reporter": supervisor, "worker": peer, "manager": supervisor}
    incidents = [
        incident_in(state, safeguarding_lead=safeguarding, **cast)
        for state in ("reported", "triaged", "escalated", "acknowledged", "in_review", "closed")
    ]
    triaged = incidents[1]
    action = services.incident_add_action(
        incident=triaged,
        by=supervisor,
        description="Refresher",
        owner=peer,
        due_on=deadlines.today(),
    )
    services.incident_correct(
        incident=triaged, by=supervisor, reason="It was Tuesday.", severity="low"
    )

    page = browser_context().new_page()
    sign_in(page, lead)
    paths = [
        "/incidents/",
        "/incidents/?state=open&severity=moderate&overdue=on",
        "/incidents/mine/",
        "/incidents/triage/",
        f"/incidents/people/{peer.person.pk}/",
        f"/incidents/deadlines/{org.pk}/",
        f"/incidents/{incidents[0].pk}/triage/",
        f"/incidents/{incidents[0].pk}/correct/",
        f"/incidents/{triaged.pk}/escalate/",
        f"/incidents/{triaged.pk}/actions/add/",
        f"/incidents/{triaged.pk}/actions/{action.pk}/complete/",
        f"/incidents/{triaged.pk}/review/",
        f"/incidents/{incidents[4].pk}/close/",
    ] + [f"/incidents/{incident.pk}/" for incident in incidents]
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page, f"{path} as lead")

    page = browser_context().new_page()
    sign_in(page, safeguarding)
    for path in [
        "/incidents/escalations/",
        f"/incidents/{incidents[3].pk}/referral/",
        f"/incidents/{incidents[2].pk}/acknowledge/",
        f"/incidents/{triaged.pk}/visibility/",
    ]:
        assert page.goto(path).status == 200, path
        assert_accessible(page, f"{path} as safeguarding lead")

    page = browser_context(PHONE).new_page()
    sign_in(page, peer)
    for path in [
        "/incidents/",
        "/incidents/mine/",
        "/incidents/report/",
        f"/incidents/people/{peer.person.pk}/",
        f"/incidents/{triaged.pk}/",
        f"/incidents/{triaged.pk}/actions/{action.pk}/complete/",
    ]:
        assert page.goto(path).status == 200, path
        assert_accessible(page, f"{path} as the worker on a phone")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    page.screenshot(path=str(artifacts / "incidents-worker-phone.png"), full_page=True)


def test_a_lead_of_many_people_finds_the_worker_by_name_on_a_phone(
    browser_context, personas, org, sign_in, artifacts, monkeypatch
):
    """Past the list's limit, step 1 asks for part of a name: an error for no match, then a
    short list of who matches, then the report form about the one chosen."""
    import importlib

    from tests.factories import PersonFactory

    detail = importlib.import_module("supervision.incidents.views.detail")
    monkeypatch.setattr(detail, "CHOOSE_FROM_UP_TO", 3)
    for n in range(4):
        PersonFactory(organisation=org, full_name=f"Jordan Example {n}")
    page = browser_context(WIDTHS[1]).new_page()
    sign_in(page, personas["lead"])
    page.goto("/incidents/report/")
    expect(page.get_by_label("Who is it about?")).to_have_count(0)
    assert_accessible(page, "report: find the worker")
    search = page.get_by_label("Find the worker by name")
    search.fill("Morgan")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("alert")).to_contain_text("Nobody you can report about has “Morgan”")
    expect(page.get_by_label("Find the worker by name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "report: nobody found")
    page.get_by_label("Find the worker by name").fill("example 2")
    page.get_by_role("button", name="Find").click()
    choose = page.get_by_label("Who is it about?")
    expect(choose.locator("option")).to_have_text(["Choose the worker", "Jordan Example 2"])
    assert_accessible(page, "report: who matches")
    page.screenshot(path=str(artifacts / "incidents-find-phone.png"), full_page=True)
    choose.select_option(label="Jordan Example 2")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("About: Jordan Example 2")).to_be_visible()
