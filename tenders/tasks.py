"""Celery tasks of the tenders app: thin wrappers that call services."""

from __future__ import annotations

from celery import shared_task

from . import services
from .ocds import jobs


@shared_task(name="tenders.close_past_deadline", acks_late=True)
def close_past_deadline() -> int:
    """Beat, every 5 minutes. Safe to run twice: tender_close re-checks the status under lock."""
    return services.tenders_close_past_deadline()


@shared_task(
    name="tenders.run_ocds_import_job",
    acks_late=True,
    soft_time_limit=jobs.SOFT_TIME_LIMIT,
    time_limit=jobs.TIME_LIMIT,
)
def run_ocds_import_job(job_id: int) -> None:
    """Safe to run twice: the job is claimed (queued → running) before anything is imported."""
    jobs.ocds_import_job_run(job_id=job_id)


@shared_task(name="tenders.sweep_ocds_import_jobs", acks_late=True)
def sweep_ocds_import_jobs() -> dict:
    """Beat, every minute: the jobs a dead worker left running start again (see the sweep)."""
    return jobs.ocds_import_jobs_sweep()
