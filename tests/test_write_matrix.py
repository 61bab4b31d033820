"""Every URL, every capacity, sent as a POST: the expected answer, and for every refusal
proof that nothing changed. The GET matrix (tests/test_access_matrix.py) proves who may see
what; this one proves who may change what.

Each state-changing URL has a row in WRITE: the answer each persona gets to a POST carrying
a submission that succeeds for someone allowed (DONE: a redirect, and the database changed).
Every other answer is a refusal (302 to sign in for anonymous visitors, 403, 404, 405, or 200
with the form shown again) and must leave everything as it was: the exact row count of every
table in the public schema (audit entries and history events included), PostgreSQL's own
per-transaction write counters for every table, no email sent and none waiting for the
commit. Where the URL names an object it is tried twice: on the trust's object (the GET
matrix's own factory, so the same objects) and on the same object made in the outsider's
organisation, which every trust persona must be refused, while that organisation's own
counterpart of an allowed persona (the outsider for the lead) succeeds there: the refusal
comes from the boundary, not from the object's state.

Each POST runs in a savepoint rolled back afterwards, so every persona meets the same objects
and an allowed persona's success does not use them up. A GET-only view is listed in READ_ONLY
instead: a POST to it must answer 405, or what a GET answers, and change nothing. A URL in
neither fails test_every_url_has_a_write_row. Adding a URL is one line in WRITE or READ_ONLY.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tests.factories import PDF
from tests.fuzz.discovery import named_views, post_views
from tests.fuzz.entries import FUZZ
from tests.fuzz.fields import browser_payload, fields_on_page
from tests.matrix import ANON, PERSONAS
from tests.matrix import row as _row
from tests.test_access_matrix import MATRIX

DONE = "done"  # the allowed outcome: a redirect, and the database changed

# Tables any request may write that hold no business data: the session (idle timer,
# messages) and the sign-in attempt log, counted for lockout on purpose.
ALWAYS_IGNORED = frozenset(
    {"django_session", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog"}
)


@dataclass(frozen=True)
class Write:
    expected: dict  # persona -> status, or DONE
    # Fields laid over the form page's own values; "{today}" is today's date, a callable
    # value is called with (ctx, user) for each persona (user None when signed out).
    data: dict = field(default_factory=dict)
    kwargs: Callable | None = None  # f -> URL kwargs, instead of the GET matrix's factory
    setup: Callable | None = None  # ctx -> dict for ctx["made"]: what the allowed POST needs
    prepare: Callable | None = None  # (client, ctx) -> URL or None: per persona, unrecorded
    foreign: bool = True  # try the other organisation's object too (URLs with an object)
    ignored: tuple = ()  # tables a refusal may still write, and why (in the row's comment)
    holes: dict = field(default_factory=dict)  # persona -> (refusal expected, the finding)


# GET-only views: a POST must answer 405, or what a GET answers, and change nothing.
READ_ONLY = {
    "home",
    "workforce:organisations",
    "workforce:organisation",
    "password_change_done",
    "password_reset_done",
    "password_reset_complete",
    "workforce:people",
    "workforce:people_export",
    "workforce:people_template",
    "workforce:person",
    "workforce:wellbeing",
    "workforce:training",
    "workforce:my_profile",
    "workforce:diversity_report",
    "roles:list",
    "roles:detail",
    "roles:history",
    "roles:diff",
    "roles:version",
    "roles:print",
    "payments:my_claims",
    "payments:tier_suggestion",
    "payments:claim",
    "payments:receipt",
    "payments:approvals",
    "payments:person",
    "payments:batches",
    "payments:batch",
    "payments:batch_download",
    "payments:totals",
    "payments:rate_cards",
    "supervision:mine",
    "supervision:supervisees",
    "supervision:sessions",
    "supervision:session",
    "supervision:record",
    "supervision:compliance",
    "supervision:team_compliance",
    "supervision:compliance_export",
    "incidents:list",
    "incidents:mine",
    "incidents:triage_queue",
    "incidents:escalations",
    "incidents:person",
    "incidents:detail",
    "reports:index",
    *(
        f"reports:{slug}{tail}"
        for slug in (
            "presence",
            "supervision",
            "incidents",
            "payments",
            "diversity",
            "access-review",
        )
        for tail in ("", "_csv")
    ),
    "history:audit",
    "history:audit_export",
}

# --- Values the rows need.


def _code(ctx, user):
    """The code the user's authenticator app shows now (confirmed or being set up)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed").first() if user else None
    if device is None:
        return "000000"
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _open_setup(client, ctx):
    """Opening the set-up page makes the authenticator a code is then checked against."""
    client.get(reverse("two_factor_setup"))


