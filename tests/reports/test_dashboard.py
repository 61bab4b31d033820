"""The home page's "Needs your attention": each capacity's counts, each with its link."""

import re

import pytest
from django.urls import reverse

from tests.factories import incident_in, make_login, supervise
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
