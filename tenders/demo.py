"""Demo data of the tenders app, loaded by `manage.py load_demo` (idempotent).

About 25 ministry tenders across several ministry entities, with deadlines spread around
today: some drafts, some closed. Each demo tender has a fixed ocid, so a second run finds them
all and creates nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portal.models import CpvCode, Departement, Organization, Region
from portal.reference import BUNDLED_DIR, cpv_load

from .demo_data import BUYERS, DEPARTEMENTS, TENDERS
from .models import Lot, Tender

OCID_PREFIX = "ocds-passerelle-demo-"


def _buyers() -> tuple[dict[str, Organization], int]:
    buyers, created = {}, 0
    for key, name in BUYERS.items():
        buyers[key], new = Organization.objects.get_or_create(
            kind=Organization.Kind.MINISTRY, name=name, defaults={"siren": ""}
        )
        created += new
    return buyers, created


def _cpv_codes() -> dict[str, CpvCode]:
    needed = {t[4] for t in TENDERS} | {c for t in TENDERS for c in t[5]}
    needed |= {lot[3] for t in TENDERS for lot in t[13]}
    codes = CpvCode.objects.in_bulk(needed)
    if len(codes) < len(needed):  # an empty database: the bundled subset has them all
        cpv_load(BUNDLED_DIR / "cpv_subset.csv")
        codes = CpvCode.objects.in_bulk(needed)
    return codes


def _tender(entry, buyers, cpvs, regions, departements, now) -> Tender:
    (key, buyer, title, description, main, extra, region, status, days, value, req,
     method, category, lots) = entry  # fmt: skip
    departement = departements.get(DEPARTEMENTS.get(key, ""))
    if departement is not None and departement.region_id != region:
        departement = None
    deadline = (now + timedelta(days=days)).replace(hour=12, minute=0, second=0, microsecond=0)
    published = None if status == "draft" else deadline - timedelta(days=45)
    tender = Tender.objects.create(
        ocid=OCID_PREFIX + key,
        reference=f"DEMO-{key.upper()}",
        title=title,
        description=description,
        buyer=buyers[buyer],
        procurement_method=method,
        main_procurement_category=category,
        estimated_value=Decimal(value),
        main_cpv=cpvs.get(main),
        region=regions.get(region),
        departement=departement,
        status=status,
        published_at=published,
        submission_deadline=deadline,
        enquiry_deadline=deadline - timedelta(days=10),
        min_clearance=req.get("clearance", 0),
        mandatory_certifications=req.get("mandatory", []),
        preferred_certifications=req.get("preferred", []),
        sme_reserved=req.get("sme", False),
        eu_controlled_required=req.get("eu", False),
        itar_free_required=req.get("itar", False),
        min_trl=req.get("trl"),
        cancellation_reason="Besoin redéfini." if status == "cancelled" else "",
    )
    tender.additional_cpvs.set([cpvs[c] for c in extra if c in cpvs])
    Lot.objects.bulk_create(
        Lot(tender=tender, position=i, title=t, description=d, value=Decimal(v), cpv=cpvs.get(c))
        for i, (t, d, v, c) in enumerate(lots, start=1)
    )
    return tender


@transaction.atomic
def demo_load() -> dict[str, int]:
    buyers, new_buyers = _buyers()
    existing = set(
        Tender.objects.filter(ocid__startswith=OCID_PREFIX).values_list("ocid", flat=True)
    )
    missing = [t for t in TENDERS if OCID_PREFIX + t[0] not in existing]
    if not missing:
        return {"tenders": 0, "ministry_entities": new_buyers}
    cpvs, regions, now = _cpv_codes(), Region.objects.in_bulk(), timezone.now()
    departements = Departement.objects.in_bulk()
    for entry in missing:
        _tender(entry, buyers, cpvs, regions, departements, now)
    return {"tenders": len(missing), "ministry_entities": new_buyers}
