"""Celery tasks of matching: one task per tender, so that a full re-match spreads over workers."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    name="matching.match_tender",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def match_tender(tender_id: int) -> dict | None:
    from tenders.models import Tender

    tender = (
        Tender.objects.select_related("buyer", "region", "departement").filter(pk=tender_id).first()
    )
    if tender is None:  # deleted after enqueue: nothing to do
        return None
    result = services.shortlist_rebuild(tender=tender)
    from notifications.tasks import tender_alerts

    tender_alerts.delay(tender.pk)  # suppliers who opted in hear of a new, matching tender
    # Each following organization's ranking is its own task: one slow follow does not hold
    # the tender's ranking, and a retry redoes only what failed.
    for follow_id in tender.follows.values_list("pk", flat=True):
        match_follow.delay(follow_id)
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
        Follow.objects.select_related("tender", "tender__buyer", "tender__region")
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
    """Fan out: one match_tender task per open tender (nightly, and when a supplier changes).
    The word statistics that weigh the tenders' words are recounted first: the set of live
    suppliers is what changed."""
    from . import engine

    engine.refresh_term_stats()
    ids = services.open_tender_ids()
    for tender_id in ids:
        match_tender.delay(tender_id)
    return len(ids)
