"""A cache several servers share (CACHE_URL, workforce/platform/caches.py): what the setting
accepts, the table `migrate` makes for it, and two real servers on one database sharing it."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from workforce.platform import caches
from workforce.platform.caches import caches_setting, code_digest, create_cache_table

ROOT = Path(__file__).resolve().parents[2]


def _setting(url: str) -> dict:
    return caches_setting(url, max_entries=100, root=ROOT)["default"]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("memcache://cache.internal:11211", "must start with redis://, rediss:// or dbcache://"),
        ("filecache:///var/tmp/cache", "must start with redis://, rediss:// or dbcache://"),
        ("dbcache://", "needs the table's name"),
    ],
)
def test_cache_urls_that_make_no_sense_here_are_refused_with_the_reason(url, says):
    with pytest.raises(ImproperlyConfigured, match=re.escape(says)):
        _setting(url)


def test_redis_without_its_package_is_refused_saying_what_to_install(monkeypatch):
    monkeypatch.setattr(caches, "find_spec", lambda name: None)
    with pytest.raises(ImproperlyConfigured, match="pip install redis"):
        _setting("rediss://:secret@cache.internal:6380/2")


def test_local_memory_named_is_the_default_and_shares_nothing():
    assert _setting("locmemcache://") == _setting("")
    assert _setting("")["BACKEND"] == caches.LOCAL_MEMORY
    assert "KEY_PREFIX" not in _setting("")  # a process's own memory starts empty


def test_a_shared_stores_keys_name_the_release(tmp_path):
    """Servers running one release share kept figures; a release with any other code or
    template keeps its own, so it never shows HTML the last release drew."""
    for folder in caches.CODE:
        (tmp_path / folder).mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>{{ count }}</p>")
    first = code_digest(tmp_path)
    # Neither what Python compiles nor local data is the code.
    (tmp_path / "workforce" / "__pycache__").mkdir()
    (tmp_path / "workforce" / "__pycache__" / "page.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / "workforce" / "var" / "pgdata").mkdir(parents=True)
    (tmp_path / "workforce" / "var" / "pgdata" / "state.json").write_text("{}")
    assert code_digest(tmp_path) == first
    page.write_text("<p>{{ count }} waiting</p>")
    assert code_digest(tmp_path) != first
    assert _setting("dbcache://t")["KEY_PREFIX"] == f"release-{code_digest(ROOT)}"


def _table_exists(name: str) -> bool:
    return name in connection.introspection.table_names()


def test_migrate_makes_the_database_stores_table(db, settings):
    """What runs after every `migrate` (tests/platform/test_database_roles.py migrates with
    it for real, then uses the table as the app's role)."""
    settings.CACHES = {"default": _setting("dbcache://figures_cache_made")}
    create_cache_table(None, using="default", verbosity=1)
    assert _table_exists("figures_cache_made")
    create_cache_table(None, using="default", verbosity=1)  # every later migrate: no change


# --- Two servers, one database.

TABLE = "figures_cache_two_servers"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _test_database_url() -> str:
    s = connection.settings_dict
    host = s["HOST"] or s["OPTIONS"].get("host", "")
    port = f"&port={s['PORT']}" if s["PORT"] else ""
    password = quote(s["PASSWORD"] or "", safe="")
    return f"postgresql://{quote(s['USER'], safe='')}:{password}@/{s['NAME']}?host={host}{port}"


class Server:
    """gunicorn, as production runs it, on this test's database with the shared cache."""

    def __init__(self, name: str, log: Path):
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
        env.update(
            DATABASE_URL=_test_database_url(),
            CACHE_URL=f"dbcache://{TABLE}",
            # Debug on spares a production secret and HTTPS; this process signs the
            # sessions in with the same (local) secret key.
            DJANGO_DEBUG="true",
            ALLOWED_HOSTS="127.0.0.1",
        )
        self.log, self._output = log, log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "workforce.wsgi"]
            + ["--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--name", name],
            cwd=ROOT,
            env=env,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_serving(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                status, _ = self.request("GET", "/accounts/login/", session="")
            except OSError:
                time.sleep(0.2)
                continue
            assert status == 200, self.log.read_text()
            return
        pytest.fail(f"the server never answered:\n{self.log.read_text()}")

    def request(self, method: str, path: str, *, session: str, form: str = "") -> tuple:
        token = get_random_string(32)  # a CSRF secret: the cookie and the header agree
        headers = {"Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token}
        if form:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=form or None, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode()
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._output.close()


def _waiting_for_approval(server: Server, session: str) -> int:
    """The count the lead's home page shows against "Claims waiting for your approval"."""
    status, page = server.request("GET", reverse("home"), session=session)
    assert status == 200, page[:2000]
    found = re.findall(r'<span class="wf-attention-count">(\d+)</span>\s*<span>([^<:]+)', page)
    return {label.strip(): int(count) for count, label in found}["Claims waiting for your approval"]


def _kept_in_the_store(store: DatabaseCache) -> dict[str, object]:
    """Everything in the shared table, by the key figures.py gave it."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT cache_key FROM "{TABLE}"')  # noqa: S608
        keys = [row[0].split(":", 2)[2] for row in cursor.fetchall()]  # prefix:version:key
    return {key: store.get(key) for key in keys}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_servers_share_kept_figures_and_both_show_a_change_made_on_either(
    settings, tmp_path, claims, personas
):
    lead = personas["lead"]
    to_reject = claims("peer", "submitted")
    claims("peer", "submitted")
    shared = _setting(f"dbcache://{TABLE}")
    # The servers' table, made the way `migrate` makes it; committed, so they see it.
    settings.CACHES = {"default": shared}
    create_cache_table(None, using="default", verbosity=0)
    store = DatabaseCache(TABLE, shared)
    # Signed in on each server: a session of its own, in the database both read.
    sessions = []
    for _ in range(2):
        client = Client()
        client.force_login(lead)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    on_a, on_b = sessions
    a, b = Server("server-a", tmp_path / "a.log"), Server("server-b", tmp_path / "b.log")
    try:
        a.wait_until_serving()
        b.wait_until_serving()

        # B counts the figure and keeps it in the shared store.
        assert _waiting_for_approval(b, on_b) == 2
        kept = _kept_in_the_store(store)
        approvals = [k for k, v in kept.items() if k.startswith("figures:payments:") and v == 2]
        assert len(approvals) == 1, kept
        # Mark what B kept with a number no count of the data gives: A shows it, so A took
        # the figure from the store B wrote rather than counting it itself.
        store.set(approvals[0], 97)
        assert _waiting_for_approval(a, on_a) == 97
        assert _waiting_for_approval(b, on_b) == 97

        # A change through A: B, which has the figure kept, shows the change at once.
        status, _ = a.request(
            "POST",
            reverse("payments:claim_reject", kwargs={"pk": to_reject.pk}),
            session=on_a,
            form="reason=Not+involvement+work",
        )
        assert status == 302
        assert _waiting_for_approval(b, on_b) == 1
        assert _waiting_for_approval(a, on_a) == 1
    finally:
        a.stop()
        b.stop()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{TABLE}"')
