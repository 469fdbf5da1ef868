"""Tenders: the search's query parameters, reading, authoring input, interest, CPV search."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.choices import CertificationType, ClearanceLevel
from portal.models import Departement, Organization
from tenders.models import Interest, Lot, Tender, TenderDocument
from tenders.selectors import SORTS, SearchFilters

from .common import (
    CPV_PREFIX_INVALID,
    CPV_PREFIX_PATTERN,
    MAX_ID,
    BoundedDateField,
    BoundedDateTimeField,
    CpvCodeField,
    DepartementCodeField,
    OrganizationRefSerializer,
    RegionCodeField,
)

MAX_VALUE = 10**14 - 1  # 16 digits, 2 of them decimals


class TenderSearchSerializer(serializers.Serializer):
    """The filters of the tenders page, as query parameters."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Full-text keywords.")
    )
    cpv = serializers.RegexField(
        CPV_PREFIX_PATTERN,
        required=False,
        help_text=_("A CPV division (2 digits) or a narrower prefix, up to a full code."),
        error_messages={"invalid": CPV_PREFIX_INVALID},
    )
    region = serializers.CharField(required=False, max_length=3, help_text=_("Region code."))
    deadline_from = BoundedDateField(required=False)
    deadline_to = BoundedDateField(required=False)
    max_clearance = serializers.ChoiceField(
        choices=ClearanceLevel.choices,
        required=False,
        help_text=_("Only tenders requiring at most this clearance level."),
    )
    sme_reserved = serializers.BooleanField(required=False, default=False)
    buyer = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Buyer entity id.")
    )
    status = serializers.ChoiceField(choices=Tender.Status.choices, required=False)
    sort = serializers.ChoiceField(
        choices=list(SORTS), required=False, default="relevance", help_text=_("Ordering.")
    )

    def validate(self, attrs):
        start, end = attrs.get("deadline_from"), attrs.get("deadline_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {
                    "deadline_to": _(
                        "%(end)s is before deadline_from (%(start)s): give a date on or after "
                        "it, or change deadline_from."
                    )
                    % {"end": end.isoformat(), "start": start.isoformat()}
                }
            )
        return attrs

    def filters(self) -> SearchFilters:
        return SearchFilters(
            q=self.validated_data.get("q", ""),
            cpv=self.validated_data.get("cpv", ""),
            region=self.validated_data.get("region", ""),
            deadline_from=self.validated_data.get("deadline_from"),
            deadline_to=self.validated_data.get("deadline_to"),
            max_clearance=self.validated_data.get("max_clearance"),
            sme_reserved=self.validated_data["sme_reserved"],
            buyer=self.validated_data.get("buyer"),
            status=self.validated_data.get("status", ""),
            sort=self.validated_data["sort"],
        )


class LotSerializer(serializers.ModelSerializer):
    cpv = CpvCodeField(required=False, allow_null=True)
    value = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, max_value=MAX_VALUE,
        required=False, allow_null=True,
    )  # fmt: skip

    class Meta:
        model = Lot
        fields = ["position", "title", "description", "value", "cpv"]
        read_only_fields = ["position"]


class TenderDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = TenderDocument
        fields = ["position", "title", "url"]
        read_only_fields = ["position"]


class TenderSummarySerializer(serializers.ModelSerializer):
    buyer = OrganizationRefSerializer()
    main_cpv = serializers.CharField(source="main_cpv_id", allow_null=True)
    region = serializers.CharField(source="region_id", allow_null=True)
    departement = serializers.CharField(source="departement_id", allow_null=True)

    class Meta:
        model = Tender
        fields = [
            "id", "ocid", "reference", "title", "status", "buyer", "main_cpv", "region",
            "departement",
            "estimated_value", "currency", "published_at", "submission_deadline",
            "min_clearance", "sme_reserved",
        ]  # fmt: skip


