"""Plain builders for workforce test data, shared by tests/workforce's fixtures and the
access matrix rows (tests/register/matrix.py), which cannot see a sub-folder's fixtures."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from roles import services as role_services
from roles.models import EscalationStep, RoleDuty, RoleExclusion, SupervisionRequirement
from roles.models import TrainingRequirement as Training
from workforce.models import Person, Team
from workforce.register import services

DEFAULT_TRAINING = [("Safeguarding adults level 2", 12), ("Peer support induction", None)]


def _training(item: str, renewal_months: int | None, remind_days_before: int = 30) -> Training:
    return Training(item=item, renewal_months=renewal_months, remind_days_before=remind_days_before)


def published_version(
    organisation,
    by,
    *,
    title: str = "Peer support worker",
    family: str = "peer_support_worker",
    training=DEFAULT_TRAINING,
):
    """A published role version made the way a lead makes one, through the roles services.
    Each training row is (item, renewal months) or (item, renewal months, reminder days)."""
    content = role_services.RoleContent(
        title=title,
        afc_band="3",
        duties=[RoleDuty(text="Share lived experience to build hope")],
        exclusions=[RoleExclusion(text="Clinical advice")],
        supervision_requirements=[
            SupervisionRequirement(kind="line_management", min_frequency_days=56, min_minutes=60)
        ],
        escalation_steps=[
            EscalationStep(
                who="Supervisor", for_what="Any worry about a boundary", how_fast="same_day"
            )
        ],
        training_requirements=[_training(*row) for row in training],
    )
    draft = role_services.role_create(
        organisation=organisation, family=family, content=content, by=by
    )
    return role_services.role_version_publish(version=draft, by=by)


def newer_version(version, by, *, title: str | None = None):
    """Version n+1 of the same role, published (so `version` becomes superseded)."""
    draft, _ = role_services.role_version_new_draft_from(version=version, by=by)
    content = role_services.RoleContent(
        **{name: getattr(draft, name) for name in role_services.CONTENT_FIELDS},
        **{name: list(getattr(draft, name).all()) for name, _, _ in role_services.LISTS},
    )
    content.title = title or f"{version.title} (revised)"
    role_services.role_version_update_draft(version=draft, content=content, by=by)
    return role_services.role_version_publish(version=draft, by=by)


def assign(
    person: Person,
    version,
    *,
    supervisor,
    by,
    team: Team | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    hours: str = "22.5",
):
    return services.assignment_create(
        person=person,
        role_version=version,
        team=team or person.organisation.teams.order_by("pk").first(),
        supervisor=supervisor,
        start_date=start or timezone.localdate() - datetime.timedelta(days=30),
        end_date=end,
        hours_per_week=Decimal(hours),
        by=by,
    )


def peer_assignment(fixture):
    """`peer` in a published role, supervised by `supervisor`: for matrix rows."""
    org, lead = fixture("org"), fixture("lead")
    version = published_version(org, lead)
    return assign(fixture("peer").person, version, supervisor=fixture("supervisor"), by=lead)
