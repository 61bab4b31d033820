"""Deadlines: working days (weekends and England and Wales bank holidays), the 24-hour and
4-hour acknowledgement rules, per-organisation policies, and how overdue shows."""

import datetime

import pytest
from django.core import checks
from django.urls import reverse

from supervision.incidents import deadlines, selectors, services
from supervision.incidents.checks import bank_holidays_cover_next_year
from supervision.incidents.models import Incident
from tests.factories import report_incident
from tests.incidents.builders import at, frozen

D = datetime.date.fromisoformat


@pytest.mark.parametrize(
    ("reported", "due_day"),
    [
        # Monday: Tuesday (1), Wednesday (2).
        ("2026-03-02", "2026-03-04"),
        # Thursday: Friday, Monday.
        ("2026-03-05", "2026-03-09"),
        # Friday: Monday, Tuesday.
        ("2026-03-06", "2026-03-10"),
        # Saturday and Sunday count from Monday.
        ("2026-03-07", "2026-03-10"),
        ("2026-03-08", "2026-03-10"),
        # Maundy Thursday 2026: Good Friday (3 April) and Easter Monday (6 April) skipped.
        ("2026-04-02", "2026-04-08"),
        # Before the early May bank holiday (Monday 4 May 2026).
        ("2026-05-01", "2026-05-06"),
        # Christmas 2026: 25 (Fri) and the substitute Boxing Day 28 (Mon) skipped.
        ("2026-12-24", "2026-12-30"),
        # New Year 2027 (Friday 1 January).
        ("2026-12-31", "2027-01-05"),
        # Christmas 2027 falls on a Saturday: 27 and 28 December are both holidays.
        ("2027-12-24", "2027-12-30"),
    ],
)
def test_triage_is_due_at_the_end_of_the_second_working_day(reported, due_day):
    due = deadlines.triage_due(at(reported, "14:30"), 2)
    assert due == at(due_day, "23:59:59")


def test_a_report_late_on_a_working_day_still_counts_from_that_day():
    assert deadlines.triage_due(at("2026-03-02", "23:30"), 2) == at("2026-03-04", "23:59:59")


def test_working_days_table_is_dated_and_checked():
    assert deadlines.is_working_day(D("2026-08-28"))  # Friday
    assert not deadlines.is_working_day(D("2026-08-31"))  # Summer bank holiday
    assert not deadlines.is_working_day(D("2026-08-29"))  # Saturday
    assert deadlines.add_working_days(D("2026-08-28"), 1) == D("2026-09-01")
    with pytest.raises(ValueError):
        deadlines.add_working_days(D("2026-08-28"), 0)


def test_the_system_check_warns_when_the_table_runs_out(monkeypatch):
    monkeypatch.setattr(deadlines, "LAST_YEAR_COVERED", 2020)
    warnings = bank_holidays_cover_next_year()
    assert [w.id for w in warnings] == ["incidents.W001"]
    assert isinstance(warnings[0], checks.Warning)


def test_report_sets_the_triage_deadline_from_the_policy(make, org, lead):
    with frozen("2026-03-06", "09:00"):  # a Friday
        incident = make("reported")
    assert incident.triage_due_at == at("2026-03-10", "23:59:59")
    services.policy_update(
        organisation=org,
        by=lead,
        triage_working_days=1,
        acknowledge_hours=12,
        acknowledge_urgent_hours=2,
    )
    with frozen("2026-03-06", "09:00"):
        sooner = make("reported")
    assert sooner.triage_due_at == at("2026-03-09", "23:59:59")
    # The deadline already set is not moved.
    assert Incident.objects.get(pk=incident.pk).triage_due_at == at("2026-03-10", "23:59:59")


@pytest.mark.parametrize(
    ("severity", "concern", "hours"),
    [
        ("high", "none", 24),
        ("moderate", "adult", 24),
        ("critical", "none", 4),
        ("low", "child", 4),
        ("critical", "child", 4),
    ],
)
def test_acknowledgement_within_24_hours_or_4_when_critical_or_a_child_is_at_risk(
    make, severity, concern, hours
):
    with frozen("2026-03-06", "22:00"):  # Friday night: clock hours, not working hours
        incident = make("escalated", severity=severity, safeguarding=concern)
    assert incident.escalated_at == at("2026-03-06", "22:00")
    assert incident.acknowledge_due_at == incident.escalated_at + datetime.timedelta(hours=hours)


