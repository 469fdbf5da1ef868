"""QA: one filter in error no longer drops the others, and a "from" deadline after the "until"
deadline is flagged on the field, in the page and in the API."""

from datetime import UTC, datetime

import pytest

from ..api.conftest import client_with_token

pytestmark = pytest.mark.django_db

BAD = {"cpv": "abc", "deadline_from": "2027-01-01", "deadline_to": "2026-01-01"}


@pytest.fixture
def three(make_tender, regions):
    """Three published tenders: two in Brittany (region 53), one of them with a 2027 deadline."""
    return {
        "breton_2027": make_tender(
            title="Breton 2027",
            region_id="53",
            submission_deadline=datetime(2027, 6, 1, tzinfo=UTC),
        ),
        "breton_2030": make_tender(
            title="Breton 2030",
            region_id="53",
            submission_deadline=datetime(2030, 6, 1, tzinfo=UTC),
        ),
        "elsewhere": make_tender(
            title="Ailleurs", region_id="11", submission_deadline=datetime(2027, 6, 1, tzinfo=UTC)
        ),
    }


def _titles(response) -> set[str]:
    return {t.title for t in response.context["page"].object_list}


def test_the_valid_filters_still_apply_next_to_one_in_error(client, supplier, three):
    client.force_login(supplier)
    response = client.get("/tenders/", {"cpv": "abc", "region": "53"})
    assert response.status_code == 200
    assert "Saisissez de 2 à 8 chiffres." in response.content.decode()
    assert _titles(response) == {"Breton 2027", "Breton 2030"}


def test_a_from_date_after_the_until_date_is_flagged_on_the_field(client, supplier, three):
    client.force_login(supplier)
    response = client.get("/tenders/", {**BAD, "deadline_from": "2028-01-01", "region": "53"})
    errors = response.context["form"].errors
    assert set(errors) == {"cpv", "deadline_to"}
    assert "01/01/2028" in errors["deadline_to"][0]
    assert "antérieure" in response.content.decode()
    # The bad fields are left out; the region and the "from" date still apply.
    assert _titles(response) == {"Breton 2030"}


def test_a_correct_date_range_filters(client, supplier, three):
    client.force_login(supplier)
    response = client.get("/tenders/", {"deadline_from": "2027-01-01", "deadline_to": "2027-12-31"})
    assert response.context["form"].errors == {}
    assert _titles(response) == {"Breton 2027", "Ailleurs"}


def test_the_api_refuses_a_reversed_range_with_the_field_in_error(supplier, three):
    api = client_with_token(supplier)
    response = api.get(
        "/api/v1/tenders/",
        {"deadline_from": "2027-01-01", "deadline_to": "2026-01-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["deadline_to"]
    assert "2026-01-01 is before deadline_from (2027-01-01)" in error["fields"]["deadline_to"][0]


def test_the_api_still_refuses_a_bad_cpv_rather_than_dropping_it(supplier, three):
    response = client_with_token(supplier).get("/api/v1/tenders/", BAD)
    assert response.status_code == 400
    # DRF checks the range once every field is valid: the cpv is said first.
    assert set(response.json()["error"]["fields"]) == {"cpv"}
