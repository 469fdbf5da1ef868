"""Celery tasks of the core app: thin wrappers that call services."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.urls import reverse

from . import services
from .mail import send_templated_email
from .models import Invitation


@shared_task(
    name="portal.send_invitation_email",
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=6,
)
def send_invitation_email(invitation_id: int, token: str) -> None:
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_usable:  # revoked or used meanwhile
        return
    inviter = invitation.invited_by
    send_templated_email(
        template="invitation",
        to=[invitation.email],
        language=getattr(inviter, "language", "fr") or "fr",
        context={
            "invitation": invitation,
            "inviter": inviter,
            "accept_path": reverse("portal:invitation_accept", args=[token]),
        },
    )


@shared_task(name="portal.purge_expired_invitations", acks_late=True)
def purge_expired_invitations() -> int:
    return services.invitations_purge_expired()
