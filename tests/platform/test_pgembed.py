"""The embedded PostgreSQL: starts with no setup, and never outlives its command.

Each test uses its own var folder (WORKFORCE_VAR_DIR), so it never touches the cluster the
suite itself runs on.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from workforce.platform import pgembed

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _env(var_dir, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", pgembed.SUPERVISED_ENV}}
    env.update(WORKFORCE_VAR_DIR=str(var_dir), **extra)
    return env


def _postgres_running_for(var_dir) -> list[str]:
    ps = subprocess.run(["ps", "-ww", "-eo", "stat=,args="], capture_output=True, text=True).stdout
    return [
        line
        for line in ps.splitlines()
        if "postgres" in line and str(var_dir) in line and not line.startswith("Z")
    ]


def _wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def var_dir(tmp_path):
    folder = tmp_path / "var"
    yield folder
    # Whatever a test did, leave nothing behind.
    subprocess.run(
        [sys.executable, "-m", "workforce.platform.pgembed", "stop"], cwd=ROOT, env=_env(folder)
    )


def test_run_holds_the_server_for_the_command_and_stops_it_after(var_dir):
    probe = (
        "import psycopg, os; from workforce.platform import pgembed; "
        "c = psycopg.connect(host=str(pgembed._socket_dir()), user='postgres', dbname='app'); "
        "print(c.execute('select 42').fetchone()[0])"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "workforce.platform.pgembed",
            "run",
            "--",
            sys.executable,
            "-c",
            probe,
        ],
        cwd=ROOT,
        env=_env(var_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "42"
    assert (var_dir / "pgdata" / "PG_VERSION").exists()
    assert _postgres_running_for(var_dir) == []


def test_exit_code_of_the_command_is_kept(var_dir):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "workforce.platform.pgembed",
            "run",
            "--",
            sys.executable,
            "-c",
            "exit(3)",
        ],
        cwd=ROOT,
        env=_env(var_dir),
        timeout=120,
    )
    assert result.returncode == 3
    assert _postgres_running_for(var_dir) == []


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(
    ("sig", "whole_group"),
    [(signal.SIGINT, True), (signal.SIGTERM, False), (signal.SIGTERM, True)],
    ids=["ctrl-c", "sigterm-to-parent", "sigterm-to-group"],
)
def test_runserver_stopped_by_signal_leaves_no_postgres(var_dir, sig, whole_group, unused_port):
    """What `make run` does, stopped the ways a person or a process manager stops it."""
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{unused_port}"],
        cwd=ROOT,
        env=_env(var_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        # A shell that starts a job in the background without job control leaves SIGINT
        # ignored in every process it starts, and an ignored signal stays ignored across
        # exec: give runserver the default a terminal's Ctrl-C would meet.
        preexec_fn=_default_sigint,
    )
    try:

        def serving():
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{unused_port}/accounts/login/")  # noqa: S310
            except urllib.error.HTTPError:
                return True  # answering (this database has no tables: the page may fail)
            except OSError:
                return False
            return True

        assert _wait_for(serving, timeout=90), "runserver never answered"
        assert _postgres_running_for(var_dir), "postgres should run while serving"
        if whole_group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    # A loaded machine can be slow to stop; a minute is a generous bound.
    assert _wait_for(lambda: not _postgres_running_for(var_dir), timeout=60), _postgres_running_for(
        var_dir
    )
    # And no server is left answering on the port with its database gone.
    assert _wait_for(lambda: not serving(), timeout=30), "runserver outlived its command"


def test_bare_pytest_holds_the_server_for_its_session(var_dir):
    """No `pgembed run` around it: the test runner's plugin starts and stops the server."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_settings.py::test_this_run_uses_the_database_it_was_given",
        ],
        cwd=ROOT,
        env=_env(var_dir),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "ready to accept connections" in (var_dir / "pgdata" / "server.log").read_text()
    assert _wait_for(lambda: not _postgres_running_for(var_dir), timeout=30)


def test_sigkilled_holder_is_adopted_and_db_stop_stops_it(var_dir, tmp_path):
    started = tmp_path / "started"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workforce.platform.pgembed",
            "run",
            "--",
            "sh",
            "-c",
            f"touch {started}; sleep 60",
        ],
        cwd=ROOT,
        env=_env(var_dir),
        start_new_session=True,
    )
    try:
        assert _wait_for(started.exists, timeout=60)
        assert _postgres_running_for(var_dir)
        os.killpg(proc.pid, signal.SIGKILL)  # nothing can clean up after SIGKILL...
        proc.wait(timeout=10)
        assert _postgres_running_for(var_dir)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    # ...but the next command adopts the orphan and stops it when it ends.
    subprocess.run(
        [sys.executable, "-m", "workforce.platform.pgembed", "run", "--", "true"],
        cwd=ROOT,
        env=_env(var_dir),
        check=True,
        timeout=60,
    )
    assert _wait_for(lambda: not _postgres_running_for(var_dir), timeout=20)


def test_db_stop_command(var_dir):
    env = _env(var_dir)
    subprocess.run(
        [sys.executable, "-c", "from workforce.platform import pgembed; pgembed.acquire(pid=1)"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    assert _postgres_running_for(var_dir)  # held by pid 1, which never exits
    out = subprocess.run(
        [sys.executable, "-m", "workforce.platform.pgembed", "stop"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "stopped" in out.stdout
    assert _wait_for(lambda: not _postgres_running_for(var_dir), timeout=20)


@pytest.mark.skipif(
    not (shutil.which("pg_ctl") or shutil.which("pg_config")),
    reason="this machine has no PostgreSQL of its own to fall back to",
)
def test_falls_back_to_the_machines_own_postgresql(var_dir):
    env = _env(var_dir, WORKFORCE_PG_NO_PGSERVER="1")
    probe = "from workforce.platform import pgembed; print(pgembed.find_bindir())"
    bindir = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout.strip()
    assert "pgserver" not in bindir and bindir
    result = subprocess.run(
        [sys.executable, "-m", "workforce.platform.pgembed", "run", "--", "true"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    version = (var_dir / "pgdata" / "PG_VERSION").read_text().strip()
    assert version.isdigit()
    assert _postgres_running_for(var_dir) == []


def test_without_any_postgresql_it_says_how_to_fix_it(var_dir, tmp_path):
    env = _env(var_dir, WORKFORCE_PG_NO_PGSERVER="1", PATH=str(tmp_path / "empty-bin"))
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "install PostgreSQL" in result.stderr
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
