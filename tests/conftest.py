"""Shared fixtures: one user per role and their organizations, a clean cache, a real worker."""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache

from portal.models import Membership, Organization, User

from .factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters live in Redis: no test may inherit another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


def _member(kind: str, role: str = Membership.Role.ADMIN, **org) -> User:
    siren = {} if kind == Organization.Kind.SUPPLIER else {"siren": ""}
    organization = OrganizationFactory(kind=kind, **siren, **org)
    return MembershipFactory(organization=organization, role=role).user


@pytest.fixture
def supplier(db):
    return _member(Organization.Kind.SUPPLIER)


@pytest.fixture
def other_supplier(db):
    return _member(Organization.Kind.SUPPLIER)


@pytest.fixture
def supplier_member(db, supplier):
    """A non-admin colleague in the supplier's organization."""
    return MembershipFactory(
        organization=supplier.membership.organization, role=Membership.Role.MEMBER
    ).user


@pytest.fixture
def buyer(db):
    return _member(Organization.Kind.PRIME)


@pytest.fixture
def other_buyer(db):
    return _member(Organization.Kind.PRIME)


@pytest.fixture
def ministry_author(db):
    return _member(Organization.Kind.MINISTRY)


@pytest.fixture
def moderator(db):
    return UserFactory(platform_role=User.PlatformRole.MODERATOR, is_staff=True)


@pytest.fixture
def reference_data_dir():
    directory = os.environ.get("REFERENCE_DATA_DIR", "")
    if not directory or not Path(directory, "cpv", "cpv_2008_fr_en.csv").exists():
        reason = "REFERENCE_DATA_DIR (shared/data) is not available on this machine"
        if os.environ.get("REQUIRE_REFERENCE_DATA"):  # CI has the data: never skip there
            pytest.fail(reason)
        pytest.skip(reason)
    return Path(directory)


@pytest.fixture(scope="session")
def celery_worker_process():
    """A real Celery worker process on the test Redis; yields its node name."""
    from portal.celery import app

    name = f"test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "0"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "-n",
            name,
            "-l",
            "warning",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the Celery worker exited with code {proc.returncode}")
            if app.control.ping(destination=[name], timeout=0.5):
                break
        else:
            pytest.fail("the Celery worker did not answer within 60 s")
        yield name
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
