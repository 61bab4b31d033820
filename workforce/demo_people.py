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
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from roles.models import RoleVersion
from workforce import services
from workforce.models import (
    DiversityProfile,
    Organisation,
    Person,
    TrainingRecord,
    WellbeingPlan,
)
from workforce.services.base import add_months

TRUST = "Northshire Mental Health NHS Foundation Trust"
VCSE = "Peer Voices Collective"
CMHT, COLLEGE, WARDS, INVOLVEMENT = (
    "Community Mental Health Team North",
    "Recovery College",
    "Acute Inpatient Wards",
    "Involvement and Co-production",
)
HUB = "Peer Support Hub"

# Training states a demo person's records are put in, requirement by requirement.
VALID, EXPIRING, EXPIRED, MISSING = "valid", "expiring", "expired", "missing"


@dataclass
class DemoPerson:
    organisation: str
    full_name: str
    role: str  # the demo role's title (version 1), from roles/demo.py
    team: str
    supervisor: str  # demo login's username
    months_in_post: int
    engagement: str = Person.EngagementType.EMPLOYED
    hours: str = "30"
    preferred_name: str = ""
    pronouns: str = ""
    username: str = ""  # set for the demo logins, who are already on the register
    training: list[str] = field(default_factory=lambda: [VALID, VALID, VALID])
    left: tuple[int, str] | None = None  # (days ago, leaving reason)
    paused: bool = False
    diversity: dict = field(default_factory=dict)
    plan: dict = field(default_factory=dict)

    @property
    def email(self) -> str:
        domain = "northshire.example" if self.organisation == TRUST else "peervoices.example"
        return self.full_name.lower().replace(" ", ".").replace("'", "") + "@" + domain


def _d(**answers) -> dict:
    return answers


SAM_PLAN = {
    "keeps_me_well": "Walking to work, regular breaks away from the ward, time with my "
    "allotment group at weekends.",
    "early_signs": "I stop taking breaks and start working late; I get quieter in team meetings.",
    "what_helps": "A check-in from Daniel at the start of the week; being asked directly "
    "rather than hinted at.",
    "adjustments_agreed": "No more than two back-to-back visits; a later start on Mondays.",
}
JOE_PLAN = {
    "keeps_me_well": "Routine, sleep, and time playing music.",
    "early_signs": "Not sleeping, and feeling I have to fix everything for everyone.",
    "what_helps": "Reflective practice, and being reminded that saying no is allowed.",
    "adjustments_agreed": "Debrief after any incident on the ward before going home.",
}

