"""The pages: reporting (two steps, or one for a peer), each step's form, queues with their
order and empty states, filters, errors beside fields, and query counts that stay flat."""

import datetime

import pytest
from django.urls import reverse

from supervision.incidents import deadlines, services
from supervision.incidents.models import Incident
from tests.factories import frozen, report_incident

REPORT = {
    "occurred_on": "",  # filled in per test
    "category": "clinical_advice",
    "severity": "moderate",
    "safeguarding": "none",
    "narrative": "Sam told a person to halve their medication.",
    "told_someone": "no",
}


def _report_data(person, **overrides):
    return {
        "person": person.pk,
        **REPORT,
        "occurred_on": deadlines.today().isoformat(),
        **overrides,
    }


def test_a_peer_goes_straight_to_the_form_about_their_own_work(client, peer, version):
    client.force_login(peer)
    response = client.get(reverse("incidents:report"))
    html = response.content.decode()
    assert response.templates[0].name == "incidents/report.html"
    assert "(you)" in html
    # The exclusions of their current role version are offered.
    assert "Clinical advice (Peer support worker)" in html


def test_a_lead_chooses_the_worker_first(client, lead, peer, peer2, version):
    client.force_login(lead)
    response = client.get(reverse("incidents:report"))
    assert response.templates[0].name == "incidents/report_choose.html"
    html = response.content.decode()
    assert "Peer" in html and "Peer2" in html
    response = client.get(reverse("incidents:report"), {"person": peer.person.pk})
    assert response.templates[0].name == "incidents/report.html"


def test_reporting_records_it_and_shows_the_triage_deadline(client, supervisor, peer, version):
    exclusion = version.exclusions.get()
    client.force_login(supervisor)
    response = client.post(
        reverse("incidents:report"),
        _report_data(peer.person, exclusion=exclusion.pk, told_someone="yes", told_whom="Helen"),
        follow=True,
    )
    incident = Incident.objects.get()
    assert response.redirect_chain[-1][0] == reverse("incidents:detail", args=[incident.pk])
    assert incident.exclusion == exclusion and incident.reported_exclusion == exclusion
    assert incident.told_whom == "Helen" and incident.reported_by == supervisor
    assert "is waiting for triage by" in response.content.decode()


