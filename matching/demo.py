"""Demo data of the matching app, loaded by `manage.py load_demo` (idempotent): the demo buyer's
organization follows two published demo tenders, so that whoever logs in as the buyer sees
shortlists at once (the worker computes them) instead of an empty dashboard."""

from __future__ import annotations

from django.utils import timezone

from portal.models import User
from portal.permissions import Role, user_organization, user_role
from tenders.demo import OCID_PREFIX
from tenders.models import Tender

from .services import follow_tender

FOLLOWED = ("drones-recon", "cyber-soc")  # keys of tenders.demo_data.TENDERS


def demo_load(buyer: User) -> dict[str, int]:
    """BUYER's organization follows the FOLLOWED tenders that are open (published, deadline
    ahead) and not followed yet. Nothing when BUYER is no longer a prime contractor's member
    (changed in the admin): the rest of the demo still loads."""
    organization = user_organization(buyer)
    if organization is None or user_role(buyer) != Role.BUYER:
        return {"follows": 0}
    tenders = list(
        Tender.objects.filter(
            ocid__in=[OCID_PREFIX + key for key in FOLLOWED],
            status="published",
            submission_deadline__gt=timezone.now(),
        )
        .exclude(follows__organization=organization)
        .order_by("submission_deadline")
    )
    for tender in tenders:
        follow_tender(tender=tender, by=buyer)
    return {"follows": len(tenders)}
