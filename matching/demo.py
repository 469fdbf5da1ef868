"""Demo data of the matching app, loaded by `manage.py load_demo` (idempotent): the demo buyer's
organization follows two published demo tenders, so that whoever logs in as the buyer sees
shortlists at once (the worker computes them) instead of an empty dashboard."""

from __future__ import annotations

from portal.models import User
from portal.permissions import user_organization
from tenders.demo import OCID_PREFIX
from tenders.models import Tender

from .services import follow_tender

FOLLOWED = ("drones-recon", "cyber-soc")  # keys of tenders.demo_data.TENDERS


def demo_load(buyer: User) -> dict[str, int]:
    """BUYER's organization follows the FOLLOWED tenders that are published and not followed
    yet (a tender closed since is left alone)."""
    organization = user_organization(buyer)
    tenders = list(
        Tender.objects.filter(ocid__in=[OCID_PREFIX + key for key in FOLLOWED], status="published")
        .exclude(follows__organization=organization)
        .order_by("submission_deadline")
    )
    for tender in tenders:
        follow_tender(tender=tender, by=buyer)
    return {"follows": len(tenders)}