def _reset_link(client, ctx):
    return FUZZ["password_reset_confirm"].prepare(client, ctx)


def _person_without_login(f):
    from tests.factories import PersonFactory

    return {"pk": PersonFactory(organisation=f["fixture"]("org"), full_name="New Starter").pk}


def _approved_claim(ctx):
    ctx["fixture"]("approved_claim")


def _rate_card(ctx):
    ctx["fixture"]("seed_card")


def _supervised(ctx):
    from tests.factories import supervised_peers

    supervised_peers(ctx["fixture"])


def _another_role(ctx):
    from tests.factories import published_version

    lead = ctx["personas"]["lead"]
    return {"version": published_version(ctx["org"], lead, title="Peer trainer")}


def _newer_version(ctx):
    from tests.factories import newer_version
    from workforce.models import Assignment

    version = Assignment.objects.get(pk=ctx["kwargs"]["pk"]).role_version
    return {"version": newer_version(version, ctx["personas"]["lead"])}


def _made_pk(name):
    return lambda ctx, user: str(ctx["made"][name].pk)


def _user_pk(persona):
    return lambda ctx, user: str(ctx["personas"][persona].pk)


def _person_pk(persona):
    return lambda ctx, user: str(ctx["personas"][persona].person.pk)


_ROLE = {
    "title": "Peer support worker (nights)",
    "purpose": "Offer hope through shared lived experience.",
    "duties-0-text": "Share lived experience to build hope",
    "exclusions-0-text": "Clinical advice",
    "escalation_steps-0-for_what": "Any worry about a boundary",
    "escalation_steps-0-who": "Supervisor",
    "escalation_steps-0-how_fast": "same_day",
    "training_requirements-0-item": "Safeguarding adults level 2",
    "save": "1",
}

# Who may: co-production leads and admins of the organisation (the outsider leads elsewhere:
# not found). Finance, safeguarding, supervisors and peers hold no such capacity (403).
_LEAD_WRITES = _row(403, lead=DONE, admin=DONE, outsider=404)
# A page of one's own organisation (no object in the URL): the outsider writes in theirs.
_LEAD_PAGE = _row(403, lead=DONE, admin=DONE, outsider=DONE)
_FINANCE_WRITES = _row(403, finance=DONE, admin=DONE)
_CLAIMANT_OWN = _row(403, peer=DONE, peer2=404)
# Incidents: the worker's supervisor and the organisation's leads; finance and admins hold
# no incident capacity (403); the worker and everyone else: not found.
_MANAGERS = _row(404, lead=DONE, supervisor=DONE, safeguarding=DONE, finance=403, admin=403)
_SAFEGUARDING = _row(404, safeguarding=DONE, finance=403, admin=403)
_EVERYONE = _row(DONE)

