"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live
server. Every test here is marked `browser`; without /usr/bin/chromium they are skipped with a
visible reason, unless REQUIRE_BROWSER=1 (CI), where they fail.

The `browser` fixture opens pages on the live server; `browser.shot(page, name)` saves a
numbered screenshot under var/test-artifacts/browser/<test>/, a directory kept only when the test
fails (with a last screenshot of every open page)."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from ..matching.conftest import make_supplier  # noqa: F401 - a fixture the tests here use

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "var" / "test-artifacts" / "browser"
AXE = HERE / "vendor" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _unavailable(reason: str):
    reason = f"browser tests: {reason}"
    if os.environ.get("REQUIRE_BROWSER"):  # CI must run them: never skip there
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium():
    """The Chromium browser, once per module. Playwright's sync API keeps an asyncio event loop
    running in this thread while it is started, and Django refuses ORM calls in a thread with a
    running loop unless told that it is safe (it is: the loop only drives Chromium). Both end
    with the module, so that the tests of other directories run as usual."""
    if not CHROMIUM.exists():
        _unavailable(
            f"{CHROMIUM} is missing (`make test` installs Debian's chromium with apt-get when "
            "it runs as root: see tests/browser/install_chromium.sh)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    allow_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
    except Exception as exc:
        playwright.stop()
        _unavailable(f"Chromium does not start: {exc}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
        if allow_async_unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allow_async_unsafe


@pytest.fixture
def web_settings(settings, live_server, tmp_path):
    """The live server over plain HTTP: cookies not marked Secure (tests run with DEBUG off),
    outgoing mail as .eml files in this test's tmp_path (where `worker_mailbox` reads)."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.EMAIL_BACKEND = "portal.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.SITE_URL = live_server.url
    settings.LANGUAGE_CODE = "fr"
    return settings


@pytest.fixture
def artifacts(request):
    directory = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)
    yield directory
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.passed:
        shutil.rmtree(directory, ignore_errors=True)


class Browser:
    """A browser context on the live server, with numbered screenshots."""

    def __init__(self, chromium, base_url: str, artifacts: Path):
        self.chromium = chromium
        self.base_url = base_url
        self.artifacts = artifacts
        self.contexts = []
        self.count = 0
        # Errors in the browser console: script errors, Content Security Policy violations.
        self.console_errors: list[str] = []

    def new_page(self, *, locale: str = "fr-FR", bypass_csp: bool = False):
        context = self.chromium.new_context(
            base_url=self.base_url, locale=locale, accept_downloads=True, bypass_csp=bypass_csp
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"{page.url}: {exc}"))
        return page

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.location.get('url', '')}: {message.text}")

    def shot(self, page, name: str) -> None:
        self.count += 1
        slug = re.sub(r"[^\w-]+", "-", name).strip("-")
        page.screenshot(path=str(self.artifacts / f"{self.count:02d}-{slug}.png"), full_page=True)

    def close(self, failed: bool) -> None:
        for context in self.contexts:
            if failed:  # the state each page was left in when the test failed
                for page in context.pages:
                    try:
                        self.shot(page, "at-failure")
                    except Exception:  # noqa: S112 - best effort, the failure is reported anyway
                        continue
            try:
                context.close()
            except Exception:  # noqa: S112 - already closed by the test
                continue


@pytest.fixture
def browser(request, chromium, live_server, web_settings, artifacts):
    session = Browser(chromium, live_server.url, artifacts)
    yield session
    call = getattr(request.node, "rep_call", None)
    session.close(failed=call is None or not call.passed)


# --- A real Celery worker on the live server's database ------------------------------------------


def _worker_start(env: dict, queue: str):
    from portal.celery import app

    from ..conftest import ROOT, _stop_worker

    name = f"browser-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    command = [sys.executable, "-m", "celery", "-A", "tests.browser.worker_app", "worker"]
    options = ["--pool", "solo", "-n", name, "-l", "warning", "--without-mingle"]
    proc = subprocess.Popen(
        [*command, *options, "--without-gossip", "-Q", queue],
        cwd=ROOT,
        env={
            **os.environ,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "TEST_TASK_DEFAULT_QUEUE": queue,
            **env,
        },
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[name], timeout=0.5):
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop_worker(proc)
            pytest.fail(f"the Celery worker did not start (exit code {proc.returncode})")
    return proc


@pytest.fixture
def journey_mailbox(live_server, web_settings, tmp_path):
    """Like tests.conftest's `worker_mailbox` (a real worker on the test database writing its
    mail as .eml files into tmp_path, where the live server writes too), except that the tasks
    the worker enqueues itself also stay on the test's queue, and that its links point at the
    live server. Yields messages() → every message so far, oldest first."""
    from email import policy
    from email.parser import BytesParser

    from ..conftest import _stop_worker, tasks_sent_to, worker_database_url

    url = worker_database_url()
    queue = f"test-browser-{uuid.uuid4().hex[:8]}"
    env = {"DATABASE_URL": url, "EMAIL_URL": f"eml://{tmp_path}", "SITE_URL": live_server.url}
    proc = _worker_start(env, queue)

    def messages():
        parser = BytesParser(policy=policy.default)
        return [parser.parsebytes(p.read_bytes()) for p in sorted(tmp_path.glob("*.eml"))]

    try:
        with tasks_sent_to(queue):
            yield messages
    finally:
        _stop_worker(proc)


# --- Logging in ---------------------------------------------------------------------------------


def totp_code(secret: str) -> str:
    """The current code of the authenticator with SECRET, never one about to expire (allauth
    accepts the current period's code only, by default)."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 5:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def mfa_active() -> bool:
    from django.conf import settings

    return "allauth.mfa" in settings.INSTALLED_APPS


def totp_secret(user, *, create: bool = False) -> str | None:
    """USER's TOTP secret when allauth MFA is installed: the one of its authenticator (the
    shared fixtures give buyers and moderators one), else a new one's if CREATE."""
    if not mfa_active():
        return None
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return decrypt(existing.data["secret"])
    if not create:
        return None
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def login(page, email: str, password: str, totp_secret: str | None = None) -> None:
    """Log in through the login page (and the TOTP step when the account has one)."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    if totp_secret:
        page.locator("input[name=code]").fill(totp_code(totp_secret))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
    failed = "/accounts/login/" in page.url or "/2fa/authenticate" in page.url
    assert not failed, f"login failed for {email}: {page.url}"
