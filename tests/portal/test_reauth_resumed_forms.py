"""A POST suspended by the password prompt resumes at the prompt's address
(allauth's ``resume_request`` renders the view there): a form shown again with an error must
post to its own view, not to /accounts/reauthenticate/, and keep what was typed."""

import re

import pytest

from api.models import ApiToken
from portal.models import Organization

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _resume_after_password(client, path, data, password):
    """Post as a user whose password is not recent, then type it on the prompt. Returns the
    page and the address the browser shows (the prompt's)."""
    response = client.post(path, data, **EN)
    assert response.status_code == 302
    prompt = response["Location"]
    assert prompt.startswith("/accounts/reauthenticate/")
    response = client.post(prompt, {"password": password}, **EN)
    assert response.status_code == 200  # the suspended POST, rendered at the prompt's address
    return response.content.decode(), prompt


def _where_the_form_posts(page: str, marker: str, shown_at: str) -> str:
    """What a browser does: the form's action, or the address of the page without one."""
    form = re.search(rf'<form method="post"[^>]*>(?:(?!</form>).)*{marker}', page, re.S)
    action = re.search(r'action="([^"]*)"', form.group(0).split(">", 1)[0])
    return action.group(1) if action else shown_at


def test_it_posts_the_token_form_to_its_own_page_after_the_password(client, supplier, password):
    client.force_login(supplier)
    page, shown_at = _resume_after_password(
        client, "/api/tokens/", {"name": "Synchro ERP", "expires_in_days": "0"}, password
    )
    assert 'value="Synchro ERP"' in page  # what was typed is kept
    assert 'id="id_expires_in_days_error"' in page  # the error, next to its field
    target = _where_the_form_posts(page, 'name="expires_in_days"', shown_at)
    assert target == "/api/tokens/"
    # The corrected form, posted where the page says, creates the token.
    response = client.post(target, {"name": "Synchro ERP", "expires_in_days": "30"}, **EN)
    assert response.status_code == 200
    assert ApiToken.objects.get(user=supplier).name == "Synchro ERP"


def test_it_posts_the_organization_form_to_its_own_page_after_the_password(
    client, moderator, password
):
    client.force_login(moderator)
    data = {"kind": "prime", "name": "Naval Systèmes", "siren": "12", "admin_email": "x"}
    page, shown_at = _resume_after_password(client, "/moderation/organizations/", data, password)
    assert 'value="Naval Systèmes"' in page
    assert (
        _where_the_form_posts(page, 'name="admin_email"', shown_at) == "/moderation/organizations/"
    )
    assert not Organization.objects.filter(name="Naval Systèmes").exists()


def test_the_invitation_form_names_its_own_page(client, supplier):
    client.force_login(supplier)
    page = client.get("/organization/members/", **EN).content.decode()
    assert _where_the_form_posts(page, 'name="email"', "") == "/organization/members/"
