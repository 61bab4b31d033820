"""Latency of the main pages under 10 concurrent users, against two baselines, in one run.

    .venv/bin/python bench/pages.py --scale 10          # or: make bench

1. Starts the embedded PostgreSQL in its own var dir (default /tmp/wf-bench-var), applies
   migrations and, if the database is empty, runs ``python -m bench.seed --scale N``.
2. Serves the app with gunicorn (2 workers, production settings: debug off, Secure
   ``__Host-`` cookies, SSL redirect and HSTS on; see bench/harness.py) on 127.0.0.1.
3. Signs in through the real login and two-step pages as the bench logins of "Bench trust 1"
   (the largest organisation): lead, safeguarding lead, finance, administrator.
4. For a bounded time per page (``--duration``, default 20 s) N threads (``--concurrency``,
   default 10) request the page in a closed loop; it does the same for the floor (a bare
   Django view behind the full middleware stack, /bench/bare/) and for the Django admin
   changelist of each page's model, on the same data, in the same run.
5. Prints p50/p95/p99, requests per second, each page's p95 against the floor's and the
   admin's, and PASS/MISS for the issue's three targets; writes the figures as JSON too.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

TARGET_P95_MS = 150.0
TARGET_BARE_RATIO = 2.0

# A page of the app with next to nothing on it, measured beside the floor.
REFERENCE_PATH = "/accounts/two-factor/"

USERS = {
    "lead": "bench-lead",
    "safeguarding": "bench-safeguarding",
    "finance": "bench-finance",
    "admin": "bench-admin",
}


def pages(ids: dict[str, int]) -> list[tuple[str, str, str, str]]:
    """(page, who, path, admin changelist path of the same model)."""
    return [
        ("People list", "lead", "/people/", "/admin/workforce/person/"),
        (
            "Supervision compliance: one team",
            "lead",
            f"/supervision/compliance/teams/{ids['team']}/",
            "/admin/workforce/assignment/",
        ),
        (
            "Supervision compliance: organisation",
            "lead",
            "/supervision/compliance/",
            "/admin/workforce/assignment/",
        ),
        (
            "Escalations queue",
            "safeguarding",
            "/incidents/escalations/",
            "/admin/incidents/incident/",
        ),
        (
            "Claims approval queue",
            "lead",
            "/payments/approvals/",
            "/admin/payments/claim/?state__exact=submitted",
        ),
        (
            "Finance batch page",
            "finance",
            f"/payments/batches/{ids['batch']}/",
            "/admin/payments/batch/",
        ),
        ("Dashboard: lead (home)", "lead", "/", "/admin/"),
        ("Dashboard: finance (home)", "finance", "/", "/admin/"),
    ]


# Pages whose costly figures are kept until their data changes (workforce/figures.py), and
# a harmless committed change that makes them all count afresh: a person's name set to
# itself is a real UPDATE of a table in both topics, so the triggers raise both versions.
COLD = [
    ("Supervision compliance: organisation", "lead", "/supervision/compliance/"),
    ("Dashboard: lead (home)", "lead", "/"),
    ("Dashboard: finance (home)", "finance", "/"),
]
COLD_CHANGE = "UPDATE workforce_person SET full_name = full_name WHERE id = {person}"


def measure_cold(db, client, path: str, person: int, repeat: int) -> list[float]:
    """One user, one request at a time, each straight after a committed change: what the
    first viewer after a change waits (milliseconds)."""
    times = []
    for _ in range(repeat):
        db.psql(COLD_CHANGE.format(person=person))
        started = time.perf_counter()
        status, _, _ = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"{path} answered {status} after a change")
    return sorted(times)


def lookup_ids(db: harness.Database) -> dict[str, int]:
    org = int(db.psql("SELECT id FROM workforce_organisation WHERE name = 'Bench trust 1'"))
    team = int(
        db.psql(f"SELECT min(id) FROM workforce_team WHERE organisation_id = {org}")  # noqa: S608
    )
    # The newest batch: its claims are still exported (not yet paid), the one finance opens.
    batch = int(
        db.psql(
            f"SELECT id FROM payments_batch WHERE organisation_id = {org} "  # noqa: S608
            "ORDER BY cut_off DESC, id DESC LIMIT 1"
        )
    )
    people = int(db.psql("SELECT count(*) FROM workforce_person"))
    person = int(
        db.psql(f"SELECT min(id) FROM workforce_person WHERE organisation_id = {org}")  # noqa: S608
    )
    org_people = int(
        db.psql(f"SELECT count(*) FROM workforce_person WHERE organisation_id = {org}")  # noqa: S608
    )
    lines = int(db.psql(f"SELECT count(*) FROM payments_batchline WHERE batch_id = {batch}"))  # noqa: S608
    return {
        "organisation": org,
        "team": team,
        "batch": batch,
        "person": person,
        "people": people,
        "org_people": org_people,
        "batch_lines": lines,
    }


def fmt(value: float) -> str:
    return f"{value:8.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var-dir", default=str(harness.DEFAULT_VAR_DIR))
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per page")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds each user reads a page before the next request (0: none, the default)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    parser.add_argument("--json", default="", help="write the figures here as well")
    parser.add_argument(
        "--cold",
        type=int,
        default=5,
        help="times to measure each cached page straight after a change (0: skip)",
    )
    args = parser.parse_args(argv)

    var_dir = Path(args.var_dir).resolve()
    results: dict = {"machine": harness.machine_description(), "args": vars(args), "rows": []}
    with harness.Database(var_dir) as db:
        env = harness.django_env(db.url, debug=True, var_dir=var_dir)
        harness.manage("migrate", "--noinput", "-v", "0", env=env)
        if db.psql("SELECT count(*) FROM workforce_organisation") == "0":
            print(f"Empty database: seeding at scale {args.scale:g} (this takes a while)...")
            started = time.monotonic()
            harness.seed("--scale", str(args.scale), env=env)
            results["seed_seconds"] = round(time.monotonic() - started, 1)
        ids = lookup_ids(db)
        results["data"] = ids
        print(
            f"Data: {ids['people']:,} people ({ids['org_people']:,} in Bench trust 1); "
            f"batch {ids['batch']} has {ids['batch_lines']:,} lines."
        )
        with harness.Server(
            db.url, var_dir=var_dir, workers=args.workers, gunicorn_args=["--timeout", "120"]
        ) as server:
            clients = {role: harness.sign_in(server.base_url, name) for role, name in USERS.items()}

            def run(label: str, who: str, path: str) -> harness.Result:
                status, _, _ = clients[who].get(path)
                if status != 200:
                    raise SystemExit(f"{label}: {path} answered {status} for {USERS[who]}")
                result = harness.measure(
                    [clients[who]],
                    [path],
                    duration=args.duration,
                    concurrency=args.concurrency,
                    label=label,
                    think=args.think,
                )
                s = harness.summarise(result)
                print(
                    f"  {label:<40} {s['requests']:>6} req  p50 {s['p50_ms']:7.1f}  "
                    f"p95 {s['p95_ms']:7.1f}  p99 {s['p99_ms']:7.1f} ms  "
                    f"{s['req_per_s']:6.1f}/s  errors {s['errors']}",
                    flush=True,
                )
                return result

            pace = f", each reading ~{args.think:g} s a page" if args.think else ", no pauses"
            print(f"\nMeasuring ({args.concurrency} users{pace}, {args.duration:g} s each):")
            bare = run("Floor: bare Django view", "lead", "/bench/bare/")
            # What the site's layout costs before a page does any work: the two-step
            # sign-in settings (a heading, a sentence, a button; no list, one small query).
            nearly_empty = run("Reference: nearly empty page", "lead", REFERENCE_PATH)
            admin_results: dict[str, harness.Result] = {}
            rows = []
            for label, who, path, admin_path in pages(ids):
                if args.only and args.only.lower() not in label.lower():
                    continue
                page = run(label, who, path)
                if admin_path not in admin_results:
                    admin_results[admin_path] = run(f"Admin {admin_path}", "admin", admin_path)
                rows.append((label, path, page, admin_path, admin_results[admin_path]))

            cold_rows = []
            if args.cold:
                print(f"\nStraight after a change (1 user, {args.cold} times each):")
            for label, who, path in COLD if args.cold else []:
                if args.only and args.only.lower() not in label.lower():
                    continue
                times = measure_cold(db, clients[who], path, ids["person"], args.cold)
                median, worst = times[len(times) // 2], times[-1]
                print(f"  {label:<40} median {median:7.1f}  max {worst:7.1f} ms", flush=True)
                cold_rows.append({"page": label, "median_ms": median, "max_ms": worst})
            results["after_a_change"] = cold_rows

    bare_p95 = bare.pct(95)
    header = (
        f"{'page':<40} {'reqs':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'req/s':>7} "
        f"{'/bare':>6} {'/admin':>6}  p95<=150  <=2xbare  <admin"
    )
    print(f"\nResults (ms). Floor p95 {bare_p95:.1f} ms.\n{header}\n{'-' * len(header)}")
    all_pass = True
    for label, path, page, admin_path, admin in rows:
        p95, admin_p95 = page.pct(95), admin.pct(95)
        checks = [p95 <= TARGET_P95_MS, p95 <= TARGET_BARE_RATIO * bare_p95, p95 < admin_p95]
        all_pass &= all(checks) and not page.errors
        verdict = ["PASS" if ok else "MISS" for ok in checks]
        print(
            f"{label:<40} {page.requests:>6} {fmt(page.pct(50))} {fmt(p95)} {fmt(page.pct(99))} "
            f"{page.throughput:7.1f} {p95 / bare_p95:6.2f} {p95 / admin_p95:6.2f}  "
            f"{verdict[0]:>8}  {verdict[1]:>8}  {verdict[2]:>6}"
        )
        results["rows"].append(
            {
                "page": label,
                "path": path,
                **harness.summarise(page),
                "admin_path": admin_path,
                "admin_p95_ms": admin_p95,
                "bare_p95_ms": bare_p95,
                "ratio_bare": p95 / bare_p95,
                "ratio_admin": p95 / admin_p95,
                "pass": dict(zip(["p95", "bare", "admin"], checks, strict=True)),
            }
        )
    reference_p95 = nearly_empty.pct(95)
    print(
        f"\nA nearly empty page of the app ({REFERENCE_PATH}) has p95 {reference_p95:.1f} ms: "
        f"{reference_p95 / bare_p95:.2f} x the floor. A page can only be within "
        f"{TARGET_BARE_RATIO:g} x the floor if it costs no more than the site's layout does."
    )
    results["reference"] = {
        "path": REFERENCE_PATH,
        **harness.summarise(nearly_empty),
        "ratio_bare": reference_p95 / bare_p95,
    }
    print("\nBaselines:")
    for result in [bare, nearly_empty, *admin_results.values()]:
        s = harness.summarise(result)
        print(
            f"  {result.label:<40} p50 {s['p50_ms']:7.1f}  p95 {s['p95_ms']:7.1f}  "
            f"p99 {s['p99_ms']:7.1f} ms  {s['req_per_s']:6.1f}/s"
        )
        results.setdefault("baselines", []).append({"label": result.label, **s})
    machine = results["machine"]
    print(
        f"\nMachine: {machine.get('nproc')} CPUs ({machine.get('cpu', '?')}), "
        f"{machine.get('ram', '?')} RAM, load average {machine.get('loadavg', '?')} at the end."
    )
    out = Path(args.json) if args.json else var_dir / "pages-results.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"Figures written to {out}")
    return 0 if all_pass else 1


if __name__ == "__main__":
    sys.exit(main())
