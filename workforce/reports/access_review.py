"""Quarterly access review: every login in the viewer's organisations, what each can see,
and the rows someone should look at (ISO 27001 A.5.18 / DSPT "review who has access").

Scoped like every report: one table per organisation the viewer leads or administers, and
only those organisations are named (a login's membership elsewhere is not shown, so the
report tells nobody where else a person works). A login appears in an organisation's table
if it holds a capacity there or belongs to someone on its register (a leaver's switched-off
login still shows, as "Switched off").
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from workforce.organisations import capacities as groups
from workforce.organisations.models import Capacity, Membership
from workforce.register.models import Person
from workforce.reports.common import Filters, Table

# A login nobody has used for this long should be asked about.
DORMANT_DAYS = 90

# What each capacity opens, in the words a reviewer would use (from workforce/access.py and
# each app's rules.py).
GIVES = {
    Capacity.PEER_WORKER: "their own record, roles, training, wellbeing plan, supervision "
    "and payment claims",
    Capacity.SUPERVISOR: "the people they supervise: profiles, wellbeing plans, supervision "
    "records and incidents",
    Capacity.COPRODUCTION_LEAD: "everyone on the register, wellbeing plans included; roles, "
    "incidents, claim approval and all reports",
    Capacity.SAFEGUARDING_LEAD: "everyone on the register (not wellbeing plans); boundary "
    "incidents and escalations",
    Capacity.FINANCE: "names and payee references only; claims, payment batches and exports",
    Capacity.ADMIN: "everyone on the register (not wellbeing plans), logins and reports",
}
HEADERS = [
    "Name",
    "Login",
    "Capacities",
    "Organisation",
    "Gives access to",
    "Last sign-in",
    "Two-step sign-in",
    "Login status",
    "Needs a look",
]


def _flags(user, capacities: set[str], person, now) -> list[str]:
    flags = []
    if user.is_active:
        since = user.last_login or user.date_joined
        if since < now - datetime.timedelta(days=DORMANT_DAYS):
            flags.append(
                f"No sign-in for {DORMANT_DAYS} days"
                if user.last_login
                else f"Never signed in, created over {DORMANT_DAYS} days ago"
            )
        if person is not None and person.has_left:
            flags.append("Has left but can still sign in")
        needs_2fa = (
            getattr(settings, "TWO_FACTOR_FOR_EVERYONE", False)
            or user.is_staff
            or user.is_superuser
            or capacities.intersection(groups.TWO_STEP_REQUIRED)
        )
        if needs_2fa and not user.has_2fa:
            flags.append("Two-step sign-in required but not set up")
    return flags


def access_review_tables(user, filters: Filters) -> list[Table]:
    User = get_user_model()
    now = timezone.now()
    # Capacities in the order they are listed, with their labels and what each gives.
    listed = [(capacity.value, capacity.label, GIVES[capacity]) for capacity in Capacity]
    tables = []
    for organisation in filters.organisations:
        # Read as plain values, three queries however many logins: instances (and a
        # prefetch of each login's memberships by thousands of ids) were most of the
        # report's time for a large trust (bench/README.md).
        held_by: dict[int, set[str]] = defaultdict(set)
        memberships = Membership.objects.filter(organisation=organisation)
        for user_id, capacity in memberships.values_list("user_id", "capacity"):
            held_by[user_id].add(capacity)
        registered = Person.objects.filter(organisation=organisation, user__isnull=False)
        people = {
            row["user_id"]: SimpleNamespace(
                full_name=row["full_name"], has_left=row["status"] == Person.Status.LEFT
            )
            for row in registered.values("user_id", "full_name", "status")
        }
        logins = (
            User.objects.filter(
                Q(pk__in=memberships.values("user_id")) | Q(pk__in=registered.values("user_id"))
            )
            .annotate(
                has_2fa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
            )
            .order_by("username")
            .values(
                "pk",
                User.USERNAME_FIELD,
                "first_name",
                "last_name",
                "is_active",
                "is_staff",
                "is_superuser",
                "last_login",
                "date_joined",
                "has_2fa",
            )
        )
        rows = []
        for values in logins:
            login = SimpleNamespace(**values)
            person = people.get(login.pk)
            held = held_by.get(login.pk, set())
            capacity_names = [label for value, label, _ in listed if value in held]
            gives = "; ".join(
                f"{label}: {gives}" for value, label, gives in listed if value in held
            )
            if login.is_staff:
                gives += ("; " if gives else "") + "the admin site"
            flags = _flags(login, held, person, now)
            # As AbstractUser.get_full_name() writes it.
            full_name = f"{login.first_name} {login.last_name}".strip()
            rows.append(
                [
                    person.full_name if person else full_name or "(no register entry)",
                    values[User.USERNAME_FIELD],
                    ", ".join(capacity_names) or "None",
                    organisation.name if held or person else "",
                    gives or "Nothing: no capacity here",
                    timezone.localtime(login.last_login).strftime("%Y-%m-%d %H:%M")
                    if login.last_login
                    else "Never",
                    "On" if login.has_2fa else "Off",
                    "Active" if login.is_active else "Switched off",
                    "; ".join(flags),
                ]
            )
        # Rows that need a look first, then by name.
        rows.sort(key=lambda row: (row[-1] == "", row[0].lower()))
        flagged = sum(1 for row in rows if row[-1])
        tables.append(
            Table(
                f"org{organisation.pk}-access",
                f"{organisation.name}: logins and what they can see",
                f"{len(rows)} login(s), {flagged} needing a look. Review this at least every "
                "quarter: end the access of anyone who no longer needs it.",
                HEADERS,
                rows,
                blank="Nothing to check",
            )
        )
    return tables
