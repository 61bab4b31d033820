"""Who sees an incident, for every capacity: the reporter, the worker's supervisor, the
organisation's co-production and safeguarding leads; the worker once triaged unless hidden
from them; never finance, administrators (outside the audit trail), other peers or other
organisations. A unique token planted in every free text proves nothing leaks anywhere:
pages, lists, counts, the admin, the audit trail or emails."""

import uuid

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from supervision.incidents import deadlines, selectors, services
from supervision.incidents.models import Incident
from tests.factories import make_login, report_incident
from workforce.models import AuditEntry
from workforce.models import Capacity as C

TOKEN = f"ZEBRA{uuid.uuid4().hex[:10]}"


@pytest.fixture
def secret_incidents(make, supervisor, safeguarding, lead, peer):
    """An incident in every state, the token in every free text each one has."""
    text = f"Narrative with {TOKEN} in it."
    incidents = {
        state: make(state, narrative=f"{state}: {text}", told_someone=True, told_whom=TOKEN)
        for state in ["reported", "triaged", "escalated", "acknowledged", "in_review", "closed"]
    }
    services.incident_correct(
        incident=incidents["triaged"], by=supervisor, reason=f"Correction {TOKEN}", severity="low"
    )
    services.incident_add_action(
        incident=incidents["triaged"],
        by=supervisor,
        description=f"Action {TOKEN}",
        owner=supervisor,
        due_on=deadlines.today(),
    )
    services.incident_record_referral(
        incident=incidents["acknowledged"],
        by=safeguarding,
        agency="other",
        agency_name=f"Agency {TOKEN}",
        reference=f"REF-{TOKEN}",
        referred_on=deadlines.today(),
    )
    services.incident_restrict_visibility(
        incident=incidents["escalated"], by=safeguarding, restricted=True, reason=f"Why {TOKEN}"
    )
    return incidents


def _pages(incidents, person):
    urls = [
        reverse("incidents:list"),
        reverse("incidents:list") + "?state=open",
        reverse("incidents:list") + "?overdue=on&recurrence=on",
        reverse("incidents:mine"),
        reverse("incidents:triage_queue"),
        reverse("incidents:escalations"),
        reverse("incidents:report"),
        reverse("incidents:person", args=[person.pk]),
        reverse("home"),
    ]
    for incident in incidents.values():
        for name in [
            "detail",
            "triage",
            "escalate",
            "acknowledge",
            "referral",
            "action_add",
            "review",
            "close",
            "correct",
            "visibility",
        ]:
            urls.append(reverse(f"incidents:{name}", args=[incident.pk]))
        for action in incident.actions.all():
            urls.append(reverse("incidents:action_complete", args=[incident.pk, action.pk]))
    return urls


@pytest.mark.parametrize("who", ["finance", "outsider", "peer2", "admin"])
def test_the_token_never_reaches_those_who_may_not_see(
    client, personas, secret_incidents, peer, who
):
    client.force_login(personas[who])
    for url in _pages(secret_incidents, peer.person):
        response = client.get(url, follow=True)
        assert TOKEN not in response.content.decode(), url
        if who in ("finance", "admin") and url.startswith("/incidents/"):
            assert response.status_code == 403, url
        elif who in ("peer2", "outsider") and "/incidents/" in url and url.split("/")[2].isdigit():
            assert response.status_code == 404, url


def test_finance_and_admins_see_no_incident_pages_menus_or_counts(
    client, personas, secret_incidents
):
    for who in ("finance", "admin"):
        client.force_login(personas[who])
        html = client.get(reverse("home")).content.decode()
        assert 'href="/incidents/' not in html
        assert not selectors.visible(personas[who]).exists()


def test_nobody_sees_the_token_in_the_admin(client, personas, secret_incidents):
    client.force_login(personas["admin"])  # a superuser
    config = apps.get_app_config("incidents")
    for model in config.get_models():
        assert admin.site.is_registered(model)
        base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        listing = client.get(reverse(f"{base}_changelist"))
        assert listing.status_code == 200
        assert TOKEN not in listing.content.decode(), model
        for obj in model.objects.all()[:20]:
            page = client.get(reverse(f"{base}_change", args=[obj.pk]))
            assert page.status_code == 200
            assert TOKEN not in page.content.decode(), (model, obj.pk)


