import pytest

pytestmark = pytest.mark.django_db


def test_it_is_healthy_with_database_redis_and_a_live_worker(client, celery_worker_process):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["redis"] == "ok"
    assert body["workers"] >= 1


def test_it_is_degraded_without_any_worker(client, settings):
    # A Redis database no worker listens on: the broker answers, nobody replies to the ping.
    settings.CELERY_BROKER_URL = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/15"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "ok", "redis": "ok", "workers": 0}


def test_it_is_degraded_when_redis_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["redis"].startswith("error")
    assert body["database"] == "ok"
    assert body["workers"] == 0


def test_it_refuses_post(client):
    assert client.post("/healthz").status_code == 405
