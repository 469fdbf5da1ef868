"""A Redis that accepts connections and never answers (a hung server, a half-open proxy) must
fail a request within seconds instead of holding it until gunicorn kills the worker: the cache
(sessions, rate limits) and a task sent to the broker are bounded by the socket timeouts of the
settings. Real sockets: a listener that never accepts, whose handshakes the
kernel completes."""

import socket
import threading
import time

import pytest
import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from kombu.exceptions import OperationalError

from portal.celery import app


@pytest.fixture
def silent_redis():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()  # resets the queued connections: a call still waiting ends too


def _run_within(seconds: float, call) -> dict:
    """CALL in a thread: {"error": what it raised, "elapsed": s}; fails if it still waits after
    SECONDS (without the timeouts it would wait for ever)."""
    out: dict = {}

    def run():
        start = time.monotonic()
        try:
            call()
        except Exception as error:  # noqa: BLE001 - returned to the test, which checks it
            out["error"] = error
        out["elapsed"] = time.monotonic() - start

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting for Redis after {seconds} s"
    return out


def test_the_cache_gives_up_on_a_redis_that_never_answers(silent_redis):
    cache = RedisCache(silent_redis, settings.CACHES["default"])
    out = _run_within(settings.REDIS_SOCKET_TIMEOUT + 10, lambda: cache.get("a-session-key"))
    assert isinstance(out.get("error"), redis.exceptions.TimeoutError), out
    assert out["elapsed"] < settings.REDIS_SOCKET_TIMEOUT + 2


@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")  # send_task is sent
def test_sending_a_task_gives_up_on_a_broker_that_never_answers(silent_redis):
    limit = app.conf.broker_transport_options["socket_timeout"]
    with app.connection_for_write(silent_redis) as connection:
        # Celery's own retry policy on (the default): a timeout is not retried.
        out = _run_within(
            limit + 10, lambda: app.send_task("matching.match_open_tenders", connection=connection)
        )
    assert isinstance(out.get("error"), (OperationalError, redis.exceptions.TimeoutError)), out
    assert out["elapsed"] < limit + 2
