"""The real worker (procrastinate's, as `manage.py procrastinate worker` runs it) against a
real SMTP server that goes down mid-run: every email queued before and during the outage is
delivered once the server is back, and none twice."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from procrastinate.contrib.django.models import ProcrastinateJob

from supervision.incidents.models import IncidentNotice
from tests.factories import report_incident, supervise
from workforce.accounts import credentials
from workforce.models import OutboundEmail
from workforce.platform import queue

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class Received:
    """An SMTP handler keeping every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((tuple(envelope.rcpt_tos), envelope.content.decode()))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _worker(port: int):
    """The worker as deployed (`manage.py procrastinate worker`, its own process, on this
    test's database) doing everything due now, then stopping (its one-shot mode)."""
    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://{db['USER']}:{db['PASSWORD']}@/{db['NAME']}?host={host}"
        + (f"&port={db['PORT']}" if db["PORT"] else ""),
        "DJANGO_DEBUG": "true",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "EMAIL_RETRY_WAIT": "1",  # 1 s, then 1 s again: the backoff's base, made short
    }

    def work(queues="email"):
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "procrastinate",
                "worker",
                f"--queues={queues}",
                "--one-shot",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]

    return work


@pytest.fixture
def smtp():
    port = _free_port()
    received = Received()
    servers = []

    def start():
        server = Controller(received, hostname="127.0.0.1", port=port)
        server.start()
        servers.append(server)

    def stop():
        servers.pop().stop()

    start()
    yield received, start, stop, _worker(port)
    while servers:
        stop()


def test_an_outage_delays_every_email_and_loses_or_repeats_none(
    smtp, org, lead, supervisor, peer, safeguarding
):
    received, start, stop, _work = smtp
    supervise(org, lead, peer, supervisor)
    supervise_peer = peer.person
    # Before the outage: a report that alerts the safeguarding lead; the worker sends it.
    report_incident(supervisor, supervise_peer, severity="critical")
    _work()
    assert [to for to, _ in received.messages] == [(safeguarding.email,)]

    # The mail server goes down; meanwhile a password change queues its notice and another
    # report its alert.
    stop()
    credentials.password_changed(user=peer, how="changed")
    report_incident(supervisor, supervise_peer, severity="high")
    _work()
    assert len(received.messages) == 1
    waiting = OutboundEmail.objects.get()
    assert waiting.sent_at is None and waiting.attempts == 1
    assert "ConnectionRefusedError" in waiting.last_error
    assert IncidentNotice.objects.filter(sent_at__isnull=True).count() == 1
    failed = ProcrastinateJob.objects.filter(queue_name="email", status="todo")
    assert failed.count() == 2 and {job.attempts for job in failed} == {1}

    # Still down at the first retry: tried again, later each time, nothing lost.
    time.sleep(1.1)
    _work()
    assert len(received.messages) == 1 and OutboundEmail.objects.get().attempts == 2

    # Back: every email arrives, once.
    start()
    time.sleep(1.1)
    _work()
    recipients = sorted(to for to, _ in received.messages)
    assert recipients == sorted([(safeguarding.email,), (safeguarding.email,), (peer.email,)])
    assert OutboundEmail.objects.get().sent_at is not None
    assert not IncidentNotice.objects.filter(sent_at__isnull=True).exists()
    assert not ProcrastinateJob.objects.filter(queue_name="email").exclude(status="succeeded")
    time.sleep(1.1)
    _work()
    assert len(received.messages) == 3


def test_a_job_left_by_a_worker_that_died_is_put_back_and_sent(smtp, peer):
    received, _, _, work = smtp
    credentials.password_changed(user=peer, how="changed")
    # A worker took the job and died: the job stays "doing", its heartbeat stopped long ago.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat)"
            " VALUES (now() - interval '1 hour') RETURNING id"
        )
        (dead,) = cursor.fetchone()
        cursor.execute("UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s", [dead])
    work()
    assert received.messages == []  # no other worker takes a job that is being done
    # The upkeep job, which every worker schedules every 5 minutes, puts it back.
    queue.retry_stalled_jobs.defer(timestamp=0)
    work(queues=queue.UPKEEP_QUEUE)
    work()
    assert [to for to, _ in received.messages] == [(peer.email,)]
    assert OutboundEmail.objects.get().sent_at is not None
