"""Forms of the tenders app: authoring (with lots and documents), search, cancel, import.

CPV codes are typed as text (8 digits, optional check digit), so that the form works without
JavaScript; static/js/cpv-picker.js adds search-as-you-type on top."""

from __future__ import annotations

import re

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.choices import CertificationType, ClearanceLevel
from portal.models import CpvCode, Organization, Region

from .models import Tender
from .selectors import SORTS, SearchFilters
from .services import DocumentData, LotData

CPV_TOKEN_RE = re.compile(r"[0-9]{8}(?:-[0-9])?")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
AUTHOR_FIELDS = [
    "title",
    "reference",
    "description",
    "procurement_method",
    "procurement_method_details",
    "main_procurement_category",
    "estimated_value",
    "currency",
    "region",
    "departement",
    "nuts_code",
    "submission_deadline",
    "enquiry_deadline",
    "min_clearance",
    "mandatory_certifications",
    "preferred_certifications",
    "sme_reserved",
    "eu_controlled_required",
    "itar_free_required",
    "min_trl",
]


def _cpv_codes(text: str) -> list[CpvCode]:
    """'35613000-4, 72212730' → CpvCode objects, in order; ValidationError names the unknown."""
    tokens = [t.strip() for t in re.split(r"[\s,;]+", text or "") if t.strip()]
    bad = [t for t in tokens if not CPV_TOKEN_RE.fullmatch(t)]
    if bad:
        raise forms.ValidationError(
            _("Not a CPV code: %(codes)s. Type 8 digits, e.g. 35613000."),
            params={"codes": ", ".join(bad)},
        )
    codes = list(dict.fromkeys(t[:8] for t in tokens))
    found = CpvCode.objects.in_bulk(codes)
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise forms.ValidationError(
            _("Unknown CPV code: %(codes)s."), params={"codes": ", ".join(unknown)}
        )
    return [found[c] for c in codes]


def _cpv_widget(multiple: bool = False) -> forms.TextInput:
    attrs = {"data-cpv-picker": "multiple" if multiple else "single", "autocomplete": "off"}
    return forms.TextInput(attrs=attrs)