WRITE: dict[str, Write] = {
    # --- Signing in and account security: each acts on the signed-in login only.
    "login": Write(_row(302, anon=DONE), data={"username": "peer"}),
    "logout": Write(_row(302)),  # the session goes: nothing else changes
    "password_change": Write(_EVERYONE),
    # Anyone may ask for a reset email for any address (the email is the proof).
    "password_reset": Write(_row(DONE, anon=DONE)),
    # Whoever holds the emailed link sets the password: the link is the credential.
    "password_reset_confirm": Write(_row(DONE, anon=DONE), prepare=_reset_link, foreign=False),
    "email_change": Write(_EVERYONE, data={"new_email": "changed@example.org", "code": _code}),
    # Replacing or removing needs the password and a current code; those without an
    # authenticator are shown the page again, nothing to remove.
    "two_factor_manage": Write(
        _row(DONE, supervisor=200, peer=200, peer2=200), data={"code": _code}
    ),
    # Those who must use an authenticator already have one: sent to verify.
    "two_factor_setup": Write(
        _row(302, supervisor=DONE, peer=DONE, peer2=DONE), data={"code": _code}, prepare=_open_setup
    ),
    "two_factor_verify": Write(
        _row(DONE, supervisor=302, peer=302, peer2=302), data={"code": _code}
    ),
    "two_factor_cancel": Write(_row(302)),  # signs out: nothing else changes
    # --- The register.
    "workforce:person_create": Write(_LEAD_PAGE, data={"full_name": "New Starter"}),
    "workforce:person_edit": Write(_LEAD_WRITES, data={"full_name": "Peer Renamed"}),
    "workforce:person_leave": Write(_LEAD_WRITES, data={"end_date": "{today}"}),
    "workforce:person_invite": Write(_LEAD_WRITES, kwargs=_person_without_login),
    # Capacities: the organisation's administrators only, never their own
    # (tests/organisations/test_admin.py proves another organisation's page is 404 and its
    # logins are not offered).
    "workforce:capacities": Write(
        _row(403, admin=DONE),
        data={"user": _user_pk("peer2"), "capacity": "supervisor"},
        foreign=False,
    ),
    "workforce:capacity_end": Write(_row(403, admin=DONE), foreign=False),
    "workforce:organisation_nation": Write(
        _row(403, admin=DONE), data={"nation": "scotland"}, foreign=False
    ),
    # The outsider sends the trust's organisation (the lead's page): not one of theirs.
    "workforce:people_import": Write(
        _row(403, lead=DONE, admin=DONE, outsider=200),
        data={"file": "full_name,email\nNew Starter,new.starter@example.org\n"},
    ),
    "workforce:wellbeing_edit": Write(_row(404, lead=DONE, supervisor=DONE, peer=DONE)),
    "workforce:my_diversity": Write(_EVERYONE),
    "workforce:assignment_create": Write(
        _LEAD_WRITES,
        data={"role_version": _made_pk("version"), "hours_per_week": "10"},
        setup=_another_role,
    ),
    "workforce:assignment_change": Write(_LEAD_WRITES, data={"hours_per_week": "20"}),
    "workforce:assignment_end": Write(_LEAD_WRITES),
    "workforce:assignment_move": Write(
        _LEAD_WRITES, data={"role_version": _made_pk("version")}, setup=_newer_version
    ),
    "workforce:training_create": Write(_row(404, lead=DONE, supervisor=DONE, admin=DONE)),
    # --- Roles.
    "roles:create": Write(_LEAD_PAGE, data=_ROLE),
    "roles:edit_draft": Write(_LEAD_WRITES, data={"save": "1"}),
    "roles:new_draft": Write(_LEAD_WRITES),
    "roles:publish": Write(_LEAD_WRITES),
    "roles:discard_draft": Write(_LEAD_WRITES),
    "roles:retire": Write(_LEAD_WRITES),
    # --- Supervision: the session was logged by peer with supervisor, who confirms it.
    # Leads see metadata only: the services refuse them a party's steps (nothing changes).
    # Supervised by supervisor: not supervisor themselves; the outsider: not theirs.
    "supervision:log": Write(
        _row(403, lead=DONE, supervisor=400, peer=DONE, peer2=DONE, outsider=400),
        data={"supervisor": _user_pk("supervisor")},
        setup=_supervised,
    ),
    # Only one's own supervisees: peer is supervisor's, not the lead's or the outsider's.
    "supervision:log_given": Write(
        _row(403, lead=400, supervisor=DONE, outsider=400),
        data={
            "supervisees": _person_pk("peer"),
            "date": "{today}",
            "minutes": "60",
            "kind": "line_management",
            "format": "in_person",
        },
        setup=_supervised,
    ),
    # The other party confirms: not peer, who logged it; not leads or admins.
    "supervision:confirm": Write(_row(404, lead=302, supervisor=DONE, peer=302, admin=302)),
    "supervision:dispute": Write(
        _row(404, lead=400, supervisor=DONE, peer=400, admin=400),
        data={"reason": "We did not meet that day"},
    ),
    # Whoever logged it (peer) corrects or withdraws it; the services refuse the others.
    "supervision:correct": Write(_row(404, peer=DONE), data={"minutes": "45"}),
    "supervision:withdraw": Write(_row(404, lead=302, supervisor=302, peer=DONE, admin=302)),
    "supervision:action_add": Write(
        _row(404, lead=400, supervisor=DONE, peer=DONE, admin=400),
        data={"action-text": "Read the policy"},
    ),
    "supervision:action_complete": Write(_row(404, supervisor=DONE, peer=DONE)),
    # --- Payments.
    "payments:claim_create": Write(
        _row(403, peer=DONE, peer2=DONE),
        data={"description": "Focus group", "activity_date": "{today}", "hours": "2"},
        setup=_rate_card,
    ),
    "payments:claim_edit": Write(_CLAIMANT_OWN, data={"hours": "3"}),
    "payments:claim_submit": Write(_CLAIMANT_OWN),
    "payments:expense_add": Write(
        _CLAIMANT_OWN, data={"description": "Bus fare", "amount": "4.50"}
    ),
    "payments:expense_remove": Write(_CLAIMANT_OWN),
    "payments:my_preferences": Write(_row(403, peer=DONE, peer2=DONE)),
    "payments:claim_approve": Write(_LEAD_WRITES),
    "payments:claim_reject": Write(_LEAD_WRITES, data={"reason": "Not an involvement activity"}),
    "payments:claim_adjust": Write(_LEAD_WRITES, data={"fee": "10.00", "reason": "Underpaid"}),
    # The outsider sends the trust's team (the lead's page): not one of theirs.
    "payments:activities": Write(
        _row(403, lead=DONE, admin=DONE, outsider=200),
        data={"title": "Focus group", "date": "{today}"},
    ),
    "payments:thresholds": Write(
        _LEAD_PAGE, data={"name": "Weekly limit", "amount": "100", "effective_from": "{today}"}
    ),
    "payments:threshold_end": Write(_LEAD_WRITES, data={"effective_until": "{today}"}),
    "payments:discussion_create": Write(_LEAD_WRITES, data={"held_with": "Peer"}),
    "payments:person_preference": Write(_LEAD_WRITES),
    "payments:batch_new": Write(
        _FINANCE_WRITES, data={"cut_off": "{today}"}, setup=_approved_claim
    ),
    "payments:batch_paid": Write(_FINANCE_WRITES, data={"reference": "BACS-1"}),
    "payments:claim_paid": Write(_FINANCE_WRITES, data={"reference": "BACS-1"}),
    "payments:policy": Write(_FINANCE_WRITES, data={"correction_max_increase": "75.00"}),
    "payments:rate_card_create": Write(
        _FINANCE_WRITES, data={"name": "2027 rates", "effective_from": "{today}"}
    ),
    # --- Boundary incidents (about peer, supervised by supervisor, who reported them).
    "incidents:report": Write(
        _row(404, lead=DONE, supervisor=DONE, safeguarding=DONE, finance=403, admin=403),
        data={"category": "gifts_or_money", "narrative": "Accepted a gift card."},
    ),
    "incidents:policy": Write(
        _row(404, lead=DONE, safeguarding=DONE, finance=403, admin=403),
        data={"triage_working_days": "3"},
    ),
    "incidents:triage": Write(_MANAGERS, data={"reason": "Supervision will cover it"}),
    "incidents:correct": Write(_MANAGERS, data={"reason": "The date was wrong"}),
    "incidents:escalate": Write(_MANAGERS, data={"reason": "A pattern is emerging"}),
    "incidents:action_add": Write(
        _MANAGERS, data={"description": "Boundaries refresher", "due_on": "{today}"}
    ),
    "incidents:action_complete": Write(_MANAGERS),
    "incidents:review": Write(_MANAGERS, data={"note": "Reviewed with the worker"}),
    "incidents:close": Write(
        _MANAGERS,
        data={
            "outcome": "supervision_support",
            "learning": "Talk about gifts in induction",
            "no_referral_reason": "Not needed",
        },
    ),
    "incidents:acknowledge": Write(_SAFEGUARDING),
    "incidents:referral": Write(_SAFEGUARDING),
    "incidents:visibility": Write(_SAFEGUARDING, data={"reason": "The worker should see it"}),
    "incidents:leads_only": Write(_SAFEGUARDING, data={"reason": "Police inquiry: need to know"}),
    "incidents:abuse_types": Write(
        _row(404, supervisor=DONE, safeguarding=DONE, finance=403, admin=403),
        data={"abuse_types": ["financial", "psychological"], "reason": "Money was borrowed"},
    ),
    "incidents:personal": Write(
        _SAFEGUARDING,
        data={
            "views": "They want it to stop",
            "consent": "given",
            "capacity_considered": "yes",
            "capacity_note": "Able to decide",
        },
    ),
    "incidents:dbs": Write(
        _SAFEGUARDING, data={"decision": "not_referred", "reason": "Not removed from their role"}
    ),
}


