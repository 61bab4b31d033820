"""The demo has a year of supervision for the demo people: in date and overdue, a disputed
log, one waiting to be confirmed, group sessions and open actions; and seeding twice adds
nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from supervision import selectors
from supervision.models import SessionAction, SessionSupervisee, SupervisionSession
from supervision.selectors.compliance import Status
from workforce.models import Person


@pytest.fixture
def seeded(demo_seeded, settings):
    settings.DEBUG = True  # seed_demo, run again below, refuses to run otherwise


def _counts():
    return (
        SupervisionSession.objects.count(),
        SessionSupervisee.objects.count(),
        SessionAction.objects.count(),
    )


def test_a_year_of_sessions_in_every_state_and_seeding_again_adds_nothing(seeded):
    first = _counts()
    assert first[0] > 50
    call_command("seed_demo")
    assert _counts() == first

    peer = Person.objects.get(user__username="peer")
    dates = SessionSupervisee.objects.filter(person=peer).values_list("date", flat=True)
    assert (timezone.localdate() - min(dates)).days >= 330
    assert SupervisionSession.objects.filter(status="disputed").count() == 1
    assert SupervisionSession.objects.filter(status="awaiting").exists()
    groups = SupervisionSession.objects.annotate(n=Count("supervisee_links")).filter(n__gt=1)
    assert groups.exists()

    users = {u.username: u for u in get_user_model().objects.all()}
    sam = {r.requirement_kind: r.status for r in selectors.my_compliance(users["peer"])}
    assert sam["line_management"] == sam["peer"] == Status.IN_DATE
    assert SupervisionSession.objects.filter(kind="reflective_practice").exists()
    joe = {r.requirement_kind: r.status for r in selectors.my_compliance(users["peer2"])}
    assert joe["line_management"] == joe["peer"] == Status.OVERDUE
    assert selectors.awaiting_answer(users["supervisor"]).exists()
    open_actions = list(selectors.open_actions(users["peer2"]))
    assert any(a.is_overdue() for a in open_actions)
    assert selectors.open_actions(users["peer"]).exists()
    total, teams, _ = selectors.organisation_summaries(
        users["lead"], users["peer"].person.organisation
    )
    assert 0 < total.percent_compliant < 100 and total.never > 0 and len(teams) > 1
