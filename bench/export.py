"""Benchmark: a finance batch of 1,000,000 claim lines exported as CSV and XLSX through the
app's own download view, against PostgreSQL's `COPY (...) TO STDOUT WITH CSV` of the same
rows, in the same run (issue 10).

    export WORKFORCE_VAR_DIR=/tmp/wf-bench      # optional: a var dir of its own
    .venv/bin/python bench/export.py            # 1,000,000 lines; --lines N for fewer

What it does:

1. Holds the embedded PostgreSQL of WORKFORCE_VAR_DIR (default: var/bench-export, so the
   development database is never touched), migrates it, and builds the batch once in SQL
   (INSERT ... SELECT generate_series): claims inserted as drafts, a third with an expense
   line, approved by a lead who is not the claimant, put in one batch, then exported, so
   every constraint and trigger of payments runs. A later run reuses the batch.
2. Measures each export in a child process of its own, so its peak RSS (VmHWM) is that
   export's alone: COPY through psycopg's copy protocol; CSV and XLSX through Django's test
   client (the whole middleware stack, a signed-in finance user past two-step sign-in,
   payments:batch_download), the streaming response consumed to the last byte into a file.
3. Checks every output: row count, the Total column's sum against the database's, fee +
   expenses = total on every CSV row, no cell that could run as a formula.
4. Prints a table: time, peak RSS, ratio to COPY, PASS/MISS against the targets (CSV within
   3x of COPY and under 150 MB; XLSX within 10x of COPY with bounded memory).

Settings are production ones (DJANGO_DEBUG=false) with the embedded database's URL.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

ORG_NAME = "Bench export trust"
CSV_TARGET_RATIO = 3.0
CSV_TARGET_MB = 150.0
XLSX_TARGET_RATIO = 10.0
# "Bounded" for XLSX: peak RSS that does not grow with the batch. Checked as: under this
# many MB at 1M lines (the rows alone would be several hundred MB if held in memory).
XLSX_TARGET_MB = 150.0


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _peak_mb() -> float:
    # VmHWM is this process image's own peak (ru_maxrss can carry the parent's over exec).
    hwm = _rss_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return hwm / 1024


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
    import django

    django.setup()


# --- Building the batch (child process).

BUILD_SQL = """
-- Claims start as drafts, so expense lines can be added (the expense trigger allows it
-- only on drafts); every claim has its own description (batch and number), so no
-- duplicate rule applies.
INSERT INTO payments_claim (
    organisation_id, person_id, claimant_user_id, created_by_id, activity_id, description,
    activity_date, cost_code, duration_minutes, preparation, chaired_or_trained,
    suggested_tier, tier, tier_reason, rate_card_id, fee, payment_method, reduced_to,
    fee_payable, state, submitted_at, decided_by_id, decided_at, rejection_reason,
    possible_duplicate_of_id, duplicate_reason, adjusts_id, adjustment_reason, paid_on,
    payment_reference, paid_recorded_by_id, created_at, updated_at)
SELECT %(org)s, p.id, p.user_id, COALESCE(p.user_id, %(recorder)s), NULL,
       CASE WHEN g %% 97 = 0 THEN '=HYPERLINK("http://evil.example","x") '
            ELSE 'Service user panel meeting ' END || %(batch)s || '.' || g,
       DATE '2025-04-01' + (g %% 365), %(cost_code)s, 60 + (g %% 4) * 30,
       (ARRAY['little','some','required','substantial'])[1 + g %% 4], g %% 11 = 0,
       1 + g %% 5, 1 + g %% 5, '', %(card)s, t.fee,
       m.method,
       CASE WHEN m.method = 'reduced' THEN 20.00 END,
       CASE WHEN m.method IN ('declined', 'expenses_only') THEN 0
            WHEN m.method = 'reduced' THEN LEAST(t.fee, 20.00) ELSE t.fee END,
       'draft', NULL, NULL, NULL, '', NULL, '', NULL, '', NULL, '', NULL, now(), now()
