"""Browser imports of OCDS files, run by the worker: the view stores the upload and a job, the
task claims the job, imports the file with progress, records the outcome and deletes the file."""

from __future__ import annotations

import datetime
import logging
import secrets

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from portal.models import User

from ..models import OcdsImportJob
from .importer import ImportReport, ocds_import

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 50  # releases between two progress writes...
HEARTBEAT_EVERY = datetime.timedelta(seconds=10)  # ... and at most this long between two
Status = OcdsImportJob.Status
# A 50 MB file takes minutes (~8 ms a release); the default task limits (5 min) are for short
# tasks. The soft limit raises inside the import, which then marks the job failed; the hard one
# kills the run, as a worker restart or the kernel's OOM killer would.
SOFT_TIME_LIMIT = 1800
TIME_LIMIT = 1860
# A job still "running" with no sign of life for this long (30 heartbeats missed), or with none
# at all this long after it started (no run goes past the hard limit), has no worker left: the
# sweep (beat, every minute) starts it again, once; a second death (a file that kills the
# worker?) fails. A live run silent that long (a release waiting 5 minutes on a lock, a paused
# host) is taken over too: it stops at its next heartbeat, and the releases both runs import
# are recognised by their ocid (a rare one may be reported failed by the slower run).
SILENT_AFTER = datetime.timedelta(seconds=300)
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
        status=Status.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
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


class Superseded(Exception):
    """The sweep gave this run's job to another run: this one stops."""


def _mine(job: OcdsImportJob):
    """The job while this run still holds it: a run the sweep gave up on (silent for
    SILENT_AFTER, or past STALE_AFTER: a stalled worker, a pool without hard time limits)
    writes nothing more."""
    return OcdsImportJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts)


def _record_progress(job: OcdsImportJob, report: ImportReport) -> None:
    """The counts and a heartbeat, every PROGRESS_EVERY releases or HEARTBEAT_EVERY, whichever
    comes first. Raises Superseded when the job is no longer this run's: it stops importing
    (the run that took over imports the file from the start)."""
    now = timezone.now()
    recent = job.heartbeat_at is not None and now - job.heartbeat_at < HEARTBEAT_EVERY
    if report.processed % PROGRESS_EVERY and recent:
        return
    # Called between releases, out of any savepoint: a short transaction of its own.
    if not _mine(job).update(heartbeat_at=now, **_counts(report)):
        raise Superseded
    job.heartbeat_at = now


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
    except Superseded:
        logger.warning("OCDS import job %s: another run took it over; this one stops", job.pk)
        return
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
            # Past the hard limit: for a run from before heartbeats (a heartbeating run lives).
            Q(heartbeat_at__lt=now - SILENT_AFTER)
            | Q(heartbeat_at__isnull=True, started_at__lt=now - STALE_AFTER),
            status=Status.RUNNING,
        )
        for job in stale:
            if job.attempts < MAX_ATTEMPTS:
                # From the start: the releases imported already come back "unchanged".
                OcdsImportJob.objects.filter(pk=job.pk).update(
                    status=Status.QUEUED, started_at=None, heartbeat_at=None, processed=0,
                    created=0, updated=0, unchanged=0, failed=0,
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
