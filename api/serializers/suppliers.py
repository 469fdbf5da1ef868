"""Supplier profiles: the supplier's own working profile (read and edit), the public view of an
approved live profile (buyers, moderators), and the moderators' view of a submission."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.choices import CertificationType, ClearanceLevel
from portal.models import Region
from suppliers.models import (
    Certification,
    Reference,
    SizeCategory,
    SupplierProfile,
    validate_past_year,
)

from .common import (
    CPV_CODE_INVALID,
    CPV_CODE_PATTERN,
    CPV_PREFIX_INVALID,
    CPV_PREFIX_PATTERN,
    DepartementCodeField,
    OrganizationRefSerializer,
    RegionCodeField,
    codes_exist,
)

MAX_MONEY = 10**15 - 1  # 15 digits
REFERENCE_DEPARTEMENT_HELP = _("Place of performance: INSEE département code, e.g. 33 or 2A.")


class CertificationSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=CertificationType.choices)

    class Meta:
        model = Certification
        fields = ["type", "name", "number", "issuer", "expires_on"]


class PublicCertificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certification
        fields = ["type", "name", "issuer", "expires_on"]


class ReferenceSerializer(serializers.ModelSerializer):
    value_eur = serializers.DecimalField(
        max_digits=15, decimal_places=0, min_value=0, max_value=MAX_MONEY,
        required=False, allow_null=True,
    )  # fmt: skip
    year = serializers.IntegerField(min_value=1950, validators=[validate_past_year])
    cpv_code = serializers.RegexField(
        CPV_CODE_PATTERN,
        required=False,
        allow_blank=True,
        error_messages={"invalid": CPV_CODE_INVALID},
    )
    departement = DepartementCodeField(
        source="departement_id",
        required=False,
        allow_null=True,
        help_text=REFERENCE_DEPARTEMENT_HELP,
    )

    class Meta:
        model = Reference
        fields = [
            "client", "year", "value_eur", "cpv_code", "description", "is_public", "departement",
        ]  # fmt: skip


class PublicReferenceSerializer(serializers.ModelSerializer):
    departement = serializers.CharField(
        source="departement_id",
        allow_null=True,
        read_only=True,
        help_text=REFERENCE_DEPARTEMENT_HELP,
    )

    class Meta:
        model = Reference
        fields = ["client", "year", "value_eur", "cpv_code", "description", "departement"]


PROFILE_FIELDS = [
    "legal_name", "trade_name", "siren", "siret", "year_founded", "website", "address",
    "postal_code", "city", "region", "regions_served", "headcount", "annual_turnover_eur",
    "balance_sheet_eur", "rd_share_percent", "capability_statement", "statement_language",
    "keywords", "cpv_codes", "technologies", "trl", "clearance_level", "clearance_expires_on",
    "itar_free", "eu_controlled",
]  # fmt: skip


class ProfileSerializer(serializers.ModelSerializer):
    """The supplier's own working profile. Certifications and references, when given, replace
    the lists; the size category and the start-up flag are computed."""

    organization = OrganizationRefSerializer(read_only=True)
    siren = serializers.RegexField(
        r"^[0-9]{9}$", required=False, error_messages={"invalid": _("A SIREN is 9 digits.")}
    )
    siret = serializers.RegexField(
        r"^[0-9]{14}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": _("A SIRET is 14 digits.")},
    )
    year_founded = serializers.IntegerField(
        min_value=1800, max_value=2100, required=False, allow_null=True
    )
    region = RegionCodeField(required=False, allow_null=True)
    regions_served = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, max_length=30
    )
    headcount = serializers.IntegerField(
        min_value=0, max_value=10_000_000, required=False, allow_null=True
    )
    annual_turnover_eur = serializers.DecimalField(
        max_digits=15, decimal_places=0, min_value=0, max_value=MAX_MONEY,
        required=False, allow_null=True,
    )  # fmt: skip
    balance_sheet_eur = serializers.DecimalField(
        max_digits=15, decimal_places=0, min_value=0, max_value=MAX_MONEY,
        required=False, allow_null=True,
    )  # fmt: skip
    rd_share_percent = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True
    )
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50
    )
    cpv_codes = serializers.ListField(
        child=serializers.RegexField(
            CPV_CODE_PATTERN, error_messages={"invalid": CPV_CODE_INVALID}
        ),
        required=False,
        max_length=100,
    )
    technologies = serializers.ListField(
        child=serializers.CharField(max_length=80), required=False, max_length=50
    )
    trl = serializers.IntegerField(min_value=1, max_value=9, required=False, allow_null=True)
    clearance_level = serializers.ChoiceField(choices=ClearanceLevel.choices, required=False)
    size_category = serializers.ChoiceField(
        choices=SizeCategory.choices, allow_blank=True, read_only=True
    )
    certifications = CertificationSerializer(many=True, required=False, max_length=30)
    references = ReferenceSerializer(many=True, required=False, max_length=30)  # as the forms
    missing = serializers.SerializerMethodField(
        help_text=_("What a submission still needs, per step.")
    )

    class Meta:
        model = SupplierProfile
        fields = [
            "id", "organization", "status", *PROFILE_FIELDS, "size_category", "is_startup",
            "submitted_at", "decided_at", "decision_reason", "updated_at",
            "certifications", "references", "missing",
        ]  # fmt: skip
        read_only_fields = [
            "id", "status", "size_category", "is_startup", "submitted_at", "decided_at",
            "decision_reason", "updated_at",
        ]  # fmt: skip

    def get_missing(self, profile) -> dict[str, list[str]]:
        from suppliers.services import profile_missing_fields

        return profile_missing_fields(profile)

    def validate(self, attrs):
        """The postal code against the head-office region (the one sent, else the profile's)."""
        from django.core.exceptions import ValidationError as DjangoValidationError

        from suppliers.services import postal_code_clean

        if "postal_code" in attrs or "region" in attrs:
            saved = self.instance if isinstance(self.instance, SupplierProfile) else None
            region = attrs["region"] if "region" in attrs else getattr(saved, "region", None)
            code = attrs.get("postal_code", getattr(saved, "postal_code", ""))
            try:
                attrs["postal_code"] = postal_code_clean(code, region.code if region else None)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"postal_code": error.messages}) from error
        return attrs

    def validate_regions_served(self, value):
        return codes_exist(Region, value, _("Unknown region: %(codes)s."))

    def validate_cpv_codes(self, value):
        from portal.models import CpvCode

        return codes_exist(CpvCode, value, _("Unknown CPV code: %(codes)s."))

    def profile_data(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k in PROFILE_FIELDS}


