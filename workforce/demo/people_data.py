"""The demo register's people: who they are, which demo role (from roles/demo.py) and team,
who supervises them, and what state their training, plan and answers are in. Loaded by
workforce/demo_people.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from workforce.register.models import Person

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