class TenderSerializer(TenderSummarySerializer):
    additional_cpvs = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    lots = LotSerializer(many=True, read_only=True)
    documents = TenderDocumentSerializer(many=True, read_only=True)

    class Meta(TenderSummarySerializer.Meta):
        fields = [
            *TenderSummarySerializer.Meta.fields,
            "description", "procurement_method", "procurement_method_details",
            "main_procurement_category", "additional_cpvs", "nuts_code", "enquiry_deadline",
            "status_changed_at", "cancellation_reason", "mandatory_certifications",
            "preferred_certifications", "eu_controlled_required", "itar_free_required",
            "min_trl", "lots", "documents", "created_at", "updated_at",
        ]  # fmt: skip


def _certifications():
    return serializers.ListField(
        child=serializers.ChoiceField(choices=CertificationType.choices),
        required=False,
        max_length=len(CertificationType.values),
    )


class TenderWriteSerializer(serializers.Serializer):
    """What a ministry author (or a moderator) may set on a tender. Omitted fields keep their
    value on update; `lots`, `documents` and `additional_cpvs`, when given, replace the lists."""

    buyer = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID,
        help_text=_("Buyer entity id; moderators only (authors write for their own entity)."),
    )  # fmt: skip
    title = serializers.CharField(max_length=300)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    procurement_method = serializers.ChoiceField(
        choices=Tender.Method.choices, required=False, allow_blank=True
    )
    procurement_method_details = serializers.CharField(
        max_length=500, required=False, allow_blank=True
    )
    main_procurement_category = serializers.ChoiceField(
        choices=Tender.Category.choices, required=False, allow_blank=True
    )
    estimated_value = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, max_value=MAX_VALUE,
        required=False, allow_null=True,
    )  # fmt: skip
    currency = serializers.RegexField(
        r"^[A-Z]{3}$",
        required=False,
        error_messages={
            "invalid": _("A currency is a 3-letter ISO 4217 code in capitals, e.g. EUR.")
        },
    )
    main_cpv = CpvCodeField(required=False, allow_null=True)
    additional_cpvs = serializers.ListField(child=CpvCodeField(), required=False, max_length=50)
    region = RegionCodeField(required=False, allow_null=True)
    departement = DepartementCodeField(
        required=False,
        allow_null=True,
        help_text=_(
            "INSEE département code of the place of performance, e.g. 33; it must lie in the "
            "region (which it sets when none is given)."
        ),
    )
    nuts_code = serializers.CharField(max_length=5, required=False, allow_blank=True)
    submission_deadline = BoundedDateTimeField(required=False, allow_null=True)
    enquiry_deadline = BoundedDateTimeField(required=False, allow_null=True)
    min_clearance = serializers.ChoiceField(choices=ClearanceLevel.choices, required=False)
    mandatory_certifications = _certifications()
    preferred_certifications = _certifications()
    sme_reserved = serializers.BooleanField(required=False)
    eu_controlled_required = serializers.BooleanField(required=False)
    itar_free_required = serializers.BooleanField(required=False)
    min_trl = serializers.IntegerField(min_value=1, max_value=9, required=False, allow_null=True)
    lots = LotSerializer(many=True, required=False)
    documents = TenderDocumentSerializer(many=True, required=False)

    CHILDREN = ("buyer", "lots", "documents", "additional_cpvs")

    def validate_buyer(self, value: int) -> Organization:
        buyer = Organization.objects.filter(pk=value, kind=Organization.Kind.MINISTRY).first()
        if buyer is None:
            raise serializers.ValidationError(_("No ministry entity has this id."))
        return buyer

    def validate_departement(self, value: str | None) -> Departement | None:
        return Departement.objects.get(pk=value) if value else None

    def validate_mandatory_certifications(self, value):
        return list(dict.fromkeys(value))

    def validate_preferred_certifications(self, value):
        return list(dict.fromkeys(value))

    def fields_for_service(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k not in self.CHILDREN}


class InterestSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer()

    class Meta:
        model = Interest
        fields = ["tender", "organization", "created_at"]


class CpvQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100,
        help_text=_("Digits (a code prefix) or at least 2 letters of a French or English label."),
    )


class CpvSerializer(serializers.Serializer):
    code = serializers.CharField()
    full_code = serializers.CharField()
    label_fr = serializers.CharField()
    label_en = serializers.CharField()
