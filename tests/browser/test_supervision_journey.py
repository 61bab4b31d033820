"""At phone size (375 px), and again at 1280 px: `peer` logs a session on one screen;
`supervisor` confirms it; peer's line management supervision turns from overdue to in date.
Every page visited is checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, WIDTH_IDS, WIDTHS, assert_accessible
from tests.factories import assign_direct, days_ago, make_supervision_session, version_with


def _line_management_status(page, section="When your supervision is due"):
    due = page.get_by_role("region", name=section)
    row = due.get_by_role("row").filter(has_text="Line management supervision")
    return row.get_by_role("cell").last


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_peer_logs_supervisor_confirms_and_peer_is_in_date(
    browser_context, personas, org, sign_in, artifacts, viewport
):
    peer, supervisor = personas["peer"], personas["supervisor"]
    version = version_with(org, ("line_management", 28, 60))
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(120))
    # The last confirmed session was 40 days ago: 12 days overdue.
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(40))

    page = browser_context(viewport).new_page()
    sign_in(page, peer)
    page.goto("/supervision/")
    expect(page.locator("h1")).to_have_text("My supervision")
    expect(_line_management_status(page)).to_have_text("Overdue")
    assert_accessible(page, "my supervision (overdue)")

    # --- The phone form: everything on one screen, with sensible defaults.
    page.get_by_role("link", name="Log a session").click()
    expect(page.locator("h1")).to_have_text("Log supervision")
    assert_accessible(page, "log supervision form")
    expect(page.get_by_label("Date")).to_have_value(days_ago(0).isoformat())
    expect(page.get_by_label("Supervisor")).to_have_value(str(supervisor.pk))
    expect(page.get_by_label("Type")).to_have_value("line_management")
    expect(page.get_by_label("Minutes")).to_have_value("60")
    submit = page.get_by_role("button", name="Log session")
    box = submit.bounding_box()
    assert box["y"] + box["height"] <= viewport["height"], "the form does not fit one screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    name = "phone" if viewport is PHONE else "desktop"
    page.screenshot(path=str(artifacts / f"supervision-log-{name}.png"))

    page.get_by_label("Boundaries").check()
    page.get_by_label("Private notes (optional)").fill("Talked about ending visits on time.")
    submit.click()
    expect(page.get_by_role("status").filter(has_text="Session logged")).to_be_visible()
    expect(page.get_by_text("Waiting for Supervisor to confirm this log")).to_be_visible()
    assert_accessible(page, "session waiting for confirmation")
    # Still overdue: only confirmed sessions count.
    page.goto("/supervision/")
    expect(_line_management_status(page)).to_have_text("Overdue")

    # --- The supervisor confirms it, from their home page, on their phone.
    their_page = browser_context(viewport).new_page()
    sign_in(their_page, supervisor)
    their_page.goto("/")
    expect(their_page.get_by_role("heading", name="Waiting for you to confirm")).to_be_visible()
    assert_accessible(their_page, "supervisor's home with a log to confirm")
    their_page.get_by_role("link", name=re.compile(r"Line management supervision on")).click()
    expect(their_page.get_by_text("Talked about ending visits on time.")).to_be_visible()
    assert_accessible(their_page, "session to confirm")
    their_page.get_by_role("button", name="Yes, confirm it").click()
    expect(their_page.get_by_role("status").filter(has_text="Confirmed")).to_be_visible()
    assert_accessible(their_page, "confirmed session")
    their_page.goto("/supervision/supervisees/")
    expect(_line_management_status(their_page, "Who is due, most overdue first")).to_have_text(
        "In date"
    )
    assert_accessible(their_page, "my supervisees")

    # --- Peer is now in date.
    page.goto("/supervision/")
    expect(_line_management_status(page)).to_have_text("In date")
    assert_accessible(page, "my supervision (in date)")


def test_every_supervision_page_is_accessible(page, browser_context, personas, org, sign_in):
    """The pages the journey does not pass through, with data on them, at desktop width;
    and the supervisor's group form at phone width."""
    from supervision import services

    peer, peer2, supervisor = personas["peer"], personas["peer2"], personas["supervisor"]
    version = version_with(org, ("line_management", 28, 60), ("peer", 28, 60))
    for who in (peer, peer2):
        assign_direct(who.person, version, supervisor=supervisor, start=days_ago(120))
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(10))
    disputed = make_supervision_session(
        supervisor=supervisor, supervisees=[peer2.person], date=days_ago(5), status="disputed"
    )
    services.action_add(
        session=disputed, by=supervisor, text="Book a debrief", owner=peer2, due_date=days_ago(1)
    )
    team = org.teams.order_by("pk").first()

    sign_in(page, personas["lead"])
    for url in [
        "/supervision/compliance/",
        f"/supervision/compliance/teams/{team.pk}/",
        "/supervision/sessions/",
        f"/supervision/sessions/{disputed.pk}/",
        f"/supervision/people/{peer2.person.pk}/record/",
    ]:
        page.goto(url)
        assert_accessible(page, f"{url} as lead")

    other = browser_context().new_page()
    sign_in(other, peer2)
    for url in [f"/supervision/sessions/{disputed.pk}/", "/", "/supervision/"]:
        other.goto(url)
        assert_accessible(other, f"{url} as peer2")
    # A dispute without a reason: the error summary and the field's error.
    sign_in(other, peer)
    logged = make_supervision_session(
        supervisor=supervisor,
        supervisees=[peer.person],
        date=days_ago(2),
        status="awaiting",
        logged_by=supervisor,
    )
    other.goto(f"/supervision/sessions/{logged.pk}/")
    other.get_by_role("button", name="No, dispute it").click()
    expect(other.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(other, "dispute without a reason")

    phone = browser_context(PHONE).new_page()
    sign_in(phone, supervisor)
    phone.goto("/supervision/log/given/")
    assert_accessible(phone, "supervisor's log form on a phone")
    phone.get_by_role("button", name="Log session").click()
    expect(phone.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(phone, "supervisor's log form with errors")


def test_a_group_answers_one_by_one_and_the_supervisor_corrects_it_on_a_phone(
    browser_context, personas, org, sign_in, artifacts
):
    """Each member of a group session answers for themselves; the supervisor who logged it
    takes off the member who says they were not there, and it counts for the other."""
    from supervision import services

    peer, peer2, supervisor = personas["peer"], personas["peer2"], personas["supervisor"]
    version = version_with(org, ("line_management", 28, 60))
    for who in (peer, peer2):
        assign_direct(who.person, version, supervisor=supervisor, start=days_ago(120))
    session = services.session_log(
        logged_by=supervisor,
        supervisor=supervisor,
        supervisees=[peer.person, peer2.person],
        date=days_ago(1),
        minutes=60,
        kind="line_management",
        format="in_person",
    )
    url = f"/supervision/sessions/{session.pk}/"

    page = browser_context(PHONE).new_page()
    sign_in(page, peer)
    page.goto(url)
    page.get_by_role("button", name="Yes, confirm it").click()
    expect(page.get_by_role("status").filter(has_text="Confirmed")).to_be_visible()
    expect(page.get_by_text("Peer: confirmed")).to_be_visible()

    sign_in(page, peer2)
    page.goto(url)
    page.get_by_label("Why do you disagree with this log?").fill("I was on leave that day.")
    page.get_by_role("button", name="No, dispute it").click()
    expect(page.get_by_role("status").filter(has_text="Disputed.")).to_be_visible()
    assert_accessible(page, "group session disputed by one member")

    sign_in(page, supervisor)
    page.goto(url)
    expect(page.get_by_text("Peer2: disputed (I was on leave that day.)")).to_be_visible()
    page.get_by_role("link", name="Correct this log").click()
    expect(page.get_by_label("Minutes")).to_have_value("60")
    assert_accessible(page, "correct a group log")
    page.get_by_role("checkbox", name="Peer2").check()
    page.screenshot(path=str(artifacts / "supervision-correct-phone.png"))
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("status").filter(has_text="It is now confirmed")).to_be_visible()
    assert_accessible(page, "corrected group log")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # A session shorter than the role's 60 minutes says it will not count, when logged and
    # again when confirmed.
    sign_in(page, peer)
    page.goto("/supervision/")
    page.get_by_role("link", name="Log a session").click()
    page.get_by_label("Minutes").fill("30")
    page.get_by_role("button", name="Log session").click()
    # Said in the message after logging, and on the session's own page below it.
    logged = page.get_by_role("status").filter(has_text="Session logged.")
    expect(logged).to_contain_text("This 30-minute session is shorter than their role asks for")
    expect(logged).to_contain_text("will not count towards their supervision")
    expect(
        page.get_by_role("paragraph").filter(has_text="This 30-minute session is shorter")
    ).to_be_visible()
    short_url = page.url
    sign_in(page, supervisor)
    page.goto(short_url)
    page.get_by_role("button", name="Yes, confirm it").click()
    confirmed = page.get_by_role("status").filter(has_text="Confirmed.")
    expect(confirmed).to_contain_text("This 30-minute session is shorter")
    expect(confirmed).to_contain_text("does not count towards their supervision")
    assert_accessible(page, "confirmed session too short to count")
