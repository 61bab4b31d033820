"""Reusable pieces for the benchmarks (bench/pages.py, bench/load.py, bench/export.py).

Nothing here imports Django: every Django step runs in a subprocess with the environment
built by :func:`django_env`, so a benchmark process can drive several servers and never
mixes its own settings with the server's.

- :class:`Database`: the embedded PostgreSQL (``workforce/platform/pgembed.py``) in a var dir of its
  own, e.g. ``/tmp/wf-bench-var``; ``start()`` returns its URL, ``stop()`` releases it.
- :func:`manage`: run ``manage.py`` against that database (migrate, check, ...);
  :func:`seed`: fill it with benchmark data (``python -m bench.seed``).
- :class:`Server`: gunicorn with the production settings (debug off, a random
  ``SECRET_KEY``, ``ALLOWED_HOSTS=127.0.0.1``, ``__Host-`` Secure cookies, SSL redirect and
  HSTS all left on) on 127.0.0.1. Plain HTTP works the way it does behind the
  TLS-terminating proxy production runs behind: the server is started with the existing
  ``TRUST_X_FORWARDED_PROTO=true`` switch and every request sends
  ``X-Forwarded-Proto: https`` (see :class:`Client`). No production default is weakened.
  ``DJANGO_SETTINGS_MODULE=bench.settings`` adds only the benchmark's floor URL and keeps
  collected static files inside the var dir.
- :class:`Client`: a tiny cookie-keeping HTTP client (``http.client``, one connection per
  request, as gunicorn's sync workers close every connection) and :func:`sign_in`, which
  goes through the real login form, CSRF and the two-step sign-in page.
- :func:`measure`: N threads hitting one or more paths for a bounded time, returning
  latencies; :func:`summarise` gives p50/p95/p99 and throughput.

The concurrent client is plain threads + ``http.client`` (aiohttp is not installed); the
GIL is released while waiting on sockets, and the client's own CPU time per request is a
fraction of a millisecond, but on a 2-core machine it does compete with the server.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import os
import random
import re
import secrets
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_VAR_DIR = Path(os.environ.get("WORKFORCE_VAR_DIR") or "/tmp/wf-bench-var")  # noqa: S108

# The bench users' authenticator key (hex, as django-otp stores it). Derived from a public
# string: a benchmark secret, never a real one. bench/seed.py gives every bench user that must
# use two-step sign-in a confirmed TOTP device with this key.
BENCH_TOTP_KEY_HEX = hashlib.sha1(b"workforce bench two-step").hexdigest()  # noqa: S324
BENCH_PASSWORD = "bench-pass-2026"  # noqa: S105


# --------------------------------------------------------------------------- database
@contextlib.contextmanager
def _var_dir_env(var_dir: Path):
    old = os.environ.get("WORKFORCE_VAR_DIR")
    os.environ["WORKFORCE_VAR_DIR"] = str(var_dir)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("WORKFORCE_VAR_DIR", None)
        else:
            os.environ["WORKFORCE_VAR_DIR"] = old


class Database:
    """The embedded PostgreSQL cluster kept in ``var_dir`` (created on first start).

    This process becomes a *holder* of the server (pgembed's rule); ``stop()`` releases it
    and the server stops when no other holder remains. Use as a context manager.
    """

    def __init__(self, var_dir: Path | str = DEFAULT_VAR_DIR):
        self.var_dir = Path(var_dir).resolve()
        self.url: str | None = None

    def start(self) -> str:
        from workforce.platform import pgembed

        self.var_dir.mkdir(parents=True, exist_ok=True)
        with _var_dir_env(self.var_dir):
            self.url = pgembed.acquire()
        return self.url

    def stop(self) -> None:
        from workforce.platform import pgembed

        if self.url is None:
            return
        with _var_dir_env(self.var_dir):
            pgembed.release()
        self.url = None

    def __enter__(self) -> Database:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def psql(self, sql: str) -> str:
        """Run one SQL statement with psycopg; return the rows as tab-separated text."""
        import psycopg

        if not self.url:
            raise RuntimeError("start the database first")
        with psycopg.connect(self.url, autocommit=True) as conn:
            cur = conn.execute(sql)
            if cur.description is None:
                return ""
            return "\n".join("\t".join(str(v) for v in row) for row in cur.fetchall())


def django_env(
    database_url: str,
    *,
    debug: bool = False,
    var_dir: Path | str = DEFAULT_VAR_DIR,
    settings_module: str = "bench.settings",
    **extra: str,
) -> dict[str, str]:
    """Environment for a Django process on ``database_url``.

    ``debug=False`` is the production configuration (what the server runs); seeding needs
    ``debug=True`` (bench.seed refuses debug off without --allow-production).
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "WORKFORCE_PG_SUPERVISED"}
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=settings_module,
        DJANGO_DEBUG="true" if debug else "false",
        WORKFORCE_VAR_DIR=str(Path(var_dir).resolve()),
        PYTHONPATH=str(BASE_DIR),
    )
    if not debug:
        env.update(
            SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            SITE_URL="https://127.0.0.1",
            # Production runs behind a TLS-terminating proxy; the bench client plays that
            # proxy by sending X-Forwarded-Proto: https (the documented switch).
            TRUST_X_FORWARDED_PROTO="true",
            LOG_LEVEL="WARNING",
        )
    env.update(extra)
    return env


