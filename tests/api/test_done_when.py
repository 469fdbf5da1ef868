"""The issue's "done when": a token created on the portal page lets a script list tenders,
follow one and read its shortlist; another organization's token gets 404 on it."""

import re

import pytest
from rest_framework.test import APIClient

from tests.security.helpers import mark_reauthenticated

pytestmark = pytest.mark.django_db


def _token_from_page(client, user, password) -> str:
    assert client.login(email=user.email, password=password)
    mark_reauthenticated(client, user)  # the password typed again, as the page asks
    response = client.post("/api/tokens/", {"name": "ERP sync"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    match = re.search(r'value="(psl_[A-Za-z0-9_-]+)"', response.content.decode())
    assert match, "the new token is shown on the page"
    return match.group(1)


def _script(key: str) -> APIClient:
    script = APIClient()  # no session: only the token
    script.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return script


def test_it_lets_a_script_list_follow_and_read_the_shortlist(
    client, buyer, other_buyer, password, make_tender, make_approved_supplier,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    supplier = make_approved_supplier()
    tender = make_tender(title="Caméras infrarouges pour drones")
    make_tender(title="Autre marché")
    script = _script(_token_from_page(client, buyer, password))

    listed = script.get("/api/v1/tenders/", {"q": "camera infrarouge"})
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json()["results"]] == [tender.pk]

    with django_capture_on_commit_callbacks(execute=True):  # the matching task runs eagerly
        followed = script.post("/api/v1/follows/", {"tender": tender.pk}, format="json")
    assert followed.status_code == 201, followed.json()
    assert followed.json()["tender"] == tender.pk

    shortlist = script.get(f"/api/v1/follows/{tender.pk}/shortlist/")
    assert shortlist.status_code == 200
    rows = shortlist.json()["results"]
    assert [r["supplier"]["id"] for r in rows] == [supplier.pk]
    assert rows[0]["rank"] == 1 and rows[0]["status"] == "new"

    entry = script.patch(
        f"/api/v1/follows/{tender.pk}/shortlist/{supplier.pk}/",
        {"status": "shortlisted", "notes": "Call them."},
        format="json",
    )
    assert entry.status_code == 200
    assert entry.json()["status"] == "shortlisted"

    client.logout()
    outsider = _script(_token_from_page(client, other_buyer, password))
    for url in (
        f"/api/v1/follows/{tender.pk}/",
        f"/api/v1/follows/{tender.pk}/shortlist/",
        f"/api/v1/follows/{tender.pk}/shortlist/{supplier.pk}/",
        f"/api/v1/tenders/{tender.pk}/matches/",
    ):
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    assert (
        outsider.patch(
            f"/api/v1/follows/{tender.pk}/shortlist/{supplier.pk}/", {"notes": "x"}, format="json"
        ).status_code
        == 404
    )
    assert outsider.delete(f"/api/v1/follows/{tender.pk}/").status_code == 404
    # Nothing of the first organization's work leaked or changed.
    assert "Call them." not in outsider.get("/api/v1/follows/").content.decode()
    assert (
        script.get(f"/api/v1/follows/{tender.pk}/shortlist/").json()["results"][0]["notes"]
        == "Call them."
    )
