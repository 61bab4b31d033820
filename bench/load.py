"""Benchmark: 50 simulated users on the main journeys against gunicorn with production
settings, then a PostgreSQL restart in the middle of a run (issue 9).

    .venv/bin/python bench/load.py                  # var dir /tmp/wf-load-bench by default
    .venv/bin/python bench/load.py --users 50 --duration 60 --fault-duration 45

Steps (bench/harness.py does the database, gunicorn and the signing in):

1. The embedded PostgreSQL in a var dir of its own (WORKFORCE_VAR_DIR, default
   /tmp/wf-load-bench), migrated, seed_demo loaded, and the load users added (idempotent):
   20 peer workers each assigned a role with one of 10 supervisors, 10 co-production leads
   and 10 finance users (the last two with an authenticator, as they must use two-step).
2. gunicorn (bench.settings = production settings, debug off) on 127.0.0.1, and the job
   worker (`manage.py procrastinate worker`) beside it, which sends the emails the journeys
   cause. `--servers N` starts N app servers on the one database, sharing kept figures
   through the database cache (CACHE_URL=dbcache://), and sends each request to the next
   server, as a load balancer without sticky sessions would. Every user signs in through
   the login page and, where required, the two-step page.
3. Steady phase: 50 threads, one per user, for --duration seconds, each a closed loop of
   its journey with a think time between requests. Every form is the page's own form
   (its CSRF token, hidden fields and defaults) with the journey's answers:
   - peer: home, supervision; logs a supervision session; creates a claim, adds an
     expense, submits it; my claims.
   - supervisor: their supervisees and sessions; confirms a session a peer logged naming
     them; reports an incident about a supervisee (every third loop); incidents list.
   - lead: approvals queue; approves a claim a peer submitted (from the claim page's own
     approve form); incidents; people register.
   - finance: batches, a batch's page, totals, waiting claims.
   Any 5xx (or a dropped connection) is a server error; p50/p95/p99 and throughput are
   reported overall and per journey.
4. Fault phase: the same load for --fault-duration seconds; after --fault-at seconds the
   cluster is stopped (pg_ctl -m fast) and started again. Reported: how long the database
   was away, when requests succeeded again, the errors during the outage and whether they
   were clean (the app's own 500 page, no request hanging > 10 s, no dropped connection).
5. Integrity, in SQL through the ORM once the run is over: every audit entry's object
   exists; every claim, session and incident written during the run has its audit entries
   (created, submitted, approved / logged, confirmed / reported); every supervision session
   has its supervisee and its note; every incident has exactly one "reported" step in its
   chronology; every email the run queued was sent by the worker (no incident notice
   unsent, no email job failed or left); and the database holds no fewer rows than the
   client saw succeed.

Prints PASS/MISS per target: 0 server errors in the steady phase; recovery within 10 s of
the restart; clean errors; integrity.
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
import json
import os
import queue
import random
import re
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import harness  # noqa: E402

PEERS, SUPERVISORS, LEADS, FINANCE = 20, 10, 10, 10
RECOVERY_TARGET_S = 10.0
HANG_S = 10.0


# --------------------------------------------------------------------------- seeding
def seed(peers: int, supervisors: int, leads: int, finance: int) -> dict:
    """The load users (idempotent), and the highest ids before the run, for the checks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from payments.models import Claim, ExpenseLine
    from roles.models import RoleVersion
    from supervision.incidents.models import Incident, IncidentNotice
    from supervision.models import SupervisionSession
    from workforce import demo
    from workforce.organisations.models import Membership, Organisation, Team
    from workforce.platform.models import AuditEntry
    from workforce.register.models import Assignment, Person
    from workforce.register.services.assignments import assignment_create

    User = get_user_model()
    org = Organisation.objects.get(name=demo.TRUST)
    admin = User.objects.get(username="admin")
    team = Team.objects.filter(organisation=org).order_by("pk").first()
    version = (
        RoleVersion.objects.filter(role__organisation=org, status="published")
        .order_by("pk")
        .first()
    )
    today = timezone.localdate()

    def login(username: str, name: str, capacity: str, two_step: bool):
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        if created:
            user.set_password(harness.BENCH_PASSWORD)
            user.save(update_fields=["password"])
        Person.objects.get_or_create(
            user=user,
            defaults={"organisation": org, "full_name": name, "email": user.email},
        )
        Membership.objects.get_or_create(user=user, organisation=org, capacity=capacity)
        if two_step and not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(
                user=user,
                name="Bench authenticator",
                key=harness.BENCH_TOTP_KEY_HEX,
                confirmed=True,
            )
        return user

    with transaction.atomic():
        sups = [
            login(f"load-sup-{i:02d}", f"Load Supervisor {i:02d}", "supervisor", False)
            for i in range(supervisors)
        ]
        for i in range(peers):
            user = login(f"load-peer-{i:02d}", f"Load Peer {i:02d}", "peer_worker", False)
            if not Assignment.objects.filter(person=user.person).exists():
                assignment_create(
                    person=user.person,
                    role_version=version,
                    team=team,
                    supervisor=sups[i % supervisors],
                    start_date=today - timedelta(days=400),
                    hours_per_week=15,
                    by=admin,
                )
        for i in range(leads):
            login(f"load-lead-{i:02d}", f"Load Lead {i:02d}", "coproduction_lead", True)
        for i in range(finance):
            login(f"load-fin-{i:02d}", f"Load Finance {i:02d}", "finance", True)

    def top(model) -> int:
        return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    return {
        "claim": top(Claim),
        "expense": top(ExpenseLine),
        "session": top(SupervisionSession),
        "incident": top(Incident),
        "audit": top(AuditEntry),
        "notice": top(IncidentNotice),
    }


