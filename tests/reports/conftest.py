"""A small register whose every figure is worked out by hand in the tests.

Dates hang off M, the first day of the month four months ago, so the three report months
(M, M+1, M+2) and their month ends are in the past, whatever day the tests run:

- alice: employed, peer support worker (band 3), Community Team, 37.5 h, started M+10;
  never supervised (due M+66).
- carol: employed, senior peer (band 4), Community Team, 22.5 h, started M+1 month+20.
- bob: sessional, peer support worker, the second team, 15 h, started a year before M;
  confirmed supervision on M+2 months+5.
- dan: employed, peer support worker, the second team, 30 h, started two years before M,
  left on M+1 month+10.
- erin: the other organisation's peer support worker (band 4), started M+10: never counted
  for this organisation's leads.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
    make_role_version,
    make_supervision_session,
)
from workforce.models import Team


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


@dataclass
class Register:
    m0: datetime.date
    m1: datetime.date
    m2: datetime.date
    end: datetime.date
    team_a: Team
    team_b: Team
    people: dict

    def params(self, **extra) -> dict:
        return {"start": self.m0.isoformat(), "end": self.end.isoformat(), **extra}


@pytest.fixture
def register(org, other_org, personas):
    m0 = add_months(timezone.localdate().replace(day=1), -4)
    m1, m2 = add_months(m0, 1), add_months(m0, 2)
    end = add_months(m0, 3) - datetime.timedelta(days=1)
    team_a = Team.objects.get(organisation=org, name="Community Team")
    # A formula in a team name: every CSV must neutralise it.
    team_b = TeamFactory(organisation=org, name='=HYPERLINK("http://x")')
    psw = make_role_version(org, title="Peer support worker", afc_band="3")
    senior = make_role_version(org, title="Senior peer", family="senior_peer", afc_band="4")
    other_psw = make_role_version(other_org, title="Other PSW", afc_band="4")
    supervisor = personas["supervisor"]
    day = datetime.timedelta

    def person(name, organisation, start, **fields):
        return PersonFactory(organisation=organisation, full_name=name, start_date=start, **fields)

    alice = person("Alice Able", org, m0 + day(10))
    carol = person("Carol Cole", org, m1 + day(20))
    bob = person(
        "Bob Brook",
        org,
        m0 - day(365),
        engagement_type="sessional",
        user=UserFactory(username="bob"),
    )
    dan = person(
        "Dan Dale",
        org,
        m0 - day(730),
        status="left",
        end_date=m1 + day(10),
        leaving_reason="resigned",
    )
    erin = person("Erin Else", other_org, m0 + day(10))

    def assign(who, version, team, hours, start, end_date=None, by=supervisor):
        return AssignmentFactory(
            person=who,
            role_version=version,
            team=team,
            supervisor=by,
            hours_per_week=hours,
            start_date=start,
            end_date=end_date,
        )

    assign(alice, psw, team_a, "37.5", alice.start_date)
    assign(carol, senior, team_a, "22.5", carol.start_date)
    assign(bob, psw, team_b, "15", bob.start_date)
    assign(dan, psw, team_b, "30", dan.start_date, dan.end_date)
    other_team = Team.objects.get(organisation=other_org)
    other_supervisor = personas["outsider"]
    assign(erin, other_psw, other_team, "37.5", erin.start_date, by=other_supervisor)
    make_supervision_session(supervisor=supervisor, supervisees=[bob], date=m2 + day(5))
    return Register(
        m0,
        m1,
        m2,
        end,
        team_a,
        team_b,
        {"alice": alice, "bob": bob, "carol": carol, "dan": dan, "erin": erin},
    )
