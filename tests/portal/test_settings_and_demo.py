import os
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.demo import demo_totp_code
from portal.models import Membership, Organization, User

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(**env):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('ok')"],
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_it_refuses_to_start_in_production_with_the_default_secret_key():
    result = _load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_a_short_secret_key():
    result = _load_settings(DEBUG="0", SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_a_database_other_than_postgresql():
    result = _load_settings(DEBUG="1", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_it_starts_with_a_proper_production_configuration():
    result = _load_settings(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_production_settings_are_secure_by_default():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS>0,"
        " s.EMAIL_BACKEND)"
    )
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECURE_SSL_REDIRECT")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings", "SECRET_KEY": "y" * 50},
    )
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "django.core.mail.backends.smtp.EmailBackend",
    ]


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_logins_work(settings, client):
    settings.DEMO_MODE = True
    call_command("load_demo")
    counts = (User.objects.count(), Organization.objects.count(), Membership.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), Organization.objects.count(), Membership.objects.count()) == (
        counts
    )
    demo_orgs = Organization.objects.filter(
        memberships__user__email__in=[
            "supplier@example.com",
            "buyer@example.com",
            "ministry@example.com",
        ]
    )
    assert sorted(demo_orgs.values_list("kind", flat=True)) == ["ministry", "prime", "supplier"]
    for email in (
        "supplier@example.com",
        "buyer@example.com",
        "ministry@example.com",
        "moderator@example.com",
    ):
        response = client.post("/accounts/login/", {"login": email, "password": "passerelle-demo"})
        if email in ("buyer@example.com", "moderator@example.com"):
            # Two-factor authentication is mandatory for them: the demo authenticator's code.
            assert response["Location"] == "/accounts/2fa/authenticate/", email
            response = client.post(response["Location"], {"code": demo_totp_code()})
        assert response["Location"] == "/dashboard/", email
        client.logout()
    assert User.objects.get(email="moderator@example.com").is_moderator
    out = StringIO()
    call_command("demo_totp", stdout=out)
    assert out.getvalue().split()[0] in {demo_totp_code(time.time() + d) for d in (-30, 0, 30)}


@pytest.mark.django_db
def test_demo_data_is_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("load_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_create_moderator_promotes_an_existing_user(supplier_member, other_buyer, capsys):
    from tests.factories import UserFactory

    staff = UserFactory(email="staff@example.org")
    call_command("create_moderator", "Staff@Example.org")
    staff.refresh_from_db()
    assert staff.is_moderator and staff.is_staff
    with pytest.raises(CommandError, match="moderators have no company"):
        call_command("create_moderator", other_buyer.email)
    other_buyer.refresh_from_db()
    assert not other_buyer.is_moderator