FROM generate_series(1, %(n)s) AS g
JOIN bench_people p ON p.rn = g %% %(people)s
JOIN payments_ratecardtier t ON t.card_id = %(card)s AND t.tier = 1 + g %% 5
CROSS JOIN LATERAL (SELECT CASE g %% 10 WHEN 0 THEN 'declined' WHEN 1 THEN 'reduced'
                    WHEN 2 THEN 'expenses_only' WHEN 3 THEN 'invoice' ELSE 'payroll' END
                    AS method) m;

INSERT INTO payments_expenseline (claim_id, kind, description, amount, receipt,
                                  receipt_name, receipt_type, created_at)
SELECT c.id, 'travel', 'Bus fare', 2.50 + (c.id %% 7), '', '', '', now()
FROM payments_claim c
WHERE c.organisation_id = %(org)s AND c.state = 'draft' AND c.id %% 3 = 0;

UPDATE payments_claim
SET state = 'approved', submitted_at = now() - interval '2 days',
    decided_by_id = %(lead)s, decided_at = now() - interval '1 day'
WHERE organisation_id = %(org)s AND state = 'draft';

INSERT INTO payments_batchline (batch_id, claim_id, position, payee_name, payee_reference,
                                approved_by_name)
SELECT %(batch)s, c.id, row_number() OVER (ORDER BY c.id), p.full_name, p.payee_reference,
       %(lead_name)s
FROM payments_claim c JOIN workforce_person p ON p.id = c.person_id
WHERE c.organisation_id = %(org)s AND c.state = 'approved';

UPDATE payments_claim SET state = 'exported', updated_at = now()
WHERE id IN (SELECT claim_id FROM payments_batchline WHERE batch_id = %(batch)s);
"""


def build(lines: int) -> dict:
    """The batch of `lines` lines: found if an earlier run built it, else built now."""
    _django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db import connection, transaction

    from payments.models import Batch, RateCard, RateCardTier
    from workforce.organisations.models import Membership, Organisation
    from workforce.platform import audit
    from workforce.register.models import Person

    cost_code = f"BENCH-{lines}"
    org = Organisation.objects.filter(name=ORG_NAME).first()
    batch = Batch.objects.filter(organisation=org, cost_code=cost_code).first() if org else None
    if batch and batch.lines.count() == lines:
        return _facts(batch)
    started = time.monotonic()
    User = get_user_model()
    with transaction.atomic():
        org, _ = Organisation.objects.get_or_create(name=ORG_NAME, kind="nhs_trust")

        def login(username: str, capacity: str, name: str):
            user, _ = User.objects.get_or_create(username=username)
            Person.objects.get_or_create(
                user=user, defaults={"organisation": org, "full_name": name}
            )
            Membership.objects.get_or_create(user=user, organisation=org, capacity=capacity)
            return user

        lead = login("bench-lead", "coproduction_lead", "Bench Lead")
        login("bench-finance", "finance", "Bench Finance")
        # Records the claims of people without a login: the lead who approves them may not
        # (the claim_decider_is_not_creator constraint).
        recorder = login("bench-recorder", "coproduction_lead", "Bench Recorder")
        card, created = RateCard.objects.get_or_create(
            organisation=org, effective_from="2025-04-01", defaults={"name": "Bench card"}
        )
        if created:
            for tier, fee in enumerate(["0.00", "25.00", "50.00", "75.00", "150.00"], 1):
                RateCardTier.objects.create(card=card, tier=tier, fee=fee, description=f"T{tier}")
        # Claimants: 1,000 people, a fifth with logins; some names a spreadsheet would run.
        people = list(Person.objects.filter(organisation=org, full_name__startswith="Claimant"))
        if not people:
            users = User.objects.bulk_create(
                User(username=f"bench-claimant-{i}", password=UNUSABLE_PASSWORD_PREFIX)
                for i in range(200)
            )
            hostile = ['=HYPERLINK("http://evil","{}")', "+44 {}", "-{}", "@SUM({})"]
            people = Person.objects.bulk_create(
                Person(
                    organisation=org,
                    user=users[i] if i < 200 else None,
                    full_name=f"Claimant {i}"
                    if i % 50
                    else "Claimant " + hostile[(i // 50) % 4].format(i),
                    payee_reference=f"PAY-{i:05d}" if i % 7 else f"=PAY{i}",
                )
                for i in range(1000)
            )
        batch = Batch.objects.create(
            organisation=org, cut_off="2026-11-01", cost_code=cost_code, created_by=lead
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_people ON COMMIT DROP AS "
                "SELECT id, user_id, row_number() OVER (ORDER BY id) - 1 AS rn "
                "FROM workforce_person WHERE organisation_id = %s "
                "AND full_name LIKE 'Claimant%%'",
                [org.pk],
            )
            cursor.execute(
                BUILD_SQL,
                {
                    "org": org.pk,
                    "lead": lead.pk,
                    "recorder": recorder.pk,
                    "lead_name": "Bench Lead",
                    "card": card.pk,
                    "n": lines,
                    "people": len(people),
                    "batch": batch.pk,
                    "cost_code": cost_code,
                },
            )
        count = batch.lines.count()
        if count != lines:
            raise SystemExit(f"built {count} lines, wanted {lines}")
        audit.record(
            actor=User.objects.get(username="bench-finance"),
            action="batch.created",
            obj=batch,
            summary=f"Batch {batch.reference}: {lines} claims (benchmark data)",
            changes={"claims": lines, "cost_code": cost_code},
        )
    with connection.cursor() as cursor:
        for table in ("payments_claim", "payments_expenseline", "payments_batchline"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    facts = _facts(batch)
    facts["built_in_s"] = round(time.monotonic() - started, 1)
    return facts


def _facts(batch) -> dict:
    """What a correct export of the batch must add up to, from the database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), sum(c.fee_payable), "
            "(SELECT COALESCE(sum(e.amount), 0) FROM payments_expenseline e "
            " JOIN payments_batchline l ON l.claim_id = e.claim_id WHERE l.batch_id = %s) "
            "FROM payments_batchline l JOIN payments_claim c ON c.id = l.claim_id "
            "WHERE l.batch_id = %s",
            [batch.pk, batch.pk],
        )
        count, fees, expenses = cursor.fetchone()
    return {
        "batch": batch.pk,
        "reference": batch.reference,
        "lines": count,
        "total": str(fees + expenses),
    }


