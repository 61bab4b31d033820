"""Involvement payments end to end in Chromium: `peer` (on a phone, under the app's real
Content Security Policy) claims a 2-hour meeting with some preparation and sees £50
suggested; `lead` approves it; `finance` creates a batch and downloads CSV and XLSX, which
open with Python's csv module and openpyxl with the totals the batch page shows. Every
page on the way is checked with axe-core."""

import csv
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, WIDTH_IDS, WIDTHS, assert_accessible, follow, menu_link
from tests.factories import PDF

# Generous waits: the suite runs on two shared cores, where a page can take seconds.
SLOW = 20_000


def _peer_claims(browser_context, sign_in, peer, artifacts, tmp_path):
    # The live suggestion works under the app's own policy: browser_context fails the test
    # on any violation.
    page = browser_context(PHONE).new_page()
    sign_in(page, peer)
    page.goto("/")
    menu_link(page, "My claims").click()
    expect(page.locator("h1")).to_have_text("My claims", timeout=SLOW)
    page.get_by_role("link", name="Make a claim").click()
    expect(page.locator("h1")).to_have_text("Make a claim", timeout=SLOW)

    day = timezone.localdate() - timedelta(days=2)
    page.get_by_label("What did you do?").fill("Video meeting about discharge letters")
    page.get_by_label("When was it?").fill(day.isoformat())
    page.get_by_label("How long did it take, in hours?").fill("2")
    page.get_by_label("Some (for example papers to read)").check()
    # The suggestion updates as the form is filled in (htmx), before anything is saved.
    suggestion = page.locator("#tier-suggestion")
    expect(suggestion).to_contain_text(
        "Suggested: row 2, 1 × £50.00 per task or item = £50.00", timeout=SLOW
    )
    expect(suggestion).to_contain_text("it was 2 hours, with some preparation", timeout=SLOW)
    page.screenshot(path=str(artifacts / "payments-claim-form-phone.png"), full_page=True)
    page.get_by_role("button", name="Save as draft").click()

    expect(page.get_by_text("Saved as a draft: row 2, £50.00.")).to_be_visible(timeout=SLOW)
    # An expense with its receipt.
    page.get_by_label("Type of expense").select_option("travel")
    page.get_by_label("What was it for?").fill("Bus fare there and back")
    page.get_by_label("Amount (£)").fill("4.50")
    receipt = tmp_path / "bus-ticket.pdf"
    receipt.write_bytes(PDF)
    page.get_by_label("Receipt (optional)").set_input_files(str(receipt))
    page.get_by_role("button", name="Add expense").click()
    expect(page.get_by_text("Expense added.")).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("link", name="bus-ticket.pdf")).to_be_visible(timeout=SLOW)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Submitted.")).to_be_visible(timeout=SLOW)
    # Phone width: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_claim_approve_batch_and_download(
    browser_context,
    personas,
    seed_card,
    sign_in,
    artifacts,
    tmp_path,
    viewport,
):
    """The lead and finance work at 1280 px, then again on a phone (the peer always on one)."""
    _peer_claims(browser_context, sign_in, personas["peer"], artifacts, tmp_path)

    # --- The peer's pages pass axe at phone width.
    page = browser_context(PHONE).new_page()
    sign_in(page, personas["peer"])
    page.goto("/payments/")
    expect(page.locator(".badge", has_text="Waiting for approval")).to_be_visible(timeout=SLOW)
    assert_accessible(page, "my claims (phone)")
    follow(page.get_by_role("link", name="Video meeting about discharge letters"))
    assert_accessible(page, "claim page (phone)")
    page.goto("/payments/claims/new/")
    assert_accessible(page, "claim form (phone)")

    # --- The lead approves it, at the suggested tier.
    page = browser_context(viewport).new_page()
    sign_in(page, personas["lead"])
    page.goto("/")
    menu_link(page, "Approve claims").click()
    expect(page.locator("h1")).to_have_text("Approve claims", timeout=SLOW)
    assert_accessible(page, "approval queue")
    page.get_by_role("link", name="decide").first.click()
    expect(page.get_by_role("heading", name="Your decision")).to_be_visible(timeout=SLOW)
    expect(page.locator("#id_tier")).to_have_value("2", timeout=SLOW)
    assert_accessible(page, "claim page for the lead")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("approved.")).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("Nothing is waiting for approval.")).to_be_visible(timeout=SLOW)
    for path in ("/payments/activities/", "/payments/limits/", "/payments/totals/"):
        page.goto(path)
        assert_accessible(page, path)

    # --- Finance checks, creates the batch, and downloads it.
    page = browser_context(viewport).new_page()
    sign_in(page, personas["finance"])
    page.goto("/")
    menu_link(page, "Payment batches").click()
    expect(page.locator("h1")).to_have_text("Payment batches", timeout=SLOW)
    assert_accessible(page, "payment batches")
    page.get_by_role("button", name="Check what would go in").click()
    expect(page.get_by_text("total £54.50")).to_be_visible(timeout=SLOW)
    assert_accessible(page, "batch preview")
    page.get_by_role("button", name="Create the batch").click()
    expect(page.locator("h1")).to_contain_text("Batch B", timeout=SLOW)
    shown_total = page.get_by_test_id("batch-total").inner_text()
    assert shown_total == "£54.50"
    assert_accessible(page, "batch page")
    width = WIDTH_IDS[WIDTHS.index(viewport)]
    page.screenshot(path=str(artifacts / f"payments-batch-{width}.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    csv_path = artifacts / f"payments-batch-{width}.csv"
    download_info.value.save_as(csv_path)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Excel (XLSX)").click()
    xlsx_path = artifacts / f"payments-batch-{width}.xlsx"
    download_info.value.save_as(xlsx_path)

    with csv_path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    (row,) = rows
    assert row["Name"] == "Peer" and row["Tier"] == "2"
    assert (row["Fee"], row["Expenses"], row["Total"]) == ("50.00", "4.50", "54.50")
    assert sum(Decimal(r["Total"]) for r in rows) == Decimal("54.50")

    sheet = openpyxl.load_workbook(xlsx_path, read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    header, lines = values[0], values[1:]
    total = header.index("Total")
    assert len(lines) == 1
    assert sum(Decimal(str(line[total])) for line in lines) == Decimal("54.50")
    assert lines[0][header.index("Name")] == "Peer"

    # --- And records payment, confirming first.
    follow(page.get_by_role("link", name="Record payment of the batch"))
    assert_accessible(page, "record payment")
    page.get_by_label("Payment reference").fill("BACS-2026-11")
    page.get_by_role("button", name="Mark the batch paid").click()
    expect(page.get_by_text("1 claim in")).to_be_visible(timeout=SLOW)
    page.goto("/payments/rate-cards/")
    assert_accessible(page, "rate cards")
    follow(page.get_by_role("link", name="Add a new card"))
    assert_accessible(page, "new rate card")
