"""allauth's account emails (address verification, password reset) are sent during the request,
not through the outbox: with the mail server down (nothing listening: a real refused
connection), the page says so instead of failing, the account is kept, and once the server is
back, trying again delivers the email."""

import re

import pytest
from allauth.account.models import EmailAddress

from portal.models import User

from ..notifications.conftest import SmtpServer, free_port, wait_for
from .test_signup import SIGNUP

pytestmark = pytest.mark.django_db

NOT_SENT_FR = "n’a pas pu être envoyé pour l’instant"


@pytest.fixture
def smtp_port(settings):
    """The SMTP backend pointed at a free port of 127.0.0.1, where nothing listens yet."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return settings.EMAIL_PORT


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_signing_up_while_the_mail_server_is_down_keeps_the_account_and_says_so(client, smtp_port):
    response = client.post("/accounts/signup/", SIGNUP, follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"L’e-mail à founder@photonique.example {NOT_SENT_FR}" in page
    assert "Rien de ce que vous avez saisi n’est perdu" in page
    assert "L’e-mail de vérification à founder@photonique.example n’a pas pu être envoyé" in page
    # Nothing claims the email went out (allauth's page text and its "sent" message).
    assert "Nous vous avons envoyé" not in page and "envoyé à founder" not in page
    user = User.objects.get(email="founder@photonique.example")
    assert not EmailAddress.objects.get(user=user).verified

    # The server is back: logging in sends the verification again at once (the failed attempt
    # does not count against allauth's one verification email per 3 minutes), and it arrives.
    server = SmtpServer(smtp_port).start()
    try:
        client.logout()
        response = client.post(
            "/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
        )
        assert "confirm-email" in response["Location"]
        page = client.get(response["Location"]).content.decode()
        assert "n’a pas pu être envoyé" not in page  # this time it was
        message = wait_for(lambda: server.messages, timeout=10)[-1]
        assert message["To"] == "founder@photonique.example"
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", _body(message)).group(0)
        path = "/" + link.split("/", 3)[3]
        assert client.post(path).status_code == 302
        assert EmailAddress.objects.get(user=user).verified
    finally:
        server.stop()


def test_asking_for_a_password_reset_while_the_mail_server_is_down_says_so(
    client, smtp_port, supplier
):
    response = client.post(
        "/accounts/password/reset/",
        {"email": supplier.email},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"The email to {supplier.email} could not be sent just now" in page
    assert "Ask for a new link" in page and "We have sent you an email" not in page
    # Up again: the same request sends the reset link.
    server = SmtpServer(smtp_port).start()
    try:
        response = client.post(
            "/accounts/password/reset/",
            {"email": supplier.email},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert "could not be sent" not in response.content.decode()
        assert "We have sent you an email" in response.content.decode()
        message = wait_for(lambda: server.messages, timeout=10)[-1]
        assert message["To"] == supplier.email
        assert "/accounts/password/reset/key/" in _body(message)
    finally:
        server.stop()
