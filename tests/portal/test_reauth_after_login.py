"""The password typed to log in counts as a recent password entry: privileged actions ask for
it again only once it is older than ACCOUNT_REAUTHENTICATION_TIMEOUT (README, Security)."""

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY

from api.models import ApiToken
from tests.security.helpers import totp_code

pytestmark = pytest.mark.django_db

TOKEN = {"name": "Synchro ERP", "expires_in_days": "30"}


def _log_in(client, user, password) -> None:
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    if response["Location"] == "/accounts/2fa/authenticate/":
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(user)})
    assert response["Location"] == "/dashboard/"


def _age_the_session(client, seconds: float) -> None:
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - seconds}
        for record in session[AUTHENTICATION_METHODS_SESSION_KEY]
    ]
    session.save()


def test_it_does_not_ask_for_the_password_right_after_a_password_login(client, supplier, password):
    _log_in(client, supplier, password)
    response = client.post("/api/tokens/", TOKEN)
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=supplier, name="Synchro ERP").exists()


def test_it_does_not_ask_for_the_password_right_after_a_login_with_a_second_factor(
    client, buyer, password
):
    _log_in(client, buyer, password)
    assert client.post("/api/tokens/", TOKEN).status_code == 200
    assert ApiToken.objects.filter(user=buyer).exists()


def test_it_asks_again_once_the_login_is_older_than_the_timeout(
    client, supplier, password, settings
):
    _log_in(client, supplier, password)
    _age_the_session(client, settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)
    response = client.post("/api/tokens/", TOKEN)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not ApiToken.objects.exists()
    # Typing it resumes the request, and counts from now.
    assert client.post(response["Location"], {"password": password}).status_code == 200
    assert ApiToken.objects.filter(user=supplier).count() == 1


def test_a_session_without_a_password_login_is_still_asked(client, supplier):
    client.force_login(supplier)  # e.g. the login that follows accepting an invitation
    response = client.post("/api/tokens/", TOKEN)
    assert response["Location"].startswith("/accounts/reauthenticate/")
