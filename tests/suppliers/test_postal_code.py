"""The head office's postal code feeds matching (the département a supplier works in): it must be
a French postal code, in the head-office region chosen, with an error on the field that says
what to fix, and what was typed kept."""

import pytest

from portal.models import Departement
from suppliers import services as supplier_services

from ..api.conftest import client_with_token
from .test_profile_pages import IDENTITY

pytestmark = pytest.mark.django_db


@pytest.fixture
def departements(reference):
    Departement.objects.create(code="29", name="Finistère", region_id="53")
    Departement.objects.create(code="75", name="Paris", region_id="11")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ABCDE", "is not a French postal code: 5 digits expected"),
        ("2920", "is not a French postal code"),  # a lost leading zero is 02920 (Aisne): no
        ("75001", "Postal code 75001 is in Paris, not in the head-office region you chose"),
    ],
)
def test_the_form_refuses_a_postal_code_outside_france_or_the_region(
    client, supplier, departements, typed, message
):
    client.force_login(supplier)
    response = client.post(
        "/suppliers/profile/identity/",
        {**IDENTITY, "postal_code": typed, "continue": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["postal_code"], errors
    assert message in errors["postal_code"][0]
    page = response.content.decode()
    assert f'value="{typed}"' in page and "Drones d&#x27;Armor SAS" in page
    working = supplier_services.profile_get_working(organization=supplier.membership.organization)
    assert working.postal_code == ""


def test_the_form_saves_a_postal_code_of_the_region_without_its_spaces(
    client, supplier, departements
):
    client.force_login(supplier)
    response = client.post(
        "/suppliers/profile/identity/", {**IDENTITY, "postal_code": "29 200", "continue": "1"}
    )
    assert response.status_code == 302
    working = supplier_services.profile_get_working(organization=supplier.membership.organization)
    assert working.postal_code == "29200"


def test_the_api_checks_the_postal_code_against_the_region_sent_or_saved(supplier, departements):
    api = client_with_token(supplier)
    url = "/api/v1/supplier-profile/"
    saved = api.patch(url, {"region": "53", "postal_code": "29200"}, format="json")
    assert saved.status_code == 200, saved.json()
    moved = api.patch(url, {"postal_code": "75008"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert moved.status_code == 400
    assert "in Paris" in moved.json()["error"]["fields"]["postal_code"][0]
    both = api.patch(url, {"region": "11", "postal_code": "75008"}, format="json")
    assert both.status_code == 200 and both.json()["postal_code"] == "75008"
    region_only = api.patch(url, {"region": "53"}, format="json")  # the saved code is in Paris
    assert region_only.status_code == 400 and "postal_code" in region_only.json()["error"]["fields"]
