from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import InvitationAcceptForm, InvitationForm, OrganizationInviteForm
from .models import Membership, Organization
from .permissions import Role, role_required, user_organization, user_role
from .security import reauthentication_required, require_reauthentication

DASHBOARD_TENDERS = 10  # a ministry entity's tenders on its dashboard; the search has them all


def home(request):
    return render(request, "portal/home.html")


@login_required
def dashboard(request):
    from suppliers import selectors as supplier_selectors

    role = user_role(request.user)
    context = {"role": role}
    if role == Role.SUPPLIER:
        from matching.selectors import tenders_for_supplier

        organization = user_organization(request.user)
        context.update(supplier_selectors.dashboard_context(organization))
        context["matches"] = tenders_for_supplier(organization)
    elif role == Role.BUYER:
        from matching.selectors import followed_tenders

        context["followed_tenders"] = followed_tenders(
            organization=user_organization(request.user), user=request.user
        )
    elif role == Role.MINISTRY:
        from tenders.selectors import tenders_of_buyer

        tenders = tenders_of_buyer(organization=user_organization(request.user))
        shown = list(tenders[:DASHBOARD_TENDERS])
        context["entity_tenders"] = shown
        # Counted only when the list is cut: the link to the search then says how many there are.
        context["entity_tender_count"] = (
            tenders.count() if len(shown) == DASHBOARD_TENDERS else len(shown)
        )
    elif role == Role.MODERATOR:
        context["to_review"] = supplier_selectors.moderation_queue().count()
    return render(request, "portal/dashboard.html", context)


def _admin_organization(user) -> Organization:
    """The organization the user administers, or 403."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.role != Membership.Role.ADMIN:
        raise PermissionDenied
    return membership.organization


@login_required
def organization_members(request):
    organization = user_organization(request.user)
    if organization is None:
        raise PermissionDenied
    is_admin = request.user.membership.role == Membership.Role.ADMIN
    form = InvitationForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.invitation_create(
                    organization=organization, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
                return redirect("portal:organization_members")
    context = {
        "organization": organization,
        "is_admin": is_admin,
        "form": form,
        "members": organization.memberships.select_related("user").order_by("user__email"),
        "invitations": organization.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True
        ),
    }
    return render(request, "portal/organization_members.html", context)


@require_POST
@login_required
def member_remove(request, pk):
    organization = _admin_organization(request.user)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organization=organization
    )
    require_reauthentication(request)
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(email)s was removed.") % {"email": membership.user.email})
    return redirect("portal:organization_members")


@require_POST
@login_required
def member_set_role(request, pk):
    organization = _admin_organization(request.user)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organization=organization
    )
    require_reauthentication(request)
    try:
        services.membership_set_role(
            membership=membership, role=request.POST.get("role", ""), by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Role updated."))
    return redirect("portal:organization_members")


@require_POST
@login_required
def invitation_revoke(request, pk):
    organization = _admin_organization(request.user)
    invitation = get_object_or_404(organization.invitations, pk=pk)
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("portal:organization_members")


def invitation_accept(request, token):
    if request.user.is_authenticated:
        messages.info(request, _("You are already logged in. Log out to accept an invitation."))
        return redirect("portal:dashboard")
    try:
        invitation = services.invitation_get_usable(token=token)
    except services.InvitationError as exc:
        return render(request, "portal/invitation_invalid.html", {"reason": str(exc)}, status=410)
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except services.InvitationError as exc:
            return render(
                request, "portal/invitation_invalid.html", {"reason": str(exc)}, status=410
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome to Passerelle, %(org)s.") % {"org": invitation.organization.name}
        )
        return redirect("portal:dashboard")
    return render(
        request, "portal/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@role_required(Role.MODERATOR)
@reauthentication_required(allow_get=True)
def organization_list(request):
    form = OrganizationInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                organization = services.organization_create(
                    kind=data["kind"], name=data["name"], siren=data["siren"], by=request.user
                )
                services.invitation_create(
                    organization=organization,
                    email=data["admin_email"],
                    role=Membership.Role.ADMIN,
                    by=request.user,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s created; invitation sent to %(email)s.")
                % {"name": organization.name, "email": data["admin_email"]},
            )
            return redirect("portal:organization_list")
    organizations = Organization.objects.order_by("kind", "name")
    return render(
        request, "portal/organization_list.html", {"form": form, "organizations": organizations}
    )