def test_a_superuser_with_finance_capacity_is_refused_the_incident_admin(
    client, org, secret_incidents
):
    money = make_login("money", org, C.FINANCE, is_staff=True, is_superuser=True)
    client.force_login(money)
    assert client.get(reverse("admin:incidents_incident_changelist")).status_code == 403
    assert "Boundary incidents" not in client.get(reverse("admin:index")).content.decode()


def test_the_audit_trail_and_emails_carry_no_narrative(secret_incidents, mailbox):
    from supervision.incidents.services import notify, reminders

    for entry in AuditEntry.objects.filter(object_type__startswith="incidents."):
        assert TOKEN not in entry.summary and TOKEN not in str(entry.changes)
    with deadlines.frozen(deadlines.now() + __import__("datetime").timedelta(days=30)):
        reminders.record_overdue()
        notify.deliver()
    assert mailbox, "some reminders are due thirty days on"
    for email in mailbox:
        assert TOKEN not in email.subject + email.body
        assert "Peer" not in email.body  # nor the worker's name


# --- Who sees what, capacity by capacity.


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("reported", {"lead", "supervisor", "safeguarding"}),
        ("triaged", {"lead", "supervisor", "safeguarding", "peer"}),
        ("closed", {"lead", "supervisor", "safeguarding", "peer"}),
    ],
)
def test_who_sees_an_incident(client, personas, make, state, expected):
    incident = make(state)
    for who, user in personas.items():
        client.force_login(user)
        status = client.get(reverse("incidents:detail", args=[incident.pk])).status_code
        if who in expected:
            assert status == 200, who
        else:
            assert status == (403 if who in ("finance", "admin") else 404), who
        assert (incident.pk in {i.pk for i in selectors.visible(user)}) == (who in expected)


def test_the_worker_sees_it_once_triaged_unless_hidden(client, make, peer, safeguarding):
    incident = make("reported")
    client.force_login(peer)
    url = reverse("incidents:detail", args=[incident.pk])
    assert client.get(url).status_code == 404
    services.incident_triage(
        incident=incident, by=safeguarding, decision="supervision", reason="Reflect together."
    )
    page = client.get(url)
    assert page.status_code == 200
    assert "A person the worker supports gave them a gift card" in page.content.decode()
    services.incident_restrict_visibility(
        incident=incident, by=safeguarding, restricted=True, reason=f"Police enquiry {TOKEN}"
    )
    assert client.get(url).status_code == 404
    assert not client.get(reverse("incidents:mine")).context["about_me"]
    assert client.get(reverse("incidents:list")).context["summary"]["total"] == 0
    services.incident_restrict_visibility(
        incident=incident, by=safeguarding, restricted=False, reason="Enquiry over."
    )
    html = client.get(url).content.decode()
    # Back, but the entries about hiding it (and their reasons) are not shown to the worker.
    assert "Reflect together." in html
    assert TOKEN not in html and "Enquiry over." not in html
    client.force_login(safeguarding)
    html = client.get(url).content.decode()
    assert TOKEN in html and "Enquiry over." in html


def test_hiding_needs_a_safeguarding_lead_and_a_reason(make, lead, safeguarding, supervisor):
    incident = make("triaged")
    for who in (lead, supervisor):
        with pytest.raises(services.IncidentError, match="Only a safeguarding lead"):
            services.incident_restrict_visibility(
                incident=incident, by=who, restricted=True, reason="x"
            )
    with pytest.raises(services.IncidentError, match="Give the reason"):
        services.incident_restrict_visibility(
            incident=incident, by=safeguarding, restricted=True, reason=""
        )
    services.incident_restrict_visibility(
        incident=incident, by=safeguarding, restricted=True, reason="x"
    )
    with pytest.raises(services.IncidentError, match="already hidden"):
        services.incident_restrict_visibility(
            incident=incident, by=safeguarding, restricted=True, reason="x"
        )


