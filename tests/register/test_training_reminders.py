"""Training reminders: N days before expiry (per requirement) and on the day, to the person and
their current supervisor, once each, never for a renewed record or a leaver; and the home
page panels that show the same records to the person, their supervisor and the lead."""

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from roles import services as role_services
from roles.models import TrainingRequirement
from tests import factories
from tests.factories import make_login
from tests.queue import run_jobs, sent
from workforce.models import Person, TrainingReminder
from workforce.register import selectors, services
from workforce.register.services import training_reminders

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
ITEM = "Safeguarding adults level 2"


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    return mail.outbox


def _record(assignment, lead, *, expires_on, completed_on=TODAY - 300 * DAY, item=ITEM):
    requirement = assignment.role_version.training_requirements.get(item=item)
    return services.training_record_create(
        person=assignment.person,
        requirement=requirement,
        completed_on=completed_on,
        expires_on=expires_on,
        by=lead,
    )


def _run(day):
    """The scheduled job on `day` (what earlier runs left unsent, then what is due), then
    the worker sending what it queued: how many reminders were recorded and how many emails
    went out."""
    swept = training_reminders.deliver(recorded_before=timezone.now())
    recorded = training_reminders.remind_due(today=day)
    return {"recorded": recorded, "sent": swept + sent(run_jobs())}


def _to(outbox):
    return sorted(address for message in outbox for address in message.to)


def test_n_days_before_and_on_the_day_each_send_once(peer_assignment, lead, outbox):
    peer, supervisor = peer_assignment.person, peer_assignment.supervisor
    expires = TODAY + 40 * DAY
    record = _record(peer_assignment, lead, expires_on=expires)

    assert _run(expires - 31 * DAY)["recorded"] == 0  # one day too early for the default 30
    assert outbox == []

    counts = _run(expires - 30 * DAY)
    assert counts == {"recorded": 2, "sent": 2}
    assert _to(outbox) == sorted([peer.email, supervisor.email])
    mine = next(m for m in outbox if m.to == [peer.email])
    assert f"Your training “{ITEM}” expires on {expires:%-d %B %Y}" == mine.subject
    assert "in 30 days" in mine.body and "What to do" in mine.body
    theirs = next(m for m in outbox if m.to == [supervisor.email])
    assert theirs.subject == f"Training for someone you supervise expires on {expires:%-d %B %Y}"
    # The supervisor's email names the training, not the person.
    for detail in (peer.full_name, peer.display_name, peer.email):
        assert detail not in theirs.body and detail not in theirs.subject
    # Links are absolute, on the site's own address (SITE_URL).
    assert settings.SITE_URL + reverse("workforce:person", args=[peer.pk]) in theirs.body
    assert settings.SITE_URL + reverse("workforce:my_profile") in mine.body

    outbox.clear()
    for day in (expires - 29 * DAY, expires - DAY):
        assert _run(day) == {"recorded": 0, "sent": 0}
    assert outbox == []

    assert _run(expires) == {"recorded": 2, "sent": 2}
    assert all("expires today" in m.subject for m in outbox)
    assert set(record.reminders.values_list("kind", flat=True)) == {"before", "on_the_day"}

    outbox.clear()
    assert _run(expires) == {"recorded": 0, "sent": 0}  # the same day again
    assert _run(expires + DAY) == {"recorded": 0, "sent": 0}
    assert outbox == []


def test_the_command_twice_sends_nothing_the_second_time(peer_assignment, lead, outbox):
    _record(peer_assignment, lead, expires_on=TODAY + 30 * DAY)
    first, second = StringIO(), StringIO()
    call_command("send_reminders", stdout=first)
    assert "Training reminders: 2 email(s) queued; 0 earlier email(s) sent." in first.getvalue()
    assert outbox == []  # the worker sends them
    assert sent(run_jobs()) == 2
    call_command("send_reminders", stdout=second)
    assert "Training reminders: 0 email(s) queued; 0 earlier email(s) sent." in second.getvalue()
    assert run_jobs() == []
    assert len(outbox) == 2


def test_each_requirement_sets_its_own_days(org, lead, peer, supervisor, team, outbox):
    version = factories.published_version(
        org, lead, title="Peer trainer", training=[("First aid", 36, 7)]
    )
    assignment = factories.assign(peer.person, version, supervisor=supervisor, by=lead, team=team)
    expires = TODAY + 20 * DAY
    _record(assignment, lead, expires_on=expires, item="First aid")
    assert _run(expires - 30 * DAY)["recorded"] == 0
    assert _run(expires - 8 * DAY)["recorded"] == 0
    assert _run(expires - 7 * DAY) == {"recorded": 2, "sent": 2}


