"""/healthz: the state of the database, Redis and the Celery workers, as JSON."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

WORKER_PING_TIMEOUT = 1.0


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        return f"error: {type(exc).__name__}"
    return "ok"


def _check_redis() -> str:
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1
        )
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    return "ok"


def _count_workers() -> int:
    from portal.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            replies = app.control.ping(timeout=WORKER_PING_TIMEOUT, connection=conn)
    except Exception:  # noqa: BLE001 - broker down: no worker can be reached
        return 0
    return len(replies or [])


@never_cache
@require_GET
def healthz(request):
    database, redis_state = _check_database(), _check_redis()
    workers = _count_workers() if redis_state == "ok" else 0
    healthy = database == "ok" and redis_state == "ok" and workers > 0
    body = {
        "status": "ok" if healthy else "degraded",
        "database": database,
        "redis": redis_state,
        "workers": workers,
    }
    return JsonResponse(body, status=200 if healthy else 503)
