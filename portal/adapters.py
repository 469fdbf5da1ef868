from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open to suppliers only (buyers and ministry authors are invited), and
    emails carry absolute links to SITE_URL."""

    def get_email_confirmation_url(self, request, emailconfirmation):
        url = super().get_email_confirmation_url(request, emailconfirmation)
        return url if request is not None else settings.SITE_URL + url

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        lang = getattr(request, "LANGUAGE_CODE", None)
        if lang in dict(settings.LANGUAGES):
            user.language = lang
        if commit:
            user.save()
        return user
