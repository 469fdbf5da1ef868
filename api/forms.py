from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_VALIDITY_DAYS


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses it, e.g. “ERP synchronisation”."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_VALIDITY_DAYS,
        required=False,
        help_text=_("Leave empty for a token that does not expire (revoke it when unused)."),
    )
