"""Security hardening shared by the whole portal.

- ``log_event``: the ``passerelle.security`` log, one JSON object per line with a UTC timestamp.
  Values are truncated, secrets are never passed in, and JSON escaping turns CR, LF and every
  other control character into ``\\r``, ``\\n``, ``\\u001b``...: a value cannot start a forged
  line (no log injection).
- Receivers of ``user_login_failed`` (sent by Django's ``authenticate``, which allauth uses) and
  ``user_logged_in``: every authentication failure is logged.
- ``SecurityEventsMiddleware``: every denied access (``PermissionDenied``, a 401/403 answer, a
  404 raised by a view's object scoping) is logged; a login refused by the failed-login rate limit
  is answered 429 (allauth renders the form with its message; we set the status).
- ``login_throttled`` / ``rate_limited``: the 429 paths write an ``AuditEvent`` and a log line.
- ``MfaRequiredMiddleware``: buyers and moderators (``settings.MFA_REQUIRED_ROLES``) must have
  activated TOTP before any shortlist, moderation or administration page; allauth then asks for
  the code at every login.
- ``reauthentication_required``: privileged actions ask for the password again
  (``ACCOUNT_REAUTHENTICATION_TIMEOUT``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

logger = logging.getLogger("passerelle.security")

MAX_VALUE_LENGTH = 300
# Never logged, whatever a caller passes (defence in depth: callers pass no secrets).
SECRET_KEYS = frozenset(
    {"password", "password1", "password2", "oldpassword", "token", "code", "secret", "key"}
)


def client_ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""


def _clean(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:MAX_VALUE_LENGTH]


def security_record(event: str, request=None, user=None, **fields) -> dict:
    """The fields of one security log line (also what the tests parse)."""
    record = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": event,
    }
    if request is not None:
        for key, value in (
            ("ip", client_ip(request)),
            ("method", request.method),
            ("path", request.path),
        ):
            if value:
                record[key] = _clean(value)
        if user is None:
            user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        record["user_id"] = user.pk
    for key, value in fields.items():
        if key.lower() in SECRET_KEYS:
            continue
        record[key] = _clean(value)
    return record


def log_event(event: str, request=None, *, level=logging.WARNING, user=None, **fields) -> None:
    """Write one line to the security log: JSON, ASCII only, control characters escaped."""
    record = security_record(event, request, user=user, **fields)
    logger.log(level, json.dumps(record, ensure_ascii=True, sort_keys=False))


class SecurityLogFormatter(logging.Formatter):
    """The message is already a complete JSON line (with its own UTC timestamp)."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        # Anything logged to this logger without log_event is escaped all the same.
        if not message.startswith("{"):
            message = json.dumps({"event": "message", "message": message}, ensure_ascii=True)
        return message


def _login_identifier(value) -> dict:
    """The login that was tried: kept if it looks like an email address; otherwise (a password
    typed into the wrong field, say) only a short hash, so that no secret reaches the log."""
    value = str(value or "")
    if "@" in value and " " not in value and len(value) <= 254:
        return {"login": value}
    return {"login_sha256": hashlib.sha256(value.encode()).hexdigest()[:16]} if value else {}


@receiver(user_login_failed)
def _log_login_failed(sender, credentials, request=None, **kwargs):
    login = credentials.get("email") or credentials.get("username") or credentials.get("login")
    log_event("auth.login_failed", request, **_login_identifier(login))


def _log_mfa_failed(sender, request, user, authenticator, reauthentication=False, **kwargs):
    log_event(
        "auth.mfa_failed",
        request,
        user=user,
        target_user_id=user.pk,
        authenticator=authenticator.type,
        reauthentication=reauthentication,
    )


@receiver(user_logged_in)
def _log_login(sender, request, user, **kwargs):
    log_event("auth.login", request, level=logging.INFO, user=user)


# --- Rate limits: 429 with an audit event -----------------------------------------------------


THROTTLED_ATTR = "_passerelle_login_throttled"


def login_throttled(request, login: str) -> None:
    """The failed-login limit (per account or per IP) refused an attempt: audit, log, and let the
    middleware answer 429."""
    from .models import User
    from .services import audit_record

    setattr(request, THROTTLED_ATTR, True)
    target = User.objects.filter(email__iexact=login).first() if login else None
    audit_record(
        actor=None,
        action="auth.login_throttled",
        target=target,
        data={"path": request.path[:200]},
        ip_address=client_ip(request) or None,
    )
    log_event("auth.rate_limited", request, action="login_failed", **_login_identifier(login))


def rate_limited(request, exception=None):
    """``handler429`` of the URL configuration: allauth answers with it whenever one of its rate
    limits (``ACCOUNT_RATE_LIMITS``) is exceeded."""
    from .services import audit_record

    user = getattr(request, "user", None)
    audit_record(
        actor=user if user is not None and user.is_authenticated else None,
        action="auth.rate_limited",
        data={"path": request.path[:200]},
        ip_address=client_ip(request) or None,
    )
    log_event("auth.rate_limited", request)
    return render(request, "429.html", status=429)


# --- Request size ---------------------------------------------------------------------------


def _megabytes(n: int) -> str:
    """52 MB as "52", 64 KB as "0.1": never a limit shown as 0."""
    return f"{n / 1_048_576:.1f}".removesuffix(".0")


