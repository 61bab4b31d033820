"""docs/deployment.md, "The database role": its SQL, run as written (with names made unique),
gives an owner role that migrates and an app role that works but can neither truncate the
protected tables nor switch their triggers off."""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _section_sql() -> list[str]:
    text = (ROOT / "docs" / "deployment.md").read_text()
    section = text.split("## The database role", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 2, "expected the cluster block and the database block"
    return blocks


def _statements(block: str, names: dict[str, str]) -> list[str]:
    block = re.sub(r"--[^\n]*", "", block)
    block = re.sub(r"\bworkforce_(owner|app)\b", lambda m: names[m.group(0)], block)
    block = re.sub(r"\bDATABASE workforce\b", f"DATABASE {names['workforce']}", block)
    return [s.strip() for s in block.split(";") if s.strip()]


def _connect(user: str, dbname: str, password: str = "") -> psycopg.Connection:
    s = connection.settings_dict
    params = {
        "host": s["HOST"] or s["OPTIONS"].get("host"),
        "port": s["PORT"] or None,
        "user": user,
        "password": password or None,
        "dbname": dbname,
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


def _url(user: str, password: str, dbname: str) -> str:
    s = connection.settings_dict
    host = s["HOST"] or s["OPTIONS"].get("host", "")
    port = f"&port={s['PORT']}" if s["PORT"] else ""
    return f"postgresql://{user}:{password}@/{dbname}?host={host}{port}"


# Both roles run with the database cache, so `migrate` makes its table (as the owner) and
# the app's role must be able to use it.
CACHE_URL = "dbcache://workforce_cache"


def _manage(user: str, password: str, dbname: str, *args: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": _url(user, password, dbname),
        "DJANGO_DEBUG": "true",
        "CACHE_URL": CACHE_URL,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]


def _counts(conn) -> dict[str, int]:
    tables = ["workforce_organisation", "workforce_person", "history_personevent"]
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608


def test_the_documented_roles_migrate_work_and_cannot_undo_the_guards():
    s = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("needs a superuser to create roles")
    suffix = f"t{os.getpid()}"
    names = {
        "workforce_owner": f"wf_{suffix}_owner",
        "workforce_app": f"wf_{suffix}_app",
        "workforce": f"wf_{suffix}_db",
    }
    owner, app, db = names["workforce_owner"], names["workforce_app"], names["workforce"]
    cluster, database = _section_sql()
    admin = _connect(s["USER"], "postgres", s["PASSWORD"])
    try:
        for sql in _statements(cluster, names):
            admin.execute(sql)
        with _connect(s["USER"], db, s["PASSWORD"]) as conn:
            for sql in _statements(database, names):
                conn.execute(sql)
        _manage(owner, "OWNER_PASSWORD", db, "migrate", "--noinput", "-v0")
        # The app's ordinary work as the app role: rows in, sequences used, the row-history
        # and figures triggers writing their own tables, figures kept in the cache table
        # (and the cache emptied, which deletes rather than truncates).
        _manage(
            app,
            "APP_PASSWORD",
            db,
            "shell",
            "-c",
            "from tests.factories import MembershipFactory, PersonFactory; "
            "person = PersonFactory(); person.full_name = 'Changed'; person.save(); "
            "MembershipFactory(organisation=person.organisation); "
            "from django.core.cache import cache; from workforce.platform import figures; "
            "kept = dict(organisations=[person.organisation_id]); "
            "assert figures.cached(figures.PAYMENTS, ('roles',), lambda: 7, **kept) == 7; "
            "assert figures.cached(figures.PAYMENTS, ('roles',), lambda: 8, **kept) == 7; "
            "cache.clear(); assert cache.get('anything') is None; "
            "from workforce.platform import mail; "
            "mail.queue_email(to='someone@example.org', subject='Hello', body='Hello.')",
        )
        # The worker, as the app role, takes the job and sends the email.
        _manage(app, "APP_PASSWORD", db, "procrastinate", "worker", "--one-shot", "--queues=email")
        with _connect(app, db, "APP_PASSWORD") as conn:
            assert conn.execute(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
            ).fetchone() == (False,)
            assert conn.execute(
                "SELECT count(*) FROM pg_tables WHERE tableowner = current_user"
            ).fetchone() == (0,)
            before = _counts(conn)
            assert before["workforce_person"] == 1 and before["history_personevent"] == 2
            assert conn.execute(
                "SELECT count(*) FROM workforce_outboundemail WHERE sent_at IS NOT NULL"
            ).fetchone() == (1,)
            # migrate made the cache table, as the owner; the app role owns nothing.
            assert conn.execute(
                "SELECT tableowner FROM pg_tables WHERE tablename = 'workforce_cache'"
            ).fetchone() == (owner,)
            for sql in [
                "TRUNCATE workforce_auditentry",
                "TRUNCATE workforce_organisation CASCADE",
                "ALTER TABLE workforce_auditentry DISABLE TRIGGER ALL",
                "DROP TRIGGER workforce_auditentry_no_truncate ON workforce_auditentry",
                "SET session_replication_role = 'replica'",
                "CREATE TABLE sneaky (id int)",
            ]:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(sql)
            assert _counts(conn) == before
        with (
            _connect(owner, db, "OWNER_PASSWORD") as conn,
            pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="cannot be truncated"),
        ):
            conn.execute("TRUNCATE workforce_auditentry")
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{db}"')
        admin.execute(f'DROP ROLE IF EXISTS "{app}"')
        admin.execute(f'DROP ROLE IF EXISTS "{owner}"')
        admin.close()
