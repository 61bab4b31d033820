"""Emails: the safeguarding lead at once on escalation (after commit, never on rollback);
`send_reminders` emails the owner of every overdue step, once, however often it runs."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from supervision.incidents import deadlines, services
from supervision.incidents.models import IncidentNotice
from tests.factories import at, frozen, make_login
from workforce.models import Capacity as C


def _run(day: str, time: str = "12:00") -> str:
    out = StringIO()
    with frozen(day, time):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def _flush(mailbox):
    """Send what the steps queued (tests run inside one transaction, so on-commit emails
    never fire by themselves), then start with an empty mailbox."""
    from supervision.incidents.services import notify

    notify.deliver()
    mailbox.clear()


def test_escalation_emails_the_lead_after_commit(
    make, supervisor, safeguarding, mailbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://workforce.example.org"  # the link is built on it
    incident = make("reported", severity="high")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.incident_triage(
            incident=incident,
            by=supervisor,
            decision="escalate",
            reason="High.",
            escalate_to=safeguarding,
        )
    assert mailbox == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert len(mailbox) == 1
    email = mailbox[0]
    assert email.to == [safeguarding.email]
    assert email.subject == f"Boundary incident #{incident.pk} has been escalated to you"
    assert f"https://workforce.example.org/incidents/{incident.pk}/" in email.body
    assert "high severity" in email.body
    notice = IncidentNotice.objects.get(incident=incident, kind="escalated")
    assert notice.sent_at is not None


def test_a_rolled_back_escalation_emails_nobody(make, supervisor, safeguarding, mailbox):
    incident = make("reported", severity="high")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.incident_triage(
            incident=incident,
            by=supervisor,
            decision="escalate",
            reason="x",
            escalate_to=safeguarding,
        )
        raise RuntimeError("something later failed")
    assert mailbox == [] and not IncidentNotice.objects.filter(kind="escalated").exists()


def test_a_failed_escalation_email_is_retried_by_send_reminders(
    make, supervisor, safeguarding, mailbox, monkeypatch, django_capture_on_commit_callbacks
):
    from supervision.incidents.services import notify

    def broken(*args, **kwargs):
        raise OSError("SMTP is down")

    incident = make("reported", severity="high")
    _flush(mailbox)  # the safeguarding leads' alert about the report itself
    monkeypatch.setattr(notify, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_triage(
            incident=incident,
            by=supervisor,
            decision="escalate",
            reason="x",
            escalate_to=safeguarding,
        )
    assert IncidentNotice.objects.get(kind="escalated").sent_at is None
    monkeypatch.undo()
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert [m.subject for m in mailbox] == [
        f"Boundary incident #{incident.pk} has been escalated to you"
    ]
    assert "1 email(s) sent" in out.getvalue()


def test_reminders_go_to_each_overdue_steps_owner_once(
    org, make, supervisor, safeguarding, lead, mailbox, peer
):
    with frozen("2026-03-02", "09:00"):  # Monday
        waiting = make("reported")  # triage due end of Wednesday
        escalated = make("escalated", severity="critical")  # acknowledge by 13:00
        triaged = make("triaged")
        action = services.incident_add_action(
            incident=triaged,
            by=supervisor,
            description="x",
            owner=peer,
            due_on=datetime.date(2026, 3, 3),
        )
    _flush(mailbox)  # the escalation email

    assert "1 acknowledgement overdue" in _run("2026-03-02", "14:00")
    assert [m.to for m in mailbox] == [[safeguarding.email]]
    assert "Overdue: please acknowledge" in mailbox[0].subject

    # Nothing twice, however often it runs.
    assert "no new overdue steps; 0 email(s) sent" in _run("2026-03-02", "15:00")
    assert len(mailbox) == 1

    out = _run("2026-03-05", "08:00")
    assert "1 triage overdue" in out and "1 action overdue" in out
    recipients = sorted(m.to[0] for m in mailbox[1:])
    assert recipients == sorted([supervisor.email, peer.email])
    assert "0 email(s) sent" in _run("2026-03-06", "08:00")
    assert len(mailbox) == 3
    keys = set(IncidentNotice.objects.values_list("key", flat=True))
    assert f"triage:{waiting.pk}:{supervisor.pk}" in keys
    assert f"ack:{escalated.pk}:{safeguarding.pk}" in keys
    assert f"action:{action.pk}:{peer.pk}" in keys


def test_a_passed_on_escalation_reminds_the_new_lead_too(org, make, safeguarding, mailbox):
    other = make_login("safeguarding3", org, C.SAFEGUARDING_LEAD)
    with frozen("2026-03-02", "09:00"):
        incident = make("escalated", severity="high")
    _run("2026-03-03", "10:00")
    with frozen("2026-03-03", "11:00"):
        services.incident_escalate(incident=incident, by=safeguarding, to=other, reason="Away.")
    _run("2026-03-03", "12:00")
    # (Leaving out both leads' alert about the report itself: test_concern_alerts.py.)
    assert [m.to[0] for m in mailbox if not m.subject.startswith("New safeguarding")] == [
        safeguarding.email,  # escalated to them
        safeguarding.email,  # overdue
        other.email,  # passed to them
        other.email,  # still overdue
    ]


def test_triage_with_no_supervisor_reminds_the_co_production_leads(
    org, lead, peer2, safeguarding, mailbox
):
    from tests.factories import report_incident

    with frozen("2026-03-02", "09:00"):
        report_incident(lead, peer2.person)  # peer2 has no supervisor
    _run("2026-03-05", "09:00")
    assert [m.to for m in mailbox] == [[lead.email]]


def test_no_reminders_for_steps_that_are_done(make, supervisor, safeguarding, mailbox):
    with frozen("2026-03-02", "09:00"):
        incident = make("reported", severity="high")
        services.incident_triage(
            incident=incident,
            by=supervisor,
            decision="escalate",
            reason="x",
            escalate_to=safeguarding,
        )
        services.incident_acknowledge(incident=incident, by=safeguarding)
    _flush(mailbox)
    assert "no new overdue steps" in _run("2026-03-20")
    assert mailbox == []


def test_a_recipient_without_an_email_address_is_recorded_not_retried(make, safeguarding, mailbox):
    with frozen("2026-03-02", "09:00"):
        make("escalated", severity="high")
    mailbox.clear()
    type(safeguarding).objects.filter(pk=safeguarding.pk).update(email="")
    _run("2026-03-04")
    assert mailbox == []
    assert set(IncidentNotice.objects.values_list("failure", flat=True)) == {"no email address"}
    assert "0 email(s) sent" in _run("2026-03-05")


def test_two_runs_at_once_send_each_email_once(make, safeguarding, mailbox):
    from supervision.incidents.services import notify, reminders

    with frozen("2026-03-02", "09:00"):
        make("escalated", severity="high")
    _flush(mailbox)
    with frozen("2026-03-04", "09:00"):
        reminders.record_overdue()
        reminders.record_overdue()
        assert notify.deliver() + notify.deliver() == 1
    assert len(mailbox) == 1
    assert (
        at("2026-03-04", "09:00") <= IncidentNotice.objects.get(kind="acknowledge_overdue").sent_at
    )


def test_scheduling_is_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    assert "## Scheduled jobs" in doc and "send_reminders" in doc
    assert deadlines.DEFAULT_ACKNOWLEDGE_URGENT_HOURS == 4
