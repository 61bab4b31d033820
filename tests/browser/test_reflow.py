"""Reflow (WCAG 1.4.10) and zoom (1.4.4): every page a peer worker sees, with data on it, at
320 CSS pixels wide and at 1280 px zoomed to 200% (a 640 x 450 CSS-pixel viewport at device
scale factor 2); the navigation pages of the other personas at 320 px.

On each page: no sideways scrolling of the page itself; a data table with simple headers is
stacked into one card per row on a narrow screen, every cell on screen; anything else wider
than the screen sits in its own scrollable region that is labelled and reachable by keyboard,
as 1.4.10 allows; the main heading and the page's primary actions are on screen horizontally and
not cut off. Screenshots of some pages at 320 px go to test-artifacts/."""

import pytest

from tests.browser.test_accessibility_crawl import _nav_links
from tests.factories import days_ago, make_claim, make_supervision_session, upload

NARROW = {"width": 320, "height": 640}
ZOOMED = {"width": 640, "height": 450}

REFLOW = """() => {
  const width = window.innerWidth;
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > width) {
    problems.push(`page scrolls sideways: ${doc.scrollWidth} > ${width}`);
  }
  const classes = el => typeof el.className === 'string' && el.className.trim()
    ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
  const describe = el => `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes(el)}>`
    + ` ${(el.innerText || '').trim().slice(0, 50)}`;
  // Scrollable boxes: allowed if labelled and focusable (so keyboard users can scroll them).
  const scrollers = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      scrollers.push(el);
      const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      if (!named || el.getAttribute('role') !== 'region' || el.tabIndex < 0) {
        problems.push(`scrolls sideways without a labelled, focusable region: ${describe(el)}`);
      }
    }
  }
  const inScroller = el => scrollers.some(s => s !== el && s.contains(el));
  const visible = el => {
    const s = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && box.width > 0 && box.height > 0;
  };
  const onScreen = el => {
    const box = el.getBoundingClientRect();
    return box.left >= -1 && box.right <= width + 1;
  };
  if (doc.scrollWidth > width) {
    // Name the widest things that stick out (outside any scrollable region).
    const out = [...document.querySelectorAll('body *')]
      .filter(el => el.getBoundingClientRect().right > width + 0.5 && !inScroller(el))
      .filter(el => ![...el.children].some(c => c.getBoundingClientRect().right > width + 0.5));
    for (const el of out.slice(0, 5)) problems.push(`sticks out: ${describe(el)}`);
  }
  const h1 = document.querySelector('main h1');
  if (!h1) problems.push('no main heading');
  else if (!visible(h1) || !onScreen(h1)) problems.push(`main heading off screen: ${describe(h1)}`);
  else if (h1.scrollWidth > h1.clientWidth + 1) {
    problems.push(`main heading cut off: ${describe(h1)}`);
  }
  // No table loses columns: on a phone a wide table is stacked (static/js/stacked-tables.js),
  // so every cell is on screen, not in a region scrolled sideways. Only a table with merged
  // cells may still scroll.
  const phone = width < 576;  // where app.css stacks the tables
  const cells = 'main table.wf-stacked > tbody > tr > *, main table.wf-stacked > tfoot > tr > *';
  for (const cell of document.querySelectorAll(phone ? cells : 'none')) {
    if (visible(cell) && !onScreen(cell)) {
      problems.push(`table cell off screen: ${describe(cell)}`);
      break;
    }
  }
  const unstacked = [...document.querySelectorAll('main .table-responsive > table')]
    .filter(t => phone && !t.classList.contains('wf-stacked'))
    .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1)
    .filter(t => !t.querySelector('[colspan], [rowspan]'));
  for (const t of unstacked) problems.push(`wide table not stacked: ${describe(t)}`);
  for (const el of document.querySelectorAll('main .btn, main button, main [type=submit]')) {
    if (!visible(el) || inScroller(el)) continue;
    if (!onScreen(el)) problems.push(`action off screen: ${describe(el)}`);
    else if (el.scrollWidth > el.clientWidth + 1) problems.push(`action cut off: ${describe(el)}`);
  }
  return problems;
}"""


