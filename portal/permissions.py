"""Who is who: roles derived from memberships, and access helpers for views."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Organization


class Role:
    ANONYMOUS = "anonymous"
    SUPPLIER = "supplier"
    BUYER = "buyer"
    MINISTRY = "ministry"
    MODERATOR = "moderator"
    NONE = "none"  # logged in, but neither staff nor member of an organization


_ROLE_BY_KIND = {
    Organization.Kind.SUPPLIER: Role.SUPPLIER,
    Organization.Kind.PRIME: Role.BUYER,
    Organization.Kind.MINISTRY: Role.MINISTRY,
}


def user_role(user) -> str:
    if not user.is_authenticated:
        return Role.ANONYMOUS
    if user.is_moderator:
        return Role.MODERATOR
    membership = getattr(user, "membership", None)
    if membership is None:
        return Role.NONE
    return _ROLE_BY_KIND[membership.organization.kind]


def user_organization(user) -> Organization | None:
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    return membership.organization if membership else None


def role_required(*roles: str):
    """Login required, then 403 for a user whose role is not among ROLES."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user_role(request.user) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
