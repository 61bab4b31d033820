"""A private PostgreSQL cluster for local use, so `make run` and `make test` need no server.

Used only when DATABASE_URL is unset. The binaries come from the `pgserver` wheel where it
exists (Linux x86_64, Python <= 3.12), otherwise from the machine's own PostgreSQL
(`initdb`/`pg_ctl` on PATH, or `pg_config --bindir`). Data lives in `var/pgdata`; the server
listens only on a Unix socket, never on TCP.

Lifecycle: every process that needs the server registers itself as a *holder* (a pid file
in `var/pg-holders/`); when the last live holder releases it, the server is stopped.
`python -m workforce.platform.pgembed run -- CMD` (which `manage.py` and the Makefile use) holds the
server for CMD's whole life, forwards Ctrl-C/SIGTERM to CMD and stops the server afterwards,
so no postgres outlives the command that started it. A holder killed with SIGKILL cannot
clean up: the next command adopts the orphaned server, and `make db-stop` stops it.

Only entry points start the server: `manage.py` (through `run`), `workforce/wsgi.py` and
`workforce/asgi.py` (`start_unless_configured()`), and the test runner
(`tests/pgembed_plugin.py`). Settings only ask `database_url()`, which starts nothing, so
importing them has no side effects.

Run as root, PostgreSQL refuses to start, so (like pgserver itself) the cluster runs as an
unprivileged system user `pgserver`, created with `useradd` if missing, and the folders above
`var/` are made traversable (o+x) for that user.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import hashlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
SYSTEM_USER = "pgserver"
DB_NAME = "app"
# Set in the environment of a command run under `run`: that command's processes are held
# by the supervisor and must neither register nor stop the server themselves.
SUPERVISED_ENV = "WORKFORCE_PG_SUPERVISED"


class EmbeddedPostgresError(RuntimeError):
    pass


def var_dir() -> Path:
    return Path(os.environ.get("WORKFORCE_VAR_DIR", BASE_DIR / "var")).resolve()


def pgdata_dir() -> Path:
    return var_dir() / "pgdata"


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _prepare_runtime_dir() -> None:
    # pgserver (through platformdirs) keeps a lock file under XDG_RUNTIME_DIR; keep it
    # private to this checkout instead of the user's shared runtime folder.
    runtime = var_dir() / "run"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def find_bindir() -> Path:
    """Where initdb/pg_ctl/postgres live: pgserver's wheel first, then the machine's own."""
    override = os.environ.get("WORKFORCE_PG_BINDIR")
    if override:
        return Path(override)
    if os.environ.get("WORKFORCE_PG_NO_PGSERVER") != "1":
        _prepare_runtime_dir()
        # pgserver's wheel is optional (not every platform has one): imported only to ask.
        try:
            from pgserver._commands import POSTGRES_BIN_PATH
        except ImportError:
            pass
        else:
            return Path(POSTGRES_BIN_PATH)
    for name in ("pg_ctl", "initdb"):
        found = shutil.which(name)
        if found:
            return Path(found).resolve().parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)  # noqa: S603
        candidate = Path(out.stdout.strip())
        if (candidate / "pg_ctl").exists():
            return candidate
    raise EmbeddedPostgresError(
        "No PostgreSQL server is available for the embedded database.\n"
        "Either install PostgreSQL (Debian/Ubuntu: `sudo apt-get install postgresql`; "
        "macOS: `brew install postgresql@16`; then make sure `pg_ctl` is on PATH), "
        "or set DATABASE_URL to a PostgreSQL server you already run, e.g.\n"
        "  export DATABASE_URL=postgresql://user:password@localhost:5432/workforce"
    )


def _socket_dir() -> Path:
    # A Unix socket path must stay under ~107 bytes; a deep checkout falls back to /tmp.
    preferred = var_dir() / "pgsock"
    if len(str(preferred / ".s.PGSQL.5432")) < 100:
        return preferred
    digest = hashlib.sha256(str(var_dir()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"workforce-pg-{digest}"


def _run_as_user(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    if _is_root():
        kwargs["user"] = SYSTEM_USER
        kwargs["group"] = SYSTEM_USER
        kwargs.setdefault("cwd", "/")
    return subprocess.run(args, **kwargs)  # noqa: S603


def _ensure_system_user() -> None:
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(  # noqa: S603
            ["useradd", "--system", "--user-group", "--shell", "/usr/sbin/nologin", SYSTEM_USER],  # noqa: S607
            check=True,
            capture_output=True,
        )


def _open_path_for_system_user(path: Path) -> None:
    """Make every folder above `path` traversable, so the `pgserver` user can reach it."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