PEOPLE = [
    # The demo logins first: peer and peer2 supervised by `supervisor`.
    DemoPerson(
        TRUST,
        "Samira Khan",
        "Peer support worker",
        CMHT,
        "supervisor",
        14,
        username="peer",
        training=[VALID, EXPIRING, VALID],
        plan=SAM_PLAN,
        diversity=_d(age="25_34", sex="female", race="asian", religion_belief="muslim"),
    ),
    DemoPerson(
        TRUST,
        "Joseph Whitfield",
        "Peer support worker",
        WARDS,
        "supervisor",
        8,
        username="peer2",
        training=[VALID, EXPIRED, MISSING],
        plan=JOE_PLAN,
        diversity=_d(age="35_44", sex="male", race="white", disability="yes"),
    ),
    DemoPerson(
        TRUST,
        "Daniel Hughes",
        "Senior peer support worker",
        CMHT,
        "lead",
        40,
        username="supervisor",
        hours="37.5",
        diversity=_d(age="45_54", sex="male", race="white", sexual_orientation="gay_lesbian"),
    ),
    # The rest of the trust's register.
    DemoPerson(
        TRUST,
        "Grace Adeyemi",
        "Peer support worker",
        CMHT,
        "supervisor",
        20,
        training=[EXPIRING, VALID, EXPIRED],
        diversity=_d(age="25_34", sex="female", race="black", religion_belief="christian"),
    ),
    DemoPerson(
        TRUST,
        "Tom Reilly",
        "Peer support worker",
        WARDS,
        "supervisor",
        30,
        pronouns="he/him",
        diversity=_d(age="55_64", sex="male", race="white"),
    ),
    DemoPerson(
        TRUST,
        "Aisha Begum",
        "Peer support worker",
        CMHT,
        "supervisor",
        5,
        training=[VALID, MISSING, MISSING],
        diversity=_d(age="16_24", sex="female", race="asian", religion_belief="muslim"),
    ),
    DemoPerson(
        TRUST,
        "Ellis Morgan",
        "Peer support worker",
        WARDS,
        "supervisor",
        18,
        pronouns="they/them",
        training=[VALID, EXPIRED, VALID],
        diversity=_d(age="25_34", gender_reassignment="yes", sex="prefer_not_to_say"),
    ),
    DemoPerson(
        TRUST,
        "Marcus Bell",
        "Carer peer support worker",
        CMHT,
        "supervisor",
        26,
        hours="22.5",
        diversity=_d(age="45_54", sex="male", race="black"),
    ),
    DemoPerson(
        TRUST,
        "Linda Shaw",
        "Carer peer support worker",
        CMHT,
        "supervisor",
        12,
        hours="18.75",
        training=[EXPIRING],
        diversity=_d(age="55_64", sex="female", race="white", religion_belief="christian"),
    ),
    DemoPerson(
        TRUST,
        "Priya Chauhan",
        "Peer trainer, Recovery College",
        COLLEGE,
        "lead",
        22,
        hours="22.5",
        diversity=_d(age="35_44", sex="female", race="asian", religion_belief="hindu"),
    ),
    DemoPerson(
        TRUST,
        "Owen Price",
        "Peer trainer, Recovery College",
        COLLEGE,
        "lead",
        9,
        hours="15",
        paused=True,
        diversity=_d(age="25_34", sex="male", race="white"),
    ),
    DemoPerson(
        TRUST,
        "Hannah Lewis",
        "Peer researcher",
        INVOLVEMENT,
        "lead",
        16,
        engagement=Person.EngagementType.EMPLOYED,
        hours="22.5",
        training=[EXPIRED, VALID],
        diversity=_d(age="25_34", sex="female", race="white", religion_belief="none"),
    ),
    DemoPerson(
        TRUST,
        "Kwame Mensah",
        "Peer researcher",
        INVOLVEMENT,
        "lead",
        6,
        hours="15",
        training=[VALID, MISSING],
        diversity=_d(age="35_44", sex="male", race="black", religion_belief="christian"),
    ),
    DemoPerson(
        TRUST,
        "Rosa Martinez",
        "Expert by experience",
        INVOLVEMENT,
        "lead",
        24,
        engagement=Person.EngagementType.SESSIONAL,
        hours="4",
        diversity=_d(age="45_54", sex="female", race="mixed", religion_belief="christian"),
    ),
    DemoPerson(
        TRUST,
        "Steve Clarke",
        "Expert by experience",
        INVOLVEMENT,
        "lead",
        36,
        engagement=Person.EngagementType.SESSIONAL,
        hours="3",
        diversity=_d(age="65_plus", sex="male", race="white", religion_belief="none"),
    ),
    DemoPerson(
        TRUST,
        "Fatima Hassan",
        "Expert by experience",
        INVOLVEMENT,
        "lead",
        10,
        engagement=Person.EngagementType.SESSIONAL,
        hours="2",
        diversity=_d(age="25_34", sex="female", race="other", religion_belief="muslim"),
    ),
    DemoPerson(
        TRUST,
        "Bernadette O'Neill",
        "Expert by experience",
        INVOLVEMENT,
        "lead",
        48,
        engagement=Person.EngagementType.VOLUNTEER,
        hours="2",
        diversity=_d(age="65_plus", sex="female", race="white", religion_belief="christian"),
    ),
    DemoPerson(
        TRUST,
        "Jamie Foster",
        "Expert by experience",
        INVOLVEMENT,
        "lead",
        3,
        engagement=Person.EngagementType.SESSIONAL,
        hours="3",
        pronouns="they/them",
    ),
    DemoPerson(
        TRUST,
        "Nadia Rahman",
        "Peer support worker",
        CMHT,
        "supervisor",
        19,
        left=(45, Person.LeavingReason.MOVED_ROLE),
        diversity=_d(age="25_34", sex="female", race="asian"),
    ),
    DemoPerson(
        TRUST,
        "Gareth Jones",
        "Peer support worker",
        WARDS,
        "supervisor",
        30,
        left=(120, Person.LeavingReason.END_OF_CONTRACT),
        diversity=_d(age="45_54", sex="male", race="white"),
    ),
    DemoPerson(
        TRUST,
        "Chloe Evans",
        "Peer support worker",
        WARDS,
        "supervisor",
        2,
        training=[MISSING, MISSING, MISSING],
        preferred_name="Clo",
        diversity=_d(age="16_24", sex="female", race="white", pregnancy_maternity="no"),
    ),
    DemoPerson(
        TRUST,
        "Yusuf Ali",
        "Senior peer support worker",
        WARDS,
        "lead",
        28,
        hours="37.5",
        training=[VALID, EXPIRING],
        diversity=_d(age="35_44", sex="male", race="asian", religion_belief="muslim"),
    ),
    # The VCSE partner's register, led by `outsider`.
    DemoPerson(VCSE, "Rhiannon Evans", "", HUB, "", 60, username="outsider"),
    DemoPerson(
        VCSE,
        "Leon Carter",
        "Community peer support worker",
        HUB,
        "outsider",
        15,
        engagement=Person.EngagementType.VCSE_PARTNER,
        diversity=_d(age="25_34", sex="male", race="black"),
    ),
    DemoPerson(
        VCSE,
        "Megan Price",
        "Community peer support worker",
        HUB,
        "outsider",
        7,
        engagement=Person.EngagementType.VCSE_PARTNER,
        training=[EXPIRING],
        diversity=_d(age="35_44", sex="female", race="white"),
    ),
    DemoPerson(
        VCSE,
        "Ibrahim Osman",
        "Community peer support worker",
        HUB,
        "outsider",
        26,
        engagement=Person.EngagementType.VCSE_PARTNER,
        training=[EXPIRED],
    ),
    DemoPerson(
        VCSE,
        "Sophie Turner",
        "Community peer support worker",
        HUB,
        "outsider",
        4,
        engagement=Person.EngagementType.VOLUNTEER,
        hours="6",
    ),
    DemoPerson(
        VCSE,
        "Dev Patel",
        "Community peer support worker",
        HUB,
        "outsider",
        11,
        engagement=Person.EngagementType.VCSE_PARTNER,
        hours="15",
    ),
    DemoPerson(
        VCSE,
        "Ruth Okoro",
        "Community peer support worker",
        HUB,
        "outsider",
        33,
        engagement=Person.EngagementType.VCSE_PARTNER,
        left=(30, Person.LeavingReason.RESIGNED),
    ),
]


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
