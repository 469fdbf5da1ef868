"""Celery tasks of the suppliers app: thin wrappers around services and mail templates."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.urls import reverse

from portal.mail import send_templated_email
from portal.models import AuditEvent, User

from .models import SupplierProfile


@shared_task(
    name="suppliers.send_decision_email",
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=6,
)
def send_decision_email(audit_event_id: int) -> int:
    """Tell every member of the supplier organization about a moderation decision, each in
    their own language. Returns the number of messages sent."""
    event = AuditEvent.objects.filter(pk=audit_event_id).first()
    if event is None:
        return 0
    profile = (
        SupplierProfile.objects.select_related("organization").filter(pk=event.target_id).first()
    )
    if profile is None:
        return 0
    recipients = User.objects.filter(
        membership__organization=profile.organization_id, is_active=True
    )
    for user in recipients:
        send_templated_email(
            template="profile_decision",
            to=[user.email],
            language=user.language or "fr",
            context={
                "event": event,
                "decision": event.action.rsplit(".", 1)[1],
                "profile": profile,
                "profile_path": reverse("suppliers:profile"),
            },
        )
    return len(recipients)
