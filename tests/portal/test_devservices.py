"""`make run` with DATABASE_URL: a database the server does not have yet is created (as on the
embedded path); a server that cannot be reached gives one line saying what to do, not a
traceback from `migrate`."""

import uuid
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from portal import devservices

from ..notifications.conftest import free_port


def _url(name: str, port: int | None = None) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    host = quote(s["HOST"] or "127.0.0.1", safe="")  # the embedded server's is a socket directory
    return f"postgres://{auth}@{host}:{port or s['PORT'] or 5432}/{name}"


def _exists(name: str) -> bool:
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


@pytest.mark.django_db
def test_a_database_the_server_does_not_have_is_created_once(capsys):
    name = f"passerelle_new_{uuid.uuid4().hex[:8]}"
    assert not _exists(name)
    try:
        assert devservices.ensure_database(_url(name)) is None
        assert _exists(name)
        assert f"Created the database {name}" in capsys.readouterr().out
        assert devservices.ensure_database(_url(name)) is None  # there already: nothing to do
        assert "Created" not in capsys.readouterr().out
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_a_server_that_cannot_be_reached_is_named_with_what_to_do():
    port = free_port()  # nothing listens there
    problem = devservices.ensure_database(f"postgres://postgres@127.0.0.1:{port}/passerelle")
    assert problem.startswith(f"PostgreSQL at 127.0.0.1:{port} (DATABASE_URL) cannot be used (")
    assert "Connection refused" in problem
    assert "unset DATABASE_URL to use the embedded server" in problem
    assert "\n" not in problem


def test_beat_starts_when_var_does_not_exist_yet(tmp_path, monkeypatch):
    """A fresh clone with DATABASE_URL and REDIS_URL set has no ./var/ (only the embedded
    servers made it): `make run`'s beat, whose schedule lives there, must still start."""
    import subprocess
    import time

    from portal import devrun

    var = tmp_path / "var"
    monkeypatch.setattr(devservices, "VAR", var)
    _name, beat = next(c for c in devrun._commands(8000) if c[0] == "beat")
    proc = subprocess.Popen(
        beat, cwd=devrun.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while proc.poll() is None and not list(var.glob("celerybeat-schedule*")):
            assert time.monotonic() < deadline, "beat wrote no schedule in 30 s"
            time.sleep(0.2)
        time.sleep(1)
        assert proc.poll() is None, proc.communicate()[0][-2000:]
    finally:
        proc.terminate()
        proc.wait(timeout=15)
