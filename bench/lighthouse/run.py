"""An outside audit (issue 19): Lighthouse 12.2.3, driving Debian's Chromium at 375 x 812,
scores each persona's home page and the main forms for accessibility (must be 100) and best
practices (at least 95), signed in as the demo users.

    make lighthouse          # installs the pinned Lighthouse with npm ci, then runs this

It seeds the demo data into its own embedded database (LIGHTHOUSE_VAR in the Makefile, not
the app's), serves
the app with gunicorn, hands Lighthouse each persona's session cookie, prints one line per
page and writes the full reports to test-artifacts/lighthouse/. Exits 1 if any page falls
short, so CI can run it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "test-artifacts" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ACCESSIBILITY, BEST_PRACTICES = 100, 95

# (persona, page) pairs: every persona's home page and the forms they use most.
PAGES = [
    (None, "login"),
    ("peer", "home"),
    ("peer", "supervision:log"),
    ("peer", "payments:claim_create"),
    ("peer", "supervision:mine"),
    ("supervisor", "home"),
    ("supervisor", "incidents:report"),
    ("lead", "home"),
    ("lead", "payments:approvals"),
    ("safeguarding", "home"),
    ("finance", "home"),
    ("finance", "payments:batch_new"),
    ("admin", "home"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _session_cookie(username: str) -> str:
    """A signed-in, two-step-verified session for a demo user, as a real sign-in leaves it."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django_otp import DEVICE_ID_SESSION_KEY

    from workforce.accounts.twofactor import HAS_DEVICE, confirmed_device

    user = get_user_model().objects.get(username=username)
    device = confirmed_device(user)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[HAS_DEVICE] = device is not None
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own local server)
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"the app did not answer at {url}")


def _audit(url: str, cookie: str | None, name: str) -> tuple[int, int]:
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{name}.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--only-categories=accessibility,best-practices",
        "--form-factor=mobile",
        "--screenEmulation.mobile",
        "--screenEmulation.width=375",
        "--screenEmulation.height=812",
        "--screenEmulation.deviceScaleFactor=2",
        "--output=json",
        f"--output-path={report}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    categories = json.loads(report.read_text())["categories"]
    scores = categories["accessibility"]["score"], categories["best-practices"]["score"]
    return tuple(round(score * 100) for score in scores)


def main() -> int:
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `make lighthouse` (npm ci in bench/lighthouse)")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.urls import reverse

    from workforce import demo

    call_command("migrate", verbosity=0)
    if not get_user_model().objects.filter(username="peer").exists():
        demo.seed()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "workforce.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost"},
    )
    failed = []
    try:
        _wait_for(base + reverse("login"))
        print(f"{'page':<42} accessibility  best practices")
        for who, url_name in PAGES:
            cookie = _session_cookie(who) if who else None
            name = f"{who or 'signed-out'}-{url_name.replace(':', '-')}"
            accessibility, practices = _audit(base + reverse(url_name), cookie, name)
            where = f"{who or 'signed out'} {reverse(url_name)}"
            print(f"{where:<42} {accessibility:>13} {practices:>15}")
            if accessibility < ACCESSIBILITY or practices < BEST_PRACTICES:
                failed.append(name)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if failed:
        print(f"below {ACCESSIBILITY} / {BEST_PRACTICES}: {', '.join(failed)}; see {REPORTS}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