def test_every_url_has_a_write_row():
    names = {name for name, _ in named_views()}
    missing = names - WRITE.keys() - READ_ONLY
    assert not missing, f"add these views to WRITE or READ_ONLY: {sorted(missing)}"
    stale = (WRITE.keys() | READ_ONLY) - names
    assert not stale, f"these rows name no URL: {sorted(stale)}"
    assert not WRITE.keys() & READ_ONLY
    # A view that reads a POST body is not read-only, whatever its row says.
    assert not READ_ONLY & post_views().keys()


# --- The snapshot: one prepared query, a row per table: its exact row count and its write
# counters in this transaction (pg_stat_get_xact_tuples_*: rows inserted, updated and
# deleted so far, in savepoints rolled back too, so they only grow).


_COUNT = (
    "SELECT {lit}, count(*), pg_stat_get_xact_tuples_inserted({lit}::regclass)"
    " + pg_stat_get_xact_tuples_updated({lit}::regclass)"
    " + pg_stat_get_xact_tuples_deleted({lit}::regclass) FROM {name}"
)


def _snapshot_sql() -> str:
    tables = sorted(connection.introspection.table_names())
    # Table names come from the database's own catalogue, quoted; nothing from a request.
    quote = connection.ops.quote_name
    parts = [
        _COUNT.format(lit="'" + table.replace("'", "''") + "'", name=quote(table))  # noqa: S608
        for table in tables
    ]
    return " UNION ALL ".join(parts)