def test_a_renewed_record_gets_no_reminder(peer_assignment, lead, outbox):
    expires = TODAY + 10 * DAY
    _record(peer_assignment, lead, expires_on=expires)
    assert _run(expires - 10 * DAY)["sent"] == 2
    outbox.clear()
    # Renewed before the day: neither the old record nor the new one is due.
    _record(peer_assignment, lead, completed_on=TODAY, expires_on=TODAY + 365 * DAY)
    assert _run(expires) == {"recorded": 0, "sent": 0}
    assert outbox == []


def test_renewal_under_a_newer_version_of_the_role_counts(peer_assignment, lead, supervisor):
    expires = TODAY + 10 * DAY
    _record(peer_assignment, lead, expires_on=expires)
    newer = factories.newer_version(peer_assignment.role_version, lead)
    moved = services.assignment_move_to_version(
        assignment=peer_assignment, role_version=newer, on=TODAY, by=lead
    )
    _record(moved, lead, completed_on=TODAY, expires_on=TODAY + 365 * DAY)
    assert _run(expires)["recorded"] == 0


def test_no_reminders_for_a_leaver(peer_assignment, lead, outbox):
    expires = TODAY + 5 * DAY
    _record(peer_assignment, lead, expires_on=expires)
    services.person_leave(person=peer_assignment.person, by=lead, end_date=TODAY, reason="resigned")
    assert _run(expires - 5 * DAY) == {"recorded": 0, "sent": 0}
    assert _run(expires) == {"recorded": 0, "sent": 0}
    assert outbox == []


def test_only_current_supervisors_are_reminded(peer_assignment, lead, org, outbox):
    expires = TODAY + 30 * DAY
    _record(peer_assignment, lead, expires_on=expires)
    services.assignment_end(assignment=peer_assignment, end_date=TODAY, by=lead)
    _run(expires - 30 * DAY + DAY)  # the day after the assignment ended
    assert _to(outbox) == [peer_assignment.person.email]


def test_a_failed_email_is_retried_and_never_doubled(peer_assignment, lead, outbox, monkeypatch):
    expires = TODAY + 30 * DAY
    _record(peer_assignment, lead, expires_on=expires)

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(training_reminders, "send_mail", broken)
    assert _run(expires - 30 * DAY) == {"recorded": 2, "sent": 0}
    monkeypatch.undo()
    assert _run(expires - 29 * DAY) == {"recorded": 0, "sent": 2}
    assert _run(expires - 28 * DAY) == {"recorded": 0, "sent": 0}
    assert len(outbox) == 2


def test_no_email_address_is_recorded_not_retried(peer_assignment, lead, outbox):
    Person.objects.filter(pk=peer_assignment.person_id).update(email="")
    peer_assignment.person.user.__class__.objects.filter(pk=peer_assignment.person.user_id).update(
        email=""
    )
    expires = TODAY + 30 * DAY
    record = _record(peer_assignment, lead, expires_on=expires)
    assert _run(expires - 30 * DAY) == {"recorded": 2, "sent": 1}  # the supervisor only
    assert record.reminders.get(recipient=None).failure == "no email address"
    assert _run(expires - 29 * DAY)["sent"] == 0


