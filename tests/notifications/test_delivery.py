"""Delivery guarantees of the outbox, with real Celery workers on real Redis and a real SMTP
server: after commit only, never twice (task run twice, worker killed mid-way), retries with
backoff to a visible failure, a bounce that does not block other recipients."""

import time

import pytest
from django.db import IntegrityError, transaction

from notifications import services, tasks
from notifications.models import EmailDelivery
from portal.models import User

from ..factories import UserFactory
from .conftest import SmtpServer, wait_for

Status = EmailDelivery.Status


def _enqueue(user: User, key: str = "k1", **kwargs) -> EmailDelivery:
    delivery, created = services.email_enqueue(
        purpose="test.hello",
        recipient=user,
        template="invitation",
        context=_invitation_context(user),
        key=key,
        **kwargs,
    )
    assert created
    return delivery


def _invitation_context(user):
    # Any template of templates/emails/ will do: the outbox sends what it rendered.
    return {"invitation": {"organization": {"name": "Outbox Co"}}, "accept_path": "/x/"}


def _status(delivery) -> str:
    return EmailDelivery.objects.get(pk=delivery.pk).status


def _wait_status(delivery, status: str, timeout: float = 30.0) -> EmailDelivery:
    try:
        wait_for(lambda: _status(delivery) == status, timeout=timeout)
    except AssertionError:
        row = EmailDelivery.objects.values().get(pk=delivery.pk)
        raise AssertionError(f"expected {status}, got {row}") from None
    return EmailDelivery.objects.get(pk=delivery.pk)


def test_it_enqueues_only_after_the_transaction_commits(outbox_workers, smtp_server):
    outbox_workers()
    rolled_back, kept = UserFactory(), UserFactory()

    class Abort(Exception):
        pass

    try:
        with transaction.atomic():
            _enqueue(rolled_back)
            raise Abort
    except Abort:
        pass
    with transaction.atomic():
        delivery = _enqueue(kept)
        time.sleep(1.5)  # a worker would have sent it by now if it were dispatched too early
        assert smtp_server.messages == []
    _wait_status(delivery, Status.SENT)
    time.sleep(1)
    assert [m["To"] for m in smtp_server.messages] == [kept.email]
    assert not EmailDelivery.objects.filter(recipient=rolled_back).exists()


def test_a_task_run_twice_sends_one_email(outbox_workers, smtp_server):
    outbox_workers()
    user = UserFactory()
    delivery = _enqueue(user)
    tasks.deliver.delay(delivery.pk)
    tasks.deliver.delay(delivery.pk)
    # Asking again for the same email finds the row instead of writing a second one.
    again, created = services.email_enqueue(
        purpose="test.hello", recipient=user, template="invitation", context={}, key="k1"
    )
    assert (again.pk, created) == (delivery.pk, False)
    _wait_status(delivery, Status.SENT)
    time.sleep(2)  # the duplicate tasks have run
    assert len(smtp_server.messages) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.sent_at is not None
    assert smtp_server.messages[0]["Message-ID"] == delivery.message_id


def test_a_worker_killed_while_transmitting_never_sends_twice(outbox_workers, smtp_server):
    """The server holds the conversation after receiving the message; the worker is killed
    before it hears 250. The message may have been delivered: a restarted worker does not send
    it again; the row ends `uncertain`, visible to moderators."""
    smtp_server.handler.hold_next = "DATA"
    first = outbox_workers()
    delivery = _enqueue(UserFactory())
    wait_for(smtp_server.handler.holding.is_set)
    first.kill()
    first.wait(10)
    smtp_server.handler.release.set()
    row = EmailDelivery.objects.get(pk=delivery.pk)
    assert row.status == Status.SENDING and row.data_started_at is not None
    outbox_workers()  # the restarted worker
    time.sleep(3)  # the lease (3 s here) expires
    tasks.sweep.delay()
    _wait_status(delivery, Status.UNCERTAIN)
    tasks.deliver.delay(delivery.pk)  # a late redelivery of the original task
    tasks.sweep.delay()
    time.sleep(2)
    assert len(smtp_server.messages) == 1
    assert _status(delivery) == Status.UNCERTAIN