@pytest.fixture
def peer_world(personas, org, seed_card, media_root):
    """Something on every page a peer worker can open: a role, supervision history, claims in
    several states (one with an expense and its receipt) and an incident about them."""
    from decimal import Decimal

    from payments import services as payments
    from tests.factories import incident_in, supervise

    peer, supervisor, lead, finance, safeguarding = (
        personas[name] for name in ("peer", "supervisor", "lead", "finance", "safeguarding")
    )
    version = supervise(org, lead, peer, supervisor)
    session = make_supervision_session(
        supervisor=supervisor, supervisees=[peer.person], date=days_ago(10)
    )
    make_claim(peer, state="paid", approver=lead, finance=finance)
    submitted = make_claim(peer, state="draft", description="Interview panel for a new peer lead")
    payments.expense_add(
        claim=submitted,
        by=peer,
        kind="travel",
        description="Train to the panel and back",
        amount=Decimal("12.40"),
        receipt=upload(),
    )
    payments.claim_submit(claim=submitted, by=peer)
    incident = incident_in(
        "triaged",
        reporter=supervisor,
        worker=peer,
        manager=supervisor,
        safeguarding_lead=safeguarding,
    )
    return {
        "version": version,
        "session": session,
        "claim": submitted,
        "incident": incident,
        "person": peer.person,
    }


def _peer_pages(world):
    role = world["version"].role_id
    return [
        "/",
        "/organisations/",
        f"/organisations/{world['person'].organisation_id}/",
        "/me/",
        "/roles/",
        f"/roles/{role}/",
        f"/roles/{role}/versions/1/print/",
        "/supervision/",
        "/supervision/log/",
        f"/supervision/sessions/{world['session'].pk}/",
        f"/supervision/people/{world['person'].pk}/record/",
        "/payments/",
        "/payments/claims/new/",
        f"/payments/claims/{world['claim'].pk}/",
        "/payments/preferences/",
        "/payments/rate-cards/",
        "/incidents/",
        "/incidents/mine/",
        "/incidents/report/",
        f"/incidents/{world['incident'].pk}/",
        f"/incidents/people/{world['person'].pk}/",
        "/accounts/password_change/",
    ]


def _check(page, paths, label, artifacts=None, shots=()):
    failures = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        problems = page.evaluate(REFLOW)
        if problems:
            failures[f"{page.url} ({label})"] = problems
        if artifacts and path in shots:
            name = path.strip("/").replace("/", "-") or "home"
            page.screenshot(path=str(artifacts / f"reflow-{label}-{name}.png"), full_page=True)
    assert not failures, "\n".join(
        f"{where}:\n  " + "\n  ".join(problems) for where, problems in failures.items()
    )


@pytest.mark.parametrize(
    "viewport, scale, label",
    [(NARROW, 1, "320px"), (ZOOMED, 2, "1280px-at-200pc")],
    ids=["320px", "1280px-at-200pc"],
)
def test_peer_pages_reflow(
    chromium, live_server, sign_in, personas, peer_world, artifacts, viewport, scale, label
):
    context = chromium.new_context(
        viewport=viewport, device_scale_factor=scale, base_url=live_server.url
    )
    try:
        page = context.new_page()
        sign_in(page, personas["peer"])
        shots = {
            "/",
            "/supervision/",
            "/payments/claims/new/",
            f"/payments/claims/{peer_world['claim'].pk}/",
        }
        _check(page, _peer_pages(peer_world), label, artifacts, shots)
    finally:
        context.close()


def test_other_personas_navigation_pages_reflow_at_320px(chromium, live_server, sign_in, personas):
    context = chromium.new_context(viewport=NARROW, base_url=live_server.url)
    try:
        page = context.new_page()
        for who in ("lead", "supervisor", "safeguarding", "finance", "admin"):
            context.clear_cookies()
            sign_in(page, personas[who])
            page.goto("/")
            _check(page, _nav_links(page), f"{who} at 320px")
    finally:
        context.close()
