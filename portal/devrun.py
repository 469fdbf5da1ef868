"""`make run`: migrate, load reference and demo data, then run a Celery worker, Celery beat and
the web server until Ctrl-C, which stops all of them and the embedded servers we started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from portal import devservices

ROOT = Path(__file__).resolve().parent.parent
DEMO_LOGINS = ["supplier", "buyer", "ministry", "moderator"]


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_healthy(url: str, children, stopping, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stopping():
        if any(proc.poll() is not None for _name, proc in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own URL
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(1)
    return False


def _stop(children) -> None:
    # Each child leads its own process group: that reaches runserver's reloader child and
    # Celery's pool processes too, so nothing is left behind.
    for _name, proc in children:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for _name, proc in children:
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _commands(port: int) -> list[tuple[str, list[str]]]:
    celery = [sys.executable, "-m", "celery", "-A", "portal"]
    # Beat keeps its schedule under ./var/, which only the embedded servers created: with
    # DATABASE_URL and REDIS_URL set on a fresh clone, beat died at once and took the rest.
    devservices.VAR.mkdir(parents=True, exist_ok=True)
    schedule = str(devservices.VAR / "celerybeat-schedule")
    node = f"dev@{socket.gethostname()}"
    return [
        ("worker", [*celery, "worker", "-l", "info", "-c", "2", "-n", node]),
        ("beat", [*celery, "beat", "-l", "info", "-s", schedule]),
        ("web", [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}"]),
    ]


def _banner(base: str) -> str:
    logins = ", ".join(f"{name}@example.com" for name in DEMO_LOGINS)
    return (
        f"\n  Passerelle is running at {base}/\n"
        f"  Demo logins: {logins} — password: passerelle-demo\n"
        f"  Emails are written to {devservices.VAR / 'mail'}/ (unless EMAIL_URL is set).\n"
        f"  Press Ctrl-C to stop everything.\n"
    )


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    if not _port_free(port):
        print(
            f"Port {port} is in use. Stop what uses it, or run: PORT={port + 1} make run",
            file=sys.stderr,
        )
        return 1
    stopping = False
    parent = os.getppid()

    def on_signal(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    children: list[tuple[str, subprocess.Popen]] = []
    try:
        devservices.ensure_local_services()
        problem = devservices.ensure_database(os.environ.get("DATABASE_URL", ""))
        if problem:
            print(problem, file=sys.stderr)
            return 1
        print("Preparing the database (migrate, reference data, demo data)…", flush=True)
        for args in (("migrate", "--noinput", "-v", "0"), ("load_reference",), ("load_demo",)):
            if stopping:
                return 1
            _manage(*args)
        for name, cmd in _commands(port):
            children.append((name, subprocess.Popen(cmd, cwd=ROOT, start_new_session=True)))
        base = f"http://127.0.0.1:{port}"
        if _wait_healthy(f"{base}/healthz", children, lambda: stopping):
            print(_banner(base), flush=True)
        elif not stopping:
            print(
                f"The portal is not healthy yet; see the logs above and {base}/healthz",
                file=sys.stderr,
            )
        while not stopping and os.getppid() == parent:  # parent gone: `make` was killed
            dead = [name for name, proc in children if proc.poll() is not None]
            if dead:
                print(
                    f"{', '.join(dead)} stopped unexpectedly; stopping the rest.", file=sys.stderr
                )
                return 1
            time.sleep(0.5)
        print("\nStopping Passerelle…", flush=True)
        return 0
    finally:
        _stop(children)


if __name__ == "__main__":
    sys.exit(main())