class Snapshots:
    """Prepared once per database session: planning the union costs more than running it."""

    def __init__(self):
        sql = _snapshot_sql()
        self.name = f"write_matrix_{abs(hash(sql)):x}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [self.name])
            if not cursor.fetchone():
                cursor.execute(f"PREPARE {self.name} AS {sql}")

    def take(self) -> dict[str, tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(f"EXECUTE {self.name}")
            return {name: (rows, writes) for name, rows, writes in cursor.fetchall()}


@dataclass
class Seen:
    status: int
    location: str
    changed: list[str]  # tables whose row count or content differs afterwards
    deferred: int  # emails sent, and work (emails, file deletions) waiting for the commit


def _post(client, url, data, snapshots: Snapshots, ignored) -> Seen:
    """POST in a savepoint rolled back afterwards, so each persona meets the same data."""
    from tests.fuzz.harness import _digests

    mail.outbox = []
    cache.clear()
    cookies = {key: morsel.value for key, morsel in client.cookies.items()}
    with transaction.atomic():
        pending = len(connection.run_on_commit)
        before = snapshots.take()
        response = client.post(url, data)
        after = snapshots.take()
        waiting = len(connection.run_on_commit) - pending
        counted = {t for t in after if after[t][0] != before[t][0]} - ignored
        touched = {t for t in after if after[t][1] != before[t][1]} - ignored - counted
        # A write the view undid itself (a savepoint of its own), or an UPDATE to the same
        # values, moves the counters but not the content: compare the content.
        digests_after = _digests(sorted(touched))
        transaction.set_rollback(True)
    digests_before = _digests(sorted(touched))
    changed = counted | {t for t in touched if digests_after[t] != digests_before[t]}
    # Sessions a sign-in, sign-out or password change made or ended were rolled back too:
    # put back the cookie that names the one still there.
    client.cookies.clear()
    for key, value in cookies.items():
        client.cookies[key] = value
    REQUESTS["sent"] += 1
    return Seen(
        response.status_code,
        response.get("Location", ""),
        sorted(changed),
        len(mail.outbox) + waiting,
    )


REQUESTS = {"sent": 0}


def _backend_cpu(pid) -> float:
    """CPU seconds the database server process serving this connection has used (Linux)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@pytest.fixture(scope="module", autouse=True)
def _report_requests(request, django_db_setup, django_db_blocker):
    """How many POSTs the file sent and the CPU they took (tests and database), shown after
    the run."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    started, db_started, sent = time.process_time(), _backend_cpu(backend), REQUESTS["sent"]
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None and REQUESTS["sent"] > sent:
        with capture.global_and_fixture_disabled():
            tests, database = time.process_time() - started, _backend_cpu(backend) - db_started
            reporter.write_line(
                f"write matrix: {REQUESTS['sent'] - sent} POSTs; CPU {tests:.1f} s in tests, "
                f"{database:.1f} s in the database"
            )


# --- The same objects in the outsider's organisation.

_CAST = {
    "supervisor": "supervisor",
    "peer": "peer_worker",
    "peer2": "peer_worker",
    "safeguarding": "safeguarding_lead",
    "finance": "finance",
    "admin": "admin",
}


class Elsewhere:
    """A stand-in for pytest's getfixturevalue that builds what a factory asks for in the
    other organisation, with a cast of its own (its lead is the outsider)."""

    def __init__(self, request):
        self.request = request
        self.made: dict = {}

    def __call__(self, name):
        if name not in self.made:
            self.made[name] = self._make(name)
        return self.made[name]

    def _make(self, name):
        from tests.factories import RateCardFactory, make_claim, make_login
        from workforce.models import Capacity

        get = self.request.getfixturevalue
        if name in ("org", "other_org"):
            return get("other_org")
        if name in ("lead", "outsider"):
            return get("outsider")
        if name == "admin_user":
            return self("admin")
        if name in _CAST:
            return make_login(f"their_{name}", get("other_org"), Capacity(_CAST[name]))
        if name == "personas":
            return {who: self(who) for who in ["lead", *_CAST]}
        if name == "seed_card":
            return RateCardFactory(organisation=get("other_org"))
        if name in {"draft_claim", "submitted_claim", "approved_claim", "exported_claim"}:
            self("seed_card")
            return make_claim(
                self("peer"),
                state=name.removesuffix("_claim"),
                approver=self("lead"),
                finance=self("finance"),
            )
        if name == "batch":
            return self("exported_claim").batch_lines.get().batch
        if name == "receipt_line":
            from payments import services

            get("media_root")
            return services.expense_add(
                claim=self("draft_claim"),
                by=self("peer"),
                kind="travel",
                description="Bus fare",
                amount="4.50",
                receipt=_upload(),
            )
        if name == "threshold":
            from tests.factories import BenefitsThresholdFactory

            return BenefitsThresholdFactory(organisation=get("other_org"))
        if name == "media_root":
            return get(name)
        raise LookupError(f"Elsewhere cannot make {name!r} yet: add it here")


def _upload():
    return SimpleUploadedFile("receipt.pdf", PDF, content_type="application/pdf")


# --- Sending.


class Clients(dict):
    """One test client per persona, signed in once (and past two-step sign-in)."""

    def __init__(self, personas):
        super().__init__()
        self.personas = personas

    def __missing__(self, who):
        client = self[who] = Client()
        if who != ANON:
            client.force_login(self.personas[who])
        return client

    def add(self, key, user) -> str:
        self.personas = {**self.personas, key: user}
        return key


def _page_values(url_name, url, ctx, clients, who=None) -> dict:
    """What a browser sends from the form's page unchanged, as the fuzz entry's persona
    (or `who`) sees it, with a choice made where the page leaves one empty, and the entry's
    hints."""
    entry = FUZZ.get(url_name)
    if entry is None:
        return {}
    client = clients[who or entry.persona or ANON]
    page_url = entry.page(ctx) if entry.page else url
    page = client.get(page_url)
    payload = {}
    if page.status_code == 200:
        on_page = fields_on_page(page.content.decode(), urlsplit(url).path, page_url)
        payload = browser_payload(on_page)
        for name, found in on_page.items():
            if (
                found.kind in ("choice", "model")
                and found.choices
                and payload.get(name)
                in (
                    None,
                    [""],
                )
            ):
                payload[name] = [found.choices[0]]
    for name, values in entry.hints.items():
        payload[name] = [values[0]]
    return payload


def _data_for(url_name, row, payload, ctx, user) -> dict:
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    data = dict(payload)
    for name, value in row.data.items():
        if callable(value):
            value = value(ctx, user)
        data[name] = value.replace("{today}", today) if isinstance(value, str) else value
    entry = FUZZ.get(url_name)
    for name, kind in (entry.files if entry else {}).items():
        if kind == "upload":
            data[name] = _upload()
        elif isinstance(data.get(name), str):
            data[name] = SimpleUploadedFile(
                "people.csv", data[name].encode(), content_type="text/csv"
            )
    return data


def _send(row, url_name, url, payload, ctx, clients, who, snapshots, user=None) -> Seen:
    client = clients[who]
    user = user or ctx["personas"].get(who)
    if row.prepare is not None:
        url = row.prepare(client, ctx) or url
    data = _data_for(url_name, row, payload, ctx, user)
    return _post(client, url, data, snapshots, ALWAYS_IGNORED | set(row.ignored))


def _judge(who, expected, seen: Seen) -> str | None:
    if expected == DONE:
        if seen.status == 302 and (seen.changed or seen.deferred):
            return None
        return f"{who}: expected success with a change, got {seen.status} changed={seen.changed}"
    changed = seen.changed
    if seen.status in (200, 400):
        # The form shown again is a read of what it shows, recorded on purpose.
        changed = [t for t in changed if t != "history_readlogentry"]
    problems = []
    if seen.status != expected:
        problems.append(f"status {seen.status} (expected {expected})")
    if changed:
        problems.append(f"changed {changed}")
    if seen.deferred:
        problems.append(f"{seen.deferred} email(s) or on-commit task(s)")
    if who == ANON and seen.status == 302 and not seen.location.startswith(reverse("login")):
        problems.append(f"sent to {seen.location}, not to sign in")
    return f"{who}: " + ", ".join(problems) if problems else None


def _elsewhere_expected(here, who):
    """Another organisation's object is not found; a capacity held nowhere is refused as it
    is here."""
    if who == ANON:
        return 302
    return here if here in (403, 405) else 404


def _arrange(url_name, request, personas, org):
    row = WRITE[url_name]
    kwargs_for = row.kwargs or MATRIX[url_name][1]
    ctx = {"org": org, "fixture": request.getfixturevalue, "personas": personas}
    ctx["kwargs"] = kwargs_for(ctx) if kwargs_for else None
    ctx["made"] = row.setup(ctx) or {} if row.setup is not None else {}
    return row, kwargs_for, ctx, reverse(url_name, kwargs=ctx["kwargs"])


@pytest.mark.parametrize("url_name", sorted(WRITE))
def test_write_matrix(url_name, request, personas, org, media_root):
    row, kwargs_for, ctx, url = _arrange(url_name, request, personas, org)
    clients = Clients(personas)
    snapshots = Snapshots()
    payload = _page_values(url_name, url, ctx, clients)
    problems = []
    for who in [ANON, *PERSONAS]:
        if who in row.holes:
            continue
        seen = _send(row, url_name, url, payload, ctx, clients, who, snapshots)
        if problem := _judge(who, row.expected[who], seen):
            problems.append(problem)
    if kwargs_for is not None and row.foreign:
        their = Elsewhere(request)
        there = {"org": their("org"), "fixture": their, "personas": their("personas")}
        there["kwargs"] = kwargs_for(there)
        their_url = reverse(url_name, kwargs=there["kwargs"])
        for who in [ANON, *PERSONAS]:
            if who == "outsider":
                continue
            seen = _send(row, url_name, their_url, payload, ctx, clients, who, snapshots)
            if problem := _judge(who, _elsewhere_expected(row.expected[who], who), seen):
                problems.append(f"{problem} (on {their_url}, the other organisation's)")
        # Their own counterpart of the first allowed persona (the outsider for the lead), on
        # their object from their own page, succeeds: so the refusals above come from the
        # organisation's boundary, not from the object's state.
        allowed = next((who for who in PERSONAS if row.expected[who] == DONE), None)
        if allowed is not None:
            counterpart = their(allowed)
            key = clients.add(f"their_{allowed}", counterpart)
            there["made"] = row.setup(there) or {} if row.setup is not None else {}
            theirs = _page_values(url_name, their_url, there, clients, who=key)
            seen = _send(
                row, url_name, their_url, theirs, there, clients, key, snapshots, counterpart
            )
            if problem := _judge(key, DONE, seen):
                problems.append(f"{problem} (on {their_url}, their own organisation's)")
    assert not problems, f"POST {url}:\n" + "\n".join(problems)


_HOLES = [
    pytest.param(url_name, who, marks=pytest.mark.xfail(strict=True, reason=finding))
    for url_name, row in sorted(WRITE.items())
    for who, (_, finding) in row.holes.items()
]


@pytest.mark.parametrize(
    ("url_name", "who"),
    _HOLES or [pytest.param("", "", marks=pytest.mark.skip(reason="no known holes"))],
)
def test_known_holes(url_name, who, request, personas, org, media_root):
    row, _, ctx, url = _arrange(url_name, request, personas, org)
    clients = Clients(personas)
    payload = _page_values(url_name, url, ctx, clients)
    seen = _send(row, url_name, url, payload, ctx, clients, who, Snapshots())
    assert _judge(who, row.holes[who][0], seen) is None, seen


@pytest.mark.parametrize("url_name", sorted(READ_ONLY))
def test_read_only_views_ignore_post(url_name, request, personas, org, media_root):
    get_expected, kwargs_for = MATRIX[url_name]
    ctx = {"org": org, "fixture": request.getfixturevalue, "personas": personas}
    url = reverse(url_name, kwargs=kwargs_for(ctx) if kwargs_for else None)
    clients = Clients(personas)
    snapshots = Snapshots()
    problems = []
    for who in [ANON, *PERSONAS]:
        seen = _post(clients[who], url, {}, snapshots, ALWAYS_IGNORED)
        changed = seen.changed
        if seen.status == 200:
            changed = [t for t in changed if t != "history_readlogentry"]  # a read, as a GET
        if seen.status not in (405, get_expected[who]) or changed or seen.deferred:
            problems.append(f"{who}: {seen} (a GET answers {get_expected[who]})")
    assert not problems, f"POST {url}:\n" + "\n".join(problems)
