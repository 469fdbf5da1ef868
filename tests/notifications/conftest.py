"""Fixtures of the notification tests: a real SMTP server (aiosmtpd) that can refuse an address
or hold a conversation until told, and real Celery workers on real Redis pointed at it."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller

from ..conftest import ROOT, _stop_worker, tasks_sent_to, worker_database_url
from ..matching.conftest import make_supplier  # noqa: F401  (a fixture, re-exported)
from ..suppliers.conftest import profile, reference, submitted  # noqa: F401  (fixtures)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")


def _start_worker(extra_env: dict, queue: str):
    """A real Celery worker process (as tests.conftest's) whose own enqueued tasks also go to
    QUEUE."""
    from portal.celery import app

    name = f"test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    env = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "TEST_TASK_DEFAULT_QUEUE": queue,
        **extra_env,
    }
    command = [sys.executable, "-m", "celery", "-A", "tests.notifications.worker_app", "worker"]
    options = ["--pool", "solo", "-n", name, "-l", "warning", "--without-mingle"]
    proc = subprocess.Popen(
        [*command, *options, "--without-gossip", "-Q", queue], cwd=ROOT, env=env
    )
    try:
        wait_for(lambda: proc.poll() is not None or app.control.ping([name], timeout=0.5), 60)
        if proc.poll() is not None:
            pytest.fail(f"the Celery worker exited with code {proc.returncode}")
    except BaseException:
        _stop_worker(proc)
        raise
    return proc


class Mailbox:
    """aiosmtpd handler: collects accepted messages; answers 550 to REFUSED addresses; with
    `hold_next = "RCPT"` or `"DATA"`, the next conversation stops there (after recording the
    message, for DATA) until `release` is set, so that a test can kill the client meanwhile."""

    def __init__(self):
        self.messages = []
        self.refused: set[str] = set()
        self.hold_next: str | None = None
        self.holding = threading.Event()
        self.release = threading.Event()

    async def _hold(self, stage: str) -> None:
        if self.hold_next != stage:
            return
        self.hold_next = None
        self.holding.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        await self._hold("RCPT")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.messages.append(message)
        await self._hold("DATA")
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = Mailbox()
        self.controller = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.handler.release.set()
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.handler.messages


@pytest.fixture
def smtp_server():
    """A running SMTP server on 127.0.0.1 (stop() it to simulate an outage)."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def outbox_workers(transactional_db, smtp_server):
    """start(**env) starts a real Celery worker on the test database, sending through
    `smtp_server` over SMTP, on a queue of its own; returns the process (kill it at will).
    Short retries and lease by default, overridable through ENV."""
    url = worker_database_url()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    processes = []

    def start(**env):
        settings_env = {
            "DATABASE_URL": url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
            "EMAIL_TIMEOUT": "10",
            "NOTIFICATIONS_RETRY_BASE_SECONDS": "1",
            "NOTIFICATIONS_MAX_ATTEMPTS": "3",
            "NOTIFICATIONS_SENDING_LEASE_SECONDS": "3",
            "NOTIFICATIONS_SWEEP_GRACE_SECONDS": "1",
            **{k: str(v) for k, v in env.items()},
        }
        proc = _start_worker(settings_env, queue)
        processes.append(proc)
        return proc

    try:
        with tasks_sent_to(queue):
            yield start
    finally:
        for proc in processes:
            if proc.poll() is None:
                _stop_worker(proc)
