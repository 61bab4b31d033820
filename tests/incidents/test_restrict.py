"""Restricting an escalated incident to safeguarding leads (Caldicott: need to know).

The incident is about `peer`, reported by `supervisor`, escalated to and acknowledged by
`safeguarding`; `lead` is the co-production lead. Two sentinels: WROTE is what the reporter
wrote (the reporter keeps it), LATER is in everything added since (a correction, step notes,
an action, a referral). Once restricted, only safeguarding leads read either; everyone else
who saw it sees that it exists, on every door.
"""

import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from supervision.incidents import deadlines, rules, selectors, services
from supervision.incidents.models import EventKind, Incident, IncidentEvent, IncidentNotice
from supervision.incidents.services import IncidentError, notify, reminders
from tests.factories import make_login
from workforce.history.selectors import SERVICE_ACTIONS, AuditFilters, audit_rows, describe
from workforce.models import AuditEntry
from workforce.models import Capacity as C

WROTE = f"WROTE{uuid.uuid4().hex[:8]}"
LATER = f"LATER{uuid.uuid4().hex[:8]}"
REASON = "Police inquiry under way: only safeguarding leads need to know."
STUB = "Restricted by the safeguarding lead"


def _with_later_text(incident, *, safeguarding, lead):
    services.incident_correct(
        incident=incident, by=safeguarding, reason=f"Correction {LATER}", severity="critical"
    )
    services.incident_add_action(
        incident=incident,
        by=safeguarding,
        description=f"Action {LATER}",
        owner=lead,
        due_on=deadlines.today(),
    )
    services.incident_record_referral(
        incident=incident,
        by=safeguarding,
        agency="police",
        reference=f"REF-{LATER}",
        referred_on=deadlines.today(),
    )
    return Incident.objects.get(pk=incident.pk)


@pytest.fixture
def escalated(make, safeguarding, lead):
    incident = make(
        "acknowledged",
        category="social_media",
        severity="high",
        narrative=f"Messages {WROTE} on a social network.",
    )
    return _with_later_text(incident, safeguarding=safeguarding, lead=lead)


@pytest.fixture
def restricted(escalated, safeguarding):
    return services.incident_restrict(incident=escalated, by=safeguarding, reason=REASON)


# --- The service, its refusals and its audit.


def test_a_safeguarding_lead_restricts_with_a_reason_in_the_chronology_and_audit(
    escalated, safeguarding
):
    incident = services.incident_restrict(incident=escalated, by=safeguarding, reason=REASON)
    incident.refresh_from_db()
    assert incident.is_leads_only
    assert (incident.leads_only_by, incident.leads_only_reason) == (safeguarding, REASON)
    event = incident.events.order_by("-pk").first()
    assert (event.kind, event.detail, event.actor) == (EventKind.LEADS_ONLY, REASON, safeguarding)
    entry = AuditEntry.objects.filter(object_id=str(incident.pk)).order_by("-pk").first()
    assert entry.action == "incident.leads_only"
    assert entry.changes == {"leads_only": [False, True], "reason": REASON}
    assert SERVICE_ACTIONS["incident.leads_only"] == "Incident: restricted to safeguarding leads"


def test_lifting_needs_a_reason_and_gives_the_others_back_what_it_says(
    client, restricted, safeguarding, lead
):
    with pytest.raises(IncidentError) as no_reason:
        services.incident_lift_restriction(incident=restricted, by=safeguarding, reason=" ")
    assert no_reason.value.field == "reason"
    services.incident_lift_restriction(
        incident=restricted, by=safeguarding, reason="The inquiry has finished."
    )
    incident = Incident.objects.get(pk=restricted.pk)
    assert not incident.is_leads_only and incident.leads_only_reason == ""
    entry = AuditEntry.objects.filter(object_id=str(incident.pk)).order_by("-pk").first()
    assert entry.action == "incident.leads_only_lifted"
    assert entry.changes["reason"] == "The inquiry has finished."
    assert "incident.leads_only_lifted" in SERVICE_ACTIONS
    client.force_login(lead)
    assert LATER in client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()


@pytest.mark.parametrize("who", ["lead", "supervisor", "peer", "outsider_lead"])
def test_nobody_but_a_safeguarding_lead_of_the_organisation_may_restrict(
    escalated, personas, other_org, who
):
    by = (
        make_login("their_sl", other_org, C.SAFEGUARDING_LEAD)
        if who == "outsider_lead"
        else personas[who]
    )
    before = escalated.events.count()
    with pytest.raises(IncidentError, match="Only a safeguarding lead"):
        services.incident_restrict(incident=escalated, by=by, reason=REASON)
    fresh = Incident.objects.get(pk=escalated.pk)
    assert not fresh.is_leads_only and fresh.events.count() == before


