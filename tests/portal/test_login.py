import re

import pytest
from django.core import mail

from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def _login(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_it_logs_in_with_email_and_password(client, supplier, password):
    response = _login(client, supplier.email, password)
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_it_refuses_a_wrong_password_with_a_message(client, supplier):
    response = _login(client, supplier.email, "not-the-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert client.get("/dashboard/").status_code == 302


def test_it_rate_limits_failed_logins_per_account(client, supplier, password):
    for _ in range(5):
        _login(client, supplier.email, "wrong-password")
    # Even the right password is refused while the account is throttled (counters in Redis).
    response = client.post(
        "/accounts/login/",
        {"login": supplier.email, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429  # with the form and its message
    assert "Too many failed login attempts" in str(response.context["form"].non_field_errors())
    assert client.get("/dashboard/").status_code == 302


def test_it_audits_moderator_logins(client, moderator, password):
    from tests.security.helpers import totp_code

    _login(client, moderator.email, password)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(moderator)})  # MFA
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == moderator
    assert event.ip_address == "127.0.0.1"


def test_it_does_not_audit_supplier_logins(client, supplier, password):
    _login(client, supplier.email, password)
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_it_resets_a_forgotten_password(client, supplier):
    response = client.post("/accounts/password/reset/", {"email": supplier.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    path = "/" + link.group(0).split("/", 3)[3]
    response = client.get(path)  # allauth moves the key into the session and redirects
    assert response.status_code == 302
    form_url = response["Location"]
    new = "another-long-passphrase"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    client.logout()
    assert _login(client, supplier.email, new)["Location"] == "/dashboard/"


def test_it_logs_out(client, supplier):
    client.force_login(supplier)
    client.post("/accounts/logout/")
    assert client.get("/dashboard/").status_code == 302


def test_it_changes_the_email_after_verifying_the_new_address(client, supplier):
    client.force_login(supplier)
    response = client.post(
        "/accounts/email/", {"email": "new-address@example.org", "action_add": ""}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new-address@example.org"]
    supplier.refresh_from_db()
    assert supplier.email != "new-address@example.org"  # not before verification
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    client.post("/" + link.group(0).split("/", 3)[3])
    supplier.refresh_from_db()
    assert supplier.email == "new-address@example.org"
