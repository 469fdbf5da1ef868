"""Who may see which supplier profile and document.

- a supplier's members: their own working and live profiles and documents;
- buyers and ministry authors: live, approved profiles only (private references hidden);
- moderators: everything;
- anyone else: 404 (an outsider does not learn that a profile exists)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from portal.permissions import Role, user_organization, user_role

from . import services
from .models import Document, SupplierProfile

STASH_KEY = "suppliers_unsaved_form"


def supplier_required(view):
    """A supplier member only. When the session expired while the person was typing, keep what
    they posted: after logging in again they find it in the form, ready to save."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.method == "POST":
                data = {
                    key: request.POST.getlist(key)
                    for key in request.POST
                    if key != "csrfmiddlewaretoken"
                }
                request.session[STASH_KEY] = {"path": request.path, "data": data}
                messages.info(
                    request,
                    _("Your session had expired. Log in again: what you typed has been kept."),
                )
            return redirect_to_login(request.path)
        if user_role(request.user) != Role.SUPPLIER:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def pop_stashed_post(request) -> dict | None:
    stash = request.session.get(STASH_KEY)
    if not stash or stash.get("path") != request.path:
        return None
    del request.session[STASH_KEY]
    return stash["data"]


def working_profile_for(user) -> SupplierProfile:
    return services.profile_get_working(organization=user_organization(user))


def can_see_private(user, profile: SupplierProfile) -> bool:
    """Private references and working drafts: the supplier itself and moderators."""
    organization = user_organization(user)
    return user.is_moderator or (
        organization is not None and organization.pk == profile.organization_id
    )


def live_profile_for(user, organization_id: int) -> SupplierProfile:
    role = user_role(user)
    profile = (
        SupplierProfile.objects.select_related("organization", "region")
        .filter(organization_id=organization_id, is_live=True)
        .first()
    )
    if profile is None:
        raise Http404
    if role == Role.MODERATOR or can_see_private(user, profile):
        return profile
    if role in (Role.BUYER, Role.MINISTRY) and profile.status == SupplierProfile.Status.APPROVED:
        return profile
    raise Http404


def document_for(user, pk: int) -> Document:
    document = Document.objects.select_related("profile").filter(pk=pk).first()
    if document is None:
        raise Http404
    profile = document.profile
    if can_see_private(user, profile):
        return document
    visible_to_buyers = profile.is_live and profile.status == SupplierProfile.Status.APPROVED
    if visible_to_buyers and user_role(user) in (Role.BUYER, Role.MINISTRY):
        return document
    raise Http404


def moderator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_moderator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
