"""Passerelle project package: settings, URLs, the Celery app, and the shared core app
(users, organizations, audit log, reference data)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
