"""Forms of notifications: a supplier member's alert settings, the outbox filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AlertSubscription, EmailDelivery


class AlertSettingsForm(forms.Form):
    active = forms.BooleanField(
        label=_("Email me about newly published tenders that match my company"), required=False
    )
    frequency = forms.ChoiceField(
        label=_("Frequency"),
        choices=AlertSubscription.Frequency.choices,
        widget=forms.RadioSelect,
    )
    min_score = forms.IntegerField(
        label=_("Minimum matching score (0 to 100)"), min_value=0, max_value=100
    )

    @classmethod
    def for_user(cls, user, data=None) -> AlertSettingsForm:
        subscription = AlertSubscription.objects.filter(user=user).first()
        initial = {"active": False, "frequency": "instant", "min_score": 50}
        if subscription is not None:
            initial = {
                "active": subscription.active,
                "frequency": subscription.frequency,
                "min_score": subscription.min_score,
            }
        return cls(data, initial=initial)


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *EmailDelivery.Status.choices],
    )
    purpose = forms.CharField(label=_("Purpose"), required=False, max_length=40)
    q = forms.CharField(label=_("Address or subject contains"), required=False, max_length=100)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