def _chown_to_system_user(path: Path) -> None:
    entry = pwd.getpwnam(SYSTEM_USER)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def _prepare_dirs(bindir: Path) -> tuple[Path, Path]:
    pgdata, sock = pgdata_dir(), _socket_dir()
    pgdata.mkdir(parents=True, exist_ok=True)
    sock.mkdir(parents=True, exist_ok=True)
    pgdata.chmod(0o700)
    sock.chmod(0o700)
    if _is_root():
        _ensure_system_user()
        _open_path_for_system_user(pgdata.parent)
        _open_path_for_system_user(sock.parent)
        _open_path_for_system_user(bindir)
        _chown_to_system_user(pgdata)
        _chown_to_system_user(sock)
    return pgdata, sock


def _postmaster_pid(pgdata: Path) -> int | None:
    try:
        first = (pgdata / "postmaster.pid").read_text().splitlines()[0]
        pid = int(first)
    except (FileNotFoundError, IndexError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child counts as dead.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


@contextlib.contextmanager
def _lock():
    var_dir().mkdir(parents=True, exist_ok=True)
    with open(var_dir() / "pg.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _holders_dir() -> Path:
    return var_dir() / "pg-holders"


def _live_holders() -> list[int]:
    folder = _holders_dir()
    folder.mkdir(parents=True, exist_ok=True)
    alive = []
    for entry in folder.iterdir():
        try:
            pid = int(entry.name)
        except ValueError:
            continue
        if _pid_alive(pid):
            alive.append(pid)
        else:
            entry.unlink(missing_ok=True)
    return alive


def database_url() -> str:
    """Where the embedded server listens once started; computed from the var dir alone."""
    return f"postgresql://postgres:@/{DB_NAME}?host={_socket_dir()}"


def _start_locked() -> None:
    bindir = find_bindir()
    pgdata, sock = _prepare_dirs(bindir)
    if not (pgdata / "PG_VERSION").exists():
        result = _run_as_user(
            [
                str(bindir / "initdb"),
                "-D",
                str(pgdata),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "-U",
                "postgres",
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise EmbeddedPostgresError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
    if _postmaster_pid(pgdata) is None:
        log = pgdata / "server.log"
        result = _run_as_user(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(pgdata),
                "-w",
                "-t",
                "60",
                "-l",
                str(log),
                "-o",
                f"-c listen_addresses='' -k {sock}",
                "start",
            ],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        if result.returncode != 0:
            tail = log.read_text()[-3000:] if log.exists() else ""
            raise EmbeddedPostgresError(
                f"Could not start the embedded PostgreSQL:\n{result.stderr}\n{tail}"
            )
    _ensure_database(bindir, sock)


def _ensure_database(bindir: Path, sock: Path) -> None:
    with psycopg.connect(
        host=str(sock), user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def _stop_locked() -> bool:
    pgdata = pgdata_dir()
    if _postmaster_pid(pgdata) is None:
        return False
    bindir = find_bindir()
    _run_as_user(
        [str(bindir / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "-t", "60", "stop"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    return True


def acquire(pid: int | None = None) -> str:
    """Start the server if needed, record `pid` as a holder, return the database URL."""
    pid = pid or os.getpid()
    with _lock():
        _start_locked()
        _live_holders()
        (_holders_dir() / str(pid)).touch()
    return database_url()


def release(pid: int | None = None) -> bool:
    """Drop `pid` as a holder; stop the server when no live holder remains."""
    pid = pid or os.getpid()
    with _lock():
        (_holders_dir() / str(pid)).unlink(missing_ok=True)
        if _live_holders():
            return False
        return _stop_locked()


def stop() -> bool:
    """Stop the server whoever holds it (`make db-stop`)."""
    with _lock():
        shutil.rmtree(_holders_dir(), ignore_errors=True)
        return _stop_locked()


def ensure_for_process() -> str:
    """The URL of a running embedded server, for a process that is about to load Django.

    Under a supervisor the server is already held, so this only makes sure it is up;
    otherwise this process becomes a holder and releases it at exit (e.g. a gunicorn worker
    started without `run`).
    """
    if os.environ.get(SUPERVISED_ENV) == "1":
        with _lock():
            _start_locked()
        return database_url()
    url = acquire()
    atexit.register(release)
    return url


def start_unless_configured() -> None:
    """What the WSGI and ASGI entries call before Django loads.

    With DATABASE_URL set the app uses that server and nothing starts; the same test as the
    settings' (an empty value counts as unset). Raises EmbeddedPostgresError, which says how
    to install PostgreSQL or set DATABASE_URL, when no server can be found.
    """
    if not os.environ.get("DATABASE_URL"):
        ensure_for_process()


def run(command: list[str]) -> int:
    """Run `command` holding the server; stop it afterwards, whatever way the command ends."""
    acquire()
    env = {**os.environ, SUPERVISED_ENV: "1"}
    child = subprocess.Popen(command, env=env)  # noqa: S603

    def forward(signum, _frame):
        # The whole tree, not just the child: runserver's autoreloader dies on SIGTERM
        # without stopping the server it started, which would keep serving with no database.
        for pid in [child.pid, *_descendants(child.pid)]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    try:
        while True:
            try:
                code = child.wait()
                break
            except InterruptedError:
                continue
    finally:
        # Ignore further signals while stopping, so a second Ctrl-C cannot orphan postgres.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        release()
    return code


def _descendants(root: int) -> list[int]:
    """Every process below `root`, found before signalling (orphans lose their parent)."""
    try:
        out = subprocess.run(
            ["ps", "-A", "-o", "pid=,ppid="], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
            children.setdefault(int(parts[1]), []).append(int(parts[0]))
    found, stack = [], [root]
    while stack:
        for pid in children.get(stack.pop(), []):
            found.append(pid)
            stack.append(pid)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workforce.platform.pgembed")
    sub = parser.add_subparsers(dest="action", required=True)
    runner = sub.add_parser("run", help="run a command holding the embedded server")
    runner.add_argument("command", nargs=argparse.REMAINDER)
    sub.add_parser("stop", help="stop the embedded server")
    sub.add_parser("status", help="say whether the embedded server is running")
    sub.add_parser("url", help="print the database URL (starts nothing)")
    args = parser.parse_args(argv)
    try:
        if args.action == "run":
            command = args.command[1:] if args.command[:1] == ["--"] else args.command
            if not command:
                parser.error("run needs a command after --")
            return run(command)
        if args.action == "stop":
            print(
                "embedded PostgreSQL stopped" if stop() else "embedded PostgreSQL was not running"
            )
            return 0
        if args.action == "status":
            pid = _postmaster_pid(pgdata_dir())
            print(f"running (pid {pid})" if pid else "not running")
            return 0
        print(database_url())
        return 0
    except EmbeddedPostgresError as exc:
        print(exc, file=sys.stderr)
        return 1


def wait_until_stopped(timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _postmaster_pid(pgdata_dir()) is None:
            return True
        time.sleep(0.2)
    return False


if __name__ == "__main__":
    sys.exit(main())
