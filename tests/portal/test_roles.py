import pytest

from tests.security.helpers import mark_reauthenticated

pytestmark = pytest.mark.django_db

MODERATION = "/moderation/organizations/"


def test_anonymous_is_sent_to_login(client):
    for url in ("/dashboard/", "/organization/members/", MODERATION):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["supplier", "buyer", "ministry_author"])
def test_only_moderators_reach_the_organization_list(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(MODERATION).status_code == 403
    response = client.post(MODERATION, {"kind": "prime", "name": "X", "admin_email": "a@b.fr"})
    assert response.status_code == 403


def test_moderator_reaches_the_organization_list(client, moderator):
    client.force_login(moderator)
    assert client.get(MODERATION).status_code == 200


def test_moderator_sees_a_clear_error_for_a_bad_siren(client, moderator):
    client.force_login(moderator)
    mark_reauthenticated(client, moderator)  # privileged action: password typed again
    response = client.post(
        MODERATION,
        {"kind": "prime", "name": "Intégrateur", "siren": "123456789", "admin_email": "a@b.fr"},
    )
    assert response.status_code == 200
    assert "siren" in response.context["form"].errors
    assert 'value="Intégrateur"' in response.content.decode()


def test_suppliers_cannot_self_register_as_prime(client):
    # The sign-up form has no "kind": self-service always creates a supplier.
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="kind"' not in page


@pytest.mark.parametrize(
    "who,label",
    [
        ("supplier", "supplier"),
        ("buyer", "prime contractor"),
        ("ministry_author", "ministry"),
    ],
)
def test_the_dashboard_speaks_to_each_role(client, request, who, label):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert label in response.content.decode()


def test_the_home_page_is_french_by_default_and_english_on_request(client):
    assert '<html lang="fr">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()
