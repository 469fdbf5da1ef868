import logging
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The address an account email could not be sent to, for the "email sent" pages.
MAIL_FAILED_SESSION_KEY = "passerelle_account_mail_failed"


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open to suppliers only (buyers and ministry authors are invited: the sign-up
    form always creates a supplier company), and emails name Passerelle, not the host."""

    def send_mail(self, template_prefix, email, context):
        # Without django.contrib.sites, allauth names the site after the request's host.
        context = {
            **context,
            "current_site": SimpleNamespace(
                name="Passerelle", domain=urlsplit(settings.SITE_URL).netloc
            ),
        }
        request = allauth_context.request
        try:
            sent = super().send_mail(template_prefix, email, context)
        except OSError as exc:  # smtplib.SMTPException too: the server is down or refuses
            # allauth sends these (address verification, password reset...) during the request,
            # not through the outbox: an unreachable mail server must not turn the page into an
            # error page, while the account or the request it confirms is already saved.
            logger.warning(
                "account email %s to %s not sent: %s", template_prefix, email, exc, exc_info=True
            )
            if request is not None:
                self._mail_failed(request, email)
            return None
        if request is not None and hasattr(request, "session"):
            request.session.pop(MAIL_FAILED_SESSION_KEY, None)
        return sent

    def _mail_failed(self, request, email: str) -> None:
        """Say it on the next page (the "email sent" pages read the session key too, and
        allauth's own "confirmation sent" message is left out), and let the user retry at once:
        allauth counted the attempt against its one verification email per 3 minutes."""
        request._passerelle_mail_failed = True
        if hasattr(request, "session"):
            request.session[MAIL_FAILED_SESSION_KEY] = email
        ratelimit.clear(request, action="confirm_email", key=email.lower())
        messages.error(
            request,
            _(
                "The email to %(email)s could not be sent just now (the mail server "
                "did not answer). Nothing you entered is lost: try again in a few "
                "minutes; if it keeps failing, write to the Passerelle team."
            )
            % {"email": email},
        )

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        if (
            getattr(request, "_passerelle_mail_failed", False)
            and message_template == "account/messages/email_confirmation_sent.txt"
        ):
            return  # it was not sent: _mail_failed says so
        super().add_message(request, level, message_template, *args, **kwargs)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        lang = getattr(request, "LANGUAGE_CODE", None)
        if lang in dict(settings.LANGUAGES):
            user.language = lang
        if commit:
            user.save()
        return user

    def post_login(self, request, user, **kwargs):
        self._count_login_as_password_entry(request, user)
        return super().post_login(request, user, **kwargs)

    def _count_login_as_password_entry(self, request, user) -> None:
        """A password login is a password typed: privileged actions should not ask for it again
        before ACCOUNT_REAUTHENTICATION_TIMEOUT (README, Security). allauth counts only its
        reauthentication form, so the login is recorded the way that form records it, dated when
        the last credential of the login was given (the password, or the second factor after
        it). Logins without a password (e-mail confirmation, invitation) are not counted."""
        records = get_authentication_records(request, user)
        login = len(records)
        while (
            login
            and records[login - 1].get("method") == "mfa"
            and not records[login - 1].get("reauthenticated")
        ):
            login -= 1  # the codes of the second factor, which follow the password
        first = records[login - 1] if login else {}
        # A "reauthenticated" record is the reauthentication form's own, not this login's.
        if first.get("method") != "password" or first.get("reauthenticated"):
            return
        record_authentication(
            request,
            user,
            method="password",
            reauthenticated=True,
            at=records[-1]["at"],  # overrides record_authentication's "now"
            login=True,
        )

    def pre_authenticate(self, request, **credentials):
        # Past the failed-login limit (per account and per IP, ACCOUNT_RATE_LIMITS): allauth
        # shows its message; we audit it, log it and answer 429 (portal.security).
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            from .security import login_throttled

            login_throttled(request, credentials.get("email") or credentials.get("username"))
            raise
