"""Benchmark data: an integrated care system's worth of organisations, generated in SQL.

    python -m bench.seed --scale N [--organisations K] [--allow-production]

:func:`main` is that command and calls :func:`generate`. Scale 1 is one large trust's worth
of data spread over several organisations; scale 10 (the benchmark) is about 20,000
people, 200 teams, 60 role versions, 1,000,000 supervision sessions, 100,000 incidents with
their chronologies, 2,000,000 claims and 500 finance batches.

Every row goes in with multi-row ``INSERT ... SELECT generate_series`` (or from a temporary
planning table), never an ORM save loop, and through every constraint and trigger the app
has: nothing is disabled. Where a trigger only allows a row to be born in its first state
(role versions as drafts, incidents as reported, claims never exported on insert), the rows
are inserted that way and moved along their workflow with set-based UPDATEs, exactly as the
triggers allow.

Organisations are weighted: the first ("Bench trust 1", the one the bench logins lead) is
three times the size of each of the others, so its whole-organisation pages are the
heaviest in the data set.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import math
import os
import sys
import time
from dataclasses import dataclass, field

import django
from django.apps import apps

from workforce.platform import pgembed

# Run as a script, nothing has set Django up yet, and the model imports below need it; the
# embedded PostgreSQL starts first, as in workforce/wsgi.py, because settings only name it.
# Imported by pytest or a running app, Django is already set up and this does nothing.
if not apps.ready:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
    pgembed.start_unless_configured()
    django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from payments.models import RateCard, RateCardTier, seed_rows  # noqa: E402
from workforce.organisations.models import Capacity, Membership, Organisation  # noqa: E402

ORG_PREFIX = "Bench trust "
# The logins bench/pages.py signs in as (all in Bench trust 1), with their capacities.
BENCH_PASSWORD = "bench-pass-2026"  # noqa: S105 - a published benchmark password
# The bench logins' authenticator key; bench/harness.py derives the same one.
BENCH_TOTP_KEY_HEX = hashlib.sha1(b"workforce bench two-step").hexdigest()  # noqa: S324
SPAN_DAYS = 3 * 365  # history: three years

BASE = {  # at scale 1
    "people": 2000,
    "teams": 20,
    "role_versions": 6,
    "sessions": 100_000,
    "incidents": 10_000,
    "claims": 200_000,
    "batches": 50,
}

FIRST = [
    "Aisha", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Harj", "Imogen", "Jamal",
    "Kate", "Liam", "Maya", "Nadia", "Owen", "Priya", "Rhys", "Sana", "Tom", "Una", "Vik",
    "Wen", "Yusuf", "Zara", "Alex", "Sam", "Jo", "Charlie", "Robin", "Morgan",
]  # fmt: skip
LAST = [
    "Patel", "Smith", "Jones", "Khan", "Williams", "Brown", "Taylor", "Davies", "Evans",
    "Wilson", "Thomas", "Roberts", "Johnson", "Lewis", "Walker", "Hughes", "Ali", "Green",
    "Hall", "Wood", "Clarke", "Jackson", "Wright", "Ahmed", "Okafor", "Nowak", "Murphy",
    "Kelly", "Singh", "Begum", "Edwards", "Turner", "Baker", "Price", "Hussain", "Mensah",
    "Shaw", "Moore", "Lee",
]  # fmt: skip
TEAM_KINDS = [
    "Community mental health team", "Crisis team", "Early intervention in psychosis",
    "Inpatient ward", "Perinatal service", "Recovery college", "Peer support hub",
    "Older adults service", "Eating disorders service", "Home treatment team",
]  # fmt: skip
FAMILIES = [
    "peer_support_worker", "senior_peer", "expert_by_experience", "peer_researcher",
    "peer_educator", "coproduction_lead",
]  # fmt: skip


class BenchDataError(RuntimeError):
    pass


@dataclass
class OrgPlan:
    index: int  # 1-based
    people: int
    teams: int
    versions: int
    sessions: int
    incidents: int
    claims: int
    batches: int
    id: int = 0
    lead_id: int = 0
    safeguarding_id: int = 0
    finance_id: int = 0
    admin_id: int = 0
    card_id: int = 0
    supervisors: int = 0


@dataclass
class Plan:
    scale: float
    orgs: list[OrgPlan]
    timings: list[tuple[str, float]] = field(default_factory=list)


def plan(scale: float, organisations: int | None = None) -> Plan:
    if scale <= 0:
        raise BenchDataError("--scale must be more than 0")
    n_orgs = organisations or max(1, round(scale))
    weights = [3] + [1] * (n_orgs - 1)
    total = sum(weights)

    def split(name: str, minimum: int) -> list[int]:
        want = BASE[name] * scale
        return [max(minimum, round(want * w / total)) for w in weights]

    people = split("people", 8)
    return Plan(
        scale,
        [
            OrgPlan(i + 1, *values)
            for i, values in enumerate(
                zip(
                    people,
                    split("teams", 1),
                    split("role_versions", 1),
                    split("sessions", 20),
                    split("incidents", 12),
                    split("claims", 40),
                    split("batches", 2),
                    strict=True,
                )
            )
        ],
    )


def existing_data() -> tuple[int, int]:
    """(bench organisations, other organisations) already in the database."""
    bench = Organisation.objects.filter(name__startswith=ORG_PREFIX).count()
    return bench, Organisation.objects.count() - bench


def generate(scale: float, log=print, organisations: int | None = None) -> Plan:
    """Generate the data in one transaction; then VACUUM ANALYZE (outside any transaction)."""
    the_plan = plan(scale, organisations)
    started = time.monotonic()
    with transaction.atomic():
        _Generator(the_plan, log).run()
    if not connection.in_atomic_block:
        step = time.monotonic()
        with connection.cursor() as cur:
            cur.execute("VACUUM (ANALYZE)")
        the_plan.timings.append(("vacuum analyze", time.monotonic() - step))
    the_plan.timings.append(("total", time.monotonic() - started))
    return the_plan


class _Generator:
    def __init__(self, the_plan: Plan, log):
        self.plan = the_plan
        self.log = log
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.cur = None

    # ------------------------------------------------------------------ helpers
    def sql(self, statement: str, params=None) -> int:
        started = time.monotonic()
        self.cur.execute(statement, params or {})
        took = time.monotonic() - started
        if took > 2:  # say which statement a slow step spends its time in
            first = " ".join(statement.split())[:70]
            self.log(f"    {took:6.1f} s  {self.cur.rowcount:>9} rows  {first}")
        return self.cur.rowcount

    def step(self, label: str, fn) -> None:
        started = time.monotonic()
        fn()
        took = time.monotonic() - started
        self.plan.timings.append((label, took))
        self.log(f"  {label}: {took:.1f} s")

    def run(self) -> None:
        with connection.cursor() as cur:
            self.cur = cur
            self.sql("SET LOCAL synchronous_commit = off")
            self.sql("SET LOCAL work_mem = '64MB'")
            # django-pgtrigger's triggers ask for this setting and, when it is unset, catch
            # the error in a PL/pgSQL exception block on every row. An empty list ignores
            # no trigger (every history and guard trigger still runs); it only saves the
            # error handling, which was most of a row's cost.
            self.sql("SET LOCAL pgtrigger.ignore = '{}'")
            self.step("organisations, logins, rate cards", self.organisations)
            self.step("teams, people, logins, memberships", self.people)
            self.step("roles, versions, assignments", self.roles)
            self.step("supervision sessions", self.sessions)
            self.step("incidents and chronologies", self.incidents)
            self.step("activities, claims, batches", self.claims)

    # ------------------------------------------------------------------ organisations
    def organisations(self) -> None:
        user_model = get_user_model()
        password = make_password(BENCH_PASSWORD)
        for org in self.plan.orgs:
            organisation = Organisation.objects.create(
                name=f"{ORG_PREFIX}{org.index}",
                kind=Organisation.Kind.NHS_TRUST if org.index <= 3 else Organisation.Kind.VCSE,
            )
            org.id = organisation.pk
            for attr, capacity, name in (
                ("lead_id", Capacity.COPRODUCTION_LEAD, "lead"),
                ("safeguarding_id", Capacity.SAFEGUARDING_LEAD, "safeguarding"),
                ("finance_id", Capacity.FINANCE, "finance"),
                ("admin_id", Capacity.ADMIN, "admin"),
            ):
                username = f"bench-{name}" if org.index == 1 else f"bench-{name}-{org.index}"
                staff = capacity == Capacity.ADMIN and org.index == 1
                user = user_model.objects.create(
                    username=username,
                    password=password,
                    first_name="Bench",
                    last_name=f"{name} {org.index}",
                    is_staff=staff,
                )
                Membership.objects.create(user=user, organisation=organisation, capacity=capacity)
                TOTPDevice.objects.create(
                    user=user, name="Bench authenticator", key=BENCH_TOTP_KEY_HEX, confirmed=True
                )
                setattr(org, attr, user.pk)
            card = RateCard.objects.create(
                organisation=organisation,
                name="NIHR involvement rates (seed table)",
                effective_from=datetime.date(2000, 1, 1),
                source="Benchmark data",
            )
            RateCardTier.objects.bulk_create(RateCardTier(card=card, **row) for row in seed_rows())
            org.card_id = card.pk

    # ------------------------------------------------------------------ people
    def people(self) -> None:
        self.sql(
            """
            CREATE TEMP TABLE bench_people (
                org_index int, ord int, org_id bigint, user_id bigint, person_id bigint,
                team_id bigint, is_supervisor bool, supervisor_user bigint, status text,
                start_date date, end_date date, lag int, role_ord int
            ) ON COMMIT DROP
            """
        )
        password = make_password(BENCH_PASSWORD)
        for org in self.plan.orgs:
            org.supervisors = max(1, round(org.people * 0.08))
            p = {
                "org": org.id,
                "k": org.index,
                "n": org.people,
                "teams": org.teams,
                "nsup": org.supervisors,
                "today": self.today,
                "now": self.now,
                "first": FIRST,
                "last": LAST,
                "kinds": TEAM_KINDS,
            }
            self.sql(
                """
                INSERT INTO workforce_team (organisation_id, name, description)
                SELECT %(org)s,
                       (%(kinds)s::text[])[1 + (g - 1) %% array_length(%(kinds)s::text[], 1)]
                         || ' ' || g, 'Benchmark team'
                  FROM generate_series(1, %(teams)s) g
                """,
                p,
            )
            # One login per person (peers confirm their supervision and claim payments).
            self.sql(
                """
                WITH u AS (
                    INSERT INTO auth_user (password, is_superuser, username, first_name,
                                           last_name, email, is_staff, is_active, date_joined)
                    SELECT '!', false, 'bench-o' || %(k)s || '-p' || g, '', '', '', false,
                           true, %(now)s
                      FROM generate_series(1, %(n)s) g
                    RETURNING id, username
                )
                INSERT INTO bench_people (org_index, ord, org_id, user_id, is_supervisor,
                                          status, start_date, end_date, lag, role_ord)
                SELECT %(k)s, o, %(org)s, id, o <= %(nsup)s,
                       CASE WHEN o > %(nsup)s AND o %% 17 = 3 THEN 'left'
                            WHEN o > %(nsup)s AND o %% 23 = 5 THEN 'paused'
                            ELSE 'active' END,
                       %(today)s::date - (400 + (o * 37) %% 2600),
                       NULL, 0, o
                  FROM (SELECT id, substring(username from '(\\d+)$')::int AS o FROM u) s
                """,
                p,
            )
            # Leavers left within the last two years; 12%% of people are behind with
            # supervision (by 5 to 20 weeks) and 2%% have never been supervised.
            self.sql(
                """
                UPDATE bench_people b SET
                    end_date = greatest(b.start_date + 30, %(today)s::date - (ord * 13) %% 700),
                    team_id = t.id,
                    supervisor_user = (SELECT user_id FROM bench_people s
                                        WHERE s.org_index = b.org_index
                                          AND s.ord = 1 + (b.ord %% %(nsup)s)),
                    lag = CASE WHEN (ord * 7) %% 50 < 6 THEN 35 + (ord * 11) %% 110
                               WHEN (ord * 7) %% 50 = 6 THEN -1 ELSE 0 END
                  FROM (SELECT id, row_number() OVER (ORDER BY id) AS n
                          FROM workforce_team WHERE organisation_id = %(org)s) t
                 WHERE b.org_index = %(k)s AND t.n = 1 + (b.ord %% %(teams)s)
                """,
                p,
            )
            self.sql(
                "UPDATE bench_people SET end_date = NULL WHERE org_index = %(k)s "
                "AND status <> 'left'",
                p,
            )
            self.sql(
                """
                WITH ins AS (
                    INSERT INTO workforce_person (organisation_id, user_id, full_name,
                        preferred_name, pronouns, email, phone, payee_reference,
                        engagement_type, status, start_date, end_date, leaving_reason)
                    SELECT org_id, user_id,
                           (%(first)s::text[])[1 + ord %% 30] || ' '
                             || (%(last)s::text[])[1 + (ord / 30) %% 39]
                             || CASE WHEN ord > 1170 THEN '-' || (%(last)s::text[])[
                                    1 + (ord / 1170) %% 39] ELSE '' END,
                           '', '', 'bench.o' || org_index || '.p' || ord || '@example.org',
                           '', 'PAY' || org_index || '-' || lpad(ord::text, 6, '0'),
                           CASE WHEN is_supervisor OR ord %% 20 < 10 THEN 'employed'
                                WHEN ord %% 20 < 17 THEN 'sessional'
                                WHEN ord %% 20 < 19 THEN 'vcse_partner'
                                ELSE 'volunteer' END,
                           status, start_date, end_date,
                           CASE WHEN status = 'left' THEN
                                (ARRAY['end_of_contract','resigned','moved_role','retired',
                                       'health','other'])[1 + ord %% 6]
                                ELSE '' END
                      FROM bench_people WHERE org_index = %(k)s
                    RETURNING id, user_id
                )
                UPDATE bench_people b SET person_id = ins.id FROM ins
                 WHERE b.user_id = ins.user_id
                """,
                p,
            )
            self.sql(
                """
                INSERT INTO workforce_membership (user_id, organisation_id, capacity, created_at)
                SELECT user_id, org_id,
                       CASE WHEN is_supervisor THEN 'supervisor' ELSE 'peer_worker' END, %(now)s
                  FROM bench_people WHERE org_index = %(k)s AND status <> 'left'
                """,
                p,
            )
        self.sql("ANALYZE bench_people; ANALYZE workforce_person; ANALYZE auth_user")
        # The one supervisor and one peer bench/pages.py may sign in as.
        self.sql(
            "UPDATE auth_user SET password = %(pw)s, username = %(name)s "
            "WHERE username = 'bench-o1-p1'",
            {"pw": password, "name": "bench-supervisor"},
        )
        first_peer = self.plan.orgs[0].supervisors + 1
        self.sql(
            "UPDATE auth_user SET password = %(pw)s, username = 'bench-peer' "
            "WHERE username = %(name)s",
            {"pw": password, "name": f"bench-o1-p{first_peer}"},
        )

    # ------------------------------------------------------------------ roles
    def roles(self) -> None:
        for org in self.plan.orgs:
            n_roles = math.ceil(org.versions / 2)
            p = {
                "org": org.id,
                "k": org.index,
                "n_roles": n_roles,
                "versions": org.versions,
                "families": FAMILIES,
                "now": self.now,
                "today": self.today,
                "published": self.now - datetime.timedelta(days=SPAN_DAYS + 400),
                "moved": self.today - datetime.timedelta(days=300),
                "lead": org.lead_id,
            }
            self.sql(
                """
                INSERT INTO roles_role (organisation_id, family, created_at, created_by_id)
                SELECT %(org)s, (%(families)s::text[])[1 + (g - 1) %% 6], %(now)s, %(lead)s
                  FROM generate_series(1, %(n_roles)s) g
                """,
                p,
            )

            # Version 1 of every role, and (once version 1 is published: one draft per
            # role at a time) version 2 of the first (versions - roles) roles.
            def add_versions(number: int, p=p) -> None:
                p = {**p, "v": number}
                self.sql(
                    """
                    INSERT INTO roles_roleversion (role_id, number, status, title, purpose,
                        lived_experience_kind, lived_experience_detail, employment_basis, afc_band,
                        created_at, created_by_id, retired_reason)
                    SELECT r.id, %(v)s, 'draft',
                           initcap(replace(r.family, '_', ' ')) || ' (' || r.n || ')',
                           'Brings lived experience into the team''s work.', 'personal', '',
                           CASE WHEN r.n %% 3 = 0 THEN 'sessional' ELSE 'employed' END,
                           CASE WHEN r.n %% 3 = 0 THEN '' ELSE (ARRAY['3','4','5'])[1 + r.n %% 3]
                           END, %(now)s, %(lead)s, ''
                      FROM (SELECT id, family, row_number() OVER (ORDER BY id) AS n
                              FROM roles_role WHERE organisation_id = %(org)s) r
                     WHERE %(v)s = 1 OR r.n <= %(versions)s - %(n_roles)s
                    """,
                    p,
                )
                versions = """
                    SELECT rv.id, rv.number, r.n FROM roles_roleversion rv
                      JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n
                              FROM roles_role WHERE organisation_id = %(org)s) r
                        ON r.id = rv.role_id
                     WHERE rv.number = %(v)s
                """
                self.sql(
                    f"""
                    INSERT INTO roles_roleduty (version_id, position, text)
                    SELECT v.id, g, (ARRAY['Share lived experience to build hope',
                        'Support people to set their own recovery goals',
                        'Take part in team meetings and reflective practice'])[g]
                      FROM ({versions}) v CROSS JOIN generate_series(1, 3) g;
                    INSERT INTO roles_roleexclusion (version_id, position, text, instead)
                    SELECT v.id, g, (ARRAY['Give clinical or medication advice',
                        'Lend or borrow money'])[g], 'Pass it to the care coordinator.'
                      FROM ({versions}) v CROSS JOIN generate_series(1, 2) g;
                    INSERT INTO roles_supervisionrequirement (version_id, position, kind,
                        min_frequency_days, min_minutes)
                    SELECT v.id, 1, 'line_management', 28, 45 FROM ({versions}) v;
                    INSERT INTO roles_supervisionrequirement (version_id, position, kind,
                        min_frequency_days, min_minutes)
                    SELECT v.id, 2, 'peer', 56, 45 FROM ({versions}) v WHERE v.n %% 2 = 1;
                    INSERT INTO roles_trainingrequirement (version_id, position, item,
                        renewal_months, remind_days_before)
                    SELECT v.id, g, (ARRAY['Safeguarding adults level 2', 'Boundaries'])[g],
                           (ARRAY[36, NULL])[g], 30
                      FROM ({versions}) v CROSS JOIN generate_series(1, 2) g;
                    INSERT INTO roles_escalationstep (version_id, position, who, for_what,
                        how_fast)
                    SELECT v.id, 1, 'Duty worker', 'A risk to someone''s safety', 'immediately'
                      FROM ({versions}) v;
                    """,  # noqa: S608 - fixed SQL
                    p,
                )

            add_versions(1)
            # Publish every version 1; assign leavers and those who later moved to it.
            self.sql(
                """
                UPDATE roles_roleversion SET status = 'published', published_at = %(published)s,
                       published_by_id = %(lead)s
                 WHERE number = 1 AND role_id IN (
                       SELECT id FROM roles_role WHERE organisation_id = %(org)s)
                """,
                p,
            )
            add_versions(2)
            assign = """
                INSERT INTO workforce_assignment (person_id, role_version_id, team_id,
                    supervisor_id, start_date, end_date, hours_per_week, created_at,
                    created_by_id)
                SELECT b.person_id, rv.id, b.team_id, b.supervisor_user, b.start_date, {end},
                       (ARRAY[15, 22.5, 30, 37.5])[1 + b.ord %% 4], %(now)s, %(lead)s
                  FROM bench_people b
                  JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n
                          FROM roles_role WHERE organisation_id = %(org)s) r
                    ON r.n = 1 + b.ord %% %(n_roles)s
                  JOIN roles_roleversion rv ON rv.role_id = r.id AND rv.status = 'published'
                 WHERE b.org_index = %(k)s AND NOT b.is_supervisor AND {which}
            """
            has_v2 = "r.n <= %(versions)s - %(n_roles)s"
            self.sql(assign.format(end="b.end_date", which="b.status = 'left'"), p)
            self.sql(
                assign.format(
                    end="%(moved)s::date - 1",
                    which=f"b.status <> 'left' AND b.start_date < %(moved)s::date - 1 AND {has_v2}",
                ),
                p,
            )
            # A newer version of the roles that have one: version 1 superseded.
            self.sql(
                """
                UPDATE roles_roleversion SET status = 'superseded', superseded_at = %(now)s
                 WHERE number = 1 AND status = 'published' AND role_id IN (
                       SELECT role_id FROM roles_roleversion WHERE number = 2)
                   AND role_id IN (SELECT id FROM roles_role WHERE organisation_id = %(org)s);
                UPDATE roles_roleversion SET status = 'published', published_at = %(now)s,
                       published_by_id = %(lead)s
                 WHERE number = 2 AND role_id IN (
                       SELECT id FROM roles_role WHERE organisation_id = %(org)s)
                """,
                p,
            )
            self.sql(
                assign.format(end="NULL", which="b.status <> 'left'").replace(
                    "b.start_date, NULL",
                    f"CASE WHEN {has_v2} AND b.start_date < %(moved)s::date - 1 "
                    "THEN %(moved)s::date ELSE b.start_date END, NULL",
                ),
                p,
            )

    # ------------------------------------------------------------------ supervision
    def sessions(self) -> None:
        self.sql(
            """
            CREATE TEMP TABLE bench_sessions ON COMMIT DROP AS
            SELECT 0::bigint AS id, 0::bigint AS org_id, 0::bigint AS person_id,
                   0::bigint AS person_user, 0::bigint AS supervisor_id, now()::date AS date,
                   ''::text AS kind, 0 AS j LIMIT 0
            """
        )
        for org in self.plan.orgs:
            peers = org.people - org.supervisors
            per_person = max(1, round(org.sessions / max(1, peers)))
            p = {"k": org.index, "m": per_person, "today": self.today, "span": SPAN_DAYS}
            # Person p's j-th most recent session: strictly earlier dates as j grows, so a
            # person never has two the same day; spread evenly over their time in post.
            self.sql(
                """
                INSERT INTO bench_sessions
                SELECT nextval('supervision_supervisionsession_id_seq'), b.org_id,
                       b.person_id, b.user_id, b.supervisor_user, d.date,
                       CASE WHEN j %% 4 = 3 THEN 'peer' ELSE 'line_management' END, j
                  FROM bench_people b
                 CROSS JOIN generate_series(0, %(m)s - 1) j
                 CROSS JOIN LATERAL (
                       SELECT coalesce(b.end_date, %(today)s::date) - b.lag - j * gap
                              - ((b.ord * 31 + j * 17) %% gap) AS date
                         FROM (SELECT greatest(1, (least(%(span)s,
                                   coalesce(b.end_date, %(today)s::date) - b.start_date)
                                   / %(m)s)::int) AS gap) g) d
                 WHERE b.org_index = %(k)s AND NOT b.is_supervisor AND b.lag >= 0
                   AND d.date >= greatest(b.start_date, %(today)s::date - %(span)s)
                """,
                p,
            )
        self.sql("ANALYZE bench_sessions; ANALYZE workforce_assignment")
        p = {"today": self.today, "now": self.now}
        self.sql(
            """
            INSERT INTO supervision_supervisionsession (id, organisation_id, supervisor_id,
                date, minutes, kind, format, status, logged_by_id, logged_at, logged_on,
                confirmed_by_id, confirmed_at, disputed_by_id, disputed_at, dispute_reason)
            SELECT id, org_id, supervisor_id, date,
                   CASE WHEN id %% 29 = 7 THEN 30 ELSE 60 END, kind,
                   (ARRAY['in_person', 'video', 'phone'])[1 + id %% 3],
                   st, supervisor_id, (logged_on + time '17:00') AT TIME ZONE 'Europe/London',
                   logged_on,
                   CASE WHEN st = 'confirmed' THEN person_user END,
                   CASE WHEN st = 'confirmed' THEN logged_at + interval '2 days' END,
                   CASE WHEN st = 'disputed' THEN person_user END,
                   CASE WHEN st = 'disputed' THEN logged_at + interval '3 days' END,
                   CASE WHEN st = 'disputed' THEN 'The session was shorter than logged.'
                        ELSE '' END
              FROM (SELECT s.*, least(s.date + (s.id %% 3)::int, %(today)s::date) AS logged_on,
                           (least(s.date + (s.id %% 3)::int, %(today)s::date)
                              + time '17:00') AT TIME ZONE 'Europe/London' AS logged_at,
                           CASE WHEN s.date > %(today)s::date - 10 THEN 'awaiting'
                                WHEN s.id %% 67 = 13 THEN 'disputed'
                                ELSE 'confirmed' END AS st
                      FROM bench_sessions s) x
            """,
            p,
        )
        self.sql(
            """
            INSERT INTO supervision_sessionsupervisee (session_id, person_id, supervisor_id,
                date, kind)
            SELECT id, person_id, supervisor_id, date, kind FROM bench_sessions
            """
        )
        # Private notes on a tenth of sessions (only the parties can read them).
        self.sql(
            """
            INSERT INTO supervision_sessionnote (session_id, topics, text)
            SELECT id, ARRAY['boundaries', 'wellbeing'], 'Talked about boundaries and rest.'
              FROM bench_sessions WHERE id %% 10 = 0
            """
        )
        self.sql(
            """
            INSERT INTO supervision_sessionaction (session_id, text, owner_id, due_date,
                done_at, done_by_id, created_at, created_by_id)
            SELECT id, 'Book the boundaries refresher', person_user, date + 28,
                   CASE WHEN date + 28 < %(today)s::date THEN
                        (date + 20)::timestamp AT TIME ZONE 'Europe/London' END,
                   CASE WHEN date + 28 < %(today)s::date THEN person_user END,
                   (date + time '17:00') AT TIME ZONE 'Europe/London', supervisor_id
              FROM bench_sessions WHERE id %% 20 = 0
            """,
            p,
        )

    # ------------------------------------------------------------------ incidents
    def incidents(self) -> None:
        self.sql(
            """
            CREATE TEMP TABLE bench_incidents (
                id bigint, org_id bigint, person_id bigint, reporter bigint, lead bigint,
                safeguarding bigint, reported_at timestamptz, severity text, safeguarding_kind
                text, category text, escalate bool, target int
            ) ON COMMIT DROP
            """
        )
        for org in self.plan.orgs:
            peers = org.people - org.supervisors
            p = {
                "k": org.index,
                "n": org.incidents,
                "peers": peers,
                "nsup": org.supervisors,
                "now": self.now,
                "span": SPAN_DAYS,
                "lead": org.lead_id,
                "sg": org.safeguarding_id,
                # A tenth of them (at least 10) in the last 60 days, in every state.
                "recent": max(10, org.incidents // 10),
            }
            # target: 0 reported, 1 triaged or escalated, 2 acknowledged, 3 in review,
            # 4 closed. Older incidents are closed; the last 60 days hold every state.
            self.sql(
                """
                INSERT INTO bench_incidents
                SELECT nextval('incidents_incident_id_seq'), b.org_id, b.person_id,
                       b.supervisor_user, %(lead)s, %(sg)s, x.at, x.severity, x.sg, x.category,
                       x.severity IN ('high', 'critical') OR x.sg <> 'none' OR g %% 10 < 3,
                       CASE WHEN x.age > 60 THEN CASE WHEN g %% 40 = 0 THEN 3 ELSE 4 END
                            ELSE least(g %% 5,
                                       CASE WHEN x.age < 1 THEN 0 WHEN x.age < 2 THEN 1
                                            WHEN x.age < 8 THEN 2 WHEN x.age < 20 THEN 3
                                            ELSE 4 END) END
                  FROM generate_series(1, %(n)s) g
                  JOIN bench_people b
                    ON b.org_index = %(k)s AND b.ord = %(nsup)s + 1 + (g * 7919) %% %(peers)s
                 CROSS JOIN LATERAL (
                       SELECT %(now)s::timestamptz - make_interval(secs => a.age * 86400) AS at,
                              a.age,
                              CASE WHEN g %% 100 < 40 THEN 'low' WHEN g %% 100 < 75
                                   THEN 'moderate' WHEN g %% 100 < 93 THEN 'high'
                                   ELSE 'critical' END AS severity,
                              CASE WHEN (g * 13) %% 100 < 85 THEN 'none'
                                   WHEN (g * 13) %% 100 < 97 THEN 'adult' ELSE 'child' END
                                AS sg,
                              (ARRAY['informal_contact', 'social_media', 'gifts_or_money',
                                     'dual_relationship', 'disclosure', 'clinical_advice',
                                     'crisis_intervention', 'confidentiality',
                                     'lone_working', 'other'])[1 + (g * 3) %% 10] AS category
                         FROM (SELECT CASE WHEN g <= %(recent)s
                                      THEN g * 60.0 / (%(recent)s + 1)
                                      ELSE 60 + (g - %(recent)s) * (%(span)s - 60.0)
                                               / greatest(1, %(n)s - %(recent)s)
                                      END AS age) a
                 ) x
                """,
                p,
            )
        self.sql(
            """
            INSERT INTO incidents_incident (id, organisation_id, person_id, reported_by_id,
                reported_at, narrative, told_someone, told_whom, reported_occurred_on,
                reported_category, reported_severity, reported_safeguarding, occurred_on,
                category, severity, safeguarding, peak_severity, peak_safeguarding,
                is_recurrence, state, triage_due_at, triage_decision, outcome, learning,
                no_referral_reason, worker_restricted, worker_restricted_reason,
                abuse_types, personal_views, referral_consent,
                referral_without_consent_reason, capacity_note,
                removed_from_regulated_activity, dbs_decision, dbs_not_referred_reason)
            SELECT id, org_id, person_id, reporter, reported_at,
                   'During a visit the person asked for my personal phone number.', false, '',
                   (reported_at AT TIME ZONE 'Europe/London')::date - 1, category, severity,
                   safeguarding_kind, (reported_at AT TIME ZONE 'Europe/London')::date - 1,
                   category, severity, safeguarding_kind, severity, safeguarding_kind, false,
                   'reported', reported_at + interval '5 days', '', '', '', '', false, '',
                   '{}', '', '', '', '', false, '', ''
              FROM bench_incidents
            """
        )
        self.sql("ANALYZE bench_incidents; ANALYZE incidents_incident")
        # Along the workflow, one step at a time, as the guard trigger allows.
        self.sql(
            """
            UPDATE incidents_incident i SET state = 'triaged', triage_decision = 'supervision',
                   triaged_at = i.reported_at + interval '20 hours', triaged_by_id = b.lead
              FROM bench_incidents b WHERE b.id = i.id AND NOT b.escalate AND b.target >= 1;
            UPDATE incidents_incident i SET state = 'escalated', triage_decision = 'escalate',
                   triaged_at = i.reported_at + interval '20 hours', triaged_by_id = b.lead,
                   escalated_at = i.reported_at + interval '20 hours', escalated_by_id = b.lead,
                   escalated_to_id = b.safeguarding,
                   acknowledge_due_at = i.reported_at + CASE
                       WHEN i.severity = 'critical' OR i.safeguarding = 'child'
                       THEN interval '24 hours' ELSE interval '44 hours' END
              FROM bench_incidents b WHERE b.id = i.id AND b.escalate AND b.target >= 1;
            UPDATE incidents_incident i SET state = 'acknowledged',
                   acknowledged_at = i.escalated_at + interval '3 hours',
                   acknowledged_by_id = b.safeguarding
              FROM bench_incidents b WHERE b.id = i.id AND b.escalate AND b.target >= 2;
            UPDATE incidents_incident i SET state = 'in_review',
                   reviewed_at = i.reported_at + interval '7 days',
                   reviewed_by_id = CASE WHEN b.escalate THEN b.safeguarding ELSE b.lead END
              FROM bench_incidents b WHERE b.id = i.id AND b.target >= 3;
            UPDATE incidents_incident i SET personal_views = 'Wants support to carry on.',
                   referral_consent = 'no_referral', capacity_considered = true,
                   capacity_note = 'Able to decide.',
                   personal_recorded_at = i.reviewed_at, personal_recorded_by_id = b.safeguarding
              FROM bench_incidents b WHERE b.id = i.id AND b.escalate AND b.target >= 4;
            UPDATE incidents_incident i SET state = 'closed',
                   closed_at = i.reported_at + interval '19 days', closed_by_id = b.lead,
                   outcome = (ARRAY['supervision_support', 'training', 'no_further_action',
                                    'role_adjusted'])[1 + i.id %% 4],
                   learning = 'Agreed how to say no kindly and where to signpost.'
              FROM bench_incidents b WHERE b.id = i.id AND b.target >= 4
            """
        )
        # The chronology: one entry per step reached, as the services write them.
        self.sql(
            """
            INSERT INTO incidents_incidentevent (incident_id, at, actor_id, kind, summary,
                detail, before, after)
            SELECT id, at, actor, kind, summary, '', '{}'::jsonb, '{}'::jsonb FROM (
                SELECT id, reported_at AS at, reported_by_id AS actor, 'reported' AS kind,
                       'Reported' AS summary FROM incidents_incident
                UNION ALL
                SELECT id, triaged_at, triaged_by_id, 'triaged',
                       'Triaged: ' || triage_decision FROM incidents_incident
                 WHERE triaged_at IS NOT NULL
                UNION ALL
                SELECT id, escalated_at, escalated_by_id, 'escalated',
                       'Escalated to the safeguarding lead' FROM incidents_incident
                 WHERE escalated_at IS NOT NULL
                UNION ALL
                SELECT id, acknowledged_at, acknowledged_by_id, 'acknowledged',
                       'Acknowledged' FROM incidents_incident
                 WHERE acknowledged_at IS NOT NULL
                UNION ALL
                SELECT id, reviewed_at, reviewed_by_id, 'reviewed', 'Reviewed'
                  FROM incidents_incident
                 WHERE reviewed_at IS NOT NULL
                UNION ALL
                SELECT id, closed_at, closed_by_id, 'closed', 'Closed: ' || outcome
                  FROM incidents_incident
                 WHERE closed_at IS NOT NULL
            ) e
            """
        )
        self.sql(
            """
            INSERT INTO incidents_incidentaction (incident_id, description, owner_id, due_on,
                created_at, created_by_id, done_at, done_by_id, done_note)
            SELECT i.id, 'Refresher on boundaries with the supervisor', b.reporter,
                   (i.reviewed_at AT TIME ZONE 'Europe/London')::date + 14,
                   i.reviewed_at, b.lead,
                   CASE WHEN i.state = 'closed' THEN i.reviewed_at + interval '10 days' END,
                   CASE WHEN i.state = 'closed' THEN b.reporter END, ''
              FROM incidents_incident i JOIN bench_incidents b ON b.id = i.id
             WHERE i.reviewed_at IS NOT NULL AND i.id %% 3 = 0
            """
        )
        self.sql(
            """
            INSERT INTO incidents_incidentreferral (incident_id, agency, agency_name,
                reference, referred_on, recorded_at, recorded_by_id)
            SELECT i.id, CASE WHEN i.safeguarding = 'child' THEN 'childrens_services'
                              ELSE 'adult_safeguarding' END, '', 'REF-' || i.id,
                   (i.acknowledged_at AT TIME ZONE 'Europe/London')::date,
                   i.acknowledged_at, i.acknowledged_by_id
              FROM incidents_incident i
             WHERE i.acknowledged_at IS NOT NULL AND i.safeguarding <> 'none'
            """
        )

    # ------------------------------------------------------------------ payments
    def claims(self) -> None:
        self.sql(
            """
            CREATE TEMP TABLE bench_claims (
                id bigint, org_id bigint, person_id bigint, user_id bigint, lead bigint,
                card bigint, activity_date date, tier int, state text, activity_id bigint,
                description text, team_id bigint
            ) ON COMMIT DROP
            """
        )
        for org in self.plan.orgs:
            peers = org.people - org.supervisors
            p = {
                "org": org.id,
                "k": org.index,
                "n": org.claims,
                "peers": peers,
                "nsup": org.supervisors,
                "today": self.today,
                "now": self.now,
                "span": SPAN_DAYS,
                "lead": org.lead_id,
                "card": org.card_id,
                "teams": org.teams,
            }
            # One involvement activity a day, in a team, across the three years.
            self.sql(
                """
                INSERT INTO payments_activity (organisation_id, team_id, title, date,
                    cost_code, description, created_by_id, created_at)
                SELECT %(org)s, t.id,
                       (ARRAY['Interview panel', 'Focus group', 'Service design workshop',
                              'Training delivery', 'Steering group'])[1 + d %% 5] || ' '
                         || to_char(%(today)s::date - d, 'DD/MM/YYYY'),
                       %(today)s::date - d, 'CC' || lpad(t.n::text, 4, '0'), '',
                       %(lead)s, %(now)s
                  FROM generate_series(0, %(span)s) d
                  JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n
                          FROM workforce_team WHERE organisation_id = %(org)s) t
                    ON t.n = 1 + d %% %(teams)s
                """,
                p,
            )
            # Claim g: the (g mod peers)-th peer, dated evenly over the span (so a person's
            # claims fall on different days); three in five are for an activity.
            self.sql(
                """
                INSERT INTO bench_claims
                SELECT nextval('payments_claim_id_seq'), b.org_id, b.person_id, b.user_id,
                       %(lead)s, %(card)s, x.day, 1 + (g * 7) %% 5,
                       CASE WHEN x.age <= 10 THEN
                                CASE WHEN g %% 5 = 0 THEN 'draft' ELSE 'submitted' END
                            WHEN x.age <= 30 THEN
                                CASE WHEN g %% 20 < 2 THEN 'draft' WHEN g %% 20 < 10
                                     THEN 'submitted' WHEN g %% 20 = 10 THEN 'rejected'
                                     ELSE 'approved' END
                            WHEN g %% 33 = 0 THEN 'rejected'
                            ELSE 'approved' END,
                       a.id, coalesce(a.title, 'Involvement work ' || g), a.team_id
                  FROM generate_series(1, %(n)s) g
                  JOIN bench_people b
                    ON b.org_index = %(k)s AND b.ord = %(nsup)s + 1 + g %% %(peers)s
                 CROSS JOIN LATERAL (
                       SELECT %(today)s::date - (g::bigint * %(span)s / %(n)s)::int AS day,
                              (g::bigint * %(span)s / %(n)s)::int AS age) x
                  LEFT JOIN payments_activity a
                    ON g %% 5 < 3 AND a.organisation_id = %(org)s AND a.date = x.day
                """,
                p,
            )
        fees = "(ARRAY[25.00, 50.00, 75.00, 150.00, 300.00])[c.tier]"
        self.sql(
            f"""
            INSERT INTO payments_claim (id, organisation_id, person_id, claimant_user_id,
                created_by_id, activity_id, description, activity_date, cost_code,
                duration_minutes, preparation, chaired_or_trained, suggested_tier, tier,
                tier_reason, rate_card_id, fee, payment_method, reduced_to, fee_payable,
                state, submitted_at, decided_by_id, decided_at, rejection_reason,
                duplicate_reason, adjustment_reason, payment_reference, created_at,
                updated_at)
            SELECT c.id, c.org_id, c.person_id, c.user_id, c.user_id, c.activity_id,
                   c.description, c.activity_date,
                   CASE WHEN c.team_id IS NULL THEN '' ELSE 'CC' || c.team_id END,
                   (ARRAY[60, 120, 210, 420, 420])[c.tier],
                   (ARRAY['little', 'some', 'required', 'substantial', 'substantial'])[c.tier],
                   c.tier = 5, c.tier, c.tier, '', c.card, {fees},
                   CASE WHEN c.id %% 20 = 0 THEN 'declined' ELSE 'payroll' END, NULL,
                   CASE WHEN c.id %% 20 = 0 THEN 0 ELSE {fees} END,
                   c.state,
                   CASE WHEN c.state <> 'draft' THEN least(%(now)s - interval '2 hours',
                        (c.activity_date + 1 + time '10:00') AT TIME ZONE 'Europe/London') END,
                   CASE WHEN c.state IN ('approved', 'rejected') THEN c.lead END,
                   CASE WHEN c.state IN ('approved', 'rejected') THEN
                        least(%(now)s - interval '1 hour',
                        (c.activity_date + 4 + time '11:00') AT TIME ZONE 'Europe/London') END,
                   CASE WHEN c.state = 'rejected' THEN 'Not part of an agreed activity.'
                        ELSE '' END,
                   '', '', '',
                   least(%(now)s - interval '3 hours',
                         (c.activity_date + time '18:00') AT TIME ZONE 'Europe/London'),
                   %(now)s
              FROM bench_claims c
            """,  # noqa: S608 - fixed SQL
            {"now": self.now},
        )
        self.sql("ANALYZE bench_claims; ANALYZE payments_claim")
        # A few travel expenses on drafts (expenses can only change on a draft).
        self.sql(
            """
            INSERT INTO payments_expenseline (claim_id, kind, description, amount, receipt,
                receipt_name, receipt_type, created_at)
            SELECT id, 'travel', 'Bus fare', 4.80, '', '', '', %(now)s
              FROM bench_claims WHERE state = 'draft'
            """,
            {"now": self.now},
        )
        # Finance batches: approved claims decided more than two weeks ago, in date order;
        # batches whose cut-off is over a month old are paid.
        for org in self.plan.orgs:
            p = {
                "org": org.id,
                "b": org.batches,
                "today": self.today,
                "now": self.now,
                "span": SPAN_DAYS,
                "finance": org.finance_id,
            }
            self.sql(
                """
                INSERT INTO payments_batch (organisation_id, cut_off, cost_code, created_by_id,
                    created_at)
                SELECT %(org)s, cut, '', %(finance)s,
                       (cut + 1 + time '10:00') AT TIME ZONE 'Europe/London'
                  FROM (SELECT %(today)s::date - 14
                               - ((%(b)s - g) * (%(span)s - 14) / %(b)s)::int AS cut
                          FROM generate_series(1, %(b)s) g) s
                """,
                p,
            )
            self.sql(
                """
                INSERT INTO payments_batchline (batch_id, claim_id, position, payee_name,
                    payee_reference, approved_by_name)
                WITH days AS MATERIALIZED (
                    -- Each decision date -> the first batch whose cut-off is on or after it.
                    SELECT d.day, (SELECT b.id FROM payments_batch b
                                    WHERE b.organisation_id = %(org)s AND b.cut_off >= d.day
                                    ORDER BY b.cut_off, b.id LIMIT 1) AS batch_id
                      FROM (SELECT %(today)s::date - g AS day
                              FROM generate_series(0, %(span)s + 30) g) d
                )
                SELECT days.batch_id, c.id,
                       row_number() OVER (PARTITION BY days.batch_id ORDER BY c.id),
                       pe.full_name, pe.payee_reference, 'Bench lead'
                  FROM payments_claim c
                  JOIN workforce_person pe ON pe.id = c.person_id
                  JOIN days ON days.day = (c.decided_at AT TIME ZONE 'Europe/London')::date
                 WHERE c.organisation_id = %(org)s AND c.state = 'approved'
                   AND days.batch_id IS NOT NULL
                """,
                p,
            )
            self.sql("ANALYZE payments_batchline; ANALYZE payments_batch")
            self.sql(
                """
                UPDATE payments_claim c SET state = 'exported'
                  FROM payments_batchline bl JOIN payments_batch b ON b.id = bl.batch_id
                 WHERE bl.claim_id = c.id AND b.organisation_id = %(org)s;
                UPDATE payments_claim c SET state = 'paid', paid_on = b.cut_off + 7,
                       payment_reference = 'BACS-' || b.id, paid_recorded_by_id = %(finance)s
                  FROM payments_batchline bl JOIN payments_batch b ON b.id = bl.batch_id
                 WHERE bl.claim_id = c.id AND b.organisation_id = %(org)s
                   AND b.cut_off < %(today)s::date - 30
                """,
                p,
            )


COUNTED_TABLES = [
    ("organisations", "workforce_organisation"),
    ("teams", "workforce_team"),
    ("logins", "auth_user"),
    ("people", "workforce_person"),
    ("memberships", "workforce_membership"),
    ("roles", "roles_role"),
    ("role versions", "roles_roleversion"),
    ("assignments", "workforce_assignment"),
    ("supervision sessions", "supervision_supervisionsession"),
    ("session supervisees", "supervision_sessionsupervisee"),
    ("session notes", "supervision_sessionnote"),
    ("session actions", "supervision_sessionaction"),
    ("incidents", "incidents_incident"),
    ("incident chronology entries", "incidents_incidentevent"),
    ("incident actions", "incidents_incidentaction"),
    ("incident referrals", "incidents_incidentreferral"),
    ("activities", "payments_activity"),
    ("claims", "payments_claim"),
    ("expense lines", "payments_expenseline"),
    ("batches", "payments_batch"),
    ("batch lines", "payments_batchline"),
]


def row_counts() -> list[tuple[str, int]]:
    with connection.cursor() as cur:
        counts = []
        for label, table in COUNTED_TABLES:
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            counts.append((label, cur.fetchone()[0]))
    return counts


# ---------------------------------------------------------------------- the command
def seed(
    scale: float, *, organisations: int | None = None, allow_production: bool = False, log=print
) -> Plan:
    """Check the database is a throwaway, empty one; generate; print the row counts.

    Raises BenchDataError, with what to do, when it refuses.
    """
    if not settings.DEBUG and not allow_production:
        raise BenchDataError(
            "bench.seed refuses to run with DJANGO_DEBUG off: its logins share a published "
            "password. On a throwaway benchmark database, pass --allow-production."
        )
    bench, other = existing_data()
    if other:
        raise BenchDataError(
            f"This database already holds {other} organisation(s) that are not benchmark "
            "data. bench.seed only fills an empty database (use a fresh WORKFORCE_VAR_DIR "
            "or DATABASE_URL)."
        )
    if bench:
        raise BenchDataError(
            "Benchmark data is already here; nothing was changed. Start from an empty "
            "database to generate it again."
        )
    the_plan = plan(scale, organisations)
    log(f"Generating benchmark data at scale {scale:g} ({len(the_plan.orgs)} organisations)...")
    started = time.monotonic()
    the_plan = generate(scale, log=log, organisations=organisations)
    took = time.monotonic() - started
    log("")
    width = max(len(label) for label, _ in COUNTED_TABLES)
    for label, count in row_counts():
        log(f"  {label:<{width}}  {count:>10,}")
    log(f"Generated in {took:.1f} s.")
    return the_plan


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.seed``; a refusal exits with its message (SystemExit)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed",
        description="Generate benchmark data in bulk (see bench/README.md). Benchmark "
        "databases only: it refuses a database that already holds other data.",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1 = one large trust.")
    parser.add_argument(
        "--organisations",
        type=int,
        default=None,
        help="How many organisations (default: the scale, rounded, at least 1).",
    )
    parser.add_argument(
        "--allow-production",
        action="store_true",
        help="Run even with DJANGO_DEBUG off. The bench logins share a published "
        "password: never use this on a database real people use.",
    )
    args = parser.parse_args(argv)
    try:
        seed(
            args.scale,
            organisations=args.organisations,
            allow_production=args.allow_production,
        )
    except BenchDataError as exc:
        raise SystemExit(f"bench.seed: {exc}") from exc
    return 0


if __name__ == "__main__":
    sys.exit(main())