def manage(
    *args: str, env: dict[str, str], check: bool = True, **kwargs
) -> subprocess.CompletedProcess:
    """Run ``manage.py ARGS`` with ``env`` (from :func:`django_env`)."""
    return subprocess.run(
        [PYTHON, str(BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=BASE_DIR,
        check=check,
        **kwargs,
    )


def seed(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    """Run ``python -m bench.seed ARGS`` (the benchmark data) with ``env``."""
    return subprocess.run([PYTHON, "-m", "bench.seed", *args], env=env, cwd=BASE_DIR, check=check)


# --------------------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the app with production settings on 127.0.0.1."""

    def __init__(
        self,
        database_url: str,
        *,
        var_dir: Path | str = DEFAULT_VAR_DIR,
        workers: int = 2,
        port: int | None = None,
        extra_env: dict[str, str] | None = None,
        gunicorn_args: Iterable[str] = (),
    ):
        self.var_dir = Path(var_dir).resolve()
        self.port = port or free_port()
        self.workers = workers
        self.env = django_env(database_url, debug=False, var_dir=self.var_dir, **(extra_env or {}))
        self.gunicorn_args = list(gunicorn_args)
        self.process: subprocess.Popen | None = None
        self.log_path = self.var_dir / f"gunicorn-{self.port}.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def collectstatic(self) -> None:
        manage("collectstatic", "--noinput", "-v", "0", env=self.env)

    def start(self, timeout: float = 120) -> Server:
        self.collectstatic()
        gunicorn = Path(PYTHON).with_name("gunicorn")
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept for the server's life
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "workforce.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--access-logfile",
                "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
                *self.gunicorn_args,
            ],
            env=self.env,
            cwd=BASE_DIR,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log_path}:\n{self._tail()}")
            with contextlib.suppress(OSError):
                status, _, _ = Client(self.base_url).request("GET", "/accounts/login/")
                if status == 200:
                    return
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn not ready after {timeout}s; see {self.log_path}")

    def _tail(self) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-3000:]
        return ""

    def stop(self, timeout: float = 30) -> None:
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        # SIGTERM to gunicorn's master (its own session): it stops its workers gracefully.
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --------------------------------------------------------------------------- client
class Client:
    """A cookie-keeping HTTP client for one signed-in browser session.

    Sends ``X-Forwarded-Proto: https`` (the server trusts it, as behind the production
    proxy), and an ``Origin`` on POSTs so Django's CSRF origin check passes as it would for
    a browser. ``Secure`` cookies are kept, as a browser talking HTTPS to the proxy would.
    Redirects are not followed; see :meth:`get_following`.
    """

    def __init__(
        self,
        base_url: str,
        cookies: dict[str, str] | None = None,
        timeout: float = 60,
        ports: list[int] | None = None,
    ):
        parsed = urllib.parse.urlsplit(base_url)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 80
        self.cookies: dict[str, str] = dict(cookies or {})
        self.timeout = timeout
        # Several servers: each request goes to the next one, as a load balancer without
        # sticky sessions would send it (the Origin follows, as the Host would behind one).
        self.ports = list(ports or [self.port])
        self._turn = random.randrange(len(self.ports))  # noqa: S311

    def clone(self, ports: list[int] | None = None) -> Client:
        """Another client in the same session (same cookies), for another thread; `ports`
        spreads its requests over several servers."""
        return Client(
            f"http://{self.host}:{self.port}", self.cookies, self.timeout, ports or self.ports
        )

    @property
    def origin(self) -> str:
        return f"https://{self.host}:{self.port}"

    def _next_server(self) -> None:
        if len(self.ports) > 1:
            self._turn += 1
            self.port = self.ports[self._turn % len(self.ports)]

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict | None = None,
        *,
        chosen: bool = False,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request; to the next server unless the caller has `chosen` it already."""
        if not chosen:
            self._next_server()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        hdrs = {"X-Forwarded-Proto": "https", "Accept": "text/html", "Connection": "close"}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        hdrs.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            for value in resp.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(value)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str], referer: str | None = None):
        body = urllib.parse.urlencode(data).encode()
        self._next_server()  # first, so that the Origin names the server the POST goes to
        return self.request(
            "POST",
            path,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + (referer or path),
            },
            chosen=True,
        )

    def get_following(self, path: str, limit: int = 5) -> tuple[int, str, bytes]:
        """GET, following same-site redirects; returns (status, final path, body)."""
        for _ in range(limit):
            status, headers, body = self.get(path)
            if status in (301, 302, 303, 307, 308):
                path = _local(headers["location"])
                continue
            return status, path, body
        raise RuntimeError(f"too many redirects from {path}")


def _local(location: str) -> str:
    parts = urllib.parse.urlsplit(location)
    return urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))


_CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(body: bytes) -> str:
    match = _CSRF_RE.search(body)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1).decode()


def totp(key_hex: str, step: int) -> str:
    """The 6-digit RFC 6238 code for 30-second time step ``step`` (django-otp's defaults)."""
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", step), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# django-otp accepts the current step and one either side, each once per user and only
# later than the last one used. Remember the last step used per user in this process.
_last_step: dict[str, int] = {}
_step_lock = threading.Lock()


def _next_step(username: str) -> int | None:
    now = int(time.time()) // 30
    with _step_lock:
        last = _last_step.get(username, -1)
        for step in (now - 1, now, now + 1):
            if step > last:
                _last_step[username] = step
                return step
    return None


class SignInError(RuntimeError):
    pass


def sign_in(
    base_url: str,
    username: str,
    password: str = BENCH_PASSWORD,
    totp_key_hex: str = BENCH_TOTP_KEY_HEX,
    attempts: int = 4,
) -> Client:
    """Sign in through the real pages (login form, CSRF, two-step code); a ready Client."""
    client = Client(base_url)
    status, _, body = client.get("/accounts/login/")
    if status != 200:
        raise SignInError(f"login page answered {status}")
    status, headers, body = client.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": csrf_token(body), "username": username, "password": password},
    )
    if status != 302:
        raise SignInError(f"{username}: password step answered {status} (wrong password?)")
    # The login page sends everyone to the home page; the two-step middleware then sends
    # those who must use it to the code page.
    target = _local(headers["location"])
    for _ in range(5):
        if target.startswith("/accounts/two-factor/"):
            break
        status, headers, body = client.get(target)
        if status not in (301, 302, 303):
            return client
        target = _local(headers["location"])
    if target.startswith("/accounts/two-factor/setup/"):
        raise SignInError(f"{username} has no confirmed authenticator; run bench.seed")
    for _ in range(attempts):
        status, _, body = client.get(target)
        step = _next_step(username)
        if step is None:  # three codes used this half-minute: wait for the next step
            time.sleep(30 - time.time() % 30 + 0.5)
            continue
        status, headers, body = client.post(
            target, {"csrfmiddlewaretoken": csrf_token(body), "code": totp(totp_key_hex, step)}
        )
        if status == 302 and not _local(headers["location"]).startswith("/accounts/two-factor"):
            return client
        # Another process used this step, or django-otp is throttling: try a later code.
        time.sleep(2)
    raise SignInError(f"{username}: the two-step code was refused {attempts} times")


