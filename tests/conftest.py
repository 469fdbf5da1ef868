"""Shared fixtures: one user per role and their organizations, a clean cache, a real worker."""

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from portal.models import Membership, Organization, User
from portal.reference import BUNDLED_DIR, cpv_load, regions_load
from tenders.models import Lot, Tender

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


def _with_totp(user: User) -> User:
    """Buyers and moderators need an activated authenticator (portal.security): the fixtures have
    one, so that tests reach shortlists and moderation; its code is `tests.security.helpers.
    totp_code(user)` (a password login then asks for it, as in production)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


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
    return _with_totp(_member(Organization.Kind.PRIME))


@pytest.fixture
def other_buyer(db):
    return _with_totp(_member(Organization.Kind.PRIME))


@pytest.fixture
def ministry_author(db):
    return _member(Organization.Kind.MINISTRY)


@pytest.fixture
def moderator(db):
    return _with_totp(UserFactory(platform_role=User.PlatformRole.MODERATOR, is_staff=True))


@pytest.fixture
def reference_data_dir():
    directory = os.environ.get("REFERENCE_DATA_DIR", "")
    if not directory or not Path(directory, "cpv", "cpv_2008_fr_en.csv").exists():
        reason = "REFERENCE_DATA_DIR (shared/data) is not available on this machine"
        if os.environ.get("REQUIRE_REFERENCE_DATA"):  # CI has the data: never skip there
            pytest.fail(reason)
        pytest.skip(reason)
    return Path(directory)


def _start_worker(extra_env: dict, queue: str = "celery", ping: bool = True):
    """Start a real Celery worker process on the test Redis; return (process, node name). It
    has answered a ping, unless PING is false (a solo worker busy with a task answers none)."""
    from portal.celery import app

    name = f"test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "0", **extra_env}
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
            "-Q",
            queue,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while ping and time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the Celery worker exited with code {proc.returncode}")
            if app.control.ping(destination=[name], timeout=0.5):
                break
        else:
            if ping:
                pytest.fail("the Celery worker did not answer within 60 s")
    except BaseException:
        _stop_worker(proc)
        raise
    return proc, name


def _stop_worker(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def worker_database_url() -> str:
    """The test database as a DATABASE_URL, for a worker process to use it."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    return (
        f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@"
        f"{quote(db['HOST'] or '', safe='')}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@contextmanager
def tasks_sent_to(queue: str):
    """Inside the block, tasks are sent to QUEUE (for a worker started on it), not run eagerly.
    A queue of its own per test: no other worker on this Redis (another test's, `make run`'s,
    using another database) may take these tasks."""
    from portal.celery import app

    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, default_queue


@pytest.fixture(scope="session")
def celery_worker_process():
    """A real Celery worker (no database needed); yields its node name."""
    proc, name = _start_worker({})
    yield name
    _stop_worker(proc)


@pytest.fixture
def worker_mailbox(transactional_db, tmp_path):
    """A real Celery worker that uses the test database and writes the mail it sends as .eml
    files; yields a function returning the parsed messages (waiting up to 30 s for COUNT)."""
    from email import policy
    from email.parser import BytesParser

    queue = f"test-{uuid.uuid4().hex[:8]}"
    url = worker_database_url()
    proc, _name = _start_worker({"DATABASE_URL": url, "EMAIL_URL": f"eml://{tmp_path}"}, queue)

    def messages(count: int = 1, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while len(list(tmp_path.glob("*.eml"))) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return [
            BytesParser(policy=policy.default).parsebytes(p.read_bytes())
            for p in sorted(tmp_path.glob("*.eml"))
        ]

    try:
        with tasks_sent_to(queue):
            yield messages
    finally:
        _stop_worker(proc)


# --- Reference data and tenders (the bundled subset) ------------------------------------------


@pytest.fixture
def cpv(db):
    cpv_load(BUNDLED_DIR / "cpv_subset.csv")


@pytest.fixture
def regions(db):
    regions_load(BUNDLED_DIR / "regions.csv")


@pytest.fixture
def ministry(ministry_author):
    return ministry_author.membership.organization


@pytest.fixture
def make_tender(cpv, ministry):
    counter = iter(range(1, 10_000))

    def make(**fields) -> Tender:
        n = next(counter)
        lots = fields.pop("lots", [])
        status = fields.setdefault("status", Tender.Status.PUBLISHED)
        defaults = {
            "ocid": f"ocds-test-{n}",
            "title": f"Tender {n}",
            "buyer": ministry,
            "main_cpv_id": "35613000",
            "estimated_value": Decimal("100000"),
            "submission_deadline": timezone.now() + timedelta(days=30),
            "published_at": None if status == Tender.Status.DRAFT else timezone.now(),
        }
        tender = Tender.objects.create(**{**defaults, **fields})
        for i, title in enumerate(lots, start=1):
            Lot.objects.create(tender=tender, position=i, title=title)
        return tender

    return make
