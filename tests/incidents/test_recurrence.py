"""Recurrence: a new incident for the same worker and category within 12 months is flagged
when it is reported, with links to the earlier ones; dashboards count recurrences."""

import datetime

from django.urls import reverse

from supervision.incidents.models import Incident, IncidentRecurrence
from tests.factories import report_incident

D = datetime.date.fromisoformat


def test_same_worker_and_category_within_12_months_is_flagged_with_links(supervisor, peer, version):
    first = report_incident(supervisor, peer.person, occurred_on=D("2025-12-01"))
    second = report_incident(supervisor, peer.person, occurred_on=D("2026-06-01"))
    third = report_incident(supervisor, peer.person, occurred_on=D("2026-11-01"))
    assert not first.is_recurrence
    assert second.is_recurrence and list(second.earlier.all()) == [first]
    assert third.is_recurrence and list(third.earlier.order_by("pk")) == [first, second]


def test_not_flagged_for_another_category_another_worker_or_after_12_months(
    org, lead, supervisor, peer, peer2, version
):
    report_incident(supervisor, peer.person, occurred_on=D("2025-01-10"))
    assert not report_incident(
        supervisor, peer.person, occurred_on=D("2026-01-11")
    ).is_recurrence  # 12 months and a day later
    assert not report_incident(
        supervisor, peer.person, occurred_on=D("2026-01-11"), category="social_media"
    ).is_recurrence
    assert not report_incident(lead, peer2.person, occurred_on=D("2026-01-11")).is_recurrence


def test_exactly_12_months_counts_and_a_late_report_of_an_earlier_date_too(
    supervisor, peer, version
):
    first = report_incident(supervisor, peer.person, occurred_on=D("2025-03-15"))
    second = report_incident(supervisor, peer.person, occurred_on=D("2026-03-15"))
    assert list(second.earlier.all()) == [first]
    # Reported later, but it happened before the first: still within 12 months of both.
    late = report_incident(supervisor, peer.person, occurred_on=D("2025-09-01"))
    assert set(late.earlier.all()) == {first, second}


def test_the_incident_page_links_to_earlier_ones_and_the_list_counts_them(
    client, supervisor, peer, version
):
    first = report_incident(supervisor, peer.person, occurred_on=D("2026-01-01"))
    second = report_incident(supervisor, peer.person, occurred_on=D("2026-02-01"))
    client.force_login(supervisor)
    html = client.get(reverse("incidents:detail", args=[second.pk])).content.decode()
    assert "Recurrence" in html
    assert reverse("incidents:detail", args=[first.pk]) in html
    html = client.get(reverse("incidents:detail", args=[first.pk])).content.decode()
    assert "Later incidents of the same kind" in html
    response = client.get(reverse("incidents:list"))
    assert response.context["summary"]["recurrences"] == 1
    response = client.get(reverse("incidents:list") + "?recurrence=on")
    assert [i.pk for i in response.context["page"].object_list] == [second.pk]


def test_reporting_says_it_is_a_recurrence(client, supervisor, peer, version):
    report_incident(supervisor, peer.person)
    client.force_login(supervisor)
    response = client.post(
        reverse("incidents:report"),
        {
            "person": peer.person.pk,
            "occurred_on": Incident.objects.get().occurred_on.isoformat(),
            "category": "gifts_or_money",
            "severity": "low",
            "safeguarding": "none",
            "narrative": "Another gift.",
            "told_someone": "no",
        },
        follow=True,
    )
    assert "same kind in the last 12 months" in response.content.decode()
    assert IncidentRecurrence.objects.count() == 1


def test_links_show_only_incidents_the_viewer_may_see(supervisor, lead, peer, client, version):
    # The worker reports a second incident about their own work; the first, reported by the
    # supervisor, has not been triaged, so the worker cannot see it: no flag, no link.
    first = report_incident(supervisor, peer.person)
    second = report_incident(peer, peer.person, narrative="I accepted another gift.")
    assert second.is_recurrence
    client.force_login(peer)
    html = client.get(reverse("incidents:detail", args=[second.pk])).content.decode()
    assert "Recurrence" not in html
    assert reverse("incidents:detail", args=[first.pk]) not in html


def test_reporting_does_not_hint_at_hidden_earlier_incidents(client, supervisor, peer, version):
    report_incident(supervisor, peer.person)  # not triaged: the worker cannot see it
    client.force_login(peer)
    response = client.post(
        reverse("incidents:report"),
        {
            "person": peer.person.pk,
            "occurred_on": Incident.objects.get().occurred_on.isoformat(),
            "category": "gifts_or_money",
            "severity": "low",
            "safeguarding": "none",
            "narrative": "I accepted a gift.",
            "told_someone": "no",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "same kind" not in response.content.decode()
