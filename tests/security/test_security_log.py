"""The `passerelle.security` log: a line for every authentication failure and every denied
access, UTC, JSON, no secret, no log injection."""

import json
import logging
from datetime import UTC, datetime

import pytest

from portal.security import SecurityLogFormatter, log_event

pytestmark = pytest.mark.django_db


def _login(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_a_failed_login_is_logged_without_the_password(client, supplier, security_log):
    secret = "Sup3r-Secret-Passphrase"
    _login(client, supplier.email, secret)
    (line,) = security_log.events("auth.login_failed")
    assert line["login"] == supplier.email
    assert line["ip"] == "127.0.0.1" and line["path"] == "/accounts/login/"
    ts = datetime.fromisoformat(line["ts"].replace("Z", "+00:00"))
    assert ts.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - ts).total_seconds()) < 60
    assert all(secret not in raw for raw in security_log.raw)


def test_a_password_typed_as_the_login_is_not_logged(client, security_log):
    secret = "my password 123"
    _login(client, secret, "whatever-else")
    # Not even an address: refused by the form before any authentication, and never logged.
    assert all(secret not in raw and "whatever-else" not in raw for raw in security_log.raw)


def test_a_login_that_is_not_an_address_is_logged_as_a_hash():
    from portal.security import _login_identifier

    assert list(_login_identifier("my password 123")) == ["login_sha256"]
    assert _login_identifier("a@b.fr") == {"login": "a@b.fr"}


def test_a_wrong_mfa_code_is_a_failure_too(client, buyer, password, security_log):
    _login(client, buyer.email, password)
    client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert security_log.events("auth.mfa_failed")


def test_cr_lf_and_control_characters_cannot_forge_a_line(client, security_log):
    forged = 'x@example.org\r\n{"ts": "2020-01-01T00:00:00Z", "event": "auth.login"}\x1b[2J'
    _login(client, forged, "x")
    for raw in security_log.raw:
        assert "\n" not in raw and "\r" not in raw and "\x1b" not in raw
    from django.test import RequestFactory

    request = RequestFactory().get("/x/", REMOTE_ADDR="10.0.0.1")
    log_event("test.injection", request, note=forged)
    (line,) = security_log.events("test.injection")
    assert line["note"] == forged  # intact once parsed
    raw = security_log.raw[-1]
    assert "\n" not in raw and "\r" not in raw and "\x1b" not in raw  # inert in the file
    assert "\\r\\n" in raw


def test_the_formatter_escapes_foreign_messages():
    record = logging.LogRecord("passerelle.security", logging.WARNING, "", 0, "a\nb", (), None)
    out = SecurityLogFormatter().format(record)
    assert "\n" not in out and json.loads(out)["message"] == "a\nb"


def test_secret_fields_are_dropped():
    from portal.security import security_record

    record = security_record("x", password="p", token="t", code="123456", login="a@b.fr")
    assert set(record) == {"ts", "event", "login"}


def test_a_403_is_logged(client, supplier, security_log):
    client.force_login(supplier)
    assert client.get("/suppliers/moderation/").status_code == 403
    (line,) = security_log.events("access.denied")
    assert line["status"] == 403 and line["user_id"] == supplier.pk
    assert line["view"] == "suppliers:moderation_queue"


def test_a_404_from_object_scoping_is_logged(client, other_buyer, make_tender, security_log):
    tender = make_tender()
    client.force_login(other_buyer)
    assert client.get(f"/shortlists/{tender.pk}/").status_code == 404
    (line,) = security_log.events("access.not_found")
    assert line["view"] == "matching:shortlist" and line["user_id"] == other_buyer.pk


def test_a_csrf_failure_is_logged(supplier, security_log):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(supplier)
    assert client.post("/organization/members/").status_code == 403
    assert security_log.events("access.denied")


def test_a_successful_login_is_logged_at_info(client, supplier, password, security_log):
    _login(client, supplier.email, password)
    (line,) = security_log.events("auth.login")
    assert line["user_id"] == supplier.pk
