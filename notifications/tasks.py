"""Celery tasks of notifications: thin wrappers around services. `deliver` is safe to run any
number of times for one delivery (the claim is a conditional UPDATE); the beat jobs are safe
to run twice (unique delivery rows)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    bind=True,
    name="notifications.deliver",
    acks_late=True,
    max_retries=None,  # the outbox row counts the attempts (NOTIFICATIONS_MAX_ATTEMPTS)
    autoretry_for=(OperationalError,),
    retry_backoff=True,
)
def deliver(self, delivery_id: int) -> str:
    outcome = services.delivery_send(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        # The row says pending until next_attempt_at: an early duplicate cannot claim it.
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="notifications.sweep", acks_late=True)
def sweep() -> dict:
    """Beat, every minute: recover deliveries left behind by a lost or restarted worker."""
    return services.deliveries_sweep()


@shared_task(name="notifications.shortlist_notify", acks_late=True)
def shortlist_notify(follow_id: int, changed: bool = True) -> int:
    return services.shortlist_notify(follow_id=follow_id, changed=changed)


@shared_task(name="notifications.shortlist_digest", acks_late=True)
def shortlist_digest() -> int:
    """Beat, daily: the buyers' digest of minor shortlist changes."""
    return services.shortlist_digest_send()


@shared_task(name="notifications.tender_alerts_weekly", acks_late=True)
def tender_alerts_weekly() -> int:
    """Beat, weekly: the suppliers' digest of newly published matching tenders."""
    return services.tender_alerts_weekly_send()


@shared_task(name="notifications.tender_alerts", acks_late=True)
def tender_alerts(tender_id: int) -> int:
    """After a tender's matching: instant alerts to the suppliers that opted in."""
    from tenders.models import Tender

    tender = Tender.objects.select_related("buyer").filter(pk=tender_id).first()
    if tender is None:
        return 0
    return services.tender_alerts_send(tender=tender)
