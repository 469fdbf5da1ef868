"""Forms of the buyers' shortlist pages: filters, an entry's status and notes, a contact
message, the follow's own requirements and weights."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.choices import CertificationType, ClearanceLevel
from portal.models import Region
from suppliers.models import SizeCategory

from . import scoring
from .models import ShortlistEntry
from .selectors import COMPONENT_LABELS, ShortlistFilters
from .services import MAX_MESSAGE_LENGTH, MAX_NOTES_LENGTH, MAX_WEIGHT


class ShortlistFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ShortlistEntry.Status.choices],
    )
    region = forms.ModelChoiceField(
        label=_("Head-office region"),
        required=False,
        queryset=Region.objects.regions(),
        empty_label=_("Any region"),
    )
    size = forms.ChoiceField(
        label=_("Size"), required=False, choices=[("", _("Any size")), *SizeCategory.choices]
    )
    clearance = forms.TypedChoiceField(
        label=_("Clearance at least"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any clearance")), *ClearanceLevel.choices[1:]],
    )
    interested = forms.BooleanField(label=_("Interested only"), required=False)
    excluded = forms.BooleanField(
        label=_("Also show suppliers excluded by a requirement"), required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("rank", _("Rank")),
            ("score", _("Score")),
            ("name", _("Name")),
            ("status", _("Status")),
        ],
    )

    def filters(self) -> ShortlistFilters:
        if not self.is_valid():
            return ShortlistFilters()
        data = self.cleaned_data
        return ShortlistFilters(
            status=data["status"],
            region=data["region"].code if data["region"] else "",
            size=data["size"],
            min_clearance=data["clearance"],
            interested_only=data["interested"],
            include_excluded=data["excluded"],
            sort=data["sort"] or "rank",
        )


class EntryForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ShortlistEntry.Status.choices)
    notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        max_length=MAX_NOTES_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContactForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the supplier"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RequirementsForm(forms.Form):
    certifications = forms.MultipleChoiceField(
        label=_("Additional mandatory certifications"),
        required=False,
        choices=[c for c in CertificationType.choices if c[0] != CertificationType.OTHER],
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Suppliers based in or serving one of these regions"),
        required=False,
        queryset=Region.objects.regions(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, default in scoring.DEFAULT_WEIGHTS.items():
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=COMPONENT_LABELS.get(name, name),
                min_value=0,
                max_value=MAX_WEIGHT,
                initial=default,
                help_text=_("Default: %(value)s") % {"value": f"{default:g}"},
            )

    @classmethod
    def for_follow(cls, follow, data=None):
        initial = {
            "certifications": follow.extra_mandatory_certifications,
            "regions": follow.extra_regions,
            **{
                f"weight_{name}": follow.weights.get(name, default)
                for name, default in scoring.DEFAULT_WEIGHTS.items()
            },
        }
        return cls(data, initial=initial)

    def weight_fields(self):
        return [self[f"weight_{name}"] for name in scoring.DEFAULT_WEIGHTS]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "extra_mandatory_certifications": data["certifications"],
            "extra_regions": [r.code for r in data["regions"]],
            "weights": {name: data[f"weight_{name}"] for name in scoring.DEFAULT_WEIGHTS},
        }
