"""Helpers for tests that go through MFA and reauthentication like a real user would."""

import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt


def totp_code(user) -> str:
    """The current code of the user's authenticator app."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def mark_reauthenticated(client, user, *, seconds_ago: float = 0) -> None:
    """What allauth records in the session when the password is typed again (the
    reauthentication form); tests that use force_login call it before a privileged action."""
    session = client.session
    if session.get(_AUTHENTICATION_METHODS_USER_SESSION_KEY) != user_id_to_str(user):
        session[AUTHENTICATION_METHODS_SESSION_KEY] = []
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    records = list(session.get(AUTHENTICATION_METHODS_SESSION_KEY, []))
    records.append({"method": "password", "at": time.time() - seconds_ago, "reauthenticated": True})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
