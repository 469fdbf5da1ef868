"""Loaded by pytest with `-p tests.bootstrap`, before pytest-django configures Django: makes
sure PostgreSQL and Redis exist (the embedded ones under ./var/ when DATABASE_URL / REDIS_URL
are unset) and that the settings get what production requires."""

import os
import secrets

from portal import devservices

devservices.ensure_local_services()
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DEBUG", "0")
# Tasks enqueued on commit run in-process unless a test starts a real worker.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
