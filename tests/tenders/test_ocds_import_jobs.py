"""Browser imports run by a real Celery worker on real Redis: the job page follows the import,
a duplicate delivery imports nothing more, a crash ends the job failed, the upload is deleted."""

import datetime
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import AuditEvent
from tenders.models import OcdsImportJob, Tender
from tenders.tasks import run_ocds_import_job

from ..conftest import _start_worker, _stop_worker, tasks_sent_to, worker_database_url
from .test_ocds_import import EXAMPLE, package, release

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")


@pytest.fixture
def example(reference_data_dir) -> bytes:
    """The shared example release package, with the full CPV list it needs."""
    from portal.reference import cpv_load

    cpv_load(reference_data_dir / "cpv" / "cpv_2008_fr_en.csv")
    return (reference_data_dir / "ocds" / EXAMPLE).read_bytes()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def import_worker(transactional_db, media):
    """start() starts a real worker on the test database and MEDIA_ROOT, on a queue of its own;
    tasks enqueued before it starts wait in Redis. Returns a function telling whether the
    worker has nothing left to do."""
    from portal.celery import app

    url = worker_database_url()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    workers = []

    def start():
        proc, name = _start_worker({"DATABASE_URL": url, "MEDIA_ROOT": str(media)}, queue)
        workers.append(proc)

        def idle() -> bool:
            with app.connection_for_write() as conn:
                waiting = conn.default_channel.client.llen(queue)
            active = app.control.inspect(destination=[name], timeout=1).active() or {}
            return waiting == 0 and not any(active.values())

        return idle

    try:
        with tasks_sent_to(queue):
            yield start
    finally:
        for proc in workers:
            _stop_worker(proc)