# --------------------------------------------------------------------------- integrity
def integrity(before: dict, seen: dict) -> dict:
    """Invariants over the database once the run is over; returns {check: problems}."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
    import django

    django.setup()
    from django.apps import apps
    from django.db.models import Count, Q
    from procrastinate.contrib.django.models import ProcrastinateJob

    from payments.models import Claim, ExpenseLine
    from supervision.incidents.models import Incident, IncidentNotice
    from supervision.models import SupervisionSession
    from workforce.platform.models import AuditEntry

    problems: dict[str, list[str]] = {}

    def fail(check: str, text: str) -> None:
        problems.setdefault(check, []).append(text)

    # Every audit entry's object exists.
    for object_type in AuditEntry.objects.values_list("object_type", flat=True).distinct():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            fail("audit target exists", f"unknown object type {object_type}")
            continue
        ids = set(
            AuditEntry.objects.filter(object_type=object_type).values_list("object_id", flat=True)
        )
        found = {
            str(pk) for pk in model._default_manager.filter(pk__in=ids).values_list("pk", flat=True)
        }
        for missing in sorted(ids - found)[:5]:
            fail("audit target exists", f"{object_type} {missing} is gone")

    def audited(model, after: int, action: str, condition: Q | None = None) -> int:
        rows = model.objects.filter(pk__gt=after)
        if condition is not None:
            rows = rows.filter(condition)
        label = model._meta.label_lower
        logged = set(
            AuditEntry.objects.filter(object_type=label, action=action).values_list(
                "object_id", flat=True
            )
        )
        count = 0
        for pk in rows.values_list("pk", flat=True):
            count += 1
            if str(pk) not in logged:
                fail("every write audited", f"{label} {pk} has no {action}")
        return count

    S = Claim.State
    claims = audited(Claim, before["claim"], "claim.created")
    audited(Claim, before["claim"], "claim.submitted", ~Q(state=S.DRAFT))
    audited(Claim, before["claim"], "claim.approved", Q(state__in=[S.APPROVED, S.EXPORTED, S.PAID]))
    expenses = ExpenseLine.objects.filter(pk__gt=before["expense"]).count()
    expense_audits = AuditEntry.objects.filter(
        pk__gt=before["audit"], action="claim.expense_added"
    ).count()
    if expense_audits != expenses:
        fail("every write audited", f"{expenses} expense lines, {expense_audits} audit entries")
    sessions = audited(SupervisionSession, before["session"], "supervision.session_logged")
    audited(
        SupervisionSession,
        before["session"],
        "supervision.session_confirmed",
        Q(status="confirmed"),
    )
    incidents = audited(Incident, before["incident"], "incident.reported")

    # Nothing half-written, across the whole database.
    for session in SupervisionSession.objects.annotate(n=Count("supervisee_links")).filter(n=0):
        fail("sessions whole", f"session {session.pk} has no supervisee")
    for session in SupervisionSession.objects.filter(note__isnull=True):
        fail("sessions whole", f"session {session.pk} has no note row")
    for incident in Incident.objects.annotate(
        n=Count("events", filter=Q(events__kind="reported"))
    ).exclude(n=1):
        fail("incidents whole", f"incident {incident.pk} has {incident.n} 'reported' steps")
    for claim in Claim.objects.filter(pk__gt=before["claim"]).exclude(state=S.DRAFT):
        if claim.submitted_at is None:
            fail("claims whole", f"claim {claim.pk} is {claim.state} with no submission time")

    # Every email the run queued was sent by the worker, none left waiting or given up.
    for notice in IncidentNotice.objects.filter(sent_at__isnull=True)[:5]:
        fail("every email sent", f"incident notice {notice.pk} ({notice.kind}) is unsent")
    for job in ProcrastinateJob.objects.filter(queue_name="email").exclude(status="succeeded")[:5]:
        fail("every email sent", f"job {job.id} {job.task_name} is {job.status}")

    # The database holds at least what the client saw succeed.
    emails = IncidentNotice.objects.filter(pk__gt=before.get("notice", 0), sent_at__isnull=False)
    made = {
        "claims": claims,
        "sessions": sessions,
        "incidents": incidents,
        "expenses": expenses,
        "emails sent by the worker": emails.count(),
    }
    for what, count in made.items():
        if count < seen.get(what, 0):
            fail("client's writes all there", f"client saw {seen[what]} {what}, database {count}")
    return {"problems": problems, "made": made}


# --------------------------------------------------------------------------- forms
class _Forms(html.parser.HTMLParser):
    """Every <form> on a page: action, method, and its fields as a browser would send them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._options: list[tuple[str, str, bool]] = []
        self._option: list | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": [],
                "radios": {},
                "selects": {},
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind == "radio":
                self._form["radios"].setdefault(a["name"], []).append(
                    (a.get("value", "on"), "checked" in a)
                )
            elif kind == "checkbox":
                if "checked" in a:
                    self._form["fields"].append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._form["fields"].append((a["name"], a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select:
            self._option = [a.get("value"), "", "selected" in a]
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value, label, selected = self._option
            self._options.append(
                (label.strip() if value is None else value, label.strip(), selected)
            )
            self._option = None
        elif tag == "select" and self._select and self._form is not None:
            self._form["selects"][self._select] = self._options
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form["fields"].append((self._textarea, self._text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(body: bytes) -> list[dict]:
    parser = _Forms()
    parser.feed(body.decode("utf-8", "replace"))
    return parser.forms


def form_data(form: dict, **answers) -> dict[str, str]:
    """The form as a browser would submit it untouched, then the journey's answers."""
    data = dict(form["fields"])
    for name, choices in form["radios"].items():
        checked = [value for value, on in choices if on]
        data[name] = checked[0] if checked else choices[0][0]
    for name, options in form["selects"].items():
        chosen = [value for value, _, on in options if on]
        if chosen:
            data[name] = chosen[0]
        else:
            data[name] = next((value for value, _, _ in options if value), "")
    data.update({k: str(v) for k, v in answers.items()})
    return data


def find_form(body: bytes, action_contains: str, method: str = "post") -> dict | None:
    """The page's form whose action contains `action_contains` (never the header's sign-out
    form); with "", the biggest such form, which is the page's own."""
    found = [
        form
        for form in forms_of(body)
        if form["method"] == method
        and action_contains in form["action"]
        and "logout" not in form["action"]
    ]
    return max(
        found, key=lambda f: len(f["fields"]) + len(f["radios"]) + len(f["selects"]), default=None
    )


def option_value(form: dict, field_name: str, label_contains: str) -> str | None:
    for value, label, _ in form["selects"].get(field_name, []):
        if label_contains in label and value:
            return value
    return None


# --------------------------------------------------------------------------- the users
@dataclass
class Hit:
    journey: str
    step: str
    start: float
    end: float
    status: int | None  # None: no HTTP answer (connection refused, reset, timeout)
    error: str = ""
    body_ok: bool = True  # for a 5xx: the app's own error page


@dataclass
class Shared:
    stop_at: float = 0.0
    hits: list[Hit] = field(default_factory=list)
    sessions: dict[int, queue.Queue] = field(default_factory=dict)  # per supervisor index
    claims: queue.Queue = field(default_factory=queue.Queue)
    batch_path: str | None = None
    seen: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    think: float = 1.0

    def count(self, what: str) -> None:
        with self.lock:
            self.seen[what] = self.seen.get(what, 0) + 1


class StepFailed(Exception):
    pass


ERROR_PAGE = b"Sorry, something went wrong"
_PK = re.compile(r"/(\d+)/")


class User:
    def __init__(self, journey: str, index: int, client: harness.Client, shared: Shared):
        self.journey, self.index, self.client, self.shared = journey, index, client, shared
        self.rng = random.Random(f"{journey}{index}{time.time_ns()}")  # noqa: S311
        self.loop = 0

    # One request, recorded.
    def _do(self, step: str, method: str, path: str, data: dict | None = None):
        started = time.monotonic()
        if started >= self.shared.stop_at:
            raise StepFailed("time is up")
        try:
            if method == "GET":
                status, headers, body = self.client.get(path)
            else:
                status, headers, body = self.client.post(path, data or {})
        except OSError as exc:
            self.shared.hits.append(
                Hit(self.journey, step, started, time.monotonic(), None, type(exc).__name__)
            )
            raise StepFailed(step) from exc
        hit = Hit(self.journey, step, started, time.monotonic(), status)
        if status >= 500:
            hit.body_ok = ERROR_PAGE in body
        self.shared.hits.append(hit)
        if status >= 400:
            hit.error = f"HTTP {status}"
            raise StepFailed(f"{step}: HTTP {status}")
        return status, headers, body

    def get(self, step: str, path: str) -> bytes:
        return self._do(step, "GET", path)[2]

    def post(self, step: str, path: str, data: dict) -> str:
        """POST a form; a redirect (the app's answer to a good form) gives its target."""
        status, headers, _ = self._do(step, "POST", path, data)
        if status != 302:
            raise StepFailed(f"{step}: form refused ({status})")
        target = harness._local(headers["location"])
        if target.startswith("/accounts/"):
            # Sent to sign in again: the server did not accept the session.
            self.shared.count("signed out")
            raise StepFailed(f"{step}: signed out")
        return target

    def think(self) -> None:
        time.sleep(self.rng.uniform(0.5, 1.5) * self.shared.think)

    def run(self) -> None:
        journey = getattr(self, f"loop_{self.journey}")
        while time.monotonic() < self.shared.stop_at:
            self.loop += 1
            with contextlib.suppress(StepFailed):
                journey()
            self.think()

    def pages(self, *paths: str) -> None:
        for path in paths:
            if time.monotonic() >= self.shared.stop_at:
                raise StepFailed("time")
            self.get(f"GET {path}", path)
            self.think()

    # --- peer worker
    def loop_peer(self) -> None:
        self.pages("/", "/supervision/")
        body = self.get("GET log form", "/supervision/log/")
        form = find_form(body, "")
        if form is None:
            raise StepFailed("no log form")
        # A session with the same supervisor, day and type is refused as a duplicate: spread
        # the days over four years.
        day = _days_ago(self.rng.randint(0, 1500))
        target = self.post(
            "POST log session", "/supervision/log/", form_data(form, date=day, minutes=60)
        )
        self.shared.count("sessions")
        match = _PK.search(target)
        if match:
            self.shared.sessions[self.index % SUPERVISORS].put(int(match.group(1)))
        self.think()
        body = self.get("GET claim form", "/payments/claims/new/")
        form = find_form(body, "")
        if form is None:
            raise StepFailed("no claim form")
        target = self.post(
            "POST create claim",
            "/payments/claims/new/",
            form_data(
                form,
                activity="",
                description=f"Load test panel {self.index}-{self.loop}-{time.time_ns()}",
                activity_date=_days_ago(self.rng.randint(1, 30)),
                hours="1.5",
                preparation="some",
            ),
        )
        self.shared.count("claims")
        self.think()
        body = self.get("GET claim", target)
        expense = find_form(body, "/expenses/")
        if expense is None:
            raise StepFailed("no expense form")
        self.post(
            "POST add expense",
            expense["action"],
            form_data(expense, kind="travel", description="Bus fare", amount="3.40"),
        )
        self.shared.count("expenses")
        self.think()
        body = self.get("GET claim", target)
        submit = find_form(body, "/submit/")
        if submit is None:
            raise StepFailed("no submit form")
        self.post("POST submit claim", submit["action"], form_data(submit))
        self.shared.claims.put(target)
        self.think()
        self.pages("/payments/")

    # --- supervisor
    def loop_supervisor(self) -> None:
        self.pages("/", "/supervision/supervisees/", "/supervision/sessions/")
        with contextlib.suppress(queue.Empty):
            pk = self.shared.sessions[self.index].get_nowait()
            body = self.get("GET session", f"/supervision/sessions/{pk}/")
            form = find_form(body, "/confirm/")
            if form is not None:
                self.post("POST confirm session", form["action"], form_data(form))
                self.shared.count("confirmed")
            self.think()
        if self.loop % 3 == 1:
            body = self.get("GET report choose", "/incidents/report/")
            person = None
            for choose in forms_of(body):
                person = person or option_value(choose, "person", "Load Peer")
            if person is None:
                raise StepFailed("no supervisee to report about")
            path = f"/incidents/report/?person={person}"
            body = self.get("GET report form", path)
            form = find_form(body, "")
            if form is None:
                raise StepFailed("no report form")
            self.think()
            self.post(
                "POST report incident",
                form["action"] or path,
                form_data(
                    form,
                    occurred_on=_days_ago(1),
                    category="informal_contact",
                    # Every other one high: the safeguarding leads are emailed at once.
                    severity="high" if self.loop % 2 else "low",
                    safeguarding="none",
                    narrative="Load test: shared a personal phone number with someone.",
                    told_someone="no",
                    told_whom="",
                ),
            )
            self.shared.count("incidents")
            self.think()
        self.pages("/incidents/")

    # --- co-production lead
    def loop_lead(self) -> None:
        self.pages("/", "/payments/approvals/")
        for _ in range(2):
            try:
                target = self.shared.claims.get_nowait()
            except queue.Empty:
                break
            body = self.get("GET claim to approve", target)
            form = find_form(body, "/approve/")
            if form is None:
                continue
            self.think()
            self.post("POST approve claim", form["action"], form_data(form))
            self.shared.count("approved")
            self.think()
        self.pages("/incidents/", "/people/")

    # --- finance
    def loop_finance(self) -> None:
        paths = ["/", "/payments/batches/", "/payments/totals/"]
        if self.shared.batch_path:
            paths.insert(1, self.shared.batch_path)
        self.pages(*paths)


def _days_ago(days: int) -> str:
    import datetime as dt

    return (dt.date.today() - dt.timedelta(days=days)).isoformat()  # noqa: DTZ011


# --------------------------------------------------------------------------- running
def restart_database(var_dir: Path) -> tuple[float, float, float]:
    """Stop the cluster (fast shutdown: sessions cut, open transactions rolled back) and
    start it again. Returns monotonic (began, stopped, started)."""
    from workforce.platform import pgembed

    with harness._var_dir_env(var_dir), pgembed._lock():
        began = time.monotonic()
        pgembed._stop_locked()
        stopped = time.monotonic()
        pgembed._start_locked()
        started = time.monotonic()
    return began, stopped, started


def run_phase(users: list[User], shared: Shared, seconds: float, fault_at: float | None, var_dir):
    shared.hits = []
    started = time.monotonic()
    shared.stop_at = started + seconds
    threads = [threading.Thread(target=u.run, daemon=True) for u in users]
    for thread in threads:
        thread.start()
    restart = None
    if fault_at is not None:
        time.sleep(max(0.0, started + fault_at - time.monotonic()))
        restart = restart_database(var_dir)
    for thread in threads:
        thread.join(seconds + 120)
    # The phase ends with its last answer (threads then only sleep out their think time).
    ended = max((hit.end for hit in shared.hits), default=time.monotonic())
    return started, ended, restart


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1] * 1000


def table(hits: list[Hit], elapsed: float) -> list[str]:
    lines = [
        f"{'journey':<11} {'requests':>8} {'req/s':>6} {'5xx':>5} {'no ans':>6} {'4xx':>5} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    ]
    groups: dict[str, list[Hit]] = {"all": hits}
    for hit in hits:
        groups.setdefault(hit.journey, []).append(hit)
    for name, group in groups.items():
        ok = [h.end - h.start for h in group if h.status is not None and h.status < 400]
        lines.append(
            f"{name:<11} {len(group):>8} {len(group) / elapsed:>6.1f} "
            f"{sum(1 for h in group if h.status and h.status >= 500):>5} "
            f"{sum(1 for h in group if h.status is None):>6} "
            f"{sum(1 for h in group if h.status and 400 <= h.status < 500):>5} "
            f"{pct(ok, 50):>7.0f} {pct(ok, 95):>7.0f} {pct(ok, 99):>7.0f}"
        )
    return lines


def _child(args: list[str], env: dict) -> dict:
    result = subprocess.run(  # noqa: S603
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"child {args[:2]} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated users (threads)")
    parser.add_argument("--duration", type=float, default=60, help="steady phase, seconds")
    parser.add_argument("--fault-duration", type=float, default=45, help="fault phase, seconds")
    parser.add_argument("--fault-at", type=float, default=15, help="restart after N seconds")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per server")
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="app servers on one database (more than one: a shared database cache, and each "
        "request to the next server, as a load balancer would)",
    )
    parser.add_argument(
        "--solo", type=float, default=20, help="seconds of one user at a time first (0: none)"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "seed":
            print(json.dumps(seed(PEERS, SUPERVISORS, LEADS, FINANCE)))
        else:
            print(json.dumps(integrity(json.loads(args.child[1]), json.loads(args.child[2]))))
        return 0

    var_dir = Path(os.environ.get("WORKFORCE_VAR_DIR") or "/tmp/wf-load-bench").resolve()  # noqa: S108
    database = harness.Database(var_dir)
    database.start()
    try:
        return _run(args, var_dir, database)
    finally:
        database.stop()


def _start_worker(url: str, var_dir: Path, extra: dict) -> subprocess.Popen:
    """The job worker (`manage.py procrastinate worker`, production settings), as deployed
    beside the app servers; its log in the var dir."""
    env = harness.django_env(url, debug=False, var_dir=var_dir, **extra)
    log = open(var_dir / "worker.log", "a")  # noqa: SIM115 - the worker's for its life
    return subprocess.Popen(  # noqa: S603
        [sys.executable, str(BASE_DIR / "manage.py"), "procrastinate", "worker"],
        env=env,
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _drain(database: harness.Database, seconds: float = 60) -> tuple[float, str]:
    """Wait until the worker has no email job to do; (seconds waited, jobs by state)."""
    started = time.monotonic()
    sql = (
        "SELECT status, count(*) FROM procrastinate_jobs WHERE queue_name = 'email'"
        " GROUP BY status ORDER BY status"
    )
    while time.monotonic() - started < seconds:
        waiting = database.psql(
            "SELECT count(*) FROM procrastinate_jobs WHERE queue_name = 'email'"
            " AND status IN ('todo', 'doing') AND (scheduled_at IS NULL OR scheduled_at <= now())"
        )
        if waiting == "0":
            break
        time.sleep(0.5)
    return time.monotonic() - started, database.psql(sql).replace("\n", ", ")


def _run(args, var_dir: Path, database: harness.Database) -> int:
    url = database.url
    print(f"database: {url}; machine: {harness.machine_description()}", flush=True)
    # Several servers share kept figures through the database cache, which migrate creates.
    # All of them with one SECRET_KEY, as a deployment must: sessions signed by one server
    # are checked by the others.
    shared_env = {"SECRET_KEY": secrets.token_urlsafe(50)}
    if args.servers > 1:
        shared_env["CACHE_URL"] = "dbcache://workforce_cache"
    setup_env = harness.django_env(url, debug=True, var_dir=var_dir, **shared_env)
    for command in (["migrate", "-v0"], ["seed_demo"]):
        done = harness.manage(*command, env=setup_env, check=False, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{command[0]} failed:\n{done.stdout}\n{done.stderr}")
    before = _child(["--child", "seed"], setup_env)
    shared = Shared(think=args.think)
    shared.sessions = {i: queue.Queue() for i in range(SUPERVISORS)}
    batch = database.psql("SELECT min(id) FROM payments_batch")
    if batch and batch != "None":
        shared.batch_path = f"/payments/batches/{batch}/"

    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(
                harness.Server(url, var_dir=var_dir, workers=args.workers, extra_env=shared_env)
            )
            for _ in range(args.servers)
        ]
        server = servers[0]
        ports = [each.port for each in servers]
        worker = _start_worker(url, var_dir, shared_env)
        stack.callback(_stop_worker, worker)
        print(
            f"gunicorn: {args.servers} server(s) of {server.workers} workers on ports "
            f"{ports}; job worker pid {worker.pid}; signing in...",
            flush=True,
        )
        # Interleaved, so that any number of users keeps the 2:1:1:1 mix.
        mix = []
        for i in range(PEERS):
            mix.append(("peer", i))
            if i % 2:
                mix += [("supervisor", i // 2), ("lead", i // 2), ("finance", i // 2)]
        prefix = {"peer": "load-peer", "supervisor": "load-sup", "lead": "load-lead"}
        users, sessions = [], {}
        for n in range(args.users):
            journey, index = mix[n % len(mix)]
            name = f"{prefix.get(journey, 'load-fin')}-{index:02d}"
            if name not in sessions:
                sessions[name] = harness.sign_in(server.base_url, name)
            users.append(User(journey, index, sessions[name].clone(ports), shared))
        print(f"{len(sessions)} users signed in", flush=True)
        if args.solo:
            # One user of each journey alone, one after the other: the unloaded latencies.
            solo = []
            for journey in ("peer", "supervisor", "lead", "finance"):
                one = next(u for u in users if u.journey == journey)
                run_phase([one], shared, args.solo / 4, None, var_dir)
                solo += shared.hits
            print("Alone (one user at a time, same think time):")
            print("\n".join(table(solo, args.solo)))
        print(f"steady phase {args.duration:.0f} s", flush=True)

        began, ended, _ = run_phase(users, shared, args.duration, None, var_dir)
        steady = list(shared.hits)
        steady_s = ended - began
        print(
            f"fault phase {args.fault_duration:.0f} s, restart at {args.fault_at:.0f} s", flush=True
        )
        for user in users:
            user.loop = 0
        fbegan, fended, restart = run_phase(
            users, shared, args.fault_duration, args.fault_at, var_dir
        )
        fault = list(shared.hits)
        # A worker that lost its database in the restart exits; systemd's Restart=always
        # (docs/deployment.md) would start it again, and so does this.
        if worker.poll() is not None:
            print(f"job worker exited ({worker.returncode}) in the restart; started again")
            worker = _start_worker(url, var_dir, shared_env)
            stack.callback(_stop_worker, worker)
        waited, jobs = _drain(database)
        print(f"email jobs after the run: {jobs} (worker done {waited:.1f} s after the end)")

    report = integrity_report(before, shared.seen, url, var_dir)
    report["seen"] = shared.seen
    return summarise(args, steady, steady_s, fault, fended - fbegan, restart, fbegan, report)


def _stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def integrity_report(before: dict, seen: dict, url: str, var_dir: Path) -> dict:
    env = harness.django_env(url, debug=False, var_dir=var_dir)
    return _child(["--child", "integrity", json.dumps(before), json.dumps(seen)], env)


def summarise(args, steady, steady_s, fault, fault_s, restart, fault_began, report) -> int:
    verdicts = []
    print()
    print(f"Steady phase: {args.users} users, {steady_s:.0f} s, think time ~{args.think:g} s")
    print("\n".join(table(steady, steady_s)))
    steps: dict[str, list[float]] = {}
    for hit in steady:
        if hit.status is not None and hit.status < 400:
            steps.setdefault(hit.step, []).append(hit.end - hit.start)
    print("\nwrites (steady phase):")
    for step in sorted(s for s in steps if s.startswith("POST")):
        print(f"  {step:<22} {len(steps[step]):>5}  p95 {pct(steps[step], 95):>6.0f} ms")
    server_errors = sum(1 for h in steady if h.status is None or h.status >= 500)
    verdicts.append(("0 server errors in the steady phase", server_errors == 0, f"{server_errors}"))

    began, stopped, started = restart
    print(f"\nFault phase: {fault_s:.0f} s; PostgreSQL restarted at +{began - fault_began:.1f} s")
    print(
        f"  stop took {stopped - began:.1f} s, start {started - stopped:.1f} s "
        f"(database away {started - began:.1f} s)"
    )
    print("\n".join(table(fault, fault_s)))
    failed = [h for h in fault if h.status is None or h.status >= 500]
    after = [h for h in fault if h.start >= started and h.status is not None and h.status < 500]
    first_ok = min((h.end for h in after), default=None)
    last_bad = max((h.end for h in failed), default=None)
    if first_ok is not None:
        print(f"  first success after the database was back: +{first_ok - started:.2f} s")
    if last_bad is not None:
        print(
            f"  last server error: +{last_bad - began:.2f} s after the restart began "
            f"({last_bad - started:+.2f} s from the database being back)"
        )
        recovery = max(0.0, last_bad - began)
    else:
        recovery = 0.0
    recovered = recovery <= RECOVERY_TARGET_S and first_ok is not None
    verdicts.append(
        (f"recovers within {RECOVERY_TARGET_S:g} s of the restart", recovered, f"{recovery:.1f} s")
    )
    dropped = sum(1 for h in failed if h.status is None)
    foreign = sum(1 for h in failed if h.status is not None and not h.body_ok)
    # A hang: a failed request the user waited on for more than HANG_S (slow successes are
    # queueing under load, reported in the table's percentiles).
    hangs = [h for h in failed if h.end - h.start > HANG_S]
    slowest = max((h.end - h.start for h in failed), default=0.0)
    print(
        f"  errors: {len(failed)} ({len(failed) - dropped - foreign} the app's 500 page, "
        f"{foreign} other 5xx bodies, {dropped} without an answer); slowest failure "
        f"{slowest * 1000:.0f} ms; failures over {HANG_S:g} s: {len(hangs)}"
    )
    clean = dropped == 0 and foreign == 0 and not hangs
    verdicts.append(("errors are clean (500 page, no hang, no drop)", clean, f"{len(failed)}"))

    signed_out = report["seen"].get("signed out", 0)
    verdicts.append(
        ("every server accepts every session (nobody signed out)", not signed_out, f"{signed_out}")
    )
    problems = report["problems"]
    print(f"\nIntegrity: rows written during the run {report['made']}")
    print(f"  client saw succeed: {dict(sorted(report['seen'].items()))}")
    for check, texts in problems.items():
        print(f"  {check}: {len(texts)} problem(s), e.g. {texts[:3]}")
    verdicts.append(
        (
            "integrity (no half-written or unaudited write)",
            not problems,
            f"{sum(len(t) for t in problems.values())} problems",
        )
    )
    print()
    for name, ok, figure in verdicts:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {figure}")
    return 0 if all(ok for _, ok, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
