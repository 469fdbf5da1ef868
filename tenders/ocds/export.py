"""Tenders as OCDS 1.1 releases and release packages (valid against the 1.1.5 schema).

Lots follow the OCDS lots extension, places of performance the location extension's
`deliveryAddresses`; the defence requirements travel in `tender.defenceRequirements`, which
`import_ocds` reads back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from ..models import Tender
from .mapping import REQUIREMENTS_KEY

OCDS_VERSION = "1.1"
LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/"
    "v1.1.5/extension.json"
)
STATUS_TO_OCDS = {
    Tender.Status.DRAFT: "planning",
    Tender.Status.PUBLISHED: "active",
    Tender.Status.CLOSED: "active",  # submissions closed, evaluation under way
    Tender.Status.AWARDED: "complete",
    Tender.Status.CANCELLED: "cancelled",
}


def _iso(moment) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _value(amount: Decimal | None, currency: str) -> dict | None:
    if amount is None:
        return None
    number = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": currency}


def _classification(cpv) -> dict:
    return {"scheme": "CPV", "id": cpv.code, "description": cpv.label_en}


def _party_id(tender: Tender) -> str:
    return f"passerelle-org-{tender.buyer_id}"


def _items(tender: Tender) -> list[dict]:
    items = []
    if tender.main_cpv_id:
        item = {"id": "1", "description": tender.title}
        item["classification"] = _classification(tender.main_cpv)
        extra = [_classification(c) for c in tender.additional_cpvs.all()]
        if extra:
            item["additionalClassifications"] = extra
        if tender.region_id:
            item["deliveryAddresses"] = [{"region": tender.region.name, "countryName": "France"}]
        items.append(item)
    for lot in tender.lots.all():
        if lot.cpv_id:
            items.append(
                {
                    "id": f"lot-{lot.position}-item",
                    "description": lot.title,
                    "classification": _classification(lot.cpv),
                    "relatedLot": str(lot.position),
                }
            )
    return items


def _requirements(tender: Tender) -> dict:
    requirements = {
        "minimumClearance": tender.min_clearance,
        "mandatoryCertifications": list(tender.mandatory_certifications),
        "preferredCertifications": list(tender.preferred_certifications),
        "smeReserved": tender.sme_reserved,
        "euControlledOwnership": tender.eu_controlled_required,
        "itarFree": tender.itar_free_required,
    }
    if tender.min_trl:
        requirements["minimumTRL"] = tender.min_trl
    return requirements


def _tender(tender: Tender) -> dict:
    data = {
        "id": tender.reference or tender.ocid,
        "title": tender.title,
        "description": tender.description,
        "status": STATUS_TO_OCDS[tender.status],
        "value": _value(tender.estimated_value, tender.currency),
        "procurementMethod": tender.procurement_method or None,
        "procurementMethodDetails": tender.procurement_method_details or None,
        "mainProcurementCategory": tender.main_procurement_category or None,
        "procuringEntity": {"id": _party_id(tender), "name": tender.buyer.name},
        "items": _items(tender),
        "tenderPeriod": {
            "startDate": _iso(tender.published_at),
            "endDate": _iso(tender.submission_deadline),
        },
        "enquiryPeriod": {"endDate": _iso(tender.enquiry_deadline)}
        if tender.enquiry_deadline
        else None,
        "lots": [
            {
                "id": str(lot.position),
                "title": lot.title,
                "description": lot.description,
                "value": _value(lot.value, tender.currency),
            }
            for lot in tender.lots.all()
        ],
        "documents": [
            {"id": str(doc.position), "title": doc.title, "url": doc.url}
            for doc in tender.documents.all()
        ],
        REQUIREMENTS_KEY: _requirements(tender),
    }
    return _prune(data)


def _prune(data):
    """Drop None values and empty containers: OCDS prefers absent fields to empty ones."""
    if isinstance(data, dict):
        pruned = {k: _prune(v) for k, v in data.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(data, list):
        return [_prune(v) for v in data]
    return data


def release_for_tender(tender: Tender) -> dict:
    """One OCDS release describing TENDER as it is now. Prefetch lots, documents and
    additional_cpvs (see `tenders_for_export`) to keep it to no extra query."""
    tag = "tenderCancellation" if tender.status == Tender.Status.CANCELLED else "tender"
    return {
        "ocid": tender.ocid,
        "id": f"{tender.ocid}-{tender.updated_at:%Y%m%dT%H%M%S%f}",
        "date": _iso(tender.updated_at),
        "tag": [tag],
        "initiationType": "tender",
        "language": "fr",
        "parties": [{"id": _party_id(tender), "name": tender.buyer.name, "roles": ["buyer"]}],
        "buyer": {"id": _party_id(tender), "name": tender.buyer.name},
        "tender": _tender(tender),
    }


def tenders_for_export(queryset) -> Iterable[Tender]:
    return queryset.select_related("buyer", "main_cpv", "region").prefetch_related(
        "additional_cpvs", "lots__cpv", "documents"
    )


def release_package(tenders: Iterable[Tender], *, uri: str) -> dict:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [LOTS_EXTENSION],
        "publishedDate": _iso(timezone.now()),
        "publisher": {"name": getattr(settings, "OCDS_PUBLISHER_NAME", "Passerelle")},
        "releases": [release_for_tender(t) for t in tenders],
    }
