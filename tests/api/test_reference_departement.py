"""References' place of performance (département) through the API."""

import pytest

from portal.models import Departement
from suppliers.models import SupplierProfile

pytestmark = pytest.mark.django_db

REFERENCE = {"client": "Marine nationale", "year": 2023, "description": "MCO de drones."}


@pytest.fixture
def gironde(regions):
    return Departement.objects.create(code="33", name="Gironde", region_id="75")


def test_a_supplier_sets_and_reads_a_references_departement(bearer, world, gironde):
    organization = world["supplier"]
    api = bearer(organization.memberships.first().user)
    references = [{**REFERENCE, "departement": "33"}, {**REFERENCE, "client": "SSF"}]
    edited = api.patch("/api/v1/supplier-profile/", {"references": references}, format="json")
    assert edited.status_code == 200, edited.json()
    by_client = {r["client"]: r["departement"] for r in edited.json()["references"]}
    assert by_client == {"Marine nationale": "33", "SSF": None}
    working = SupplierProfile.objects.get(organization=organization, is_live=False)
    assert working.references.get(client="Marine nationale").departement == gironde

    cleared = [{**REFERENCE, "departement": None}]
    edited = api.patch("/api/v1/supplier-profile/", {"references": cleared}, format="json")
    assert edited.status_code == 200 and edited.json()["references"][0]["departement"] is None


def test_an_unknown_departement_is_a_400_naming_the_field(bearer, world, gironde):
    organization = world["supplier"]
    api = bearer(organization.memberships.first().user)
    before = list(
        SupplierProfile.objects.get(organization=organization, is_live=False)
        .references.order_by("client")
        .values_list("client", flat=True)
    )
    references = [REFERENCE, {**REFERENCE, "departement": "ZZ"}]
    refused = api.patch(
        "/api/v1/supplier-profile/",
        {"references": references},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["fields"]["references"] == {"1": {"departement": ["Unknown département: ZZ."]}}
    working = SupplierProfile.objects.get(organization=organization, is_live=False)
    assert list(working.references.order_by("client").values_list("client", flat=True)) == before


def test_buyers_see_the_departement_of_public_references(
    bearer, make_approved_supplier, buyer, moderator, gironde
):
    from suppliers import services

    organization = make_approved_supplier()
    member = organization.memberships.first().user
    working = SupplierProfile.objects.get(organization=organization, is_live=False)
    services.profile_set_references(
        profile=working, items=[{**REFERENCE, "departement": "33"}], by=member
    )
    services.profile_submit(profile=working, by=member)
    services.profile_approve(profile=working, by=moderator)
    row = bearer(buyer).get(f"/api/v1/suppliers/{organization.pk}/").json()
    assert row["references"] == [
        {
            "client": "Marine nationale",
            "year": 2023,
            "value_eur": None,
            "cpv_code": "",
            "description": "MCO de drones.",
            "departement": "33",
        }
    ]
