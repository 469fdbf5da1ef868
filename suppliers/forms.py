"""Forms of the supplier profile steps and of moderation. They validate and normalise input;
saving goes through suppliers.services."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren as siren_std
from stdnum.fr import siret as siret_std

from portal.choices import CertificationType
from portal.models import CpvCode, Departement, Region

from .models import Certification, Document, Reference, SupplierProfile
from .services import MAX_DOCUMENT_BYTES, postal_code_clean


class ListField(forms.CharField):
    """A comma-separated list typed in one field, stored as a list of distinct strings."""

    def __init__(self, *args, max_items: int = 30, **kwargs):
        self.max_items = max_items
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        items = [item.strip() for item in re.split(r"[,;\n]", super().to_python(value) or "")]
        items = list(dict.fromkeys(item for item in items if item))
        if len(items) > self.max_items:
            raise forms.ValidationError(
                _("At most %(max)d items, please (you gave %(n)d)."),
                params={"max": self.max_items, "n": len(items)},
            )
        return items


class CpvCodesField(ListField):
    """CPV codes typed as '35613000-4, 72000000' (check digit optional), checked against the
    taxonomy so that a typo is named rather than silently stored."""

    def to_python(self, value):
        tokens = re.findall(r"[^\s,;]+", forms.CharField.to_python(self, value) or "")
        codes, bad = [], []
        for token in tokens:
            match = re.fullmatch(r"(\d{8})(?:-\d)?", token)
            (codes if match else bad).append(match.group(1) if match else token)
        known = set(CpvCode.objects.filter(code__in=codes).values_list("code", flat=True))
        bad += [code for code in codes if code not in known]
        if bad:
            raise forms.ValidationError(
                _(
                    "Unknown CPV code(s): %(codes)s. Use 8 digits, e.g. 35613000, or pick them "
                    "from the suggestions."
                ),
                params={"codes": ", ".join(bad)},
            )
        codes = list(dict.fromkeys(codes))
        if len(codes) > self.max_items:
            raise forms.ValidationError(
                _("At most %(max)d CPV codes, please."), params={"max": self.max_items}
            )
        return codes


class RegionsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.choices = region_choices


def region_choices() -> list[tuple[str, str]]:
    """The 18 regions, in alphabetical order ignoring accents (Region.Meta.ordering)."""
    return [(r.code, r.name) for r in Region.objects.regions()]


class IdentityForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.regions()

    # Wider than the stored value: people type spaces ("912 345 675"), removed in clean_*.
    siren = forms.CharField(
        label=_("SIREN"),
        max_length=20,
        required=False,
        help_text=_("9 digits; spaces allowed."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    siret = forms.CharField(
        label=_("Head-office SIRET"),
        max_length=30,
        required=False,
        help_text=_("14 digits: the SIREN followed by the head office's 5-digit NIC."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    regions_served = RegionsField(label=_("Regions served"))

    class Meta:
        model = SupplierProfile
        fields = [
            "legal_name",
            "trade_name",
            "siren",
            "siret",
            "year_founded",
            "website",
            "address",
            "postal_code",
            "city",
            "region",
            "regions_served",
        ]
        help_texts = {
            "siren": _("9 digits; spaces allowed."),
            "siret": _("14 digits: the SIREN followed by the head office's 5-digit NIC."),
        }
        widgets = {
            "siren": forms.TextInput(attrs={"inputmode": "numeric"}),
            "siret": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def clean_siren(self):
        return siren_std.compact(self.cleaned_data["siren"] or "")

    def clean_siret(self):
        return siret_std.compact(self.cleaned_data["siret"] or "")

    def clean(self):
        cleaned = super().clean()
        if "postal_code" in cleaned and "region" not in self.errors:
            region = cleaned.get("region")
            try:
                cleaned["postal_code"] = postal_code_clean(
                    cleaned["postal_code"], region.code if region else None
                )
            except ValidationError as error:
                self.add_error("postal_code", error)
        return cleaned


class SizeForm(forms.ModelForm):
    class Meta:
        model = SupplierProfile
        fields = ["headcount", "annual_turnover_eur", "balance_sheet_eur", "rd_share_percent"]
        help_texts = {
            "headcount": _("Full-time equivalents, group included if you belong to one."),
            "rd_share_percent": _("Used for the young-innovative-company (start-up) status."),
        }


class CapabilitiesForm(forms.ModelForm):
    keywords = ListField(label=_("Keywords"), help_text=_("Separated by commas."))
    technologies = ListField(label=_("Main technologies"), help_text=_("Separated by commas."))
    cpv_codes = CpvCodesField(
        label=_("CPV codes"),
        help_text=_(
            "Codes of the Common Procurement Vocabulary, separated by commas. Type a "
            "word or a code to get suggestions."
        ),
        widget=forms.TextInput(attrs={"data-cpv-picker": "multiple", "autocomplete": "off"}),
    )

    class Meta:
        model = SupplierProfile
        fields = [
            "capability_statement",
            "statement_language",
            "keywords",
            "cpv_codes",
            "technologies",
            "trl",
        ]
        widgets = {"capability_statement": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "capability_statement": _(
                "What you do, for whom, with what. Plain text; buyers read this first."
            )
        }


class CredentialsForm(forms.ModelForm):
    class Meta:
        model = SupplierProfile
        fields = ["clearance_level", "clearance_expires_on", "itar_free", "eu_controlled"]
        widgets = {
            "clearance_expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        }


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["type", "name", "number", "issuer", "expires_on"]
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("type") == CertificationType.OTHER and not cleaned.get("name"):
            self.add_error("name", _("Name the certification when its type is “Other”."))
        return cleaned


def departement_choices() -> list[tuple[str, str]]:
    """Every département by code, labelled “33 — Gironde”, after an empty choice."""
    return [("", "—")] + [
        (code, f"{code} — {name}")
        for code, name in Departement.objects.order_by("code").values_list("code", "name")
    ]


class ReferenceForm(forms.ModelForm):
    # A plain choice of codes rather than a ModelChoiceField: the formset reads the list once
    # for all its forms (see BaseReferenceFormSet) instead of once per form.
    departement = forms.ChoiceField(
        label=_("Place of performance (département)"),
        required=False,
        help_text=_("Where the work was done; used to find local suppliers."),
    )
    field_order = ["client", "year", "departement"]

    class Meta:
        model = Reference
        fields = ["client", "year", "value_eur", "cpv_code", "description", "is_public"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "cpv_code": forms.TextInput(attrs={"data-cpv-picker": "single", "autocomplete": "off"}),
        }

    def __init__(self, *args, departements: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = (
            departements if departements is not None else departement_choices()
        )
        # Initial rows are the references' values(): their département is `departement_id`.
        if "departement" not in self.initial:
            self.initial["departement"] = self.initial.get("departement_id") or ""

    def clean_cpv_code(self):
        code = (self.cleaned_data.get("cpv_code") or "").strip().split("-")[0]
        if code and not CpvCode.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Unknown CPV code %(code)s."), params={"code": code})
        return code

    def clean_departement(self):
        return self.cleaned_data.get("departement") or None


class BaseReferenceFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._departements = departement_choices()

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "departements": self._departements}


CertificationFormSet = forms.formset_factory(
    CertificationForm, extra=1, can_delete=True, max_num=30, validate_max=True
)
ReferenceFormSet = forms.formset_factory(
    ReferenceForm,
    formset=BaseReferenceFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Document.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("PDF only, 10 MB at most."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": "application/pdf",
                # Checked before sending too (static/js/file-limit.js).
                "data-max-bytes": MAX_DOCUMENT_BYTES,
                "data-too-large": _(
                    "%(name)s is %(size)s MB; the limit is %(max)s MB. Compress it or split "
                    "it. Nothing was sent."
                ),
            }
        ),
    )


class DecisionForm(forms.Form):
    DECISIONS = [
        ("approve", _("Approve")),
        ("request_changes", _("Request changes")),
        ("reject", _("Reject")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason (sent to the supplier)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject or to request changes."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") in ("reject", "request_changes")
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", _("Give a reason: the supplier will read it."))
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the supplier)"), widget=forms.Textarea(attrs={"rows": 3})
    )
