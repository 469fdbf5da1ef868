"""Writes of the API app: personal API tokens (create, revoke, authenticate), and the few
orchestrations the API needs on top of the other apps' services."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from portal.services import audit_record

from .models import ApiToken

TOKEN_PREFIX = "psl_"  # noqa: S105 (a public marker, not a secret)
MAX_ACTIVE_TOKENS = 20
MAX_VALIDITY_DAYS = 366
# Writing last_used_at on every request would turn each read into a write: once a minute is
# precise enough to tell a forgotten token from a living one.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str, expires_in_days: int | None = None, ip_address: str | None = None
) -> tuple[ApiToken, str]:
    """Create a token for USER; return it with the clear key, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the script that uses it.")})
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_VALIDITY_DAYS:
        raise ValidationError(
            {"expires_in_days": _("From 1 to %(max)d days.") % {"max": MAX_VALIDITY_DAYS}}
        )
    User.objects.select_for_update().filter(pk=user.pk).first()  # one creation at a time
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).exclude(
        expires_at__lte=timezone.now()
    )
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(max)d active tokens: revoke one first.") % {"max": MAX_ACTIVE_TOKENS}
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[: len(TOKEN_PREFIX) + 8],
        key_hash=token_hash(key),
        expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    audit_record(
        actor=user,
        action="api_token.created",
        target=token,
        data={"prefix": token.prefix, "expires_at": _iso(token.expires_at)},
        ip_address=ip_address,
    )
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User, ip_address: str | None = None) -> ApiToken:
    """Revoke TOKEN (its owner only); revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk:
        raise ValidationError(_("This token is not yours."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            action="api_token.revoked",
            target=token,
            data={"prefix": token.prefix},
            ip_address=ip_address,
        )
    return token


def token_authenticate(key: str) -> ApiToken | None:
    """The active token whose key is KEY, with its user, or None."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(key)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