def test_report_errors_are_shown_beside_the_fields_and_nothing_is_saved(
    client, supervisor, peer, version
):
    client.force_login(supervisor)
    tomorrow = (deadlines.today() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("incidents:report"),
        _report_data(peer.person, occurred_on=tomorrow, told_someone="yes", told_whom=""),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Say who you told." in html
    assert not Incident.objects.exists()
    response = client.post(
        reverse("incidents:report"), _report_data(peer.person, occurred_on=tomorrow)
    )
    assert "The date it happened cannot be in the future." in response.content.decode()
    assert not Incident.objects.exists()


def test_an_exclusion_from_another_role_is_refused(client, org, lead, supervisor, peer, version):
    from tests.factories import make_role_version

    other = make_role_version(org, title="Peer researcher", exclusions=("Recruiting friends",))
    client.force_login(supervisor)
    response = client.post(
        reverse("incidents:report"),
        _report_data(peer.person, exclusion=other.exclusions.get().pk),
    )
    assert response.status_code == 200 and not Incident.objects.exists()
    with pytest.raises(services.IncidentError, match="current role, or none"):
        report_incident(supervisor, peer.person, exclusion=other.exclusions.get())


def test_triage_page_does_not_offer_supervision_when_escalation_is_mandatory(
    client, make, supervisor
):
    incident = make("reported", severity="high")
    client.force_login(supervisor)
    html = client.get(reverse("incidents:triage", args=[incident.pk])).content.decode()
    assert 'value="escalate"' in html
    assert 'value="supervision"' not in html
    assert "Escalation is mandatory here" in html
    # A hand-made POST choosing supervision is refused too, beside the field.
    response = client.post(
        reverse("incidents:triage", args=[incident.pk]),
        {"decision": "supervision", "reason": "I can manage it."},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).state == "reported"


def test_triage_page_offers_both_otherwise_and_escalating_needs_a_lead(client, make, supervisor):
    incident = make("reported", severity="low")
    client.force_login(supervisor)
    url = reverse("incidents:triage", args=[incident.pk])
    html = client.get(url).content.decode()
    assert 'value="supervision"' in html and 'value="escalate"' in html
    response = client.post(url, {"decision": "escalate", "reason": "Unsure."})
    assert "Choose the safeguarding lead to escalate it to." in response.content.decode()


def test_a_step_not_available_now_sends_back_to_the_incident(client, make, supervisor):
    incident = make("triaged")
    client.force_login(supervisor)
    response = client.get(reverse("incidents:triage", args=[incident.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("incidents:detail", args=[incident.pk])
    assert "That step is not available now" in response.content.decode()


def test_the_incident_page_offers_only_the_steps_the_viewer_may_take(
    client, make, supervisor, safeguarding, peer
):
    incident = make("escalated", severity="high")
    client.force_login(safeguarding)
    html = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert reverse("incidents:acknowledge", args=[incident.pk]) in html
    assert reverse("incidents:visibility", args=[incident.pk]) in html
    client.force_login(supervisor)
    html = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert reverse("incidents:acknowledge", args=[incident.pk]) not in html
    assert reverse("incidents:escalate", args=[incident.pk]) in html  # pass it on
    client.force_login(peer)
    html = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "What you can do now" not in html


def test_each_step_through_the_pages(client, make, supervisor, safeguarding, lead):
    incident = make("reported", severity="critical", safeguarding="child")
    pk = incident.pk
    client.force_login(supervisor)
    client.post(
        reverse("incidents:triage", args=[pk]),
        {"decision": "escalate", "escalate_to": safeguarding.pk, "reason": "Child at risk."},
    )
    client.force_login(safeguarding)
    client.post(reverse("incidents:acknowledge", args=[pk]), {"note": ""})
    client.post(
        reverse("incidents:referral", args=[pk]),
        {
            "agency": "childrens_services",
            "agency_name": "",
            "reference": "CS-1",
            "referred_on": deadlines.today().isoformat(),
        },
    )
    client.post(
        reverse("incidents:action_add", args=[pk]),
        {
            "description": "Debrief",
            "owner": safeguarding.pk,
            "due_on": deadlines.today().isoformat(),
        },
    )
    action = Incident.objects.get(pk=pk).actions.get()
    assert client.get(reverse("incidents:action_complete", args=[pk, action.pk])).status_code == 200
    client.post(reverse("incidents:action_complete", args=[pk, action.pk]), {"note": "Done."})
    client.post(reverse("incidents:review", args=[pk]), {"note": "All done."})
    # The close page says up front what the safeguarding record still needs.
    assert (
        "Making Safeguarding Personal is not recorded yet"
        in client.get(reverse("incidents:close", args=[pk])).content.decode()
    )
    client.post(
        reverse("incidents:personal", args=[pk]),
        {
            "views": "They want the family kept safe and to be told what happens next.",
            "consent": "without",
            "without_consent_reason": "A child is at risk.",
            "capacity_considered": "yes",
            "capacity_note": "Able to decide.",
        },
    )
    response = client.post(
        reverse("incidents:close", args=[pk]),
        {"outcome": "external", "learning": "Crisis line first, always."},
        follow=True,
    )
    assert "Closed. The outcome and learning" in response.content.decode()
    incident.refresh_from_db()
    assert incident.state == "closed" and incident.outcome == "external"
    assert incident.referrals.get().reference == "CS-1"


def test_correction_page_keeps_the_original_and_shows_both(client, make, supervisor):
    incident = make("reported", severity="low")
    client.force_login(supervisor)
    data = {
        "occurred_on": incident.occurred_on.isoformat(),
        "occurred_time": "",
        "category": "social_media",
        "exclusion": "",
        "severity": "moderate",
        "safeguarding": "none",
        "reason": "It was on Instagram, not in person.",
    }
    client.post(reverse("incidents:correct", args=[incident.pk]), data)
    incident.refresh_from_db()
    assert (incident.category, incident.reported_category) == ("social_media", "gifts_or_money")
    assert (incident.severity, incident.reported_severity) == ("moderate", "low")
    html = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "Corrected since it was reported" in html
    assert "It was on Instagram, not in person." in html
    event = incident.events.last()
    assert event.kind == "corrected"
    assert event.before == {"category": "gifts_or_money", "severity": "low"}
    assert event.after == {"category": "social_media", "severity": "moderate"}


def test_a_correction_cannot_dodge_mandatory_escalation(make, supervisor):
    incident = make("triaged")
    with pytest.raises(services.IncidentError, match="Escalate it first"):
        services.incident_correct(
            incident=incident, by=supervisor, reason="Worse.", severity="high"
        )
    closed = make("closed", route="supervision")
    with pytest.raises(services.IncidentError, match="Report a new incident instead"):
        services.incident_correct(incident=closed, by=supervisor, reason="x", safeguarding="adult")
    # Before triage any correction is fine: triage will then have to escalate.
    fresh = make("reported")
    services.incident_correct(incident=fresh, by=supervisor, reason="Worse.", severity="high")
    assert Incident.objects.get(pk=fresh.pk).escalation_mandatory


def test_a_note_only_correction_is_kept_in_the_chronology(make, supervisor):
    incident = make("reported")
    services.incident_correct(incident=incident, by=supervisor, reason="It was £20, not £10.")
    event = incident.events.last()
    assert event.summary == "Correction to the account" and event.before == {}
    assert Incident.objects.get(pk=incident.pk).narrative == incident.narrative


def test_who_may_correct(make, peer, peer2, lead):
    incident = make("triaged")
    with pytest.raises(services.IncidentError, match="cannot correct"):
        services.incident_correct(incident=incident, by=peer, reason="Not what happened.")
    with pytest.raises(services.IncidentError, match="cannot correct"):
        services.incident_correct(incident=incident, by=peer2, reason="x")
    services.incident_correct(incident=incident, by=lead, reason="Clarified.")


def test_queues_are_ordered_by_urgency(client, make, supervisor, safeguarding, lead):
    with frozen("2026-03-02", "09:00"):
        high = make("escalated", severity="high")  # due Tuesday 09:00
    with frozen("2026-03-02", "10:00"):
        critical = make("escalated", severity="critical")  # due Monday 14:00
        acknowledged = make("acknowledged")
        waiting_late = make("reported")
    with frozen("2026-03-03", "10:00"):
        waiting_soon = make("reported")
        client.force_login(safeguarding)
        rows = list(client.get(reverse("incidents:escalations")).context["page"].object_list)
        # Both overdue: the earlier deadline first; acknowledged ones after those waiting.
        assert [i.pk for i in rows] == [critical.pk, high.pk, acknowledged.pk]
        client.force_login(supervisor)
        rows = list(client.get(reverse("incidents:triage_queue")).context["page"].object_list)
        assert [i.pk for i in rows] == [waiting_late.pk, waiting_soon.pk]


def test_empty_states_say_what_to_do_next(client, peer, supervisor, safeguarding, version):
    client.force_login(peer)
    html = client.get(reverse("incidents:list")).content.decode()
    assert "There are no incidents for you to see." in html and "report it" in html
    html = client.get(reverse("incidents:mine")).content.decode()
    assert "You have not reported any incidents." in html
    client.force_login(supervisor)
    assert (
        "Nothing is waiting for you to triage"
        in client.get(reverse("incidents:triage_queue")).content.decode()
    )
    client.force_login(safeguarding)
    assert (
        "There are no open escalations"
        in client.get(reverse("incidents:escalations")).content.decode()
    )
    html = client.get(reverse("incidents:list") + "?severity=critical").content.decode()
    assert "No incidents match these filters." in html or "no incidents for you" in html


def test_filters_by_state_category_severity(client, make, lead):
    reported = make("reported", severity="low")
    triaged = make("triaged", category="social_media")
    closed = make("closed", severity="critical")
    client.force_login(lead)

    def listed(query):
        page = client.get(reverse("incidents:list") + query).context["page"]
        return {i.pk for i in page.object_list}

    assert listed("") == {reported.pk, triaged.pk, closed.pk}
    assert listed("?state=open") == {reported.pk, triaged.pk}
    assert listed("?state=closed") == {closed.pk}
    assert listed("?category=social_media") == {triaged.pk}
    assert listed("?severity=critical") == {closed.pk}
    assert listed("?state=nonsense") == {reported.pk, triaged.pk, closed.pk}
    summary = client.get(reverse("incidents:list")).context["summary"]
    assert summary["open"] == 2 and summary["total"] == 3


def test_list_query_count_does_not_grow_with_rows(
    client, make, lead, django_assert_max_num_queries
):
    for _ in range(3):
        make("triaged")
    client.force_login(lead)
    client.get(reverse("incidents:list"))  # warm caches (sessions, capacities)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("incidents:list"))
    for _ in range(12):
        make("escalated", severity="high")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("incidents:list"))


def test_detail_and_queue_query_counts_are_bounded(
    client, make, safeguarding, django_assert_max_num_queries
):
    incident = make("acknowledged")
    for n in range(5):
        services.incident_add_action(
            incident=incident,
            by=safeguarding,
            description=f"Step {n}",
            owner=safeguarding,
            due_on=deadlines.today(),
        )
    client.force_login(safeguarding)
    with django_assert_max_num_queries(35):
        assert client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("incidents:escalations")).status_code == 200


def test_deadlines_page_for_leads(client, org, lead, supervisor):
    client.force_login(lead)
    url = reverse("incidents:policy", args=[org.pk])
    assert url in client.get(reverse("incidents:list")).content.decode()
    assert "triage within 2 working days" in client.get(url).content.decode()
    response = client.post(
        url,
        {"triage_working_days": 3, "acknowledge_hours": 12, "acknowledge_urgent_hours": 24},
    )
    assert "no longer than the usual one" in response.content.decode()
    client.post(
        url, {"triage_working_days": 3, "acknowledge_hours": 12, "acknowledge_urgent_hours": 2}
    )
    assert deadlines.policy_for(org.pk) == deadlines.Policy(3, 12, 2)


def test_mutating_pages_never_change_anything_on_get(client, make, supervisor, safeguarding):
    incident = make("reported", severity="high")
    client.force_login(supervisor)
    for name in ("triage", "correct"):
        client.get(reverse(f"incidents:{name}", args=[incident.pk]) + "?decision=escalate")
    client.force_login(safeguarding)
    client.get(reverse("incidents:visibility", args=[incident.pk]) + "?reason=x")
    fresh = Incident.objects.get(pk=incident.pk)
    assert fresh.state == "reported" and not fresh.worker_restricted
    assert fresh.events.count() == 1


def test_per_worker_chronology_shows_incidents_and_supervision_metadata(
    client, make, supervisor, lead, peer
):
    from tests.factories import make_supervision_session

    incident = make("triaged")
    make_supervision_session(
        supervisor=supervisor, supervisees=[peer.person], notes="Private words"
    )
    client.force_login(lead)
    response = client.get(reverse("incidents:person", args=[peer.person.pk]))
    html = response.content.decode()
    assert [i.pk for i in response.context["incidents"]] == [incident.pk]
    assert len(response.context["sessions"]) == 1
    assert "Private words" not in html  # metadata only, never what was said
    assert "Triaged: manage it through supervision" in html


def test_a_persons_page_links_to_their_incidents_for_those_who_may_see_them(
    client, personas, peer, version
):
    url = reverse("workforce:person", args=[peer.person.pk])
    link = reverse("incidents:person", args=[peer.person.pk])
    for who in ("lead", "supervisor", "safeguarding", "peer"):
        client.force_login(personas[who])
        assert link in client.get(url).content.decode(), who
    client.force_login(personas["finance"])  # sees the payee part of the page only
    response = client.get(url)
    assert response.status_code == 200 and link not in response.content.decode()
