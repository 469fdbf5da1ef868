"""A profile's texts are bounded where the supplier types them (form and API), with an error that
names the field: a statement of a few megabytes used to be saved and submitted, then made every
approval fail with a 500 (PostgreSQL's tsvector holds at most 1 MB), so the profile could never
go live. At the limits, a profile is approved and searchable."""

import random
import string

import pytest

from suppliers import services as supplier_services
from suppliers.models import STATEMENT_MAX_LENGTH, SupplierProfile

from .conftest import client_with_token

pytestmark = pytest.mark.django_db


def _distinct_words(n_chars: int, seed: int) -> str:
    """Distinct made-up words up to N_CHARS: the worst case for a search vector."""
    rng, words, size = random.Random(seed), [], 0
    while size < n_chars:
        word = "".join(rng.choices(string.ascii_lowercase, k=10))
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:n_chars]


def test_a_profile_at_every_limit_is_approved_and_searchable(make_approved_supplier, moderator):
    statement = _distinct_words(STATEMENT_MAX_LENGTH, seed=1)
    organization = make_approved_supplier(capability_statement=statement)
    live = SupplierProfile.objects.get(organization=organization, is_live=True)
    working = supplier_services.profile_get_working(organization=organization)
    user = organization.memberships.first().user
    supplier_services.profile_set_references(
        profile=working,
        items=[
            {"client": f"Client {i}", "year": 2022, "value_eur": 1000, "cpv_code": "35613000",
             "description": _distinct_words(2000, seed=100 + i), "is_public": True}
            for i in range(30)
        ],
        by=user,
    )  # fmt: skip
    supplier_services.profile_submit(profile=working, by=user)
    supplier_services.profile_approve(profile=working, by=moderator)
    live.refresh_from_db()
    assert len(live.capability_statement) == STATEMENT_MAX_LENGTH
    assert live.references.count() == 30 and live.search_vector


def test_the_api_refuses_a_statement_too_long_and_keeps_the_saved_one(supplier):
    api = client_with_token(supplier)
    saved = api.patch(
        "/api/v1/supplier-profile/", {"capability_statement": "Drones."}, format="json"
    )
    assert saved.status_code == 200
    too_long = "a " * (STATEMENT_MAX_LENGTH // 2) + "b"
    response = api.patch(
        "/api/v1/supplier-profile/",
        {"capability_statement": too_long},
        "json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    message = response.json()["error"]["fields"]["capability_statement"][0]
    assert "no more than 10000 characters" in message, message
    assert api.get("/api/v1/supplier-profile/").json()["capability_statement"] == "Drones."


def test_the_api_refuses_more_references_than_the_form_offers(supplier):
    api = client_with_token(supplier)
    reference = {"client": "Marine nationale", "year": 2022, "value_eur": 1000,
                 "cpv_code": "35613000", "description": "Contrat", "is_public": True}  # fmt: skip
    response = api.patch(
        "/api/v1/supplier-profile/", {"references": [reference] * 31}, format="json"
    )
    assert response.status_code == 400
    assert "references" in response.json()["error"]["fields"]
    thirty = api.patch("/api/v1/supplier-profile/", {"references": [reference] * 30}, format="json")
    assert thirty.status_code == 200


def test_the_form_refuses_a_statement_too_long_and_shows_it_back(client, supplier, cpv):
    client.force_login(supplier)
    typed = "Un texte que je ne veux pas perdre. " + "x" * STATEMENT_MAX_LENGTH
    response = client.post(
        "/suppliers/profile/capabilities/",
        {"capability_statement": typed, "statement_language": "fr", "cpv_codes": "35613000"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "capability_statement" in response.context["form"].errors
    assert "Un texte que je ne veux pas perdre." in response.content.decode()
