"""Demo register: about 30 people across both organisations, in the demo roles (from
roles/demo.py), with supervisors, training (some expiring within 60 days, some expired),
wellbeing plans and diversity answers.

Written through the services, so the rules hold and the audit trail reads like real use.
Idempotent: a person already on the register (matched on email) is left as they are, and
so are assignments, training, plans and answers that already exist. Dates are relative to
today, so "expiring soon" stays true whenever the demo is loaded.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from roles.models import RoleVersion
from workforce.demo.people_data import EXPIRED, EXPIRING, PEOPLE, TRUST, VALID, VCSE, DemoPerson
from workforce.organisations.models import Organisation
from workforce.platform.base import add_months
from workforce.register import services
from workforce.register.models import DiversityProfile, Person, TrainingRecord, WellbeingPlan


def _published(organisation: Organisation, title: str) -> RoleVersion | None:
    """The published version of the demo role whose first version had this title."""
    first = RoleVersion.objects.filter(
        role__organisation=organisation, number=1, title=title
    ).first()
    if first is None:
        return None
    return RoleVersion.objects.filter(role_id=first.role_id, status="published").first()


def _completed_on(state: str, renewal_months: int | None, start: datetime.date, today):
    if state == VALID:
        return max(start, today - datetime.timedelta(days=90))
    if renewal_months is None:
        return None  # a once-only course cannot expire
    if state == EXPIRING:  # expires in about three weeks
        return add_months(today, -renewal_months) + datetime.timedelta(days=21)
    if state == EXPIRED:  # expired about six weeks ago
        return add_months(today, -renewal_months) - datetime.timedelta(days=40)
    return None


def _person(spec: DemoPerson, organisation: Organisation, lead, today) -> tuple[Person, bool]:
    start = add_months(today, -spec.months_in_post)
    if spec.username:
        person = Person.objects.get(user__username=spec.username)
        if person.start_date is None:
            services.person_update(
                person=person, by=lead, start_date=start, engagement_type=spec.engagement
            )
        return person, False
    existing = Person.objects.filter(organisation=organisation, email__iexact=spec.email).first()
    if existing:
        return existing, False
    person = services.person_create(
        organisation=organisation,
        by=lead,
        full_name=spec.full_name,
        preferred_name=spec.preferred_name,
        pronouns=spec.pronouns,
        email=spec.email,
        engagement_type=spec.engagement,
        start_date=start,
        status=Person.Status.PAUSED if spec.paused else Person.Status.ACTIVE,
    )
    return person, True


def _assignments(spec, person, organisation, users, lead, today) -> None:
    if not spec.role or person.assignments.exists():
        return
    version = _published(organisation, spec.role)
    if version is None:
        return  # the roles demo did not publish this role: nothing to give
    services.assignment_create(
        person=person,
        role_version=version,
        team=organisation.teams.get(name=spec.team),
        supervisor=users[spec.supervisor],
        start_date=add_months(today, -spec.months_in_post),
        hours_per_week=Decimal(spec.hours),
        by=lead,
    )


def _training(spec, person, lead, today) -> None:
    if TrainingRecord.objects.filter(person=person).exists():
        return
    current = person.assignments.current().select_related("role_version").first()
    if current is None:
        return
    requirements = list(current.role_version.training_requirements.order_by("position"))
    for requirement, state in zip(requirements, spec.training, strict=False):
        done = _completed_on(state, requirement.renewal_months, current.start_date, today)
        if done is None or done > today:
            continue
        services.training_record_create(
            person=person, requirement=requirement, completed_on=done, by=lead
        )


def seed(*, organisations: dict[str, Organisation]) -> int:
    """Create what is missing; return how many people were new."""
    User = get_user_model()
    users = {
        u.username: u for u in User.objects.filter(username__in=["lead", "supervisor", "outsider"])
    }
    leads = {TRUST: users["lead"], VCSE: users["outsider"]}
    today = timezone.localdate()
    created = 0
    for spec in PEOPLE:
        organisation = organisations[spec.organisation]
        lead = leads[spec.organisation]
        person, new = _person(spec, organisation, lead, today)
        created += new
        _assignments(spec, person, organisation, users, lead, today)
        _training(spec, person, lead, today)
        if spec.plan and not WellbeingPlan.objects.filter(person=person).exists():
            services.wellbeing_plan_update(person=person, by=person.user or lead, **spec.plan)
        if spec.diversity and not DiversityProfile.objects.filter(person=person).exists():
            if person.user_id:
                services.diversity_profile_update(person=person, by=person.user, **spec.diversity)
            else:
                # Stands in for answers these people (who have no login) gave themselves.
                DiversityProfile.objects.create(person=person, **spec.diversity)
        if spec.left and not person.has_left:
            days_ago, reason = spec.left
            services.person_leave(
                person=person,
                by=lead,
                end_date=today - datetime.timedelta(days=days_ago),
                reason=reason,
                close_login=True,
            )
    return created
