"""Deadlines: working days (weekends and the bank holidays of the organisation's nation),
the 24-hour and 4-hour acknowledgement rules counted in UTC across the clock changes,
per-organisation policies, and how overdue shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.incidents import deadlines, selectors, services
from supervision.incidents.checks import nations_have_bank_holidays
from supervision.incidents.models import Incident
from tests.factories import at, frozen, report_incident
from workforce.models import Organisation

D = datetime.date.fromisoformat
UTC = datetime.UTC
NATIONS = [nation.value for nation in Organisation.Nation]


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
    due = deadlines.triage_due(at(reported, "14:30"), 2, nation="england")
    assert due == at(due_day, "23:59:59")


def test_a_report_late_on_a_working_day_still_counts_from_that_day():
    due = deadlines.triage_due(at("2026-03-02", "23:30"), 2, nation="england")
    assert due == at("2026-03-04", "23:59:59")


@pytest.mark.parametrize(
    ("nation", "due_day"),
    [
        # Maundy Thursday 2026: Good Friday (3 April) and Easter Monday (6 April) skipped.
        ("england", "2026-04-08"),
        ("wales", "2026-04-08"),
        ("northern_ireland", "2026-04-08"),
        # Easter Monday is not a bank holiday in Scotland: Monday and Tuesday count.
        ("scotland", "2026-04-07"),
    ],
)
def test_triage_over_easter_in_each_nation(nation, due_day):
    due = deadlines.triage_due(at("2026-04-02", "11:00"), 2, nation=nation)
    assert due == at(due_day, "23:59:59")


@pytest.mark.parametrize(
    ("nation", "due_day"),
    [
        # St Andrew's Day, Monday 30 November 2026, is a bank holiday in Scotland only.
        ("scotland", "2026-12-02"),
        ("england", "2026-12-01"),
    ],
)
def test_st_andrews_day_is_a_scottish_bank_holiday(nation, due_day):
    assert deadlines.bank_holiday(D("2026-11-30"), nation="scotland") == "Saint Andrew's Day"
    due = deadlines.triage_due(at("2026-11-27", "16:00"), 2, nation=nation)  # a Friday
    assert due == at(due_day, "23:59:59")


@pytest.mark.parametrize(
    ("nation", "due_day"),
    [
        # Battle of the Boyne, Monday 12 July 2027: Northern Ireland only.
        ("northern_ireland", "2027-07-14"),
        ("england", "2027-07-13"),
        ("scotland", "2027-07-13"),
    ],
)
def test_the_twelfth_of_july_in_northern_ireland(nation, due_day):
    due = deadlines.triage_due(at("2027-07-09", "10:00"), 2, nation=nation)  # a Friday
    assert due == at(due_day, "23:59:59")


def test_working_days_come_from_each_nations_calendar():
    # 12 July 2026 is a Sunday: Northern Ireland has Monday 13 July instead.
    assert not deadlines.is_working_day(D("2026-07-13"), nation="northern_ireland")
    assert deadlines.is_working_day(D("2026-07-13"), nation="wales")
    # St Patrick's Day; Scotland's 2 January and first Monday of August.
    assert not deadlines.is_working_day(D("2026-03-17"), nation="northern_ireland")
    assert deadlines.is_working_day(D("2026-03-17"), nation="england")
    assert not deadlines.is_working_day(D("2026-01-02"), nation="scotland")
    assert not deadlines.is_working_day(D("2026-08-03"), nation="scotland")
    assert deadlines.is_working_day(D("2026-08-31"), nation="scotland")
    assert not deadlines.is_working_day(D("2026-08-31"), nation="england")
    assert not deadlines.is_working_day(D("2026-08-29"), nation="england")  # Saturday
    assert deadlines.add_working_days(D("2026-08-28"), 1, nation="england") == D("2026-09-01")
    # The calendar does not run out: years far ahead are worked out by the package.
    assert deadlines.bank_holiday(D("2040-12-25"), nation="wales") == "Christmas Day"
    with pytest.raises(ValueError):
        deadlines.add_working_days(D("2026-08-28"), 0, nation="england")
    with pytest.raises(ValueError, match="unknown nation"):
        deadlines.is_working_day(D("2026-08-28"), nation="")


def test_every_nation_has_a_calendar_and_the_check_says_when_one_has_not(monkeypatch):
    assert set(deadlines.SUBDIVISIONS) == set(NATIONS)
    assert nations_have_bank_holidays() == []
    monkeypatch.setitem(deadlines.SUBDIVISIONS, "wales", "XXX")
    errors = nations_have_bank_holidays()
    assert [e.id for e in errors] == ["incidents.E001"]
    assert "Wales" in errors[0].msg


def test_upcoming_bank_holidays_are_the_nations_own():
    coming = deadlines.upcoming_bank_holidays(D("2026-11-01"), nation="scotland")
    assert coming == [
        (D("2026-11-30"), "Saint Andrew's Day"),
        (D("2026-12-25"), "Christmas Day"),
        (D("2026-12-26"), "Boxing Day"),
    ]


def test_the_deadlines_page_names_the_nation_and_its_next_bank_holidays(client, org, lead):
    Organisation.objects.filter(pk=org.pk).update(nation="scotland")
    client.force_login(lead)
    with frozen("2026-11-01"):
        page = client.get(reverse("incidents:policy", kwargs={"pk": org.pk})).text
    assert "bank holidays of Scotland" in page
    assert "Monday 30 November 2026: Saint Andrew&#x27;s Day" in page


def test_a_report_counts_the_working_days_of_its_organisations_nation(make, org, peer):
    Organisation.objects.filter(pk=org.pk).update(nation="scotland")
    peer.person.refresh_from_db()
    with frozen("2026-04-02", "09:00"):  # Maundy Thursday
        incident = make("reported")
    assert incident.triage_due_at == at("2026-04-07", "23:59:59")


@pytest.mark.parametrize(
    ("escalated", "severity", "due_utc"),
    [
        # Saturday 28 March 2026, 22:00 GMT: the clocks go forward at 01:00 on Sunday, so
        # 24 hours on is 22:00 UTC, which is 23:00 on the wall clock.
        (at("2026-03-28", "22:00"), "high", datetime.datetime(2026, 3, 29, 22, 0, tzinfo=UTC)),
        # 00:30 GMT on the Sunday itself: 4 hours on is 04:30 UTC, 05:30 BST.
        (at("2026-03-29", "00:30"), "critical", datetime.datetime(2026, 3, 29, 4, 30, tzinfo=UTC)),
        # Saturday 24 October 2026, 12:00 BST (11:00 UTC): the clocks go back at 02:00 on
        # Sunday, so 24 hours on is 11:00 UTC, which is 11:00 GMT.
        (at("2026-10-24", "12:00"), "high", datetime.datetime(2026, 10, 25, 11, 0, tzinfo=UTC)),
        # 00:30 BST on the Sunday (23:30 UTC on Saturday): 4 hours on is 03:30 UTC and GMT.
        (at("2026-10-25", "00:30"), "critical", datetime.datetime(2026, 10, 25, 3, 30, tzinfo=UTC)),
    ],
)
def test_acknowledgement_hours_are_counted_in_utc_across_the_clock_changes(
    make, escalated, severity, due_utc
):
    with deadlines.frozen(escalated):
        incident = make("escalated", severity=severity)
    assert incident.acknowledge_due_at == due_utc
    hours = 4 if severity == "critical" else 24
    elapsed = incident.acknowledge_due_at.astimezone(UTC) - escalated.astimezone(UTC)
    assert elapsed == datetime.timedelta(hours=hours)


def test_acknowledgement_across_the_march_clock_change_shows_local_time():
    policy = deadlines.Policy()
    due = deadlines.acknowledge_due(
        at("2026-03-28", "22:00"), severity="high", safeguarding="none", policy=policy
    )
    assert timezone.localtime(due).strftime("%Y-%m-%d %H:%M %Z") == "2026-03-29 23:00 BST"


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
