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

    tender = Tender.objects.select_related("buyer", "region").filter(pk=tender_id).first()
    if tender is None:  # deleted after enqueue: nothing to do
        return None
    return services.shortlist_rebuild(tender=tender)


@shared_task(name="matching.match_open_tenders", acks_late=True)
def match_open_tenders() -> int:
    """Fan out: one match_tender task per open tender (nightly, and when a supplier changes)."""
    ids = services.open_tender_ids()
    for tender_id in ids:
        match_tender.delay(tender_id)
    return len(ids)
