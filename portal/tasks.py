"""Celery tasks of the core app: thin wrappers that call services. (Invitation emails go
through the notifications outbox.)"""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="portal.purge_expired_invitations", acks_late=True)
def purge_expired_invitations() -> int:
    return services.invitations_purge_expired()
