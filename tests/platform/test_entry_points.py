"""Where the embedded PostgreSQL starts: the entry points, never the settings.

Importing settings must have no side effects (no server, no process), so anything can read
them; manage.py, the WSGI/ASGI entries and the test runner start the server instead.
"""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from tests import pgembed_plugin
from workforce.platform import pgembed

ROOT = Path(__file__).resolve().parents[2]

# Counts every way a process could start another (pg_ctl, initdb, postgres) while Django
# loads the settings and every app, then reports the database settings and the count.
SPAWN_PROBE = """
import json, os, subprocess
spawned = []
real_popen_init = subprocess.Popen.__init__
def popen_init(self, *args, **kwargs):
    spawned.append(repr(args[:1]))
    real_popen_init(self, *args, **kwargs)
subprocess.Popen.__init__ = popen_init
for name in ("fork", "posix_spawn", "posix_spawnp", "system"):
    if hasattr(os, name):
        real = getattr(os, name)
        def spy(*args, _real=real, _name=name, **kwargs):
            spawned.append(_name)
            return _real(*args, **kwargs)
        setattr(os, name, spy)
import django
django.setup()
from django.conf import settings
print(json.dumps({"db": settings.DATABASES["default"], "spawned": spawned}, default=str))
"""


def _clean_env(var_dir, **extra):
    drop = {
        "DATABASE_URL",
        pgembed.SUPERVISED_ENV,
        "DJANGO_DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "SITE_URL",
    }
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(WORKFORCE_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="workforce.settings", **extra)
    return env


def test_importing_settings_starts_no_server_and_spawns_nothing(tmp_path):
    var_dir = tmp_path / "var"
    result = subprocess.run(
        [sys.executable, "-c", SPAWN_PROBE],
        cwd=ROOT,
        env=_clean_env(var_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    # croniter (the job queue's cron parser) asks platform.architecture() at import, which
    # runs `file -b` on the interpreter: a read-only probe that starts nothing.
    assert [s for s in data["spawned"] if not s.startswith("(['file', '-b',")] == []
    # Nothing written either: no cluster, no holder, no lock, not even the var dir.
    assert not var_dir.exists()
    # And the settings point at where the embedded server of that var dir listens.
    db = data["db"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"]) == (pgembed.DB_NAME, "postgres")
    expected_socket = subprocess.run(
        [
            sys.executable,
            "-c",
            "from workforce.platform import pgembed; print(pgembed._socket_dir())",
        ],
        cwd=ROOT,
        env=_clean_env(var_dir),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert db["HOST"] == expected_socket
    assert str(var_dir.resolve()) in db["HOST"]


ENTRIES = [
    ("workforce.wsgi", "django.core.wsgi", "get_wsgi_application"),
    ("workforce.asgi", "django.core.asgi", "get_asgi_application"),
]


@pytest.fixture
def entry_spies(monkeypatch):
    """Stand-ins for the server start and Django's application, recording their order."""
    calls = []
    monkeypatch.setattr(pgembed, "ensure_for_process", lambda: calls.append("start") or "url")
    for _module, django_module, factory in ENTRIES:
        monkeypatch.setattr(
            f"{django_module}.{factory}", lambda _f=factory: calls.append("django") or object()
        )
    return calls


@pytest.mark.parametrize(("entry", "django_module", "factory"), ENTRIES, ids=["wsgi", "asgi"])
def test_entry_starts_the_embedded_server_before_django_without_database_url(
    entry, django_module, factory, entry_spies, monkeypatch
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runpy.run_module(entry, run_name=entry)
    assert entry_spies == ["start", "django"]


@pytest.mark.parametrize(("entry", "django_module", "factory"), ENTRIES, ids=["wsgi", "asgi"])
def test_entry_starts_nothing_with_database_url(
    entry, django_module, factory, entry_spies, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:secret@db.example.org:5432/workforce")
    runpy.run_module(entry, run_name=entry)
    assert entry_spies == ["django"]


def test_wsgi_entry_without_any_postgresql_says_how_to_fix_it(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", pgembed.SUPERVISED_ENV, "WORKFORCE_PG_BINDIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKFORCE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("WORKFORCE_PG_NO_PGSERVER", "1")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setattr("django.core.wsgi.get_wsgi_application", lambda: pytest.fail("loaded"))
    with pytest.raises(pgembed.EmbeddedPostgresError) as raised:
        runpy.run_module("workforce.wsgi", run_name="workforce.wsgi")
    assert "install PostgreSQL" in str(raised.value)
    assert "DATABASE_URL" in str(raised.value)


class _Config:
    """Just what the plugin reads of pytest's config."""

    def __init__(self):
        self.stash = pytest.Stash()
        self.option = type("Option", (), {"help": False, "version": False})()


@pytest.fixture
def plugin_spies(monkeypatch):
    calls = []
    monkeypatch.setattr(pgembed, "acquire", lambda: calls.append("acquire") or "url")
    monkeypatch.setattr(pgembed, "release", lambda: calls.append("release") or True)
    return calls


def test_bare_pytest_holds_the_server_for_the_session(plugin_spies, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv(pgembed.SUPERVISED_ENV, raising=False)
    config = _Config()
    pgembed_plugin.pytest_configure(config)
    assert plugin_spies == ["acquire"]
    # Workers and subprocesses then run as they would under `pgembed run`.
    assert os.environ[pgembed.SUPERVISED_ENV] == "1"
    pgembed_plugin.pytest_unconfigure(config)
    assert plugin_spies == ["acquire", "release"]
    assert pgembed.SUPERVISED_ENV not in os.environ


@pytest.mark.parametrize(
    "env",
    [
        {pgembed.SUPERVISED_ENV: "1"},
        {"DATABASE_URL": "postgresql://app:secret@db.example.org:5432/workforce"},
    ],
    ids=["under-pgembed-run", "database-url"],
)
def test_pytest_under_a_supervisor_or_a_real_server_starts_nothing(env, plugin_spies, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv(pgembed.SUPERVISED_ENV, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = _Config()
    pgembed_plugin.pytest_configure(config)
    pgembed_plugin.pytest_unconfigure(config)
    assert plugin_spies == []