# --- The measured exports (one child process each).

COPY_SQL = """
COPY (
    SELECT 'B' || lpad(l.batch_id::text, 5, '0'), 'C' || lpad(c.id::text, 6, '0'),
           l.payee_reference, l.payee_name, c.payment_method, c.description,
           c.activity_date, c.tier, r.name, c.fee_payable, COALESCE(e.total, 0.00),
           c.fee_payable + COALESCE(e.total, 0.00), c.cost_code,
           extract(year FROM c.activity_date - interval '3 months 5 days'),
           l.approved_by_name,
           to_char(c.decided_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI'),
           CASE WHEN c.payment_method IN ('declined', 'expenses_only', 'reduced')
                THEN c.payment_method || ' ' || c.fee ELSE '' END
    FROM payments_batchline l
    JOIN payments_claim c ON c.id = l.claim_id
    JOIN payments_ratecard r ON r.id = c.rate_card_id
    LEFT JOIN LATERAL (SELECT sum(x.amount) AS total FROM payments_expenseline x
                       WHERE x.claim_id = c.id) e ON true
    WHERE l.batch_id = {batch}
    ORDER BY l.position
) TO STDOUT WITH CSV HEADER
"""


def measure(kind: str, batch_id: int, out: Path) -> dict:
    _django()
    from django.db import connection

    baseline = _rss_kb("VmRSS") / 1024
    size = 0
    if kind == "copy":
        connection.ensure_connection()
        started = time.monotonic()
        sql = COPY_SQL.format(batch=int(batch_id))
        with out.open("wb") as sink, connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for data in copy:
                sink.write(data)
                size += len(data)
        elapsed = time.monotonic() - started
    else:
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse
        from django_otp import DEVICE_ID_SESSION_KEY

        from workforce.accounts import twofactor

        user = get_user_model().objects.get(username="bench-finance")
        device = twofactor.confirmed_device(user)
        if device is None:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.create(
                user=user, name=twofactor.DEVICE_NAME, confirmed=True
            )
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        url = reverse("payments:batch_download", kwargs={"pk": batch_id, "fmt": kind})
        baseline = _rss_kb("VmRSS") / 1024
        started = time.monotonic()
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{kind}: HTTP {response.status_code}")
        with out.open("wb") as sink:
            for chunk in response.streaming_content:
                sink.write(chunk)
                size += len(chunk)
        response.close()
        elapsed = time.monotonic() - started
    return {
        "kind": kind,
        "seconds": elapsed,
        "peak_mb": _peak_mb(),
        "baseline_mb": baseline,
        "bytes": size,
    }


