"""A report for which escalation is mandatory (when reported, or made so by a correction)
alerts the organisation's safeguarding leads at once: an email to each (recorded, sent after
commit, never twice, without the narrative) and an entry on their home page that stays
whatever its later corrections."""

import pytest
from django.conf import settings
from django.urls import reverse

from supervision.incidents import services
from supervision.incidents.models import IncidentNotice
from supervision.incidents.services import notify
from tests.factories import make_login, report_incident
from tests.incidents.test_side_doors import NARRATIVE, _correct_to_low, _critical_child_report
from tests.queue import run_jobs
from workforce.models import Capacity as C


@pytest.fixture
def safeguarding2(org):
    return make_login("safeguarding2", org, C.SAFEGUARDING_LEAD)


@pytest.fixture
def other_safeguarding(other_org):
    return make_login("other_safeguarding", other_org, C.SAFEGUARDING_LEAD)


def test_a_report_needing_escalation_emails_every_safeguarding_lead_of_that_organisation(
    version,
    supervisor,
    peer,
    safeguarding,
    safeguarding2,
    other_safeguarding,
    mailbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = _critical_child_report(supervisor, peer)
    assert mailbox == []  # the worker sends them
    run_jobs()
    assert sorted(email.to[0] for email in mailbox) == sorted(
        [safeguarding.email, safeguarding2.email]
    )
    for email in mailbox:
        assert email.subject == f"New safeguarding concern: boundary incident #{incident.pk}"
        assert "dual relationship" in email.body
        assert "critical severity" in email.body
        assert "child at risk" in email.body.lower()
        assert f"{settings.SITE_URL}/incidents/{incident.pk}/" in email.body
        assert NARRATIVE not in email.body and "youth club" not in email.body
        assert peer.person.full_name not in email.body
    notices = IncidentNotice.objects.filter(incident=incident, kind="concern")
    assert notices.count() == 2 and all(n.sent_at for n in notices)
    # Recorded, so never sent twice.
    mailbox.clear()
    assert notify.deliver() == 0 and mailbox == []


def test_a_report_not_needing_escalation_alerts_nobody_until_a_correction_makes_it(
    version, supervisor, peer, safeguarding, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = report_incident(supervisor, peer.person, severity="moderate")
    run_jobs()
    assert mailbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_correct(
            incident=incident, by=supervisor, reason="A child was there.", safeguarding="child"
        )
    run_jobs()
    assert [email.to for email in mailbox] == [[safeguarding.email]]
    # Already known to be serious: a further correction does not alert again.
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_correct(
            incident=incident, by=supervisor, reason="And worse.", severity="critical"
        )
    run_jobs()
    assert len(mailbox) == 1


def test_the_home_page_shows_new_concerns_whatever_their_corrections(
    client, version, supervisor, peer, safeguarding, other_safeguarding, lead
):
    incident = _critical_child_report(supervisor, peer)
    quiet = report_incident(supervisor, peer.person, severity="low", category="other")
    link = reverse("incidents:detail", args=[incident.pk])

    def home(user):
        client.force_login(user)
        return client.get(reverse("home")).content.decode()

    html = home(safeguarding)
    assert "New safeguarding concerns" in html
    assert link in html
    assert reverse("incidents:detail", args=[quiet.pk]) not in html
    assert NARRATIVE not in html
    _correct_to_low(incident, supervisor)
    html = home(safeguarding)
    assert "New safeguarding concerns" in html and link in html
    assert link not in home(other_safeguarding)
    assert "New safeguarding concerns" not in home(lead)
    # Taken on by a safeguarding lead: no longer new.
    services.incident_triage(
        incident=incident,
        by=supervisor,
        decision="escalate",
        reason="Must.",
        escalate_to=safeguarding,
    )
    services.incident_acknowledge(incident=incident, by=safeguarding)
    assert link not in home(safeguarding)
