"""The navigation each user sees, from the capacities they hold.

Each entry: (label, url name, capacities that see it; empty = every signed-in user).
One list decides what the menu shows; it sits above every app, so it may name them all.
"""

from workforce.organisations import capacities as groups
from workforce.organisations.models import Capacity as C

ENTRIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("Home", "home", ()),
    ("Organisations", "workforce:organisations", ()),
    (
        "People",
        "workforce:people",
        groups.PEOPLE_LIST_READERS,
    ),
    ("Training", "workforce:training", groups.TRAINING_READERS),
    ("Diversity", "workforce:diversity_report", groups.LEADS_AND_ADMINS),
    # The lived experience workforce's own page (role, training, plan, diversity answers);
    # others reach theirs from the people list.
    ("My profile", "workforce:my_profile", groups.OWN_PROFILE),
    ("Roles", "roles:list", ()),
    # Supervision: peers' own page, supervisors' supervisees, leads' compliance.
    ("My supervision", "supervision:mine", groups.OWN_PROFILE),
    ("My supervisees", "supervision:supervisees", (C.SUPERVISOR,)),
    ("Supervision", "supervision:compliance", groups.LEADS_AND_ADMINS),
    # Payments: each capacity's starting page; the rest link from there.
    ("My claims", "payments:my_claims", groups.CLAIMANTS),
    ("Approve claims", "payments:approvals", groups.LEADS_AND_ADMINS),
    ("Payment batches", "payments:batches", groups.FINANCE_AND_ADMINS),
    # Boundary incidents: never finance or administrators (they see the audit trail only).
    (
        "Incidents",
        "incidents:list",
        groups.INCIDENT_USERS,
    ),
    ("Escalations", "incidents:escalations", (C.SAFEGUARDING_LEAD,)),
    # Reports: leads and administrators; safeguarding leads (incidents) and finance
    # (payments) each have the one report their capacity allows.
    (
        "Reports",
        "reports:index",
        groups.REPORT_READERS,
    ),
    ("Audit", "history:audit", groups.AUDITORS),
]

# Plain-English summaries of what each capacity is for, shown on the home page.
CAPACITY_SUMMARIES = {
    C.PEER_WORKER: "See your own role, log your supervision and claim involvement payments.",
    C.SUPERVISOR: "Confirm supervision with the people you supervise and raise boundary incidents.",
    C.COPRODUCTION_LEAD: "Define roles, manage people, approve payments and watch compliance "
    "for your organisation.",
    C.SAFEGUARDING_LEAD: "Own escalated boundary incidents and their deadlines.",
    C.FINANCE: "Export approved payments and mark them paid.",
    C.ADMIN: "Set up organisations, teams and logins.",
}


def entries_for(user, held: frozenset[str]) -> list[dict]:
    # The admin site link lives in the account menu (templates/base.html), for staff only.
    return [
        {"label": label, "url_name": url_name}
        for label, url_name, wanted in ENTRIES
        if not wanted or held.intersection(wanted)
    ]


# The home page's buttons for what people do most, one tap from the first screen on a phone.
QUICK_ACTIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Log a supervision session", "supervision:log", groups.SUPERVISED),
    ("Start a claim", "payments:claim_create", groups.CLAIMANTS),
    ("Report a boundary incident", "incidents:report", groups.INCIDENT_USERS),
]


def quick_actions_for(held: frozenset[str]) -> list[dict]:
    return [
        {"label": label, "url_name": url_name}
        for label, url_name, wanted in QUICK_ACTIONS
        if held.intersection(wanted)
    ]