def test_only_an_escalated_incident_can_be_restricted(make, safeguarding):
    triaged = make("triaged")
    with pytest.raises(IncidentError, match="Only an escalated incident"):
        services.incident_restrict(incident=triaged, by=safeguarding, reason=REASON)
    assert not Incident.objects.get(pk=triaged.pk).is_leads_only
    assert not rules.may_restrict_to_leads(safeguarding, triaged)


def test_a_reason_is_required_and_a_second_restriction_or_a_lift_of_none_is_refused(
    escalated, safeguarding
):
    with pytest.raises(IncidentError) as refused:
        services.incident_restrict(incident=escalated, by=safeguarding, reason="  ")
    assert refused.value.field == "reason"
    with pytest.raises(IncidentError, match="not restricted"):
        services.incident_lift_restriction(incident=escalated, by=safeguarding, reason=REASON)
    services.incident_restrict(incident=escalated, by=safeguarding, reason=REASON)
    with pytest.raises(IncidentError, match="already restricted"):
        services.incident_restrict(incident=escalated, by=safeguarding, reason=REASON)
    assert escalated.events.filter(kind=EventKind.LEADS_ONLY).count() == 1


def test_the_database_refuses_a_restriction_without_reason_or_before_escalation(
    escalated, make, safeguarding
):
    now = deadlines.now()
    with (
        pytest.raises(IntegrityError, match="incident_leads_only_has_reason"),
        transaction.atomic(),
    ):
        Incident.objects.filter(pk=escalated.pk).update(
            leads_only_at=now, leads_only_by=safeguarding
        )
    triaged = make("triaged")
    with (
        pytest.raises(IntegrityError, match="incident_leads_only_when_escalated"),
        transaction.atomic(),
    ):
        Incident.objects.filter(pk=triaged.pk).update(
            leads_only_at=now, leads_only_by=safeguarding, leads_only_reason=REASON
        )


def test_the_restrict_page_is_offered_to_the_safeguarding_lead_only(
    client, escalated, safeguarding, lead
):
    url = reverse("incidents:leads_only", args=[escalated.pk])
    client.force_login(lead)
    assert url not in client.get(reverse("incidents:detail", args=[escalated.pk])).content.decode()
    assert client.post(url, {"reason": REASON}).status_code == 404
    assert not Incident.objects.get(pk=escalated.pk).is_leads_only
    client.force_login(safeguarding)
    assert url in client.get(reverse("incidents:detail", args=[escalated.pk])).content.decode()
    page = client.post(url, {"reason": ""})
    assert 'id="id_reason"' in page.content.decode() and "required" in page.content.decode()
    assert client.post(url, {"reason": REASON}).status_code == 302
    assert Incident.objects.get(pk=escalated.pk).is_leads_only


# --- Every door, for a restricted incident.


def _doors(incident, peer):
    return [
        reverse("incidents:list"),
        reverse("incidents:list") + "?state=acknowledged&sort=severity",
        reverse("incidents:mine"),
        reverse("incidents:triage_queue"),
        reverse("incidents:escalations"),
        reverse("incidents:person", args=[peer.person.pk]),
        reverse("incidents:detail", args=[incident.pk]),
        reverse("home"),
        reverse("reports:incidents"),
        reverse("reports:incidents_csv"),
        reverse("history:audit"),
        reverse("history:audit_export"),
    ]


# Who sees that it exists (the detail page is the stub) and who does not at all.
EXISTS = {"lead", "supervisor", "peer"}
NOTHING = {"peer2": 404, "finance": 403, "admin": 403, "outsider": 404}


@pytest.mark.parametrize("who", ["safeguarding", *sorted(EXISTS), *sorted(NOTHING)])
def test_every_door_of_a_restricted_incident(client, personas, restricted, peer, who):
    client.force_login(personas[who])
    seen = ""
    for url in _doors(restricted, peer):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen += body.decode()
    detail = client.get(reverse("incidents:detail", args=[restricted.pk]))
    html = detail.content.decode()
    if who == "safeguarding":
        assert WROTE in seen and LATER in seen
        assert "Restricted to safeguarding leads" in html and REASON in html
        return
    assert LATER not in seen
    # Nothing since the report (the correction to critical); the reporter's own choices only.
    assert "critical" not in html.lower()
    assert ("Social media contact" in html) is (who == "supervisor")
    if who in EXISTS:
        assert detail.status_code == 200 and STUB in html
        assert (
            f"Incident #{restricted.pk}" in client.get(reverse("incidents:list")).content.decode()
        )
        # The reporter keeps what they wrote; nobody else sees it.
        assert (WROTE in seen) is (who == "supervisor")
        assert (WROTE in html) is (who == "supervisor")
    else:
        assert detail.status_code == NOTHING[who] and WROTE not in seen


