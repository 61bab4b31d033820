"""Compliance rows: one per active assignment and requirement of its role version, computed
in the database. Edge cases from the issue: new starters, several requirements, a role
version change, ended assignments; and only confirmed, long enough sessions count."""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from roles.models import RoleVersion
from supervision import selectors
from supervision.selectors.compliance import Status, annotate_compliance
from tests.factories import (
    assign_direct,
    days_ago,
    make_login,
    make_role_version,
    make_supervision_session,
    version_with,
)
from tests.reports.helpers import page_tables, table
from workforce.models import Assignment
from workforce.models import Capacity as C
from workforce.organisations import access


def _rows(person=None):
    rows = annotate_compliance(Assignment.objects.all()).order_by("pk", "requirement_id")
    if person is not None:
        rows = rows.filter(person=person)
    return list(rows)


def _one(person):
    rows = _rows(person)
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    ("started_days_ago", "status", "due_in_days"),
    [
        (0, Status.IN_DATE, 28),  # first day: not overdue
        (14, Status.DUE_SOON, 14),  # 14 days left is "due within 14 days"
        (13, Status.IN_DATE, 15),
        (28, Status.DUE_SOON, 0),  # due today is not yet overdue
        (29, Status.NEVER, -1),  # the first due date has passed with no session at all
    ],
)
def test_new_starter_is_due_frequency_days_after_starting(
    version, peer, supervisor, started_days_ago, status, due_in_days
):
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(started_days_ago))
    row = _one(peer.person)
    assert row.last_confirmed is None
    assert row.next_due == timezone.localdate() + datetime.timedelta(days=due_in_days)
    assert row.status == status


def test_next_due_runs_from_the_last_confirmed_session(version, peer, supervisor):
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(200))
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(60))
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(10))
    row = _one(peer.person)
    assert row.last_confirmed == days_ago(10)
    assert row.next_due == days_ago(10) + datetime.timedelta(days=28)
    assert row.status == Status.IN_DATE


def test_overdue_after_a_session_is_overdue_not_never(version, peer, supervisor):
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(200))
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(40))
    assert _one(peer.person).status == Status.OVERDUE


@pytest.mark.parametrize(
    "session",
    [
        {"status": "awaiting"},
        {"status": "disputed"},
        {"minutes": 59},  # shorter than the requirement's 60 minutes
        {"kind": "clinical"},  # another type
    ],
)
def test_only_confirmed_sessions_of_the_type_and_length_count(version, peer, supervisor, session):
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(200))
    make_supervision_session(
        supervisor=supervisor, supervisees=[peer.person], date=days_ago(5), **session
    )
    row = _one(peer.person)
    assert row.last_confirmed is None and row.status == Status.NEVER


def test_a_session_with_another_supervisor_counts(org, version, peer, supervisor):
    locum = make_login("locum", org, C.SUPERVISOR)
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(200))
    make_supervision_session(supervisor=locum, supervisees=[peer.person], date=days_ago(3))
    assert _one(peer.person).last_confirmed == days_ago(3)


def test_group_sessions_count_for_everyone_in_them(version, peer, peer2, supervisor):
    for who in (peer, peer2):
        assign_direct(who.person, version, supervisor=supervisor, start=days_ago(200))
    make_supervision_session(
        supervisor=supervisor,
        supervisees=[peer.person, peer2.person],
        date=days_ago(2),
        logged_by=supervisor,
    )
    assert _one(peer.person).last_confirmed == _one(peer2.person).last_confirmed == days_ago(2)


def test_several_requirements_give_a_row_each(org, peer, supervisor):
    version = version_with(org, ("line_management", 56, 60), ("clinical", 90, 45), ("peer", 28, 30))
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(100))
    make_supervision_session(
        supervisor=supervisor, supervisees=[peer.person], date=days_ago(50), kind="line_management"
    )
    make_supervision_session(
        supervisor=supervisor, supervisees=[peer.person], date=days_ago(2), kind="peer", minutes=30
    )
    rows = {row.requirement_kind: row for row in _rows(peer.person)}
    assert set(rows) == {"line_management", "clinical", "peer"}
    assert rows["line_management"].status == Status.DUE_SOON  # due in 6 days
    assert rows["clinical"].status == Status.NEVER  # due 10 days ago, never had one
    assert rows["peer"].status == Status.IN_DATE  # due in 26 days


def _move_to_new_version(version, assignment, *requirements, on):
    """Supersede `version` with a newer published one and move the assignment to it."""
    RoleVersion.objects.filter(pk=version.pk).update(
        status="superseded", superseded_at=timezone.now()
    )
    newer = make_role_version(
        version.role.organisation,
        role=version.role,
        number=version.number + 1,
        title=f"{version.title} (revised)",
        supervision=requirements,
    )
    Assignment.objects.filter(pk=assignment.pk).update(end_date=on - datetime.timedelta(days=1))
    return assign_direct(
        assignment.person,
        newer,
        supervisor=assignment.supervisor,
        start=on,
        team=assignment.team,
        previous=assignment,
    )


