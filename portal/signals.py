"""Audit of privileged logins. allauth and django.contrib.auth both send user_logged_in."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services import audit_record


@receiver(user_logged_in)
def audit_privileged_login(sender, request, user, **kwargs):
    if user.is_moderator or user.is_superuser:
        audit_record(
            actor=user,
            action="auth.login",
            target=user,
            ip_address=request.META.get("REMOTE_ADDR") if request else None,
        )
