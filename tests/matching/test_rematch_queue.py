"""Full re-matches on the real broker: supplier changes coalesce into one queued fan-out, and its
tasks wait behind a tender just published (Redis priorities, a real worker)."""

import time
import uuid

import pytest
from django.db import connection

from matching.models import Match
from matching.tasks import BULK_PRIORITY, match_open_tenders, match_tender
from portal.celery import app

from ..conftest import _start_worker, _stop_worker, tasks_sent_to, worker_database_url

SEP = "\x06\x16"  # kombu's separator between a queue's name and its priority step


def _waiting(queue: str) -> dict[int, list[str]]:
    """The matching tasks waiting in QUEUE, by priority step (no worker consumes it); the queue
    is emptied."""
    import json

    out = {}
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        for step in (0, 3, 6, 9):
            key = queue if step == 0 else f"{queue}{SEP}{step}"
            messages = [json.loads(m) for m in client.lrange(key, 0, -1)]
            names = [m["headers"]["task"] for m in messages]
            names = [n for n in names if n.startswith("matching.")]  # not the e-mails
            if names:
                out[step] = names
            client.delete(key)
    return out


def test_supplier_changes_queue_one_fan_out_until_it_starts(
    make_supplier, make_tender, django_capture_on_commit_callbacks
):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with tasks_sent_to(queue):
        with django_capture_on_commit_callbacks(execute=True):
            make_supplier(cpv_codes=["35613000"])
        with django_capture_on_commit_callbacks(execute=True):
            make_supplier(cpv_codes=["35613000"])  # a second approval while it waits
        assert _waiting(queue) == {BULK_PRIORITY: ["matching.match_open_tenders"]}
        # The worker starts the fan-out: its tender tasks go at the lowest priority...
        tenders = [make_tender(), make_tender()]
        assert match_open_tenders() == len(tenders)
        assert _waiting(queue) == {BULK_PRIORITY: ["matching.match_tender"] * len(tenders)}
        # ... and a change from then on needs (and queues) a fan-out of its own.
        with django_capture_on_commit_callbacks(execute=True):
            make_supplier(cpv_codes=["35613000"])
        assert _waiting(queue) == {BULK_PRIORITY: ["matching.match_open_tenders"]}


def test_a_rolled_back_supplier_change_queues_nothing(
    make_supplier, django_capture_on_commit_callbacks
):
    from django.db import transaction

    queue = f"test-{uuid.uuid4().hex[:8]}"
    with tasks_sent_to(queue), django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                make_supplier(cpv_codes=["35613000"])
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert _waiting(queue) == {}
    # Nothing is left pending either: the next change queues its fan-out.
    with tasks_sent_to(queue), django_capture_on_commit_callbacks(execute=True):
        make_supplier(cpv_codes=["35613000"])
    assert _waiting(queue) == {BULK_PRIORITY: ["matching.match_open_tenders"]}


@pytest.mark.django_db(transaction=True)
def test_a_tender_just_published_is_matched_before_a_queued_re_match(make_supplier, make_tender):
    for code in ["35613000", "35600000", "35000000"]:
        make_supplier(cpv_codes=[code])
    queued = [make_tender() for _ in range(3)]
    Match.objects.all().delete()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with tasks_sent_to(queue):
        match_open_tenders()  # the re-match is queued first...
        published = make_tender()
        match_tender.delay(published.pk)  # ... then a tender is published
    connection.close()  # the worker's rebuilds must not wait on this session
    proc, _name = _start_worker({"DATABASE_URL": worker_database_url()}, queue)
    try:
        deadline = time.monotonic() + 60
        tenders = [*queued, published]
        while time.monotonic() < deadline:
            done = set(Match.objects.values_list("tender_id", flat=True).distinct())
            if done >= {t.pk for t in tenders}:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the worker did not rebuild the four shortlists within 60 s")
    finally:
        _stop_worker(proc)
    first = {
        t.pk: min(Match.objects.filter(tender=t).values_list("computed_at", flat=True))
        for t in tenders
    }
    assert first[published.pk] < min(first[t.pk] for t in queued)


def test_a_fan_out_that_could_not_be_sent_leaves_nothing_pending(
    make_supplier, django_capture_on_commit_callbacks, monkeypatch
):
    """Were the flag left set, every change for the next ten minutes would be dropped."""
    from django.core.cache import cache
    from kombu.exceptions import OperationalError

    from matching import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis: Connection refused.")

    monkeypatch.setattr(tasks.match_open_tenders, "apply_async", broker_down)
    with pytest.raises(OperationalError), django_capture_on_commit_callbacks(execute=True):
        make_supplier(cpv_codes=["35613000"])
    assert cache.get(tasks.FAN_OUT_PENDING_KEY) is None
    monkeypatch.undo()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with tasks_sent_to(queue), django_capture_on_commit_callbacks(execute=True):
        make_supplier(cpv_codes=["35613000"])
    assert _waiting(queue) == {BULK_PRIORITY: ["matching.match_open_tenders"]}
