"""Reads of the API scoped to the caller: a buyer's follows and shortlist entries, approved
suppliers, the moderation queue. Outsiders get 404: another organization's follow, entries
and notes do not exist for them."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from matching.models import Follow, ShortlistEntry
from portal.models import Organization
from portal.permissions import Role, user_organization, user_role
from suppliers.models import Reference, SupplierProfile
from tenders.selectors import cpv_prefix


def follows_of(user) -> QuerySet[Follow]:
    if user_role(user) != Role.BUYER:
        return Follow.objects.none()
    return (
        Follow.objects.filter(organization=user_organization(user))
        .select_related("tender", "organization")
        .order_by("-created_at", "-pk")
    )


def follow_of(user, tender_id: int) -> Follow:
    follow = follows_of(user).filter(tender_id=tender_id).first()
    if follow is None:
        raise Http404
    return follow


def supplier_organization(supplier_id: int) -> Organization:
    organization = Organization.objects.filter(
        pk=supplier_id, kind=Organization.Kind.SUPPLIER
    ).first()
    if organization is None:
        raise Http404
    return organization


def shortlist_entry(follow: Follow, supplier: Organization) -> ShortlistEntry:
    """The organization's entry on SUPPLIER (unsaved, status new, when there is none yet)."""
    entry = (
        ShortlistEntry.objects.select_related("supplier", "updated_by")
        .filter(organization=follow.organization_id, tender=follow.tender_id, supplier=supplier)
        .first()
    )
    if entry is None:
        entry = ShortlistEntry(
            organization=follow.organization, tender=follow.tender, supplier=supplier
        )
        entry.updated_at = None
    return entry


def approved_suppliers(
    *, q: str = "", region: str = "", size: str = "", cpv: str = "", ordering: str = "name"
) -> QuerySet[SupplierProfile]:
    """Live, approved supplier profiles (never working copies, never suspended ones)."""
    queryset = SupplierProfile.objects.filter(is_live=True, status=SupplierProfile.Status.APPROVED)
    if q:
        queryset = queryset.filter(
            Q(legal_name__unaccent__icontains=q)
            | Q(trade_name__unaccent__icontains=q)
            | Q(organization__name__unaccent__icontains=q)
        )
    if region:
        queryset = queryset.filter(Q(region_id=region) | Q(regions_served__contains=[region]))
    if size:
        queryset = queryset.filter(size_category=size)
    if cpv:
        queryset = queryset.filter(cpv_prefixes__contains=[cpv_prefix(cpv)])
    order = {
        "name": ["legal_name", "pk"],
        "-name": ["-legal_name", "-pk"],
        "decided_at": ["decided_at", "pk"],
        "-decided_at": ["-decided_at", "-pk"],
    }[ordering]
    return (
        queryset.select_related("organization", "region")
        .prefetch_related(
            "certifications", Prefetch("references", queryset=Reference.objects.all())
        )
        .order_by(*order)
    )


def approved_supplier(organization_id: int) -> SupplierProfile:
    profile = approved_suppliers().filter(organization_id=organization_id).first()
    if profile is None:
        raise Http404
    return profile


def working_profile(pk: int) -> SupplierProfile:
    """A working profile, for moderators, with its live copy (as `live`)."""
    profile = (
        SupplierProfile.objects.select_related("organization", "region")
        .prefetch_related("certifications", "references")
        .filter(pk=pk, is_live=False)
        .first()
    )
    if profile is None:
        raise Http404
    profile.live = SupplierProfile.objects.filter(
        organization_id=profile.organization_id, is_live=True
    ).first()
    return profile
