"""The Celery app of the journey's worker: portal's, with the test's queue as default queue, so
that the tasks the worker enqueues itself (a shortlist's email after matching, its delivery)
reach it and no other worker."""

import os

from portal.celery import app

app.conf.task_default_queue = os.environ.get("TEST_TASK_DEFAULT_QUEUE", "celery")

__all__ = ["app"]
