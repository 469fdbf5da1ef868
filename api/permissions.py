"""Role checks of the API: the roles of portal.permissions (a token acts as its user)."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from portal.permissions import Role, user_role


def role_in(*roles: str) -> type[BasePermission]:
    """A permission class letting in authenticated users whose role is among ROLES: 401 for
    anonymous callers, 403 for the others."""

    class HasRole(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and user_role(user) in roles)

    HasRole.__name__ = "RoleIn_" + "_".join(roles)
    return HasRole


IsSupplier = role_in(Role.SUPPLIER)
IsBuyer = role_in(Role.BUYER)
IsModerator = role_in(Role.MODERATOR)
IsAuthor = role_in(Role.MINISTRY, Role.MODERATOR)
IsBuyerOrModerator = role_in(Role.BUYER, Role.MODERATOR)
# An approved supplier's public profile: the portal page lets ministry authors read it too
# (their tender page links to the best-matching suppliers), but not browse the directory.
CanReadSupplier = role_in(Role.BUYER, Role.MODERATOR, Role.MINISTRY)
