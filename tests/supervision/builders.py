"""Plain builders for supervision test data, shared by tests/supervision's fixtures and the
access matrix rows (tests/supervision/matrix.py), which cannot see a sub-folder's fixtures."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from supervision import services
from supervision.services import ActionInput
from tests.factories import make_role_version
from workforce.models import Assignment

# A token planted in private notes and actions: it must never reach anyone but the parties.
SECRET = "PRIVATE-NOTE-7f3a9c"


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def version_with(organisation, *requirements, title="Peer support worker", **fields):
    """A published role version with these (kind, every N days, minimum minutes)."""
    return make_role_version(
        organisation,
        title=title,
        supervision=requirements or (("line_management", 28, 60),),
        **fields,
    )


def assign(person, version, *, supervisor, start=None, end=None, team=None, previous=None):
    return Assignment.objects.create(
        person=person,
        role_version=version,
        team=team or person.organisation.teams.order_by("pk").first(),
        supervisor=supervisor,
        start_date=start or days_ago(90),
        end_date=end,
        hours_per_week=Decimal("22.5"),
        previous=previous,
    )


def supervised_peers(fixture):
    """`peer` and `peer2` in a published role (line management every 28 days, 60 minutes),
    both supervised by `supervisor` since 90 days ago."""
    org = fixture("org")
    version = version_with(org)
    supervisor = fixture("supervisor")
    return {
        "version": version,
        "peer": assign(fixture("peer").person, version, supervisor=supervisor),
        "peer2": assign(fixture("peer2").person, version, supervisor=supervisor),
    }


def logged_by_peer(fixture, *, notes=SECRET, action=True, days=3):
    """A session `peer` logged with `supervisor`, waiting for confirmation, with private
    notes and an action that both carry SECRET."""
    supervised_peers(fixture)
    peer, supervisor = fixture("peer"), fixture("supervisor")
    date = days_ago(days)
    actions = (
        [ActionInput(text=f"Read the lone working policy {SECRET}", owner=peer, due_date=date)]
        if action
        else []
    )
    return services.session_log(
        logged_by=peer,
        supervisor=supervisor,
        supervisees=[peer.person],
        date=date,
        minutes=60,
        kind="line_management",
        format="in_person",
        topics=["boundaries", "wellbeing"],
        notes=notes,
        actions=actions,
    )


def matrix_session(fixture) -> dict:
    return {"pk": logged_by_peer(fixture).pk}


def matrix_action(fixture) -> dict:
    return {"pk": logged_by_peer(fixture).actions.get().pk}


def matrix_person(fixture) -> dict:
    supervised_peers(fixture)
    return {"pk": fixture("peer").person.pk}


def matrix_team(fixture) -> dict:
    supervised_peers(fixture)
    return {"pk": fixture("org").teams.order_by("pk").first().pk}


def matrix_organisation(fixture) -> dict:
    supervised_peers(fixture)
    return {"pk": fixture("org").pk}
