"""The home page's "Needs your attention": each capacity's counts, each with its link."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    days_ago,
    incident_in,
    make_claim,
    make_login,
    make_supervision_session,
    supervise,
)
from workforce.models import Capacity as C


def _items(html: str) -> dict[str, str]:
    """{label: count} of the attention items on the page."""
    found = re.findall(r'<span class="wf-attention-count">(\d+)</span>\s*<span>([^<:]+)', html)
    return {label.strip(): count for count, label in found}


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def work(personas, claims, org):
    """One claim of each kind, an incident waiting for triage, one escalated, and peer's
    role (supervised by supervisor, never supervised yet, so not due for 56 days)."""
    lead, supervisor, peer, sg = (
        personas[k] for k in ("lead", "supervisor", "peer", "safeguarding")
    )
    supervise(org, lead, peer, supervisor)
    claims("peer", "submitted", description="Waiting one")
    claims("peer", "exported", description="In a batch")
    claims("peer", "approved", description="Approved one")
    claims("peer", "draft", description="Draft one")
    common = {"reporter": supervisor, "worker": peer, "manager": supervisor}
    incident_in("reported", safeguarding_lead=sg, **common)
    incident_in("escalated", safeguarding_lead=sg, category="social_media", **common)


def test_lead(client, personas, work):
    html = _home(client, personas["lead"])
    items = _items(html)
    assert items["Claims waiting for your approval"] == "1"
    assert items["Incidents waiting for triage"] == "1"
    assert items["Supervision overdue"] == "0"
    assert reverse("payments:approvals") in html
    assert reverse("incidents:triage_queue") in html


def test_supervisor(client, personas, work):
    items = _items(_home(client, personas["supervisor"]))
    # The supervisor reported the incident, and triages their supervisee's.
    assert items["Incidents waiting for you to triage"] == "1"
    assert items["Supervisees overdue for supervision"] == "0"


def test_safeguarding(client, personas, work):
    html = _home(client, personas["safeguarding"])
    items = _items(html)
    assert items["Escalations waiting for your acknowledgement"] == "1"
    assert items["Escalations overdue"] == "0"
    assert reverse("incidents:escalations") in html


def test_finance(client, personas, work):
    html = _home(client, personas["finance"])
    items = _items(html)
    assert items["Approved claims waiting for a payment batch"] == "1"
    assert items["Batches to mark as paid"] == "1"
    assert "Incidents" not in "".join(items)


def test_peer(client, personas, work):
    html = _home(client, personas["peer"])
    items = _items(html)
    assert items["Claims you have not submitted yet"] == "1"
    assert items["Your claims on their way to being paid"] == "3"
    assert "Your next supervision: In date: due" in html or "Your next supervision: Due" in html


def test_other_organisation_counts_nothing(client, personas, work):
    items = _items(_home(client, personas["outsider"]))
    assert items == {
        "Sessions waiting for you to confirm": "0",
        "Open actions from supervision": "0",
        "Supervision overdue": "0",
        "Claims waiting for your approval": "0",
        "Incidents waiting for triage": "0",
    }


def test_no_capacity_no_panel(client, db, other_org):
    user = make_login("nobody", other_org)
    assert "Needs your attention" not in _home(client, user)


def test_every_capacity_at_once_costs_a_fixed_number_of_queries(
    client, org, work, django_assert_max_num_queries
):
    everything = make_login("everything", org, *C.values, is_staff=True)
    client.force_login(everything)
    # 32: the kept figures' version checks (workforce/figures.py) come on top of their
    # counts here, where the test's own transaction wrote and so counts them live; and the
    # user's own sessions are found by key (supervision/rules.py, _sessions_of). 35: the
    # training panel reads one's own records, one's supervisees' and the organisation's.
    with django_assert_max_num_queries(35):
        assert client.get(reverse("home")).status_code == 200


def _panels(html: str) -> list[str]:
    return re.findall(r'<h3 class="h5 card-title">([^<]+)</h3>', html)


def test_what_needs_the_peer_comes_first_with_sessions_to_confirm_and_actions_due(
    client, personas, org
):
    """Issue 19: sessions waiting for confirmation and actions due are counted, and the
    panel with something urgent in it comes before the others."""
    from supervision.models import SessionAction

    peer, supervisor = personas["peer"], personas["supervisor"]
    supervise(org, personas["lead"], peer, supervisor)
    waiting = make_supervision_session(
        supervisor=supervisor, supervisees=[peer.person], logged_by=supervisor, status="awaiting"
    )
    for due in (days_ago(2), days_ago(-5)):
        SessionAction.objects.create(
            session=waiting,
            text="Read the lone working policy",
            owner=peer,
            created_by=supervisor,
            due_date=due,
        )
    html = _home(client, peer)
    items = _items(html)
    assert items["Sessions waiting for you to confirm"] == "1"
    assert items["Open actions from supervision"] == "2"
    assert "Open actions from supervision: 1 overdue" in html
    assert _panels(html)[0] == "From your supervision"
    assert 'href="#supervision-awaiting"' in html and 'id="supervision-awaiting"' in html
    assert 'href="#supervision-actions"' in html and 'id="supervision-actions"' in html
    # The supervisor answers nothing here (they logged it), but sees the actions agreed.
    items = _items(_home(client, supervisor))
    assert items["Sessions waiting for you to confirm"] == "0"
    assert items["Open actions from supervision"] == "2"


def test_a_claim_not_approved_shows_for_four_weeks(client, personas, seed_card):
    from payments import services
    from payments.models import Claim

    peer, lead = personas["peer"], personas["lead"]
    for description in ("Rejected lately", "Rejected long ago"):
        claim = make_claim(peer, state="submitted", description=description)
        services.claim_reject(claim=claim, by=lead, reason="Not agreed in advance.")
    Claim.objects.filter(description="Rejected long ago").update(
        decided_at=timezone.now() - datetime.timedelta(weeks=5)
    )
    html = _home(client, peer)
    assert _items(html)["Claims not approved in the last 4 weeks"] == "1"
    # The urgent item leads its panel.
    first = re.search(r"Your own work</h3>\s*<ul[^>]*>\s*<li class=\"([^\"]+)\"", html)
    assert first.group(1) == "wf-attention wf-attention-urgent"


def test_urgent_items_lead_each_panel(client, personas, work):
    html = _home(client, personas["lead"])
    labels = list(_items(html))
    # Claims and incidents are waiting (urgent); nobody is overdue for supervision.
    assert labels.index("Claims waiting for your approval") < labels.index("Supervision overdue")
    assert labels.index("Incidents waiting for triage") < labels.index("Supervision overdue")


@pytest.mark.parametrize(
    "who, buttons",
    [
        ("peer", ["Log a supervision session", "Start a claim", "Report a boundary incident"]),
        ("supervisor", ["Log a supervision session", "Report a boundary incident"]),
        ("safeguarding", ["Report a boundary incident"]),
        ("finance", []),
    ],
)
def test_one_tap_to_log_a_session_or_start_a_claim(client, personas, who, buttons):
    html = _home(client, personas[who])
    shown = re.findall(r'<li><a class="btn [^"]+" href="([^"]+)">([^<]+)</a></li>', html)
    assert [label for _, label in shown] == buttons
    for url, _ in shown:  # each leads to a page this person may open
        assert client.get(url).status_code == 200


def test_the_role_description_is_folded_away(client, personas, org):
    peer = personas["peer"]
    version = supervise(org, personas["lead"], peer, personas["supervisor"])
    html = _home(client, peer)
    role = html[html.index(f"Your role: {version.title}") :]
    assert role.index("<details") < role.index("What you must never do")
    assert "<details open" not in html
    # What needs doing comes before the role on the page.
    assert html.index("Needs your attention") < html.index("Your role:")