class PublicSupplierSerializer(serializers.ModelSerializer):
    """An approved supplier as buyers see it (live copy): no financials, no private references,
    nothing of its moderation."""

    organization = OrganizationRefSerializer()
    display_name = serializers.CharField()
    region = serializers.CharField(source="region_id", allow_null=True)
    size_category = serializers.ChoiceField(choices=SizeCategory.choices, allow_blank=True)
    certifications = PublicCertificationSerializer(many=True)
    references = serializers.SerializerMethodField()

    class Meta:
        model = SupplierProfile
        fields = [
            "organization", "display_name", "legal_name", "trade_name", "siren", "siret",
            "year_founded", "website", "address", "postal_code", "city", "region",
            "regions_served", "headcount", "size_category", "is_startup",
            "capability_statement", "statement_language", "keywords", "cpv_codes",
            "technologies", "trl", "clearance_level", "itar_free", "eu_controlled",
            "certifications", "references", "decided_at",
        ]  # fmt: skip

    @extend_schema_field(PublicReferenceSerializer(many=True))
    def get_references(self, profile) -> list[dict]:
        public = [r for r in profile.references.all() if r.is_public]
        return PublicReferenceSerializer(public, many=True).data


class SupplierFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("Words of the name.")
    )
    region = serializers.CharField(
        required=False, max_length=3, help_text=_("Head-office region or a region served.")
    )
    size = serializers.ChoiceField(choices=SizeCategory.choices, required=False)
    cpv = serializers.RegexField(
        CPV_PREFIX_PATTERN,
        required=False,
        help_text=_("Prefix of one of its CPV codes."),
        error_messages={"invalid": CPV_PREFIX_INVALID},
    )
    ordering = serializers.ChoiceField(
        choices=["name", "-name", "decided_at", "-decided_at"], required=False, default="name"
    )


class ModerationProfileSerializer(ProfileSerializer):
    siren_conflict = serializers.BooleanField(read_only=True)
    live_status = serializers.SerializerMethodField()

    class Meta(ProfileSerializer.Meta):
        fields = [*ProfileSerializer.Meta.fields, "siren_conflict", "live_status"]

    def get_live_status(self, profile) -> str | None:
        live = getattr(profile, "live", None)
        return live.status if live else None


class ModerationFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=SupplierProfile.Status.choices,
        required=False,
        help_text=_("Default: submitted. `suspended` lists those whose live copy is."),
    )
    region = serializers.CharField(required=False, max_length=3)
    size = serializers.ChoiceField(choices=SizeCategory.choices, required=False)
    siren_conflicts = serializers.BooleanField(required=False, default=False)