# --- Checking the outputs (in the parent, after the measurements).


def check_csv(path: Path, total_column: int, *, app: bool) -> tuple[int, Decimal, list[str]]:
    # The app's own formula guard (after sys.path holds the project, hence here).
    from workforce.platform.exports import DANGEROUS_FIRST

    problems = []
    count, total = 0, Decimal(0)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            count += 1
            value = Decimal(row[total_column])
            total += value
            if app:
                if Decimal(row[9]) + Decimal(row[10]) != value:
                    problems.append(f"row {count}: fee + expenses != total")
                if any(cell.startswith(DANGEROUS_FIRST) for cell in row):
                    problems.append(f"row {count}: a cell could run as a formula")
                if len(problems) > 5:
                    break
    return count, total, problems


ROW = re.compile(rb"<row ")
TOTAL_CELL = re.compile(rb'<c r="L(\d+)"[^>]*><v>([^<]*)</v>')


def check_xlsx(path: Path) -> tuple[int, Decimal, list[str]]:
    """Row count and the sum of column L (Total), read from the sheet's XML as a stream."""
    problems = []
    rows, total = 0, Decimal(0)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        sheet = next(n for n in names if n.startswith("xl/worksheets/sheet"))
        for name in names:
            if name == sheet:
                continue
            if b"<f>" in archive.read(name):
                problems.append(f"{name} holds a formula")
        tail = b""
        with archive.open(sheet) as stream:
            while block := stream.read(1 << 20):
                data = tail + block
                # Only complete cells: keep what follows the last "<c " for the next block.
                cut = data.rfind(b"<c ")
                cut = len(data) if cut < 0 else cut
                done, tail = data[:cut], data[cut:]
                rows += len(ROW.findall(done))
                if b"<f>" in done or b"<f " in done:
                    problems.append("the sheet holds a formula")
                for number, value in TOTAL_CELL.findall(done):
                    if number != b"1":
                        total += Decimal(value.decode())
            rows += len(ROW.findall(tail))
            for number, value in TOTAL_CELL.findall(tail):
                if number != b"1":
                    total += Decimal(value.decode())
    return rows - 1, total, problems