def test_a_role_version_change_keeps_the_clock_and_starts_new_types_from_the_move(
    version, peer, supervisor
):
    first = assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(300))
    # Under version 1: line management 28 days; never supervised, so badly overdue.
    assert _one(peer.person).status == Status.NEVER
    _move_to_new_version(
        version, first, ("line_management", 28, 60), ("clinical", 90, 60), on=days_ago(5)
    )
    rows = {row.requirement_kind: row for row in _rows(peer.person)}
    assert len(_rows(peer.person)) == 2  # the ended assignment has no rows
    # Moving to a newer version does not reset "never supervised" for a type it had.
    assert rows["line_management"].status == Status.NEVER
    assert rows["line_management"].next_due == days_ago(300) + datetime.timedelta(days=28)
    # A type the new version adds runs from the move.
    assert rows["clinical"].next_due == days_ago(5) + datetime.timedelta(days=90)
    assert rows["clinical"].status == Status.IN_DATE
    # Sessions held under the old version still count.
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(20))
    rows = {row.requirement_kind: row for row in _rows(peer.person)}
    assert rows["line_management"].last_confirmed == days_ago(20)
    assert rows["line_management"].status == Status.DUE_SOON


def test_ended_and_future_assignments_have_no_rows(version, peer, peer2, supervisor):
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(100), end=days_ago(1))
    assign_direct(
        peer2.person,
        version,
        supervisor=supervisor,
        start=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert _rows() == []


def test_an_assignment_ending_today_still_counts(version, peer, supervisor):
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(10), end=days_ago(0))
    assert len(_rows(peer.person)) == 1


def test_organisation_summaries_count_per_team_and_supervisor(org, lead, version, supervisor):
    teams = list(org.teams.order_by("pk"))
    second = org.teams.create(name="Recovery College")
    people = [make_login(f"worker{i}", org, C.PEER_WORKER).person for i in range(4)]
    for person in people[:3]:
        assign_direct(person, version, supervisor=supervisor, start=days_ago(100), team=teams[0])
    assign_direct(people[3], version, supervisor=lead, start=days_ago(100), team=second)
    make_supervision_session(supervisor=supervisor, supervisees=[people[0]], date=days_ago(1))
    make_supervision_session(supervisor=supervisor, supervisees=[people[1]], date=days_ago(20))
    total, by_team, by_supervisor = selectors.organisation_summaries(lead, org)
    community = next(s for s in by_team if s.pk == teams[0].pk)
    college = next(s for s in by_team if s.pk == second.pk)
    assert (community.total, community.in_date, community.due_soon, community.never) == (3, 1, 1, 1)
    assert community.percent_compliant == 66  # rounded down: 2 of 3
    assert (college.total, college.never, college.percent_compliant) == (1, 1, 0)
    assert (total.total, total.compliant, total.percent_compliant) == (4, 2, 50)
    assert {s.pk: s.total for s in by_supervisor} == {supervisor.pk: 3, lead.pk: 1}


def test_my_supervisees_puts_the_most_overdue_first(version, peer, peer2, supervisor):
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(200))
    assign_direct(peer2.person, version, supervisor=supervisor, start=days_ago(200))
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(2))
    rows = list(selectors.supervisee_compliance(supervisor))
    assert [r.person for r in rows] == [peer2.person, peer.person]
    assert [r.status for r in rows] == [Status.NEVER, Status.IN_DATE]


def test_compliance_is_scoped_by_the_access_layer(version, peer, peer2, supervisor, outsider):
    assign_direct(peer.person, version, supervisor=supervisor)
    assign_direct(peer2.person, version, supervisor=supervisor)
    assert {r.person for r in selectors.my_compliance(peer)} == {peer.person}
    assert list(selectors.supervisee_compliance(peer)) == []
    assert list(selectors.my_compliance(outsider)) == []


def test_the_type_a_peer_most_needs_is_the_default(org, peer, supervisor):
    version = version_with(org, ("line_management", 56, 60), ("peer", 28, 30))
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(40))
    # Peer supervision was due 12 days ago; line management is due in 16 days.
    assert selectors.default_kind(peer) == "peer"


def test_month_ends_are_the_last_days_of_earlier_months():
    ends = selectors.month_ends(datetime.date(2026, 3, 15), 4)
    assert ends == [
        datetime.date(2025, 12, 31),
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 15),
    ]


