import logging
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


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
        try:
            return super().send_mail(template_prefix, email, context)
        except OSError as exc:  # smtplib.SMTPException too: the server is down or refuses
            # allauth sends these (address verification, password reset...) during the request,
            # not through the outbox: an unreachable mail server must not turn the page into an
            # error page, while the account or the request it confirms is already saved.
            logger.warning(
                "account email %s to %s not sent: %s", template_prefix, email, exc, exc_info=True
            )
            request = allauth_context.request
            if request is not None:
                messages.error(
                    request,
                    _(
                        "The email to %(email)s could not be sent just now (the mail server "
                        "did not answer). Nothing you entered is lost: try again in a few "
                        "minutes; if it keeps failing, write to the Passerelle team."
                    )
                    % {"email": email},
                )
            return None

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        lang = getattr(request, "LANGUAGE_CODE", None)
        if lang in dict(settings.LANGUAGES):
            user.language = lang
        if commit:
            user.save()
        return user

    def pre_authenticate(self, request, **credentials):
        # Past the failed-login limit (per account and per IP, ACCOUNT_RATE_LIMITS): allauth
        # shows its message; we audit it, log it and answer 429 (portal.security).
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            from .security import login_throttled

            login_throttled(request, credentials.get("email") or credentials.get("username"))
            raise