def test_only_the_current_supervisor_sees_through_supervision(org, make, lead, client):
    other = make_login("othersup", org, C.SUPERVISOR)
    incident = make("reported", reporter=lead)
    client.force_login(other)
    assert client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 404
    assert not selectors.triage_queue(other).exists()


def test_the_reporter_keeps_seeing_what_they_reported(org, lead, peer2, make, client):
    # peer2 reports about their own work: they see it straight away, before triage.
    incident = report_incident(peer2, peer2.person, narrative="I gave my number out.")
    client.force_login(peer2)
    assert client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 200
    assert [i.pk for i in client.get(reverse("incidents:mine")).context["page"].object_list] == [
        incident.pk
    ]


def test_lists_and_counts_show_only_what_each_may_see(client, personas, secret_incidents, peer):
    expected_totals = {
        "lead": 6,
        "safeguarding": 6,
        "supervisor": 6,  # reporter, and the worker's supervisor
        # Triaged, acknowledged, in review and closed; not reported, not the hidden one.
        "peer": 4,
        "peer2": 0,
        "outsider": 0,
    }
    for who, total in expected_totals.items():
        client.force_login(personas[who])
        response = client.get(reverse("incidents:list"))
        assert response.context["summary"]["total"] == total, who
        assert response.context["page"].paginator.count == total, who


def test_other_organisations_get_404_and_cannot_be_reported_about(client, outsider, peer, make):
    incident = make("triaged")
    client.force_login(outsider)
    for name in ("detail", "triage", "correct", "escalate"):
        assert client.get(reverse(f"incidents:{name}", args=[incident.pk])).status_code == 404
    assert client.get(reverse("incidents:person", args=[peer.person.pk])).status_code == 404
    with pytest.raises(services.IncidentError, match="cannot report an incident about this person"):
        report_incident(outsider, peer.person)
    assert client.get(reverse("incidents:report") + f"?person={peer.person.pk}").status_code == 404


def test_peers_report_only_about_their_own_work(peer, peer2, finance, version):
    with pytest.raises(services.IncidentError):
        report_incident(peer, peer2.person)
    with pytest.raises(services.IncidentError):
        report_incident(finance, peer.person)
    assert report_incident(peer, peer.person).reported_by == peer


def test_person_chronology_for_the_worker_shows_only_what_they_may_see(
    client, secret_incidents, peer
):
    client.force_login(peer)
    response = client.get(reverse("incidents:person", args=[peer.person.pk]))
    shown = {i.pk for i in response.context["incidents"]}
    assert shown == {
        secret_incidents[s].pk for s in ("triaged", "acknowledged", "in_review", "closed")
    }
    assert {e.incident_id for e in response.context["events"]} == shown
    assert all(e.kind not in ("restricted", "unrestricted") for e in response.context["events"])


def test_incident_rows_are_not_reachable_by_bulk_reads_outside_scope(secret_incidents, personas):
    # The scope is the only door: even the chronology, actions and referrals.
    from supervision.incidents.models import IncidentAction, IncidentEvent, IncidentReferral
    from workforce.organisations import access

    for who in ("finance", "admin", "outsider", "peer2"):
        user = personas[who]
        for model in (Incident, IncidentEvent, IncidentAction, IncidentReferral):
            assert not access.scoped(user, model).exists(), (who, model)


def test_the_token_is_there_for_those_who_may_see_it(client, personas, secret_incidents):
    # So the "never" tests above are not passing for want of a token to find.
    for who in ("lead", "safeguarding", "supervisor"):
        client.force_login(personas[who])
        html = client.get(
            reverse("incidents:detail", args=[secret_incidents["triaged"].pk])
        ).content.decode()
        assert html.count(TOKEN) >= 3, who  # narrative, who was told, the correction


@pytest.mark.parametrize("who", ["lead", "supervisor", "safeguarding", "peer", "peer2", "finance"])
def test_the_home_pages_triage_count_is_the_triage_queues_length(
    personas, secret_incidents, make, who
):
    make("reported", reporter=personas["lead"])  # a second waiting for triage
    user = personas[who]
    assert selectors.triage_count(user) == len(selectors.triage_queue(user))
    if who in ("lead", "supervisor"):
        assert selectors.triage_count(user) == 2
