"""Demo data for local use: realistic enough that every page shows something real.

Idempotent: running it again changes nothing that is already there. Later apps extend
`seed()` with their own demo data.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from payments import demo as payments_demo
from roles import demo as roles_demo
from supervision import demo as supervision_demo
from supervision.incidents import demo as incidents_demo
from workforce.demo import people as demo_people
from workforce.demo import twofactor as demo_twofactor
from workforce.organisations.models import Capacity as C
from workforce.organisations.models import Membership, Organisation, Team
from workforce.register.models import Person

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published demo password, local use only

TRUST = "Northshire Mental Health NHS Foundation Trust"
VCSE = "Peer Voices Collective"
# A partner in Scotland, so deadlines show Scotland's bank holidays (St Andrew's Day, no
# Easter Monday). It has no logins: the operator sees it in the admin.
SCOTTISH_PARTNER = "Clyde Peer Support Network"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    organisation: str
    capacities: tuple[str, ...]
    # May open the Django admin (scoped to their organisations); never a superuser.
    staff: bool = False
    preferred_name: str = ""
    pronouns: str = ""


LOGINS = [
    DemoLogin("lead", "Amara Okafor", TRUST, (C.COPRODUCTION_LEAD,), pronouns="she/her"),
    DemoLogin("supervisor", "Daniel Hughes", TRUST, (C.SUPERVISOR,), pronouns="he/him"),
    DemoLogin("peer", "Samira Khan", TRUST, (C.PEER_WORKER,), preferred_name="Sam"),
    DemoLogin("peer2", "Joseph Whitfield", TRUST, (C.PEER_WORKER,), preferred_name="Joe"),
    DemoLogin("safeguarding", "Helen Marsh", TRUST, (C.SAFEGUARDING_LEAD,)),
    DemoLogin("finance", "Priya Nair", TRUST, (C.FINANCE,)),
    DemoLogin("admin", "Chris Adebayo", TRUST, (C.ADMIN,), staff=True),
    DemoLogin("outsider", "Rhiannon Evans", VCSE, (C.COPRODUCTION_LEAD,)),
]

TEAMS = {
    TRUST: [
        ("Community Mental Health Team North", "Adult community mental health, north locality"),
        ("Recovery College", "Courses co-designed and co-delivered by peer trainers"),
        ("Acute Inpatient Wards", "Peer support on the adult acute wards"),
        ("Involvement and Co-production", "Involvement bank and co-production projects"),
    ],
    VCSE: [
        ("Peer Support Hub", "Peer workers working alongside NHS community teams"),
    ],
    SCOTTISH_PARTNER: [
        ("Glasgow Peer Support", "Peer support groups run by and for people in Glasgow"),
    ],
}

N = Organisation.Nation
ORGANISATIONS = {
    TRUST: (Organisation.Kind.NHS_TRUST, N.ENGLAND),
    VCSE: (Organisation.Kind.VCSE, N.ENGLAND),
    SCOTTISH_PARTNER: (Organisation.Kind.USER_LED, N.SCOTLAND),
}


@transaction.atomic
def seed() -> dict[str, int]:
    """Create the demo organisations, teams and logins; return how many rows were new."""
    created = {"organisations": 0, "teams": 0, "users": 0, "memberships": 0}
    orgs = {}
    for name, (kind, nation) in ORGANISATIONS.items():
        orgs[name], new = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "nation": nation}
        )
        created["organisations"] += new
    for org_name, teams in TEAMS.items():
        for team_name, description in teams:
            _, new = Team.objects.get_or_create(
                organisation=orgs[org_name], name=team_name, defaults={"description": description}
            )
            created["teams"] += new

    User = get_user_model()
    for login in LOGINS:
        user, new = User.objects.get_or_create(
            username=login.username,
            defaults={
                "email": f"{login.username}@example.org",
                "is_staff": login.staff,
            },
        )
        if new:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        created["users"] += new
        org = orgs[login.organisation]
        Person.objects.get_or_create(
            user=user,
            defaults={
                "organisation": org,
                "full_name": login.full_name,
                "preferred_name": login.preferred_name,
                "pronouns": login.pronouns,
                "email": user.email,
            },
        )
        for capacity in login.capacities:
            _, new = Membership.objects.get_or_create(
                user=user, organisation=org, capacity=capacity
            )
            created["memberships"] += new
    created["roles"] = roles_demo.seed(organisations=orgs)
    created["people"] = demo_people.seed(organisations=orgs)
    created["supervision"] = supervision_demo.seed(organisations=orgs)
    created["payments"] = payments_demo.seed(organisations=orgs)
    created["incidents"] = incidents_demo.seed(organisations=orgs)
    created["two_factor"] = demo_twofactor.seed([login.username for login in LOGINS])
    return created


def logins_table() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for login in LOGINS:
        caps = ", ".join(C(c).label for c in login.capacities)
        extra = " + Django admin (their organisation only)" if login.staff else ""
        lines.append(f"  {login.username:<13} {caps}{extra} — {login.organisation}")
    lines.append(
        "Leads, safeguarding, finance, admin and outsider also need a 6-digit code: run "
        "`make demo-code` in another terminal,\n"
        f"or add the key {demo_twofactor.demo_key_base32()} to an authenticator app."
    )
    return "\n".join(lines)
