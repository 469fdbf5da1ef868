import re
from email import policy
from email.parser import BytesParser

import pytest
from allauth.account.models import EmailAddress

from portal.models import AuditEvent, Membership, Organization, User

pytestmark = pytest.mark.django_db

SIGNUP = {
    "company_name": "Photonique Armor SARL",
    "siren": "912 345 675",
    "email": "Founder@Photonique.example",
    "password1": "a-long-enough-passphrase",
    "password2": "a-long-enough-passphrase",
}


@pytest.fixture
def eml_mailbox(settings, tmp_path):
    """Outgoing mail written as .eml files, as `make run` does, in a directory of this test."""
    settings.EMAIL_BACKEND = "portal.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)

    def messages():
        return [
            BytesParser(policy=policy.default).parsebytes(p.read_bytes())
            for p in sorted(tmp_path.glob("*.eml"))
        ]

    return messages


def _link(message, pattern):
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(pattern, body)
    assert match, body
    return match.group(0)


def test_it_registers_a_company_and_verifies_the_email_from_the_real_message(client, eml_mailbox):
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302

    user = User.objects.get(email="founder@photonique.example")
    membership = Membership.objects.select_related("organization").get(user=user)
    assert membership.role == Membership.Role.ADMIN
    assert membership.organization.kind == Organization.Kind.SUPPLIER
    assert membership.organization.siren == "912345675"
    assert AuditEvent.objects.filter(action="organization.registered").count() == 1

    # Not verified yet: logging in leads to the "verify your email" page, not the dashboard.
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]

    messages = eml_mailbox()
    assert messages, "no .eml file was written"
    assert all(m["To"] == "founder@photonique.example" for m in messages)
    link = _link(messages[-1], r"https?://\S+/accounts/confirm-email/\S+/")
    path = "/" + link.split("/", 3)[3]
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = client.post(
        "/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response["Location"] == "/dashboard/"
    page = client.get("/dashboard/").content.decode()
    assert "Photonique Armor SARL" in page


def test_it_rejects_an_invalid_siren_and_keeps_what_was_typed(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "siren": "912345670"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "912345670" in page  # the value stays in the field
    assert "Photonique Armor SARL" in page
    assert 'aria-invalid="true"' in page
    form = response.context["form"]
    assert "siren" in form.errors
    assert not User.objects.exists()
    assert not Organization.objects.exists()


def test_it_requires_the_company_name(client):
    response = client.post("/accounts/signup/", {**SIGNUP, "company_name": ""})
    assert "company_name" in response.context["form"].errors
    assert not User.objects.exists()
