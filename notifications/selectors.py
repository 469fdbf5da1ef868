"""Reads of notifications: what an email lists, who receives alerts, the outbox page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from matching.models import Match, ShortlistEntry
from portal.models import Organization
from suppliers.models import SupplierProfile

from .models import PURPOSES, AlertSubscription, EmailDelivery


def _top_n() -> int:
    return getattr(settings, "NOTIFICATIONS_SHORTLIST_TOP", 10)


def shortlist_top_ids(follow) -> list[int]:
    """The suppliers in the top entries of the follow's shortlist, best first."""
    return list(
        Match.objects.filter(follow=follow, eligible=True)
        .order_by("rank")
        .values_list("supplier_id", flat=True)[: _top_n()]
    )


def shortlisted_suspended_ids(follow) -> list[int]:
    """Suppliers the organization marked shortlisted or contacted whose profile is suspended."""
    marked = ShortlistEntry.objects.filter(
        organization=follow.organization_id,
        tender=follow.tender_id,
        status__in=[ShortlistEntry.Status.SHORTLISTED, ShortlistEntry.Status.CONTACTED],
    ).values("supplier_id")
    return sorted(
        SupplierProfile.objects.filter(
            organization_id__in=marked, is_live=True, status=SupplierProfile.Status.SUSPENDED
        ).values_list("organization_id", flat=True)
    )


def _names(ids) -> dict[int, str]:
    names = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))
    for profile in SupplierProfile.objects.filter(organization_id__in=ids, is_live=True).only(
        "organization_id", "trade_name", "legal_name"
    ):
        names[profile.organization_id] = (
            profile.trade_name or profile.legal_name or names[profile.organization_id]
        )
    return names


def supplier_names(ids) -> list[str]:
    names = _names(ids)
    return [names[i] for i in ids if i in names]


def _reasons(components: list[dict], limit: int = 3) -> list[dict]:
    """The components that contributed most, for their explanation sentences."""
    weighted = [c for c in components if c.get("weight") and c.get("value")]
    weighted.sort(key=lambda c: c["weight"] * c["value"], reverse=True)
    return weighted[:limit]


@dataclass
class TopEntry:
    supplier_id: int
    rank: int
    score: float
    name: str
    reasons: list[dict]


def shortlist_top_entries(follow, limit: int | None = None) -> list[TopEntry]:
    matches = list(
        Match.objects.filter(follow=follow, eligible=True)
        .order_by("rank")
        .only("supplier_id", "rank", "score", "components")[: limit or _top_n()]
    )
    names = _names([m.supplier_id for m in matches])
    return [
        TopEntry(
            supplier_id=m.supplier_id,
            rank=m.rank,
            score=m.score,
            name=names.get(m.supplier_id, ""),
            reasons=_reasons(m.components),
        )
        for m in matches
    ]


def _subscriptions(frequency: str) -> QuerySet[AlertSubscription]:
    return AlertSubscription.objects.filter(
        active=True,
        frequency=frequency,
        user__is_active=True,
        user__membership__organization__kind=Organization.Kind.SUPPLIER,
    ).select_related("user", "user__membership")


def instant_alert_targets(tender) -> Iterator[tuple[AlertSubscription, Match]]:
    """(subscription, match) for each instant subscriber whose company matches TENDER with at
    least the subscriber's minimum score."""
    matches = {
        m.supplier_id: m
        for m in Match.objects.filter(tender=tender, follow=None, eligible=True).only(
            "supplier_id", "score", "rank", "components"
        )
    }
    subscriptions = _subscriptions(AlertSubscription.Frequency.INSTANT).filter(
        user__membership__organization_id__in=list(matches)
    )
    for subscription in subscriptions.order_by("pk"):
        match = matches[subscription.user.membership.organization_id]
        if match.score >= subscription.min_score:
            match.reasons = _reasons(match.components)
            yield subscription, match


def weekly_alert_targets(*, since) -> Iterator[tuple[AlertSubscription, list[Match]]]:
    """(subscription, matches best first) for each weekly subscriber with at least one tender
    published since SINCE that matches well enough."""
    subscriptions = list(_subscriptions(AlertSubscription.Frequency.WEEKLY).order_by("pk"))
    organizations = {s.user.membership.organization_id for s in subscriptions}
    by_supplier: dict[int, list[Match]] = {}
    for match in (
        Match.objects.filter(
            follow=None,
            eligible=True,
            supplier_id__in=organizations,
            tender__status="published",
            tender__published_at__gte=since,
        )
        .select_related("tender", "tender__buyer")
        .order_by("-score", "pk")
    ):
        match.reasons = _reasons(match.components)
        by_supplier.setdefault(match.supplier_id, []).append(match)
    for subscription in subscriptions:
        matches = [
            m
            for m in by_supplier.get(subscription.user.membership.organization_id, [])
            if m.score >= subscription.min_score
        ]
        if matches:
            yield subscription, matches


# --- The moderators' outbox page ----------------------------------------------------------------


def outbox(*, status: str = "", purpose: str = "", q: str = "") -> QuerySet[EmailDelivery]:
    rows = EmailDelivery.objects.select_related("recipient").defer("body_text", "body_html")
    if status:
        rows = rows.filter(status=status)
    if purpose:
        rows = rows.filter(purpose=purpose)
    if q:
        rows = rows.filter(Q(to_address__icontains=q) | Q(subject__icontains=q))
    return rows.order_by("-created_at", "-pk")


def outbox_counts() -> dict[str, int]:
    rows = EmailDelivery.objects.values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return {status: counts.get(status, 0) for status in EmailDelivery.Status.values}


def outbox_purposes() -> list[tuple[str, str]]:
    """(purpose, its label in the current language) of the emails in the outbox."""
    purposes = EmailDelivery.objects.order_by("purpose").values_list("purpose", flat=True)
    return [(p, str(PURPOSES.get(p, p))) for p in purposes.distinct()]