def _upload(client, name: str, content: bytes):
    response = client.post("/tenders/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    return OcdsImportJob.objects.get(file_name=name), response["Location"]


def _page(client, path: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def _finished(job: OcdsImportJob):
    def check():
        job.refresh_from_db()
        return job.status in (OcdsImportJob.Status.DONE, OcdsImportJob.Status.FAILED)

    wait_for(check)
    return job


def _files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_the_job_page_follows_the_import_of_the_shared_example(
    client, moderator, import_worker, example, media
):
    client.force_login(moderator)
    job, location = _upload(client, EXAMPLE, example)
    assert location == f"/tenders/import/{job.pk}/"
    assert len(_files(media)) == 1
    page = _page(client, location)  # no worker yet: the job waits
    assert "Queued" in page and "waiting for a worker" in page
    assert '<meta http-equiv="refresh" content="2">' in page and "You can leave it" in page
    assert f'href="{location}"' in _page(client, "/tenders/import/")

    import_worker()
    job = _finished(job)
    page = _page(client, location)
    # The summary of `manage.py import_ocds` on this file (test_ocds_import), counts on the page.
    assert job.status == OcdsImportJob.Status.DONE, job.error
    assert job.summary() == "created 1, updated 5, unchanged 0, failed 0"
    assert "created 1, updated 5, unchanged 0, failed 0" in page
    assert (job.processed, job.report, job.error) == (6, [], "")
    assert job.started_at and job.finished_at
    assert 'http-equiv="refresh"' not in page
    assert (
        Tender.objects.get(ocid="ocds-213czf-000-00001").title == "Planned cycle lane improvements"
    )
    audit = AuditEvent.objects.get(action="tenders.ocds_imported")
    assert audit.actor == moderator  # the importer acts as the moderator who sent the file
    assert not _files(media) and not job.file


def test_a_bad_release_is_reported_and_the_rest_imported(
    client, moderator, import_worker, cpv, media
):
    client.force_login(moderator)
    import_worker()
    data = package(release(ocid="web-1"), release(ocid="web-2", title=3)).encode()
    job, location = _upload(client, "bad.json", data)
    job = _finished(job)
    assert job.status == OcdsImportJob.Status.DONE
    assert job.summary() == "created 1, updated 0, unchanged 0, failed 1"
    assert job.report == [["web-2", "tender.title: expected a string, got a number"]]
    page = _page(client, location)
    assert "web-2" in page and "tender.title: expected a string" in page
    assert not _files(media)


def test_a_task_delivered_twice_imports_once(client, moderator, import_worker, cpv, media):
    client.force_login(moderator)
    job, _ = _upload(client, "twice.json", package(release(ocid="twice-1")).encode())
    run_ocds_import_job.delay(job.pk)  # a second delivery of the same job
    idle = import_worker()
    job = _finished(job)
    wait_for(idle)
    job.refresh_from_db()
    assert job.summary() == "created 1, updated 0, unchanged 0, failed 0"
    assert AuditEvent.objects.filter(action="tenders.ocds_imported").count() == 1
    assert Tender.objects.filter(ocid="twice-1").count() == 1


def test_a_crash_in_the_worker_ends_the_job_failed(client, moderator, import_worker, media):
    client.force_login(moderator)
    job, location = _upload(client, "lost.json", package(release()).encode())
    job.file.storage.delete(job.file.name)  # the stored upload is gone before the worker runs
    import_worker()
    job = _finished(job)
    assert job.status == OcdsImportJob.Status.FAILED
    assert job.error.startswith("FileNotFoundError:") and job.finished_at
    page = _page(client, location)
    assert "The import stopped on an error: FileNotFoundError" in page
    assert 'http-equiv="refresh"' not in page


def test_an_exception_in_the_importer_ends_the_job_failed_with_its_message(
    client, moderator, media, monkeypatch, django_capture_on_commit_callbacks
):
    from tenders.ocds import jobs

    def explode(fh, **kwargs):
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(jobs, "ocds_import", explode)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):  # tests run tasks eagerly
        job, location = _upload(client, "fire.json", package(release()).encode())
    job.refresh_from_db()
    assert job.status == OcdsImportJob.Status.FAILED
    assert job.error == "RuntimeError: the disk caught fire"
    assert "the disk caught fire" in _page(client, location)
    assert not _files(media)
    run_ocds_import_job(job.pk)  # a late duplicate delivery changes nothing
    job.refresh_from_db()
    assert job.status == OcdsImportJob.Status.FAILED


def test_a_job_whose_worker_was_killed_starts_again_and_finishes(client, moderator, cpv, media):
    """A worker killed mid-import (a deploy, the OOM killer) leaves the job "running": the sweep
    queues it again once it cannot be running any more, and a new worker imports the file."""
    from tenders.ocds import jobs

    total = 2000  # seconds of import: time to kill the worker in the middle
    content = package(*(release(ocid=f"killed-{i}") for i in range(total))).encode()
    client.force_login(moderator)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {"DATABASE_URL": worker_database_url(), "MEDIA_ROOT": str(media)}
    proc, _name = _start_worker(env, queue)  # first: a busy solo worker answers no ping
    try:
        with tasks_sent_to(queue):
            job, location = _upload(client, "killed.json", content)

        def midway():
            job.refresh_from_db()
            return job.status == OcdsImportJob.Status.RUNNING and job.processed >= 50

        wait_for(midway)
        proc.kill()  # SIGKILL: nothing in the worker gets to mark the job
        proc.wait(timeout=20)
    finally:
        _stop_worker(proc)
    job.refresh_from_db()
    assert job.status == OcdsImportJob.Status.RUNNING and job.processed < total
    assert jobs.ocds_import_jobs_sweep() == {"requeued": 0, "failed": 0}  # may still be running
    assert job.heartbeat_at > job.started_at  # it wrote signs of life while it ran
    silent = job.heartbeat_at + jobs.SILENT_AFTER
    assert jobs.ocds_import_jobs_sweep(now=silent - datetime.timedelta(seconds=1)) == {
        "requeued": 0,
        "failed": 0,
    }
    later = silent + datetime.timedelta(seconds=1)  # minutes after it died, not 36
    with tasks_sent_to(queue):
        assert jobs.ocds_import_jobs_sweep(now=later) == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.status, job.attempts, job.processed) == (OcdsImportJob.Status.QUEUED, 1, 0)
    assert "The worker stopped during the import" in _page(client, location)
    proc, _name = _start_worker(env, queue, ping=False)  # it starts with the import
    try:
        job = _finished(job)
    finally:
        _stop_worker(proc)
    assert job.status == OcdsImportJob.Status.DONE, job.error
    assert job.attempts == 2 and job.processed == total
    assert job.created + job.unchanged == total and job.unchanged > 0  # from the start again
    assert Tender.objects.filter(ocid__startswith="killed-").count() == total
    assert not _files(media)