def test_compliance_by_month_follows_assignments_and_sessions(org, lead, version, peer, supervisor):
    assign_direct(peer.person, version, supervisor=supervisor, start=days_ago(100))
    make_supervision_session(supervisor=supervisor, supervisees=[peer.person], date=days_ago(5))
    months = selectors.monthly_summaries(lead, org)
    assert len(months) == 12
    assert months[0].total == 0  # eleven months ago nobody was assigned yet
    assert (months[-1].total, months[-1].percent_compliant) == (1, 100)
    total, _, _ = selectors.organisation_summaries(lead, org)
    assert months[-1].compliant == total.compliant


def test_next_due_has_one_definition_for_the_pages_the_reports_and_the_database(
    org, lead, version, supervisor, client
):
    """ "Next due" and the status are the database functions of migration 0002 wherever they
    are asked for: the ORM rows the compliance pages list, the compliance export, and the
    hand-written SQL the reports count and list late people with. Edge cases: a new starter,
    someone never supervised, a last session long ago, one recent, one leaving tomorrow
    and a leaver (no row anywhere)."""

    def person(name):
        return make_login(name, org, C.PEER_WORKER, full_name=name.title()).person

    starter, never, long_ago, recent, leaving, leaver = (
        person(name) for name in ("starter", "never", "longago", "recent", "leaving", "leaver")
    )
    assign_direct(starter, version, supervisor=supervisor, start=days_ago(3))
    assign_direct(never, version, supervisor=supervisor, start=days_ago(100))
    assign_direct(long_ago, version, supervisor=supervisor, start=days_ago(400))
    make_supervision_session(supervisor=supervisor, supervisees=[long_ago], date=days_ago(300))
    assign_direct(recent, version, supervisor=supervisor, start=days_ago(400))
    make_supervision_session(supervisor=supervisor, supervisees=[recent], date=days_ago(20))
    assign_direct(leaving, version, supervisor=supervisor, start=days_ago(60), end=days_ago(-1))
    assign_direct(leaver, version, supervisor=supervisor, start=days_ago(200), end=days_ago(5))

    day = datetime.timedelta
    expected = {
        "Starter": (None, days_ago(3) + day(28), Status.IN_DATE),
        "Never": (None, days_ago(100) + day(28), Status.NEVER),
        "Longago": (days_ago(300), days_ago(300) + day(28), Status.OVERDUE),
        "Recent": (days_ago(20), days_ago(20) + day(28), Status.DUE_SOON),
        "Leaving": (None, days_ago(60) + day(28), Status.NEVER),
    }
    rows = list(annotate_compliance(Assignment.objects.filter(person__organisation=org)))
    assert {r.person.full_name: (r.last_confirmed, r.next_due, r.status) for r in rows} == (
        expected
    )

    # The database functions themselves, called with each row's inputs.
    with connection.cursor() as cursor:
        for row in rows:
            cursor.execute(
                "SELECT supervision_next_due(%s, %s, %s),"
                " supervision_status(%s, supervision_next_due(%s, %s, %s), %s, %s)",
                [
                    row.last_confirmed,
                    row.required_since,
                    row.requirement_days,
                    row.last_confirmed,
                    row.last_confirmed,
                    row.required_since,
                    row.requirement_days,
                    timezone.localdate(),
                    selectors.compliance.DUE_SOON_DAYS,
                ],
            )
            assert cursor.fetchone() == (row.next_due, row.status)

    # The compliance export (the organisation's rows as the compliance pages list them).
    client.force_login(lead)
    response = client.get(reverse("supervision:compliance_export", args=[org.pk]))
    assert response.status_code == 200
    exported = b"".join(response.streaming_content).decode().splitlines()[1:]
    by_name = {line.split(",")[0]: line.split(",")[7:10] for line in exported}
    assert by_name == {
        name: [last.isoformat() if last else "", due.isoformat(), Status.LABELS[status]]
        for name, (last, due, status) in expected.items()
    }

    # The reports' set-based SQL: the counts and the late list.
    scoped = access.scoped(lead, Assignment)
    (counted,) = selectors.counts_on_days(scoped, [timezone.localdate()])
    statuses = Counter(status for _, _, status in expected.values())
    assert counted["total"] == len(expected)
    assert {status: counted[status] for status in Status.LABELS} == {
        status: statuses[status] for status in Status.LABELS
    }
    late = selectors.late_on(scoped, timezone.localdate())
    late_expected = sorted(
        (due, name, last, status)
        for name, (last, due, status) in expected.items()
        if status not in Status.COMPLIANT
    )
    assert [(row["next_due"], row["last_confirmed"], row["status"]) for row in late] == [
        (due, last, status) for due, _, last, status in late_expected
    ]

    # And the supervision report's page, which reads them.
    today = timezone.localdate()
    shown = table(
        page_tables(client, "supervision", {"start": today.isoformat(), "end": today.isoformat()}),
        "Overdue supervision",
    )
    assert [(name, last, due, status) for name, _, _, _, last, due, status, _ in shown] == [
        (name, last.isoformat() if last else "", due.isoformat(), Status.LABELS[status])
        for due, name, last, status in late_expected
    ]
