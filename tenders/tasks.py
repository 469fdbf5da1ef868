"""Celery tasks of the tenders app: thin wrappers that call services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="tenders.close_past_deadline", acks_late=True)
def close_past_deadline() -> int:
    """Beat, every 5 minutes. Safe to run twice: tender_close re-checks the status under lock."""
    return services.tenders_close_past_deadline()