def test_a_job_whose_worker_died_twice_ends_failed_with_what_to_do(client, moderator, media):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from tenders.ocds import jobs

    job = OcdsImportJob(created_by=moderator, file_name="big.json", size=3, storage_key="k")
    job.file.save("upload.json", ContentFile(b"{}"), save=False)
    job.status, job.attempts = OcdsImportJob.Status.RUNNING, jobs.MAX_ATTEMPTS
    job.started_at = timezone.now() - jobs.STALE_AFTER - datetime.timedelta(seconds=1)
    job.save()
    assert len(_files(media)) == 1
    assert jobs.ocds_import_jobs_sweep() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.status == OcdsImportJob.Status.FAILED and job.finished_at
    assert job.error == jobs.INTERRUPTED
    assert not _files(media) and not job.file
    client.force_login(moderator)
    page = _page(client, f"/tenders/import/{job.pk}/")
    assert "upload the file again to import the rest" in page
    french = client.get(f"/tenders/import/{job.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "envoyez de nouveau le fichier" in french
    assert jobs.ocds_import_jobs_sweep() == {"requeued": 0, "failed": 0}


def test_a_run_the_sweep_gave_up_on_writes_nothing_more(moderator, media):
    """A run that outlived STALE_AFTER (a pool without hard time limits, a stalled worker) no
    longer owns its job: its progress, its end and its file deletion do not apply."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from tenders.ocds import jobs
    from tenders.ocds.importer import ImportReport

    job = OcdsImportJob(created_by=moderator, file_name="slow.json", size=2, storage_key="k")
    job.file.save("upload.json", ContentFile(b"{}"), save=False)
    job.status, job.attempts = OcdsImportJob.Status.RUNNING, 1
    job.started_at = timezone.now() - jobs.STALE_AFTER - datetime.timedelta(seconds=1)
    job.save()
    old_run = OcdsImportJob.objects.get(pk=job.pk)  # what the slow run holds
    with tasks_sent_to(f"test-{uuid.uuid4().hex[:8]}"):  # the new run waits in Redis
        assert jobs.ocds_import_jobs_sweep() == {"requeued": 1, "failed": 0}
    report = ImportReport(created=jobs.PROGRESS_EVERY)
    with pytest.raises(jobs.Superseded):  # it stops importing, too
        jobs._record_progress(old_run, report)
    jobs._finish(old_run, status=OcdsImportJob.Status.DONE)
    job.refresh_from_db()
    assert (job.status, job.processed, job.finished_at) == (OcdsImportJob.Status.QUEUED, 0, None)
    assert len(_files(media)) == 1  # the new run's file


def test_a_running_import_shows_signs_of_life_and_the_sweep_leaves_it_alone(moderator):
    """A long import (a 50 MB file takes minutes) writes a heartbeat every HEARTBEAT_EVERY even
    between two progress counts; the sweep takes over only a job silent for SILENT_AFTER."""
    from django.utils import timezone

    from tenders.ocds import jobs
    from tenders.ocds.importer import ImportReport

    now = timezone.now()
    job = OcdsImportJob.objects.create(
        created_by=moderator, file_name="long.json", size=2, storage_key="k",
        status=OcdsImportJob.Status.RUNNING, attempts=1,
        started_at=now - jobs.STALE_AFTER - datetime.timedelta(minutes=1),  # it is alive
        heartbeat_at=now - jobs.HEARTBEAT_EVERY - datetime.timedelta(seconds=1),
    )  # fmt: skip
    run = OcdsImportJob.objects.get(pk=job.pk)
    jobs._record_progress(run, ImportReport(created=7))  # not a multiple of PROGRESS_EVERY
    job.refresh_from_db()
    assert job.processed == 7 and job.heartbeat_at >= now
    jobs._record_progress(run, ImportReport(created=8))  # the heartbeat is recent: no write
    job.refresh_from_db()
    assert job.processed == 7
    assert jobs.ocds_import_jobs_sweep() == {"requeued": 0, "failed": 0}  # however long ago
    later = job.heartbeat_at + jobs.SILENT_AFTER + datetime.timedelta(seconds=1)
    with tasks_sent_to(f"test-{uuid.uuid4().hex[:8]}"):  # the new run waits in Redis
        assert jobs.ocds_import_jobs_sweep(now=later) == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.status, job.heartbeat_at, job.processed) == (OcdsImportJob.Status.QUEUED, None, 0)


def test_only_moderators_see_import_jobs(client, supplier, buyer, ministry_author, moderator):
    job = OcdsImportJob.objects.create(
        created_by=moderator, file_name="x.json", size=2, storage_key="k"
    )
    for user in (supplier, buyer, ministry_author):
        client.force_login(user)
        assert client.get(f"/tenders/import/{job.pk}/").status_code == 403
        upload = SimpleUploadedFile("y.json", b"{}")
        assert client.post("/tenders/import/", {"file": upload}).status_code == 403
    assert OcdsImportJob.objects.count() == 1
    client.logout()
    assert client.get(f"/tenders/import/{job.pk}/").status_code == 302
    client.force_login(moderator)
    assert client.get("/tenders/import/999999/").status_code == 404
