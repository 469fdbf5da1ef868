"""Who may see a followed tender's shortlist: only members of the following organization.

- anonymous: login;
- suppliers, ministry authors, moderators and users without organization: 403 (moderators
  get no read-only view for now: statuses and notes are the organization's private work);
- a buyer whose organization does not follow the tender: 404 (another organization's
  shortlist, statuses and notes do not exist for them)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.permissions import Role, user_organization, user_role

from .models import Follow


def buyer_required(view):
    """Login required, then 403 for anyone but a member of a prime contractor."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user_role(request.user) != Role.BUYER:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_follow_for_user(user, tender_id: int) -> Follow:
    """The follow of TENDER_ID by USER's organization (else 404; a non-buyer gets 403)."""
    if user_role(user) != Role.BUYER:
        raise PermissionDenied
    follow = (
        Follow.objects.select_related("tender", "tender__region", "tender__buyer", "organization")
        .filter(tender_id=tender_id, organization=user_organization(user))
        .first()
    )
    if follow is None:
        raise Http404
    return follow
