"""Celery tasks of the tenders app: thin wrappers that call services."""

from __future__ import annotations

from celery import shared_task

from . import services
from .ocds.jobs import ocds_import_job_run


@shared_task(name="tenders.close_past_deadline", acks_late=True)
def close_past_deadline() -> int:
    """Beat, every 5 minutes. Safe to run twice: tender_close re-checks the status under lock."""
    return services.tenders_close_past_deadline()


# A 50 MB file takes minutes (~8 ms a release); the default limits (5 min) are for short tasks.
# The soft limit raises inside the import, which then marks the job failed.
@shared_task(name="tenders.run_ocds_import_job", acks_late=True, soft_time_limit=1800,
             time_limit=1860)  # fmt: skip
def run_ocds_import_job(job_id: int) -> None:
    """Safe to run twice: the job is claimed (queued → running) before anything is imported."""
    ocds_import_job_run(job_id=job_id)
