"""Errors as {"error": {"code", "message", "fields"}}; throttling per user and per IP."""

import pytest

from portal.models import Departement

pytestmark = pytest.mark.django_db


def _shape(response, code: str) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_it_answers_every_error_in_one_shape(client, bearer, supplier, ministry_author, cpv):
    _shape(client.get("/api/v1/tenders/"), "not_authenticated")
    api = bearer(supplier)
    _shape(api.get("/api/v1/tenders/999999/"), "not_found")
    _shape(api.post("/api/v1/tenders/", {"title": "x"}, format="json"), "permission_denied")
    _shape(api.put("/api/v1/supplier-profile/", {}, format="json"), "method_not_allowed")
    bad = _shape(api.get("/api/v1/tenders/", {"cpv": "abc", "sort": "random"}), "invalid")
    assert set(bad["fields"]) == {"cpv", "sort"}
    author = bearer(ministry_author)
    malformed = author.generic("POST", "/api/v1/tenders/", "{", content_type="application/json")
    _shape(malformed, "parse_error")
    invalid = author.post("/api/v1/tenders/", {"title": "", "min_trl": 12}, format="json")
    assert set(_shape(invalid, "invalid")["fields"]) == {"title", "min_trl"}


def test_it_speaks_the_callers_language(bearer, supplier):
    api = bearer(supplier)
    english = api.get("/api/v1/tenders/999999/", HTTP_ACCEPT_LANGUAGE="en").json()
    french = api.get("/api/v1/tenders/999999/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert english["error"]["code"] == french["error"]["code"] == "not_found"
    assert english["error"]["message"] == "Not found."


def test_it_throttles_a_user_with_a_json_429(bearer, supplier, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "3/min"},
    }
    api = bearer(supplier)
    statuses = [api.get("/api/v1/supplier-profile/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = api.get("/api/v1/supplier-profile/")
    _shape(throttled, "throttled")
    assert int(throttled["Retry-After"]) > 0


def test_it_throttles_anonymous_callers_per_ip_before_refusing_them(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "100/min"},
    }
    statuses = [client.get("/api/v1/tenders/").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    other_ip = client.get("/api/v1/tenders/", REMOTE_ADDR="10.1.2.3")
    assert other_ip.status_code == 401


def test_a_tender_departement_is_checked_against_its_region(bearer, ministry_author, regions):
    Departement.objects.create(code="35", name="Ille-et-Vilaine", region_id="53")
    author = bearer(ministry_author)
    english = {"format": "json", "HTTP_ACCEPT_LANGUAGE": "en"}
    unknown = author.post("/api/v1/tenders/", {"title": "x", "departement": "99"}, **english)
    assert "Unknown département: 99" in _shape(unknown, "invalid")["fields"]["departement"][0]
    elsewhere = author.post(
        "/api/v1/tenders/", {"title": "x", "departement": "35", "region": "11"}, **english
    )
    assert "is not in Île-de-France" in str(_shape(elsewhere, "invalid")["fields"]["departement"])
    french = author.post(
        "/api/v1/tenders/", {"title": "x", "departement": "35", "region": "11"}, format="json"
    )
    assert "n’est pas dans la région Île-de-France" in str(
        _shape(french, "invalid")["fields"]["departement"]
    )
    created = author.post("/api/v1/tenders/", {"title": "x", "departement": "35"}, format="json")
    assert created.status_code == 201
    assert (created.json()["departement"], created.json()["region"]) == ("35", "53")