class TenderForm(forms.ModelForm):
    main_cpv_code = forms.CharField(
        label=_("Main CPV code"),
        required=False,
        help_text=_("8 digits, e.g. 35613000 (unmanned aerial vehicles)."),
        widget=_cpv_widget(),
    )
    additional_cpv_codes = forms.CharField(
        label=_("Other CPV codes"),
        required=False,
        help_text=_("Separated by commas or spaces."),
        widget=_cpv_widget(multiple=True),
    )
    mandatory_certifications = forms.MultipleChoiceField(
        label=_("Mandatory certifications"),
        choices=CertificationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_certifications = forms.MultipleChoiceField(
        label=_("Preferred certifications"),
        choices=CertificationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Tender
        fields = ["buyer", *AUTHOR_FIELDS]
        widgets = {
            "submission_deadline": DATETIME_WIDGET,
            "enquiry_deadline": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "submission_deadline": _("Paris time."),
            "min_trl": _("From 1 (basic principles) to 9 (proven in operations)."),
        }

    field_order = [
        "buyer",
        "title",
        "reference",
        "description",
        "main_cpv_code",
        "additional_cpv_codes",
    ]

    def __init__(self, *args, moderator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if moderator:
            self.fields["buyer"].queryset = Organization.objects.filter(
                kind=Organization.Kind.MINISTRY
            )
        else:
            del self.fields["buyer"]  # authors write for their own entity
        if self.instance.pk:
            self.initial["main_cpv_code"] = self.instance.main_cpv_id or ""
            self.initial["additional_cpv_codes"] = " ".join(
                self.instance.additional_cpvs.values_list("code", flat=True)
            )
        for name in ("submission_deadline", "enquiry_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean_main_cpv_code(self) -> CpvCode | None:
        codes = _cpv_codes(self.cleaned_data["main_cpv_code"])
        if len(codes) > 1:
            raise forms.ValidationError(_("Give one main CPV code; put the others below."))
        return codes[0] if codes else None

    def clean_additional_cpv_codes(self) -> list[CpvCode]:
        return _cpv_codes(self.cleaned_data["additional_cpv_codes"])

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in AUTHOR_FIELDS}
        data["main_cpv"] = self.cleaned_data["main_cpv_code"]
        return data


class LotForm(forms.Form):
    title = forms.CharField(label=_("Lot title"), max_length=300)
    description = forms.CharField(
        label=_("Lot description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    value = forms.DecimalField(
        label=_("Estimated value (EUR)"), required=False, min_value=0, max_digits=16
    )
    cpv_code = forms.CharField(label=_("CPV code"), required=False, widget=_cpv_widget())

    def clean_cpv_code(self) -> CpvCode | None:
        codes = _cpv_codes(self.cleaned_data["cpv_code"])
        return codes[0] if codes else None


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=300)
    url = forms.URLField(label=_("Address (URL)"), max_length=1000, assume_scheme="https")


LotFormSet = forms.formset_factory(LotForm, extra=2)
DocumentFormSet = forms.formset_factory(DocumentForm, extra=1)


def lots_from(formset) -> list[LotData]:
    return [
        LotData(f["title"], f["description"], f["value"], f["cpv_code"])
        for f in formset.cleaned_data
        if f
    ]


def documents_from(formset) -> list[DocumentData]:
    return [DocumentData(f["title"], f["url"]) for f in formset.cleaned_data if f]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 3})
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, max_length=200)
    cpv = forms.RegexField(
        label=_("CPV division or code"),
        regex=r"^[0-9]{2,8}$",
        required=False,
        help_text=_("2 digits for a division (e.g. 35), more for a narrower area."),
        error_messages={"invalid": _("Type 2 to 8 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, empty_label=_("All")
    )
    deadline_from = forms.DateField(
        label=_("Deadline from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline_to = forms.DateField(
        label=_("Deadline until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    max_clearance = forms.TypedChoiceField(
        label=_("Clearance my company holds"),
        choices=[("", _("Any requirement")), *ClearanceLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    sme_reserved = forms.BooleanField(label=_("Reserved for SMEs only"), required=False)
    buyer = forms.ModelChoiceField(
        label=_("Buyer entity"),
        queryset=Organization.objects.filter(kind=Organization.Kind.MINISTRY),
        required=False,
        empty_label=_("All"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Tender.Status.choices], required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("relevance", _("Relevance")),
            ("deadline", _("Deadline (soonest first)")),
            ("publication", _("Publication (newest first)")),
        ],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("deadline_from"), cleaned.get("deadline_to")
        if start and end and start > end:
            self.add_error(
                "deadline_to",
                forms.ValidationError(
                    _(
                        "This date is before the “from” date (%(start)s): pick a date on or "
                        "after it, or change the “from” date."
                    ),
                    code="before_start",
                    params={"start": date_format(start, "SHORT_DATE_FORMAT")},
                ),
            )
        return cleaned

    def filters(self) -> SearchFilters:
        """The filters typed correctly, also when others are in error: those are left out (and
        shown with their error), rather than dropping the whole search."""
        if not self.is_bound:
            return SearchFilters()
        self.is_valid()  # runs the validation once
        data = self.cleaned_data
        return SearchFilters(
            q=data.get("q") or "",
            cpv=data.get("cpv") or "",
            region=data["region"].pk if data.get("region") else "",
            deadline_from=data.get("deadline_from"),
            deadline_to=data.get("deadline_to"),
            max_clearance=data.get("max_clearance"),
            sme_reserved=bool(data.get("sme_reserved")),
            buyer=data["buyer"].pk if data.get("buyer") else None,
            status=data.get("status") or "",
            sort=data.get("sort") if data.get("sort") in SORTS else "relevance",
        )


OCDS_UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # larger files: manage.py import_ocds


class OcdsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("OCDS file"),
        help_text=_("A release package, a record package or JSON Lines of releases (.json)."),
        widget=forms.ClearableFileInput(
            attrs={
                # Checked before sending too (static/js/file-limit.js).
                "data-max-bytes": OCDS_UPLOAD_MAX_BYTES,
                "data-too-large": _(
                    "%(name)s is %(size)s MB; the browser import takes up to %(max)s MB. Split "
                    "it, or import it with manage.py import_ocds. Nothing was sent."
                ),
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > OCDS_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size)d MB; the browser import takes up to %(max)d MB. Split "
                    "it, or import it with manage.py import_ocds."
                ),
                params={
                    "size": upload.size // (1024 * 1024),
                    "max": OCDS_UPLOAD_MAX_BYTES // (1024 * 1024),
                },
            )
        return upload


def initial_lots(tender: Tender) -> list[dict]:
    return [
        {"title": lot.title, "description": lot.description, "value": lot.value,
         "cpv_code": lot.cpv_id or ""}
        for lot in tender.lots.all()
    ]  # fmt: skip


def initial_documents(tender: Tender) -> list[dict]:
    return [{"title": d.title, "url": d.url} for d in tender.documents.all()]
