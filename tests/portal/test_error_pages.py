import pytest

pytestmark = pytest.mark.django_db


def test_a_missing_page_says_so_in_french_within_the_portal(client, supplier):
    client.force_login(supplier)
    response = client.get("/tenders/999999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page introuvable" in page
    assert 'href="/dashboard/"' in page  # the portal's layout, a way back


def test_a_missing_page_in_english(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_denied_page_explains_what_to_do(client, supplier):
    client.force_login(supplier)
    response = client.get("/suppliers/moderation/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "ask your organization" in response.content.decode()