# --------------------------------------------------------------------------- load
@dataclass
class Result:
    label: str
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    bytes: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def pct(self, p: float) -> float:
        """Percentile ``p`` (0-100) in milliseconds, nearest-rank."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
        return ordered[rank - 1] * 1000

    @property
    def throughput(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0


def measure(
    clients: list[Client],
    paths: list[str] | Callable[[int], str],
    *,
    duration: float = 20.0,
    concurrency: int = 10,
    label: str = "",
    warmup: int = 2,
    expect: Callable[[int, bytes], str | None] | None = None,
    think: float = 0.0,
) -> Result:
    """``concurrency`` threads, each a closed loop of GETs, for ``duration`` seconds.

    ``think`` (seconds): after each response a thread waits a random 0.5 to 1.5 times this
    long before its next request, as a person reading the page would; 0 sends the next
    request at once (every thread always waiting on the server: the harshest load).

    Thread *i* uses ``clients[i % len(clients)]`` (cloned, so the cookie jars are not
    shared between threads) and requests ``paths[n % len(paths)]`` (or ``paths(n)``) on
    its n-th request. A response counts as an error unless it is 200 and ``expect``
    (optional) returns None for it. ``warmup`` requests per path are made first and not
    counted.
    """
    pick = paths if callable(paths) else (lambda n, _p=paths: _p[n % len(_p)])
    for n in range(warmup):
        clients[0].get(pick(n))
    result = Result(label)
    lock = threading.Lock()
    stop_at = time.monotonic() + duration
    counter = iter(range(10**12))

    def worker(client: Client, seed: int) -> None:
        local, errors, nbytes = [], {}, 0
        pause = random.Random(seed)  # noqa: S311 - think times, not secrets
        while time.monotonic() < stop_at:
            with lock:
                n = next(counter)
            path = pick(n)
            started = time.perf_counter()
            try:
                status, _, body = client.get(path)
            except OSError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                continue
            took = time.perf_counter() - started
            problem = (
                f"HTTP {status}" if status != 200 else (expect(status, body) if expect else None)
            )
            if problem:
                errors[problem] = errors.get(problem, 0) + 1
                continue
            local.append(took)
            nbytes += len(body)
            if think:
                time.sleep(think * pause.uniform(0.5, 1.5))
        with lock:
            result.latencies.extend(local)
            result.bytes += nbytes
            for key, count in errors.items():
                result.errors[key] = result.errors.get(key, 0) + count

    threads = [
        threading.Thread(target=worker, args=(clients[i % len(clients)].clone(), i), daemon=True)
        for i in range(concurrency)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.monotonic() - started
    return result


def summarise(result: Result) -> dict[str, float]:
    return {
        "requests": result.requests,
        "errors": sum(result.errors.values()),
        "p50_ms": result.pct(50),
        "p95_ms": result.pct(95),
        "p99_ms": result.pct(99),
        "req_per_s": result.throughput,
    }


def machine_description() -> dict[str, str]:
    """nproc, CPU model, RAM and the load average, for the README's figures."""
    info = {"nproc": str(os.cpu_count())}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    with contextlib.suppress(OSError):
        info["loadavg"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return info