def test_a_worker_killed_before_transmitting_sends_once_after_restart(outbox_workers, smtp_server):
    """Killed during RCPT: the server never got the message, so the restarted worker (through
    the sweeper) sends it: exactly one email in total."""
    smtp_server.handler.hold_next = "RCPT"
    first = outbox_workers()
    delivery = _enqueue(UserFactory())
    wait_for(smtp_server.handler.holding.is_set)
    first.kill()
    first.wait(10)
    smtp_server.handler.release.set()
    assert _status(delivery) == Status.SENDING
    outbox_workers()
    time.sleep(3)
    tasks.sweep.delay()
    _wait_status(delivery, Status.SENT)
    tasks.deliver.delay(delivery.pk)
    time.sleep(1.5)
    assert len(smtp_server.messages) == 1
    assert EmailDelivery.objects.get(pk=delivery.pk).attempts == 2


def test_smtp_down_is_retried_with_backoff_and_ends_failed(outbox_workers, smtp_server):
    smtp_server.stop()
    outbox_workers(NOTIFICATIONS_MAX_ATTEMPTS=3)
    started = time.monotonic()
    delivery = _enqueue(UserFactory())
    _wait_status(delivery, Status.FAILED, timeout=40)
    elapsed = time.monotonic() - started
    delivery.refresh_from_db()
    assert delivery.attempts == 3
    assert "Connection refused" in delivery.last_error or "ConnectionRefused" in (
        delivery.last_error
    )
    assert elapsed >= 1 + 2  # backoff: 1 s, then 2 s
    assert delivery.sent_at is None


def test_a_restarted_smtp_server_gets_the_retried_email(outbox_workers, smtp_server):
    smtp_server.stop()
    outbox_workers(NOTIFICATIONS_MAX_ATTEMPTS=6)
    delivery = _enqueue(UserFactory())
    wait_for(lambda: EmailDelivery.objects.get(pk=delivery.pk).attempts >= 1)
    wait_for(lambda: EmailDelivery.objects.get(pk=delivery.pk).last_error)
    assert _status(delivery) in (Status.PENDING, Status.SENDING)
    server = SmtpServer(port=smtp_server.port).start()
    try:
        _wait_status(delivery, Status.SENT, timeout=40)
        assert len(server.messages) == 1
        assert EmailDelivery.objects.get(pk=delivery.pk).attempts >= 2
    finally:
        server.stop()


def test_a_bounced_address_does_not_block_other_recipients(outbox_workers, smtp_server):
    outbox_workers()
    bouncing, fine = UserFactory(email="nobody@example.org"), UserFactory()
    smtp_server.handler.refused.add(bouncing.email)
    bounced, sent = _enqueue(bouncing), _enqueue(fine)
    wait_for(lambda: _status(bounced) == Status.BOUNCED and _status(sent) == Status.SENT)
    assert [m["To"] for m in smtp_server.messages] == [fine.email]
    bounced.refresh_from_db()
    assert bounced.attempts == 1  # a 5xx refusal is not retried
    assert "550" in bounced.last_error


def test_the_sweeper_sends_pending_rows_a_worker_left_behind(outbox_workers, smtp_server):
    """Rows recorded while no worker ran (their task lost): the beat sweeper sends them."""
    delivery = _enqueue(UserFactory(), dispatch=False)
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        created_at=delivery.created_at.replace(year=delivery.created_at.year - 1)
    )
    outbox_workers()
    tasks.sweep.delay()
    _wait_status(delivery, Status.SENT)
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_an_email_to_an_address_without_an_account_is_recorded_once():
    """No recipient user (an invitation): the address takes its place in the uniqueness, in the
    database too (NULLs are distinct in a unique index)."""
    ask = {
        "purpose": "test.hello",
        "recipient": None,
        "to_address": "someone@example.org",
        "language": "en",
        "template": "invitation",
        "context": _invitation_context(None),
        "key": "k1",
        "dispatch": False,
    }
    first, created = services.email_enqueue(**ask)
    assert created and first.recipient is None and first.language == "en"
    assert services.email_enqueue(**ask) == (first, False)
    _other, created = services.email_enqueue(**{**ask, "to_address": "other@example.org"})
    assert created
    row = EmailDelivery.objects.values().get(pk=first.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailDelivery.objects.create(**{**row, "id": None})
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailDelivery.objects.create(**{**row, "id": None, "object_id": "k2", "to_address": ""})