class RequestSizeLimitMiddleware:
    """A request body above settings.MAX_REQUEST_BYTES is answered 413 before anything reads it:
    Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams files of any size to disk,
    so any POST (the login form included) could fill it. The largest legitimate body is an OCDS
    import (50 MB); documents stop at 10 MB (their forms say so for sizes below this cap). A
    body without Content-Length is not read by Django at all. Under WSGI (gunicorn, as
    deployed) nothing reads the body before this middleware; Django's ASGI handler spools it
    to a temporary file first, so an ASGI deployment needs the cap at its proxy too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0  # Django reads no body then
        limit = settings.MAX_REQUEST_BYTES
        if size <= limit:
            return self.get_response(request)
        log_event("request.too_large", request, size=size, limit=limit)
        megabytes = {"size": f"{size / 1_048_576:.1f}", "limit": _megabytes(limit)}
        if request.path_info.startswith("/api/"):
            detail = _(
                "The request is too large (%(size)s MB): the limit is %(limit)s MB. "
                "Nothing was saved."
            )
            return JsonResponse({"detail": detail % megabytes}, status=413)
        from suppliers.services import MAX_DOCUMENT_BYTES
        from tenders.forms import OCDS_UPLOAD_MAX_BYTES

        megabytes |= {
            "documents": _megabytes(MAX_DOCUMENT_BYTES),
            "ocds": _megabytes(OCDS_UPLOAD_MAX_BYTES),
        }
        return render(request, "413.html", megabytes, status=413)


# --- Denied access --------------------------------------------------------------------------

_LOGGED_ATTR = "_passerelle_security_logged"


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


class SecurityEventsMiddleware:
    """Logs every denied access; turns a throttled login into a 429."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Connected here, not at import: this module is imported by the logging configuration,
        # before the apps are ready, and allauth.mfa.signals imports models.
        from allauth.mfa.signals import authentication_failed

        authentication_failed.connect(_log_mfa_failed, dispatch_uid="passerelle-mfa-failed")

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, THROTTLED_ATTR, False):
            response.status_code = 429
        elif response.status_code in (401, 403) and not getattr(request, _LOGGED_ATTR, False):
            log_event(
                "access.denied", request, status=response.status_code, view=_view_name(request)
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            event, status = "access.denied", 403
        elif isinstance(exception, Http404):
            # Raised by a view (object scoping: not yours, or does not exist). An unknown URL
            # never reaches a view, so scanners do not flood this log.
            event, status = "access.not_found", 404
        else:
            return None
        setattr(request, _LOGGED_ATTR, True)
        log_event(event, request, status=status, view=_view_name(request))
        return None


# --- Multi-factor authentication -----------------------------------------------------------------

# URL namespaces and names that need an activated authenticator for MFA_REQUIRED_ROLES.
MFA_PROTECTED_NAMESPACES = frozenset({"matching", "admin", "api"})
MFA_PROTECTED_VIEWS = frozenset(
    {
        "suppliers:moderation_queue",
        "suppliers:moderation_detail",
        "suppliers:moderation_decide",
        "suppliers:moderation_suspend",
        "suppliers:moderation_reinstate",
        "suppliers:detail",
        "suppliers:document_download",
        "portal:organization_list",
        "tenders:import",
        "tenders:import_job",
    }
)
# Public, machine-readable API description: no account data in it.
MFA_EXEMPT_VIEWS = frozenset({"api:schema", "api:docs", "api:redoc"})


def mfa_required_for(user) -> bool:
    from .permissions import user_role

    if not getattr(user, "is_authenticated", False):
        return False
    roles = set(settings.MFA_REQUIRED_ROLES)
    return user_role(user) in roles or ("moderator" in roles and user.is_staff)


def has_active_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def is_mfa_protected(resolver_match) -> bool:
    if resolver_match is None or resolver_match.view_name in MFA_EXEMPT_VIEWS:
        return False
    if resolver_match.view_name in MFA_PROTECTED_VIEWS:
        return True
    return bool(MFA_PROTECTED_NAMESPACES.intersection(resolver_match.namespaces))


class MfaRequiredMiddleware:
    """Buyers and moderators reach shortlists, moderation and administration only once they have
    activated two-factor authentication (then allauth asks for the code at each login)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_mfa_protected(request.resolver_match):
            return None
        user = request.user
        if not mfa_required_for(user) or has_active_totp(user):
            return None
        log_event("mfa.required", request, view=_view_name(request))
        if "api" in request.resolver_match.namespaces:
            return JsonResponse(
                {"detail": "Two-factor authentication must be activated for this account."},
                status=403,
            )
        messages.warning(
            request,
            _(
                "Your role gives access to confidential information: activate two-factor "
                "authentication (an authenticator app) to continue."
            ),
        )
        return redirect(
            f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}"
        )


# --- Reauthentication ----------------------------------------------------------------------------


def needs_reauthentication(request) -> bool:
    """True when a privileged action would ask for the password again now."""
    from allauth.account.internal.flows.reauthentication import is_reauthentication_required

    return is_reauthentication_required(request, app="")


def require_reauthentication(request) -> None:
    """The same check inside a view, once it has found the object (so that a user who may not
    see it gets the 404, not a password prompt). allauth suspends the request and resumes it
    after the password is typed."""
    from allauth.account.internal.flows.reauthentication import (
        raise_if_reauthentication_required,
    )

    raise_if_reauthentication_required(request, app="")


def reauthentication_required(view=None, *, allow_get=False):
    """Privileged actions ask for the password again when the last one is older than
    ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` (allauth's reauthentication flow)."""
    # Imported here: this module is loaded by the logging configuration, before the apps.
    from allauth.account.decorators import reauthentication_required as allauth_reauth

    decorator = allauth_reauth(allow_get=allow_get)
    return decorator(view) if view is not None else decorator
