"""Who may see and act on a tender: 404 for those who may not see it, 403 for the wrong role."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from portal.permissions import Role, user_organization, user_role

from .models import Tender

PUBLIC_STATUSES = (
    Tender.Status.PUBLISHED,
    Tender.Status.CLOSED,
    Tender.Status.AWARDED,
    Tender.Status.CANCELLED,
)


def visible_tenders(user) -> QuerySet[Tender]:
    """Tenders USER may see: every non-draft tender for a logged-in user; drafts only for the
    buyer entity's members and moderators; nothing for anonymous users."""
    if not user.is_authenticated:
        return Tender.objects.none()
    if user.is_moderator:
        return Tender.objects.all()
    visible = Q(status__in=PUBLIC_STATUSES)
    organization = user_organization(user)
    if organization is not None and user_role(user) == Role.MINISTRY:
        visible |= Q(buyer=organization)
    return Tender.objects.filter(visible)


def can_author(user, tender: Tender | None = None) -> bool:
    """Moderators act on any tender; ministry members on their own entity's."""
    if not user.is_authenticated:
        return False
    if user.is_moderator:
        return True
    if user_role(user) != Role.MINISTRY:
        return False
    return tender is None or tender.buyer_id == user_organization(user).pk


def get_tender_for_user(user, pk: int, *, write: bool = False) -> Tender:
    """The tender USER may see (else 404); with WRITE, one they may also edit (else 403)."""
    tender = (
        visible_tenders(user)
        .select_related("buyer", "main_cpv", "region", "departement")
        .filter(pk=pk)
        .first()
    )
    if tender is None:
        raise Http404
    if write and not can_author(user, tender):
        raise PermissionDenied
    return tender
