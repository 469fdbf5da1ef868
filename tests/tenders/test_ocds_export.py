import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import CpvCode
from tenders.models import Lot, Tender, TenderDocument
from tenders.ocds.importer import ocds_import

from .ocds_schema import errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema_dir(reference_data_dir):
    return reference_data_dir / "ocds" / "schema-1.1.5"


@pytest.fixture
def rich_tender(make_tender, regions):
    tender = make_tender(
        title="Boules optroniques",
        description="Développement d'une boule optronique.",
        reference="DGA-2026-001",
        region_id="53",
        procurement_method="selective",
        main_procurement_category="goods",
        # OCDS dates have whole seconds.
        submission_deadline=(timezone.now() + timedelta(days=30)).replace(microsecond=0),
        enquiry_deadline=timezone.now() + timedelta(days=20),
        min_clearance=2,
        mandatory_certifications=["en9100"],
        sme_reserved=True,
        itar_free_required=True,
        min_trl=6,
    )
    tender.additional_cpvs.set([CpvCode.objects.get(pk="38600000")])
    Lot.objects.create(tender=tender, position=1, title="Lot A", value=1000, cpv_id="35720000")
    TenderDocument.objects.create(tender=tender, title="Règlement", url="https://example.org/r.pdf")
    return tender


def test_one_tender_exports_as_a_valid_release(client, supplier, rich_tender, schema_dir):
    client.force_login(supplier)
    response = client.get(f"/tenders/{rich_tender.pk}/ocds.json")
    assert response.status_code == 200
    data = response.json()
    assert errors(data, "release", schema_dir) == []
    assert data["ocid"] == rich_tender.ocid
    assert data["tender"]["items"][0]["classification"] == {
        "scheme": "CPV",
        "id": "35613000",
        "description": "Unmanned aerial vehicles",
    }
    assert data["tender"]["lots"][0]["value"] == {"amount": 1000, "currency": "EUR"}
    assert data["tender"]["defenceRequirements"]["minimumTRL"] == 6


def test_the_package_holds_every_published_tender_and_is_valid(
    client, supplier, rich_tender, make_tender, schema_dir, django_assert_max_num_queries
):
    make_tender(status=Tender.Status.CLOSED)
    draft = make_tender(status=Tender.Status.DRAFT)
    client.force_login(supplier)
    with django_assert_max_num_queries(12):  # bounded: prefetching, not one query per tender
        response = client.get("/tenders/ocds.json")
    package = response.json()
    assert errors(package, "release_package", schema_dir) == []
    ocids = {r["ocid"] for r in package["releases"]}
    assert rich_tender.ocid in ocids and draft.ocid not in ocids
    assert len(ocids) == 2


def test_an_exported_release_imports_back_unchanged_in_substance(rich_tender, supplier, client):
    client.force_login(supplier)
    data = client.get(f"/tenders/{rich_tender.pk}/ocds.json").json()
    data["ocid"], data["tender"]["id"] = "ocds-roundtrip", "DGA-2026-002"
    report = ocds_import(io.BytesIO(json.dumps(data).encode()))
    assert report.summary() == "created 1, updated 0, unchanged 0, failed 0"
    copy = Tender.objects.get(ocid="ocds-roundtrip")
    for name in ("title", "min_clearance", "mandatory_certifications", "sme_reserved",
                 "itar_free_required", "min_trl", "main_cpv_id", "region_id",
                 "submission_deadline"):  # fmt: skip
        assert getattr(copy, name) == getattr(rich_tender, name), name
    assert list(copy.lots.values_list("title", "cpv_id")) == [("Lot A", "35720000")]
