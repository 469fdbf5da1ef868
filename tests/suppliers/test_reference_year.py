"""A reference is work done: a year in the future is refused with the latest year allowed (it
weighs in matching, where recent references count more), in the form and in the API."""

import pytest
from django.utils import timezone

from suppliers.forms import ReferenceForm

from ..api.conftest import client_with_token

pytestmark = pytest.mark.django_db


def _reference(year: int) -> dict:
    return {"client": "Marine nationale", "year": year, "value_eur": 1000,
            "cpv_code": "35613000", "description": "Contrat", "is_public": True}  # fmt: skip


def test_the_form_refuses_a_reference_year_in_the_future(reference):
    this_year = timezone.localdate().year
    form = ReferenceForm(data=_reference(this_year + 1))
    assert not form.is_valid()
    assert f"{this_year} au plus tard" in form.errors["year"][0]  # French by default
    assert ReferenceForm(data=_reference(this_year)).is_valid()


def test_the_api_refuses_a_reference_year_in_the_future(supplier, reference):
    api = client_with_token(supplier)
    this_year = timezone.localdate().year
    response = api.patch(
        "/api/v1/supplier-profile/", {"references": [_reference(this_year + 9)]}, format="json"
    )
    assert response.status_code == 400
    assert "references" in response.json()["error"]["fields"]
    saved = api.patch(
        "/api/v1/supplier-profile/", {"references": [_reference(this_year)]}, format="json"
    )
    assert saved.status_code == 200
