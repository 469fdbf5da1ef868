"""The Celery app of the test workers: portal's, with the default queue of the test (tasks a
worker enqueues itself, e.g. the sweeper's deliveries, must reach the test's workers)."""

import os

from portal.celery import app

app.conf.task_default_queue = os.environ.get("TEST_TASK_DEFAULT_QUEUE", "celery")

__all__ = ["app"]
