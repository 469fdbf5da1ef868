"""Browser imports of OCDS files, run by the worker: the view stores the upload and a job, the
task claims the job, imports the file with progress, records the outcome and deletes the file."""

from __future__ import annotations

import datetime
import logging
import secrets

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from portal.models import User

from ..models import OcdsImportJob
from .importer import ImportReport, ocds_import

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 50  # releases between two progress writes
Status = OcdsImportJob.Status
# A 50 MB file takes minutes (~8 ms a release); the default task limits (5 min) are for short
# tasks. The soft limit raises inside the import, which then marks the job failed; the hard one
# kills the run, as a worker restart or the kernel's OOM killer would.
SOFT_TIME_LIMIT = 1800
TIME_LIMIT = 1860
# A job still "running" this long after it started has no worker left (none runs past the hard
# limit): the sweep starts it again, once; a second death (a file that kills the worker?) fails.
STALE_AFTER = datetime.timedelta(seconds=TIME_LIMIT + 300)
MAX_ATTEMPTS = 2
INTERRUPTED = gettext_noop(  # stored as is, shown translated (OcdsImportJob.error_message)
    "Interrupted twice: the worker stopped during the import (a restart, or out of memory). "
    "The tenders imported before it stopped are kept; upload the file again to import the "
    "rest (the ones already imported are recognised and left unchanged)."
)


@transaction.atomic
def ocds_import_job_create(*, upload: UploadedFile, by: User) -> OcdsImportJob:
    from ..tasks import run_ocds_import_job

    job = OcdsImportJob(
        created_by=by,
        file_name=(upload.name or "")[-255:],
        size=upload.size,
        storage_key=secrets.token_urlsafe(32),
    )
    job.file.save("upload.json", upload, save=False)
    job.save()
    run_ocds_import_job.delay_on_commit(job.pk)  # the worker must see the committed job
    return job


def _claim(job_id: int) -> OcdsImportJob | None:
    # A conditional UPDATE, committed at once: a second delivery of the task finds no queued
    # job and does nothing, even while the first is still importing.
    now = timezone.now()
    claimed = OcdsImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=now, attempts=F("attempts") + 1
    )
    return OcdsImportJob.objects.filter(pk=job_id).first() if claimed else None


def _counts(report: ImportReport) -> dict:
    return {
        "processed": report.processed,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "failed": report.failed,
    }


def _mine(job: OcdsImportJob):
    """The job while this run still holds it: a run the sweep gave up on (it outlived
    STALE_AFTER: a pool without hard time limits, a stalled worker) writes nothing more."""
    return OcdsImportJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts)


def _record_progress(job: OcdsImportJob, report: ImportReport) -> None:
    if report.processed % PROGRESS_EVERY == 0:
        # Called between releases, out of any savepoint: a short transaction of its own.
        _mine(job).update(**_counts(report))


def _finish(job: OcdsImportJob, **fields) -> None:
    stored = job.file.name
    ended = _mine(job).update(file="", finished_at=timezone.now(), **fields)
    if stored and ended:  # else the file belongs to the run that took over
        job.file.storage.delete(stored)


def ocds_import_job_run(*, job_id: int) -> None:
    """Run the queued job JOB_ID; safe to call twice (the second call does nothing)."""
    job = _claim(job_id)
    if job is None:
        return
    try:
        with job.file.open("rb") as fh:
            report = ocds_import(
                fh, by=job.created_by, on_release=lambda r: _record_progress(job, r)
            )
    except Exception as exc:  # whatever happens, the job must not stay "running"
        logger.exception("OCDS import job %s failed", job.pk)
        _finish(job, status=Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        return
    lines = [list(line) for line in report.failures[: OcdsImportJob.REPORT_MAX_LINES]]
    _finish(job, status=Status.DONE, report=lines, **_counts(report))


def ocds_import_jobs_sweep(*, now=None) -> dict[str, int]:
    """Jobs left "running" by a worker that died (killed by a deploy, the hard time limit or
    the OOM killer: nothing marked them): queued again and sent to a worker, once; after a
    second death, failed with what to do. Runs from beat; returns what it did."""
    from ..tasks import run_ocds_import_job

    now = now or timezone.now()
    done = {"requeued": 0, "failed": 0}
    with transaction.atomic():
        stale = OcdsImportJob.objects.select_for_update(skip_locked=True).filter(
            status=Status.RUNNING, started_at__lt=now - STALE_AFTER
        )
        for job in stale:
            if job.attempts < MAX_ATTEMPTS:
                # From the start: the releases imported already come back "unchanged".
                OcdsImportJob.objects.filter(pk=job.pk).update(
                    status=Status.QUEUED, started_at=None, processed=0, created=0, updated=0,
                    unchanged=0, failed=0,
                )  # fmt: skip
                run_ocds_import_job.delay_on_commit(job.pk)
                done["requeued"] += 1
            else:
                OcdsImportJob.objects.filter(pk=job.pk).update(
                    status=Status.FAILED, error=INTERRUPTED, file="", finished_at=now
                )
                if job.file.name:  # the upload goes once the job's end is committed
                    transaction.on_commit(lambda job=job: job.file.storage.delete(job.file.name))
                done["failed"] += 1
    if any(done.values()):
        logger.warning("OCDS import jobs left running by a dead worker: %s", done)
    return done
