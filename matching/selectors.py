"""Reads of matching results for pages."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Match


def tenders_for_supplier(organization, limit: int = 20) -> QuerySet[Match]:
    """Open tenders where the supplier is shortlisted (best first), then those it was excluded
    from by a hard constraint (to tell it what it would need)."""
    return (
        Match.objects.filter(supplier=organization, tender__status="published")
        .select_related("tender", "tender__buyer")
        .order_by("-eligible", "-score")[:limit]
    )


def shortlist(tender, limit: int = 50) -> QuerySet[Match]:
    return (
        Match.objects.filter(tender=tender, eligible=True)
        .select_related("supplier")
        .order_by("rank")[:limit]
    )