def _child(args: list[str], env: dict) -> dict:
    result = subprocess.run(  # noqa: S603
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the exported files")
    parser.add_argument(
        "--only", default="csv,xlsx", help="which app exports to measure (default: csv,xlsx)"
    )
    parser.add_argument("--build-only", action="store_true", help="build the batch, no exports")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "build":
            print(json.dumps(build(int(args.child[1]))))
        else:
            kind, batch_id, out = args.child
            print(json.dumps(measure(kind, int(batch_id), Path(out))))
        return 0

    os.environ.setdefault("WORKFORCE_VAR_DIR", str(BASE_DIR / "var" / "bench-export"))
    from workforce.platform import pgembed

    url = pgembed.acquire()
    try:
        return _run(args, url)
    finally:
        pgembed.release()


def _run(args, url: str) -> int:
    from workforce.platform import pgembed

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": "bench-export-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        "SITE_URL": "https://testserver",
        "PASSWORD_BREACH_CHECK": "false",
        "DJANGO_SETTINGS_MODULE": "workforce.settings",
    }
    print(f"database: {url} (var dir {pgembed.var_dir()})", flush=True)
    migrated = subprocess.run(  # noqa: S603
        [sys.executable, str(BASE_DIR / "manage.py"), "migrate", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if migrated.returncode:
        raise SystemExit(f"migrate failed:\n{migrated.stdout}\n{migrated.stderr}")
    print(f"building or finding a batch of {args.lines:,} lines...", flush=True)
    facts = _child(["--child", "build", str(args.lines)], env)
    built = f"built in {facts['built_in_s']} s" if "built_in_s" in facts else "reused"
    print(
        f"batch {facts['reference']}: {facts['lines']:,} lines, total £{facts['total']} ({built})"
    )
    if args.build_only:
        return 0
    kinds = ["copy", *[k for k in ("csv", "xlsx") if k in args.only.split(",")]]
    out_dir = pgembed.var_dir() / "bench-export-out"
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {kind: out_dir / f"export.{kind}" for kind in ("copy", "csv", "xlsx")}
    # A first COPY warms the cache, so no export pays for reading the tables from disk.
    _child(["--child", "copy", str(facts["batch"]), str(files["copy"])], env)
    results = {}
    for kind in kinds:
        print(f"measuring {kind}...", flush=True)
        results[kind] = _child(["--child", kind, str(facts["batch"]), str(files[kind])], env)

    expected = (facts["lines"], Decimal(facts["total"]))
    checkers = {
        "copy": lambda: check_csv(files["copy"], 11, app=False),
        "csv": lambda: check_csv(files["csv"], 11, app=True),
        "xlsx": lambda: check_xlsx(files["xlsx"]),
    }
    checks = {kind: checkers[kind]() for kind in kinds}
    copy_s = results["copy"]["seconds"]
    print()
    print(f"{args.lines:,} lines, batch {facts['reference']}")
    header = (
        f"{'export':<6} {'time s':>8} {'x COPY':>7} {'peak MB':>8} {'base MB':>8} "
        f"{'size MB':>8}  {'rows ok':<8} {'total ok':<8} target"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for kind in kinds:
        r = results[kind]
        rows, total, problems = checks[kind]
        ratio = r["seconds"] / copy_s
        rows_ok, total_ok = rows == expected[0], total == expected[1]
        if kind == "copy":
            target, met = "(reference)", True
        elif kind == "csv":
            met = ratio <= CSV_TARGET_RATIO and r["peak_mb"] < CSV_TARGET_MB
            target = f"<= {CSV_TARGET_RATIO:g}x, < {CSV_TARGET_MB:g} MB: " + (
                "PASS" if met else "MISS"
            )
        else:
            met = ratio <= XLSX_TARGET_RATIO and r["peak_mb"] < XLSX_TARGET_MB
            target = f"<= {XLSX_TARGET_RATIO:g}x, < {XLSX_TARGET_MB:g} MB: " + (
                "PASS" if met else "MISS"
            )
        correct = rows_ok and total_ok and not problems
        ok = ok and met and correct
        print(
            f"{kind:<6} {r['seconds']:>8.1f} {ratio:>7.2f} {r['peak_mb']:>8.0f} "
            f"{r['baseline_mb']:>8.0f} {r['bytes'] / 1e6:>8.1f}  "
            f"{'yes' if rows_ok else f'NO {rows}':<8} {'yes' if total_ok else 'NO':<8} {target}"
        )
        for problem in problems[:5]:
            print(f"       {kind}: {problem}")
    print()
    print(
        "peak MB = the export process's peak resident memory (VmHWM), Django loaded; "
        "base MB = its resident memory just before the export began."
    )
    print("OVERALL:", "PASS" if ok else "MISS")
    if not args.keep:
        for path in files.values():
            path.unlink(missing_ok=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
