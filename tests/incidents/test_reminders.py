"""Emails: the safeguarding lead at once on escalation (queued with it, sent by the worker
after commit, never on rollback); `send_reminders` emails the owner of every overdue step,
once, however often it runs."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from supervision.incidents import deadlines, services
from supervision.incidents.models import IncidentNotice
from tests.factories import at, frozen, make_login
from tests.queue import run_jobs, sent
from workforce.models import Capacity as C


def _run(day: str, time: str = "12:00") -> str:
    """The scheduled job at that time, then the worker sending what it queued."""
    out = StringIO()
    with frozen(day, time):
        call_command("send_reminders", stdout=out)
        run_jobs()
    return out.getvalue()


def _flush(mailbox):
    """Have the worker send what the steps queued, then start with an empty mailbox."""
    run_jobs()
    mailbox.clear()


def _escalate(incident, supervisor, safeguarding):
    services.incident_triage(
        incident=incident,
        by=supervisor,
        decision="escalate",
        reason="High severity.",
        escalate_to=safeguarding,
    )


def _queued(task="send_incident_notice") -> int:
    from procrastinate.contrib.django.models import ProcrastinateJob

    return ProcrastinateJob.objects.filter(task_name=task, status="todo").count()


def test_escalation_queues_the_leads_email_with_it_and_the_worker_sends_it(
    make, supervisor, safeguarding, mailbox, settings
):
    settings.SITE_URL = "https://workforce.example.org"  # the link is built on it
    incident = make("reported", severity="high")
    _flush(mailbox)  # the safeguarding leads' alert about the report itself
    _escalate(incident, supervisor, safeguarding)
    assert mailbox == []  # nothing from the request itself: the worker sends it
    assert _queued() == 1
    assert sent(run_jobs()) == 1
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
        _escalate(incident, supervisor, safeguarding)
        raise RuntimeError("something later failed")
    assert mailbox == [] and not IncidentNotice.objects.filter(kind="escalated").exists()
    # The job went with the rest of the transaction: there is nothing to send.
    run_jobs()
    assert [m for m in mailbox if "escalated" in m.subject] == []


def test_an_escalation_email_whose_jobs_all_failed_is_sent_by_send_reminders(
    make, supervisor, safeguarding, mailbox, monkeypatch
):
    from supervision.incidents.services import notify

    def broken(*args, **kwargs):
        raise OSError("SMTP is down")

    incident = make("reported", severity="high")
    _flush(mailbox)  # the safeguarding leads' alert about the report itself
    monkeypatch.setattr(notify, "send_mail", broken)
    _escalate(incident, supervisor, safeguarding)
    ((task, error),) = run_jobs()
    assert (task, str(error)) == ("send_incident_notice", "SMTP is down")
    assert IncidentNotice.objects.get(kind="escalated").sent_at is None
    monkeypatch.undo()
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert [m.subject for m in mailbox] == [
        f"Boundary incident #{incident.pk} has been escalated to you"
    ]
    assert "1 earlier email(s) sent" in out.getvalue()


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
    assert "no new overdue steps; 0 email(s) queued; 0 earlier" in _run("2026-03-02", "15:00")
    assert len(mailbox) == 1

    out = _run("2026-03-05", "08:00")
    assert "1 triage overdue" in out and "1 action overdue" in out
    recipients = sorted(m.to[0] for m in mailbox[1:])
    assert recipients == sorted([supervisor.email, peer.email])
    assert "no new overdue steps; 0 email(s) queued" in _run("2026-03-06", "08:00")
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
        _escalate(incident, supervisor, safeguarding)
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
    assert "0 email(s) queued; 0 earlier email(s) sent" in _run("2026-03-05")


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
