"""Writes on users, organizations, invitations and the audit log."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .models import AuditEvent, Invitation, Membership, Organization, User


class InvitationError(Exception):
    """The invitation link cannot be used (unknown, expired, used or revoked)."""


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: Model | None = None,
    reason: str = "",
    data: dict | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor and actor.pk else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        reason=reason,
        data=data or {},
        ip_address=ip_address,
    )


@transaction.atomic
def supplier_register(*, user: User, company_name: str, siren: str) -> Organization:
    """Self-service sign-up: the new user becomes the admin of a new supplier organization."""
    organization = Organization(kind=Organization.Kind.SUPPLIER, name=company_name, siren=siren)
    organization.full_clean()
    organization.save()
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.ADMIN)
    audit_record(actor=user, action="organization.registered", target=organization)
    return organization


@transaction.atomic
def organization_create(*, kind: str, name: str, siren: str = "", by: User) -> Organization:
    """Moderators create prime-contractor and ministry organizations (they are invited in)."""
    if not by.is_moderator:
        raise PermissionDenied(_("Only moderators can create organizations."))
    organization = Organization(kind=kind, name=name, siren=siren)
    organization.full_clean()
    organization.save()
    audit_record(actor=by, action="organization.created", target=organization)
    return organization


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _derive_token(salt: str, secret: str | None = None) -> str:
    # The link's secret is computed, not kept: the database holds the random salt and the
    # hash, and a database dump (outbox included) gives no usable link without SECRET_KEY.
    # The email can still be built whenever the outbox sends it (first attempt, retry,
    # sweeper, a moderator's retry), which a token held only in memory would not allow.
    digest = salted_hmac("portal.invitation", salt, secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _can_invite(user: User, organization: Organization) -> bool:
    if user.is_moderator:
        return True
    membership = getattr(user, "membership", None)
    return bool(
        membership
        and membership.organization_id == organization.pk
        and membership.role == Membership.Role.ADMIN
    )


@transaction.atomic
def invitation_create(
    *, organization: Organization, email: str, role: str, by: User
) -> tuple[Invitation, str]:
    """Create an invitation and record its email in the outbox (sent after commit). Returns it
    with the clear token (which is stored neither in the invitation nor in the outbox)."""
    if not _can_invite(by, organization):
        raise PermissionDenied(_("Only the organization's administrators can invite colleagues."))
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email, membership__isnull=False).exists():
        raise ValidationError({"email": _("This person already belongs to an organization.")})
    salt = secrets.token_urlsafe(16)
    token = _derive_token(salt)
    invitation = Invitation(
        email=email,
        organization=organization,
        role=role,
        token_hash=_hash_token(token),
        token_salt=salt,
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALIDITY_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=by,
        action="invitation.created",
        target=organization,
        data={"email": email, "role": role},
    )
    from notifications import services as notifications

    notifications.invitation_enqueue(invitation=invitation)
    return invitation, token


def invitation_accept_path(*, invitation_id: int) -> str | None:
    """The accept link of a usable invitation, rebuilt for its email; None when it must not be
    sent any more (withdrawn, used, expired, deleted) or cannot be rebuilt (made before tokens
    were derived, or SECRET_KEY changed and the old one is not in SECRET_KEY_FALLBACKS)."""
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_usable or not invitation.token_salt:
        return None
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        token = _derive_token(invitation.token_salt, secret)
        if secrets.compare_digest(_hash_token(token), invitation.token_hash):
            return reverse("portal:invitation_accept", args=[token])
    return None


def invitation_get_usable(*, token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(token_hash=_hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used. Log in instead."))
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation was withdrawn."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("This invitation has expired. Ask your organization's administrator for a new one.")
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Create the invited user (email verified: they clicked the emailed link) and their
    membership. The invitation row is locked so that a double submit cannot use it twice."""
    invitation = invitation_get_usable(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise InvitationError(_("This invitation has already been used. Log in instead."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError(_("An account already exists for this email address. Log in."))
    user = User.objects.create_user(
        email=invitation.email, password=password, first_name=first_name, last_name=last_name
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    Membership.objects.create(user=user, organization=invitation.organization, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        actor=user,
        action="invitation.accepted",
        target=invitation.organization,
        data={"role": invitation.role},
    )
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    if not _can_invite(by, invitation.organization):
        raise PermissionDenied(
            _("Only the organization's administrators can withdraw invitations.")
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=by,
        action="invitation.revoked",
        target=invitation.organization,
        data={"email": invitation.email},
    )


def invitations_purge_expired(*, older_than_days: int = 30) -> int:
    """Delete invitations that expired long ago (never accepted): nothing refers to them."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _details = Invitation.objects.filter(
        accepted_at__isnull=True, expires_at__lt=cutoff
    ).delete()
    return deleted


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """An admin removes a colleague: the account is deactivated and leaves the organization."""
    if not _can_invite(by, membership.organization):
        raise PermissionDenied(_("Only the organization's administrators can remove members."))
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot remove yourself; ask another administrator."))
    organization, user = membership.organization, membership.user
    membership.delete()
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(
        actor=by, action="membership.removed", target=organization, data={"email": user.email}
    )


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, by: User) -> Membership:
    if not _can_invite(by, membership.organization):
        raise PermissionDenied(_("Only the organization's administrators can change roles."))
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if membership.user_id == by.pk and role != Membership.Role.ADMIN:
        others = membership.organization.memberships.filter(role=Membership.Role.ADMIN).exclude(
            pk=membership.pk
        )
        if not others.exists():
            raise ValidationError(_("An organization needs at least one administrator."))
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=by,
        action="membership.role_changed",
        target=membership.organization,
        data={"email": membership.user.email, "from": old, "to": role},
    )
    return membership