def test_the_database_keeps_each_reminder_unique(peer_assignment, lead):
    record = _record(peer_assignment, lead, expires_on=TODAY + 30 * DAY)
    now = timezone.now()
    TrainingReminder.objects.create(record=record, kind="before", due_on=TODAY, created_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingReminder.objects.create(record=record, kind="before", due_on=TODAY, created_at=now)
    who = peer_assignment.supervisor
    TrainingReminder.objects.create(
        record=record, kind="before", recipient=who, due_on=TODAY, created_at=now
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingReminder.objects.create(
            record=record, kind="before", recipient=who, due_on=TODAY, created_at=now
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingReminder.objects.create(record=record, kind="later", due_on=TODAY, created_at=now)


# --- The reminder days on the requirement


@pytest.mark.parametrize("days", [0, 366])
def test_the_database_refuses_reminder_days_out_of_range(org, lead, days):
    draft = role_services.role_create(
        organisation=org,
        family="peer_support_worker",
        content=role_services.RoleContent(
            title="Draft",
            afc_band="3",
            training_requirements=[TrainingRequirement(item="First aid")],
        ),
        by=lead,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.training_requirements.update(remind_days_before=days)


@pytest.mark.parametrize("days", [0, 366])
def test_the_roles_service_refuses_reminder_days_out_of_range(org, lead, days):
    content = role_services.RoleContent(
        title="Draft",
        afc_band="3",
        training_requirements=[TrainingRequirement(item="First aid", remind_days_before=days)],
    )
    with pytest.raises(role_services.RoleRuleError):
        role_services.role_create(
            organisation=org, family="peer_support_worker", content=content, by=lead
        )


def test_reminder_days_are_kept_on_new_drafts(org, lead):
    version = factories.published_version(org, lead, training=[("First aid", 12, 14)])
    draft, _ = role_services.role_version_new_draft_from(version=version, by=lead)
    assert draft.training_requirements.get().remind_days_before == 14


def test_the_editor_saves_reminder_days_and_refuses_bad_ones(client, org, lead):
    from tests.roles.test_editor import GOOD_LISTS, editor_data

    client.force_login(lead)
    bad = {
        **GOOD_LISTS,
        "training_requirements": [
            {"item": "First aid", "renewal_months": "12", "remind_days_before": "0"}
        ],
    }
    html = client.post(reverse("roles:create"), editor_data(lists=bad)).content.decode()
    assert "There is a problem" in html
    assert "Enter a number of days from 1 to 365, or leave it empty." in html
    assert not TrainingRequirement.objects.exists()

    good = {
        **GOOD_LISTS,
        "training_requirements": [
            {"item": "First aid", "renewal_months": "12", "remind_days_before": "14"}
        ],
    }
    assert client.post(reverse("roles:create"), editor_data(lists=good)).status_code == 302
    assert TrainingRequirement.objects.get().remind_days_before == 14


def test_the_editor_defaults_empty_reminder_days(client, org, lead):
    from tests.roles.test_editor import GOOD_LISTS, editor_data

    client.force_login(lead)
    rows = {
        **GOOD_LISTS,
        "training_requirements": [
            {"item": "First aid", "renewal_months": "12", "remind_days_before": ""}
        ],
    }
    assert client.post(reverse("roles:create"), editor_data(lists=rows)).status_code == 302
    assert TrainingRequirement.objects.get().remind_days_before == 30


# --- Home pages


@pytest.fixture
def expiring(peer_assignment, lead, personas, team, org):
    """peer's training expires in 20 days; peer2 (supervised by someone else) has one that
    expired last week; an outsider's organisation has its own."""
    mine = _record(peer_assignment, lead, expires_on=TODAY + 20 * DAY)
    other_supervisor = make_login("other-supervisor", org, "supervisor")
    other = factories.assign(
        personas["peer2"].person,
        peer_assignment.role_version,
        supervisor=other_supervisor,
        by=lead,
        team=team,
    )
    theirs = _record(other, lead, expires_on=TODAY - 7 * DAY)
    # Far from expiry: on nobody's panel.
    _record(other, lead, item="Peer support induction", expires_on=TODAY + 200 * DAY)
    return mine, theirs


def _panel(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    return response.context["training"], response.content.decode()


def test_the_person_sees_their_own_expiring_training(client, personas, expiring):
    mine, theirs = expiring
    panel, html = _panel(client, personas["peer"])
    assert panel.mine == [mine] and panel.supervisees == [] and panel.organisations == []
    assert f"{ITEM}, expires on {mine.expires_on:%-d %b %Y}" in html


def test_the_supervisor_sees_only_their_supervisees(client, personas, expiring):
    mine, theirs = expiring
    panel, html = _panel(client, personas["supervisor"])
    assert panel.supervisees == [mine] and panel.mine == [] and panel.organisations == []
    assert personas["peer"].person.display_name in html
    assert personas["peer2"].person.display_name not in html


def test_the_lead_sees_the_organisations_counts_and_list(client, personas, expiring, org):
    mine, theirs = expiring
    panel, html = _panel(client, personas["lead"])
    assert [(o.name, o.expiring, o.expired) for o in panel.organisations] == [(org.name, 1, 1)]
    assert panel.organisation_records == [theirs, mine]
    assert "expired</strong> on" in html


@pytest.mark.parametrize("who", ["peer2", "finance", "outsider"])
def test_nobody_else_sees_those_records(client, personas, expiring, who):
    panel, html = _panel(client, personas[who])
    others = [r for r in panel.mine if r.person.user_id != personas[who].pk]
    assert others == [] and panel.supervisees == [] and panel.organisations == []
    assert reverse("workforce:person", args=[personas["peer"].person.pk]) + '"' not in html


def test_the_peer2_panel_shows_their_own_expired_record(client, personas, expiring):
    mine, theirs = expiring
    panel, html = _panel(client, personas["peer2"])
    assert panel.mine == [theirs]
    assert f"{ITEM}, <strong>expired</strong> on" in html


def test_home_selector_drops_renewed_and_leavers(personas, expiring, peer_assignment, lead):
    mine, theirs = expiring
    _record(peer_assignment, lead, completed_on=TODAY, expires_on=TODAY + 365 * DAY)
    services.person_leave(
        person=personas["peer2"].person, by=lead, end_date=TODAY, reason="resigned"
    )
    panel = selectors.training_home(personas["lead"])
    assert panel.organisations == [] and panel.organisation_records == []
