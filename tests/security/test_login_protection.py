"""Failed logins are limited per account and per IP (allauth's counters in Redis), on the
portal's login form and on the admin's (which is the same form); past the limit the answer is
429, with an audit event and a security log line."""

import pytest
from django.conf import settings

from portal.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _login(client, email, password, **extra):
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def test_limits_are_the_reviewed_ones():
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"


def test_failed_logins_per_account_end_in_429_with_an_audit_event(
    client, supplier, password, security_log
):
    for _ in range(5):
        assert _login(client, supplier.email, "wrong-password").status_code == 200
    response = _login(client, supplier.email, password)  # even the right password
    assert response.status_code == 429
    assert b"Too many failed login attempts" in response.content
    assert client.get("/dashboard/").status_code == 302
    event = AuditEvent.objects.get(action="auth.login_throttled")
    assert event.target_id == str(supplier.pk)
    assert event.ip_address == "127.0.0.1"
    lines = security_log.events("auth.rate_limited")
    assert lines and lines[-1]["login"] == supplier.email and lines[-1]["ip"] == "127.0.0.1"
    assert len(security_log.events("auth.login_failed")) == 5


def test_failed_logins_per_ip_end_in_429_whatever_the_account(client, supplier, password):
    others = [UserFactory() for _ in range(10)]
    for user in others:  # one failure each: never 5 on one account
        assert _login(client, user.email, "wrong-password").status_code == 200
    response = _login(client, supplier.email, password)
    assert response.status_code == 429
    # Another address is not throttled.
    other_ip = _login(client, supplier.email, password, REMOTE_ADDR="10.1.2.3")
    assert other_ip.status_code == 302


def test_the_admin_login_is_the_portal_login(client, moderator):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    # Posting credentials to the admin does not authenticate (no second, unthrottled form).
    response = client.post("/admin/login/", {"username": moderator.email, "password": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_admin_login_attempts_share_the_throttle(client, moderator, password):
    for _ in range(5):
        _login(client, moderator.email, "wrong-password", QUERY_STRING="next=/admin/")
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": moderator.email, "password": password}
    )
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="auth.login_throttled").exists()


def test_allauth_request_limits_answer_429_with_audit(client, settings, security_log):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        assert _login(client, "nobody@example.org", "x").status_code == 200
    response = _login(client, "nobody@example.org", "x")
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="auth.rate_limited").exists()
    assert security_log.events("auth.rate_limited")