@pytest.mark.parametrize("who", sorted(EXISTS))
def test_while_restricted_the_others_can_take_no_step(client, personas, restricted, who):
    client.force_login(personas[who])
    for name in ("escalate", "referral", "action_add", "review", "correct", "visibility"):
        url = reverse(f"incidents:{name}", args=[restricted.pk])
        assert client.get(url).status_code == 404, name
    assert client.post(reverse("incidents:leads_only", args=[restricted.pk]), {}).status_code == 404
    action = restricted.actions.get()
    assert not rules.may_manage(personas[who], restricted)
    assert not rules.may_complete_action(personas[who], action)
    with pytest.raises(IncidentError):
        services.action_complete(action=action, by=personas["lead"], note="")


def test_the_co_production_lead_sees_no_people_or_classification_on_the_stub(
    client, restricted, lead, supervisor, safeguarding
):
    client.force_login(lead)
    html = client.get(reverse("incidents:detail", args=[restricted.pk])).content.decode()
    for name in ("Peer", supervisor.person.display_name, safeguarding.person.display_name):
        assert name not in html.split("<main", 1)[-1], name
    assert "Acknowledged" in html and STUB in html


def test_a_worker_hidden_from_as_well_sees_nothing(client, restricted, peer, safeguarding):
    services.incident_restrict_visibility(
        incident=restricted, by=safeguarding, restricted=True, reason="Would alert them."
    )
    client.force_login(peer)
    assert client.get(reverse("incidents:detail", args=[restricted.pk])).status_code == 404
    assert selectors.restricted(peer) == []


def test_the_incidents_report_leaves_it_out_and_says_so(restricted, lead, safeguarding):
    from workforce.reports.common import Filters
    from workforce.reports.incidents import incidents_report

    org = restricted.organisation
    today = deadlines.today()
    filters = Filters(
        start=today - datetime.timedelta(days=30), end=today, organisations=(org,), allowed=(org,)
    )
    totals = {
        who: incidents_report(user, filters)[0]
        for who, user in (("lead", lead), ("sl", safeguarding))
    }
    assert "1 more is restricted to safeguarding leads" in totals["lead"].note
    assert "restricted" not in totals["sl"].note
    category = {
        who: incidents_report(user, filters)[2].rows
        for who, user in (("lead", lead), ("sl", safeguarding))
    }
    assert category["lead"] == [] and category["sl"] == [["Social media contact", 1, 0]]


def test_the_audit_page_shows_the_steps_but_not_their_changes(restricted, admin_user, org):
    def rows(user):
        return [
            row
            for row in describe(audit_rows(user, AuditFilters()))
            if row.record_id == str(restricted.pk) and row.summary
        ]

    seen = rows(admin_user)
    assert f"Boundary incident #{restricted.pk}: correction added" in {row.summary for row in seen}
    changed = {row.action: row.changes for row in seen}
    assert changed["Incident: correction added"] == ""
    assert REASON in changed["Incident: restricted to safeguarding leads"]
    # An administrator who is a safeguarding lead there too may read them.
    both = make_login("admin_sl", org, C.ADMIN, C.SAFEGUARDING_LEAD)
    leads = {row.action: row.changes for row in rows(both)}
    assert "critical" in leads["Incident: correction added"]


def test_the_django_admin_names_nobody_and_lists_none_of_its_steps(
    client, restricted, admin_user, supervisor
):
    client.force_login(admin_user)
    change = client.get(reverse("admin:incidents_incident_change", args=[restricted.pk]))
    assert change.status_code == 200
    html = change.content.decode()
    assert supervisor.get_username() not in html and "Reported by" not in html
    events = client.get(reverse("admin:incidents_incidentevent_changelist")).content.decode()
    assert f"Boundary incident #{restricted.pk}" not in events
    entry = AuditEntry.objects.get(object_id=str(restricted.pk), action="incident.corrected")
    page = client.get(reverse("admin:workforce_auditentry_change", args=[entry.pk]))
    assert "only that it happened is shown" in page.content.decode()


def test_no_reminder_email_to_someone_who_may_no_longer_read_it(restricted, lead, mailbox):
    later = deadlines.now() + datetime.timedelta(days=3)
    with deadlines.frozen(later):
        reminders.record_overdue()
        notify.deliver()
    notice = IncidentNotice.objects.get(incident=restricted, recipient=lead)
    assert notice.failure == "restricted to safeguarding leads"
    assert all(lead.email not in email.to for email in mailbox)


def test_no_page_shows_the_narrative_to_a_co_production_lead(client, restricted, lead, peer):
    """The sentinel sweep: every incident page and step, lists, reports, audit, home."""
    client.force_login(lead)
    urls = (
        _doors(restricted, peer)
        + [
            reverse(f"incidents:{name}", args=[restricted.pk])
            for name in ("triage", "escalate", "acknowledge", "referral", "action_add", "review")
        ]
        + [reverse("incidents:list") + f"?category={restricted.category}"]
    )
    for url in urls:
        response = client.get(url, follow=True)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert WROTE not in body and LATER not in body, url
    assert not IncidentEvent.objects.filter(
        pk__in=[event.pk for event in selectors.chronology(lead, restricted)]
    ).exists()
