"""Demo roles, written through the services (so they are checked and audited like real ones).

Idempotent: a role whose first version's title already exists in its organisation is left
alone. Called from workforce.demo.seed().
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from roles import services
from roles.models import (
    EscalationStep,
    ProgressionRoute,
    Role,
    RoleDuty,
    RoleExclusion,
    RoleVersion,
    SupervisionRequirement,
    TrainingRequirement,
)
from workforce.organisations.models import Organisation

F = Role.Family
E = RoleVersion.EmploymentBasis
K = SupervisionRequirement.Kind
U = EscalationStep.Urgency
TRUST = "Northshire Mental Health NHS Foundation Trust"
VCSE = "Peer Voices Collective"

# Escalation steps most roles share: the seeds' "regular supervision and escalation pathways".
SAFETY_STEPS = [
    (
        "Someone says they may harm themselves or others, or is in crisis",
        "The duty worker or the person's care coordinator (call 999 if life is at immediate risk)",
        U.IMMEDIATELY,
    ),
    (
        "A safeguarding concern about an adult or child",
        "Your line manager and the trust safeguarding team",
        U.SAME_DAY,
    ),
    (
        "Being asked for something outside this role, such as advice on medication",
        "The clinician working with the person",
        U.WITHIN_24_HOURS,
    ),
    (
        "Worries about boundaries, or how the work is affecting you",
        "Your peer supervisor",
        U.NEXT_SUPERVISION,
    ),
]


@dataclass
class DemoRole:
    organisation: str
    family: str
    title: str
    purpose: str
    employment_basis: str
    afc_band: str = ""
    lived_experience_kind: str = RoleVersion.LivedExperience.PERSONAL
    lived_experience_detail: str = ""
    duties: list[str] = field(default_factory=list)
    exclusions: list[tuple[str, str]] = field(default_factory=list)
    supervision: list[tuple[str, int, int]] = field(default_factory=list)
    escalation: list[tuple[str, str, str]] = field(default_factory=lambda: list(SAFETY_STEPS))
    training: list[tuple[str, int | None]] = field(default_factory=list)
    progression: list[tuple[str, str]] = field(default_factory=list)  # (v1 title, note)
    publish: bool = True
    # A second version, published over the first: field overrides and list replacements.
    then: dict | None = None


ROLES = [
    DemoRole(
        TRUST,
        F.COPRODUCTION_LEAD,
        "Co-production lead",
        "Makes sure people with lived experience shape how the trust plans, designs and "
        "reviews its services, as equal partners rather than advisers at the edge.",
        E.EMPLOYED,
        "7",
        duties=[
            "Lead the trust's co-production strategy with the involvement network",
            "Run the involvement bank: recruitment, induction, payment and support",
            "Line manage and develop senior peer support workers",
            "Advise boards and project teams on meaningful involvement",
            "Report on involvement, pay parity and the lived experience workforce",
        ],
        exclusions=[
            ("Holding a clinical caseload", "Refer clinical matters to the service lead"),
        ],
        supervision=[(K.LINE_MANAGEMENT, 56, 60), (K.PEER, 56, 60)],
        escalation=[
            (
                "A safeguarding concern raised by anyone in the involvement bank",
                "The trust safeguarding lead",
                U.SAME_DAY,
            ),
            (
                "Tokenistic or unsafe involvement in a project",
                "The director of nursing and quality",
                U.WITHIN_2_WORKING_DAYS,
            ),
        ],
        training=[
            ("Safeguarding adults and children level 3", 36),
            ("Leadership development programme", None),
        ],
    ),
    DemoRole(
        TRUST,
        F.SENIOR_PEER,
        "Senior peer support worker",
        "Supports, supervises and develops the peer support team, and keeps peer values at "
        "the heart of the service.",
        E.EMPLOYED,
        "5",
        duties=[
            "Give peer supervision to peer support workers, one to one and in groups",
            "Hold a small peer support caseload",
            "Co-deliver peer support training with the Recovery College",
            "Help teams understand and protect the peer role",
        ],
        exclusions=[
            ("Clinical advice", "Refer to the person's care coordinator"),
            ("Crisis intervention", "Contact the duty worker or crisis team"),
            ("Acting as a care coordinator", "Raise it with the team manager"),
        ],
        supervision=[(K.LINE_MANAGEMENT, 56, 60), (K.PEER, 28, 60), (K.CLINICAL, 91, 60)],
        training=[
            ("Peer supervision skills", None),
            ("Safeguarding adults and children level 3", 36),
            ("Suicide prevention and safety planning", 24),
        ],
        progression=[("Co-production lead", "After two years, with leadership development")],
    ),
    DemoRole(
        TRUST,
        F.PEER_SUPPORT_WORKER,
        "Peer support worker",
        "Uses their own lived experience of mental distress and recovery to offer hope, "
        "connection and practical support to people using community mental health services.",
        E.EMPLOYED,
        "3",
        duties=[
            "Build trusting relationships through shared lived experience",
            "Support people to attend appointments and navigate services",
            "Offer emotional support and share recovery tools such as WRAP",
            "Connect people with community groups and activities",
        ],
        exclusions=[
            ("Clinical advice", "Refer to the person's care coordinator"),
            ("Crisis intervention", "Contact the duty worker or crisis team"),
        ],
        supervision=[(K.LINE_MANAGEMENT, 56, 60), (K.PEER, 28, 60)],
        training=[
            ("Peer support worker foundation course", None),
            ("Safeguarding adults and children level 2", 36),
            ("Boundaries and self-disclosure", 24),
        ],
        progression=[
            ("Senior peer support worker", "After a year in post, with peer supervision training")
        ],
        then={
            "purpose": "Uses their own lived experience of mental distress and recovery to "
            "offer hope, connection and practical support to people using community mental "
            "health services and the acute wards.",
            "duties": [
                "Build trusting relationships through shared lived experience",
                "Support people to attend appointments and navigate services",
                "Offer emotional support and share recovery tools such as WRAP",
                "Connect people with community groups and activities",
                "Support people in the weeks after leaving hospital",
            ],
            "exclusions": [
                ("Clinical advice", "Refer to the person's care coordinator"),
                ("Crisis intervention", "Contact the duty worker or crisis team"),
                ("Medication advice", "Refer to the prescriber or pharmacist"),
            ],
            "supervision": [
                (K.LINE_MANAGEMENT, 56, 60),
                (K.PEER, 28, 60),
                (K.REFLECTIVE_PRACTICE, 28, 90),
            ],
        },
    ),
    DemoRole(
        TRUST,
        F.EXPERT_BY_EXPERIENCE,
        "Expert by experience",
        "Brings lived experience of using services to interview panels, service reviews, "
        "training and quality improvement, paid per session through the involvement bank.",
        E.SESSIONAL,
        duties=[
            "Sit on interview panels for clinical and peer roles",
            "Take part in service reviews and quality improvement projects",
            "Co-deliver staff training on trauma-informed practice",
            "Give feedback on leaflets, policies and plans",
        ],
        exclusions=[
            ("Giving clinical or treatment advice", "Point people to their care team"),
            ("Speaking for other service users without their agreement", ""),
        ],
        supervision=[(K.REFLECTIVE_PRACTICE, 56, 60)],
        escalation=[
            (
                "Something in a session upsets you or brings up your own experience",
                "The involvement coordinator",
                U.SAME_DAY,
            ),
            ("A safeguarding concern", "The trust safeguarding team", U.SAME_DAY),
        ],
        training=[("Involvement induction", None), ("Recruitment and selection", None)],
    ),
    DemoRole(
        TRUST,
        F.PEER_RESEARCHER,
        "Peer researcher",
        "Designs and carries out research alongside academic partners, bringing lived "
        "experience to questions, interviews and analysis.",
        E.INVOLVEMENT_PAID,
        duties=[
            "Help shape research questions and study materials",
            "Carry out peer interviews and focus groups",
            "Take part in analysis and write-up",
            "Share findings with the people who took part",
        ],
        exclusions=[("Clinical advice", "Refer to the person's care team")],
        supervision=[(K.PEER, 28, 60)],
        escalation=[
            (
                "A participant discloses risk of harm",
                "The study's principal investigator",
                U.IMMEDIATELY,
            ),
            (
                "The research is affecting your wellbeing",
                "Your peer supervisor",
                U.NEXT_SUPERVISION,
            ),
        ],
        training=[("Good Clinical Practice (NIHR)", 36), ("Qualitative interviewing", None)],
    ),
    DemoRole(
        TRUST,
        F.PEER_EDUCATOR,
        "Peer trainer, Recovery College",
        "Co-designs and co-delivers Recovery College courses with clinical trainers, as an "
        "equal partner.",
        E.EMPLOYED,
        "4",
        duties=[
            "Co-design courses with students and clinical colleagues",
            "Co-deliver courses, sharing recovery stories safely",
            "Support students before and after courses",
        ],
        exclusions=[("Individual therapy or clinical advice", "Signpost to the care team")],
        supervision=[(K.LINE_MANAGEMENT, 56, 60), (K.PEER, 28, 60)],
        training=[("Co-facilitation and group skills", None)],
        progression=[("Senior peer support worker", "")],
    ),
    DemoRole(
        TRUST,
        F.PEER_SUPPORT_WORKER,
        "Carer peer support worker",
        "Supports families and carers of people using mental health services, drawing on "
        "their own experience as a carer.",
        E.EMPLOYED,
        "3",
        lived_experience_kind=RoleVersion.LivedExperience.CARER,
        lived_experience_detail="Caring for a family member with mental health problems.",
        duties=["Offer peer support to carers and families", "Run the monthly carers' group"],
        supervision=[(K.LINE_MANAGEMENT, 56, 60)],
        publish=False,  # a draft still being written: exclusions not yet agreed
    ),
    DemoRole(
        VCSE,
        F.PEER_SUPPORT_WORKER,
        "Community peer support worker",
        "Works alongside NHS community teams from the Peer Support Hub, offering peer "
        "support rooted in the local community.",
        E.SESSIONAL,
        duties=[
            "Meet people in community settings agreed with the team",
            "Support people to reconnect with local groups and activities",
            "Feed back what people say about services",
        ],
        exclusions=[
            ("Clinical advice", "Refer to the NHS team"),
            ("Crisis intervention", "Contact the NHS crisis line"),
            ("Contact outside agreed settings or social media", ""),
        ],
        supervision=[(K.LINE_MANAGEMENT, 56, 60), (K.PEER, 28, 90)],
        escalation=[
            (
                "Someone is at risk of harm",
                "The NHS duty worker (999 in an emergency)",
                U.IMMEDIATELY,
            ),
            ("A safeguarding concern", "The Collective's safeguarding lead", U.SAME_DAY),
        ],
        training=[("Safeguarding adults level 2", 36)],
    ),
]


def _content(spec: DemoRole, roles_by_title: dict[str, Role], **overrides) -> services.RoleContent:
    values = {**spec.__dict__, **overrides}
    return services.RoleContent(
        title=values["title"],
        purpose=values["purpose"],
        lived_experience_kind=values["lived_experience_kind"],
        lived_experience_detail=values["lived_experience_detail"],
        employment_basis=values["employment_basis"],
        afc_band=values["afc_band"],
        duties=[RoleDuty(text=text) for text in values["duties"]],
        exclusions=[RoleExclusion(text=t, instead=i) for t, i in values["exclusions"]],
        supervision_requirements=[
            SupervisionRequirement(kind=k, min_frequency_days=d, min_minutes=m)
            for k, d, m in values["supervision"]
        ],
        escalation_steps=[
            EscalationStep(for_what=f, who=w, how_fast=h) for f, w, h in values["escalation"]
        ],
        training_requirements=[
            TrainingRequirement(item=item, renewal_months=months)
            for item, months in values["training"]
        ],
        progression_routes=[
            ProgressionRoute(to_role=roles_by_title[title], note=note)
            for title, note in values["progression"]
        ],
    )


def seed(*, organisations: dict[str, Organisation]) -> int:
    """Create the demo roles that are not there yet; return how many were new."""
    User = get_user_model()
    # The demo co-production leads of each organisation write the roles.
    authors = {
        TRUST: User.objects.get(username="lead"),
        VCSE: User.objects.get(username="outsider"),
    }
    created = 0
    for spec in ROLES:
        organisation = organisations[spec.organisation]
        first_versions = RoleVersion.objects.filter(role__organisation=organisation, number=1)
        if first_versions.filter(title=spec.title).exists():
            continue
        roles_by_title = {v.title: v.role for v in first_versions.select_related("role")}
        by = authors[spec.organisation]
        version = services.role_create(
            organisation=organisation,
            family=spec.family,
            content=_content(spec, roles_by_title),
            by=by,
        )
        created += 1
        if not spec.publish:
            continue
        services.role_version_publish(version=version, by=by)
        if spec.then:
            draft, _ = services.role_version_new_draft_from(version=version, by=by)
            services.role_version_update_draft(
                version=draft, content=_content(spec, roles_by_title, **spec.then), by=by
            )
            services.role_version_publish(version=draft, by=by)
    return created
