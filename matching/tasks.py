"""Celery tasks of matching: one task per tender, so that a full re-match spreads over workers.

A full re-match (nightly, or because a supplier entered, changed or left) sends its tasks at
BULK_PRIORITY: a tender just published, or a buyer's new requirements, go before the hundreds
of tenders a re-match queues (Redis priorities: 0, the default, is served first). Supplier
changes are coalesced: while a fan-out is queued and not started (it waits behind the tenders
of the re-match under way), another change adds nothing to it (it will read the change)."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError, transaction

from . import services

BULK_PRIORITY = 9  # the lowest of kombu's default Redis priority steps (0, 3, 6, 9)
# Set while a fan-out is queued and has not started; expires in case its message is lost.
FAN_OUT_PENDING_KEY = "matching:fan-out-pending"
FAN_OUT_PENDING_SECONDS = 600


@shared_task(
    name="matching.match_tender",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def match_tender(tender_id: int, bulk: bool = False) -> dict | None:
    from tenders.models import Tender

    tender = (
        Tender.objects.select_related("buyer", "region", "departement").filter(pk=tender_id).first()
    )
    if tender is None:  # deleted after enqueue: nothing to do
        return None
    result = services.shortlist_rebuild(tender=tender)
    from notifications.tasks import tender_alerts

    priority = BULK_PRIORITY if bulk else None  # what it sends waits as it did
    # Suppliers who opted in hear of a new, matching tender.
    tender_alerts.apply_async((tender.pk,), priority=priority)
    # Each following organization's ranking is its own task: one slow follow does not hold
    # the tender's ranking, and a retry redoes only what failed.
    for follow_id in tender.follows.values_list("pk", flat=True):
        match_follow.apply_async((follow_id,), priority=priority)
    return result


@shared_task(
    name="matching.match_follow",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def match_follow(follow_id: int) -> dict | None:
    from .models import Follow

    follow = (
        Follow.objects.select_related(
            "tender", "tender__buyer", "tender__region", "tender__departement"
        )
        .filter(pk=follow_id)
        .first()
    )
    if follow is None:  # unfollowed after enqueue
        return None
    result = services.shortlist_rebuild(tender=follow.tender, follow=follow)
    from notifications.tasks import shortlist_notify

    # The buyers hear of a first or materially changed shortlist (the rest goes to a digest).
    changed = any(result[k] for k in ("created", "updated", "deleted"))
    shortlist_notify.delay(follow.pk, changed=changed)
    return result


@shared_task(name="matching.send_supplier_contact", acks_late=True)
def send_supplier_contact(contact_id: int) -> int:
    """Email a recorded SupplierContact to the supplier's members, each in their language,
    through the outbox: one delivery row per recipient is committed, then sent (a retry of this
    task finds the rows and sends nothing twice)."""
    from notifications import services as notifications
    from notifications.tasks import deliver

    from .models import SupplierContact

    contact = (
        SupplierContact.objects.select_related("organization", "tender", "supplier", "sent_by")
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        return 0
    deliveries = notifications.supplier_contact_enqueue(contact=contact)
    for delivery in deliveries:  # committed: this task runs outside any transaction
        deliver.delay(delivery.pk)
    return len(deliveries)


@shared_task(name="matching.match_open_tenders", acks_late=True)
def match_open_tenders() -> int:
    """Fan out: one match_tender task per open tender, at BULK_PRIORITY (nightly, and when a
    supplier changes). The word statistics that weigh the tenders' words are recounted first:
    the set of live suppliers is what changed."""
    from . import engine

    # From here on, a new change needs a fan-out of its own: this one may not see it.
    cache.delete(FAN_OUT_PENDING_KEY)
    engine.refresh_term_stats()
    ids = services.open_tender_ids()
    for tender_id in ids:
        match_tender.apply_async((tender_id,), {"bulk": True}, priority=BULK_PRIORITY)
    return len(ids)


def rematch_open_tenders_on_commit() -> None:
    """A supplier entered, changed or left: once committed, every open tender's shortlist may
    change. The fan-out goes at BULK_PRIORITY, so it waits behind the tenders of a re-match
    still under way; the changes made meanwhile add nothing to it (it will read them): a
    moderator approving fifty profiles while a re-match runs queues one more, not fifty."""

    def request() -> None:
        if cache.add(FAN_OUT_PENDING_KEY, 1, timeout=FAN_OUT_PENDING_SECONDS):
            try:
                match_open_tenders.apply_async(priority=BULK_PRIORITY)
            except BaseException:
                cache.delete(FAN_OUT_PENDING_KEY)  # not sent: the next change must send one
                raise

    transaction.on_commit(request)