def test_organisation_can_set_its_own_acknowledgement_hours(make, org, lead):
    services.policy_update(
        organisation=org,
        by=lead,
        triage_working_days=2,
        acknowledge_hours=8,
        acknowledge_urgent_hours=1,
    )
    with frozen("2026-03-04", "10:00"):
        usual = make("escalated", severity="high")
        urgent = make("escalated", severity="critical")
    assert usual.acknowledge_due_at == at("2026-03-04", "18:00")
    assert urgent.acknowledge_due_at == at("2026-03-04", "11:00")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"triage_working_days": 0}, "1 to 10 working days"),
        ({"acknowledge_hours": 100}, "1 to 72 hours"),
        ({"acknowledge_urgent_hours": 30}, "no longer than the usual one"),
    ],
)
def test_policy_values_are_checked(org, lead, fields, message):
    values = {"triage_working_days": 2, "acknowledge_hours": 24, "acknowledge_urgent_hours": 4}
    with pytest.raises(services.IncidentError, match=message):
        services.policy_update(organisation=org, by=lead, **{**values, **fields})


def test_only_leads_of_the_organisation_set_deadlines(org, supervisor, outsider):
    values = {"triage_working_days": 2, "acknowledge_hours": 24, "acknowledge_urgent_hours": 4}
    for who in (supervisor, outsider):
        with pytest.raises(services.IncidentError, match="Only co-production and safeguarding"):
            services.policy_update(organisation=org, by=who, **values)


def test_correcting_to_critical_brings_the_acknowledgement_forward_never_back(make, supervisor):
    with frozen("2026-03-04", "10:00"):
        incident = make("escalated", severity="high")
    assert incident.acknowledge_due_at == at("2026-03-05", "10:00")
    with frozen("2026-03-04", "11:00"):
        services.incident_correct(
            incident=incident, by=supervisor, reason="Worse.", severity="critical"
        )
    incident.refresh_from_db()
    assert incident.acknowledge_due_at == at("2026-03-04", "14:00")
    with frozen("2026-03-04", "11:30"):
        services.incident_correct(incident=incident, by=supervisor, reason="Less.", severity="high")
    incident.refresh_from_db()
    assert incident.acknowledge_due_at == at("2026-03-04", "14:00")


def test_overdue_is_described_in_plain_english():
    describe = deadlines.describe_duration
    assert describe(datetime.timedelta(minutes=12)) == "12 minutes"
    assert describe(datetime.timedelta(hours=5, minutes=10)) == "5 hours 10 minutes"
    assert describe(datetime.timedelta(days=2, hours=3, minutes=4)) == "2 days 3 hours"
    assert describe(datetime.timedelta(days=1)) == "1 day"
    assert describe(datetime.timedelta(seconds=5)) == "1 minute"
    due = at("2026-03-04", "10:00")
    assert deadlines.overdue_by(due, at("2026-03-04", "09:00")) is None
    assert deadlines.overdue_by(due, at("2026-03-04", "13:00")) == datetime.timedelta(hours=3)


def test_overdue_steps_are_found_and_shown(make, supervisor, client, safeguarding):
    with frozen("2026-03-02", "09:00"):
        late_triage = make("reported")
        late_ack = make("escalated", severity="high")
        triaged = make("triaged")
        services.incident_add_action(
            incident=triaged,
            by=supervisor,
            description="Refresher",
            owner=supervisor,
            due_on=D("2026-03-03"),
        )
    with frozen("2026-03-04", "12:00"):
        on_time = make("reported")
        overdue = set(Incident.objects.filter(selectors.overdue_q()).values_list("pk", flat=True))
        assert overdue == {late_ack.pk, triaged.pk}
    with frozen("2026-03-05", "12:00"):
        overdue = set(Incident.objects.filter(selectors.overdue_q()).values_list("pk", flat=True))
        assert overdue == {late_triage.pk, late_ack.pk, triaged.pk}
        assert on_time.pk not in overdue
        client.force_login(safeguarding)
        html = client.get(reverse("incidents:detail", args=[late_ack.pk])).content.decode()
        assert "Overdue by 2 days 3 hours" in html
        html = client.get(reverse("incidents:detail", args=[late_triage.pk])).content.decode()
        assert "Overdue by 12 hours" in html
        listed = client.get(reverse("incidents:list") + "?overdue=on").context["page"]
        assert {i.pk for i in listed.object_list} == overdue


def test_report_without_a_time_or_in_the_future(make, supervisor, peer):
    with pytest.raises(services.IncidentError, match="cannot be in the future") as refused:
        report_incident(
            supervisor, peer.person, occurred_on=deadlines.today() + datetime.timedelta(days=1)
        )
    assert refused.value.field == "occurred_on"
