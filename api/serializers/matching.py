"""Matches, follows and the shortlist entries of a buyer's organization."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching import scoring
from matching.models import Follow, Match, ShortlistEntry
from matching.selectors import SORTS
from portal.choices import CertificationType

from .common import MAX_ID, OrganizationRefSerializer

FOLLOW_CERTIFICATIONS = [c for c in CertificationType.choices if c[0] != CertificationType.OTHER]


class ComponentSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("cpv, text, past_performance, certifications…"))
    value = serializers.FloatField(help_text=_("From 0 to 1."))
    weight = serializers.FloatField()
    message = serializers.CharField()
    params = serializers.DictField(child=serializers.JSONField())
    explanation = serializers.CharField(help_text=_("The sentence, in English."))


class ConstraintSerializer(serializers.Serializer):
    name = serializers.CharField()
    passed = serializers.BooleanField()
    message = serializers.CharField()
    params = serializers.DictField(child=serializers.JSONField())
    reason = serializers.CharField(help_text=_("The sentence, in English."))


class MatchSerializer(serializers.ModelSerializer):
    supplier = OrganizationRefSerializer()
    components = ComponentSerializer(many=True)
    constraints = ConstraintSerializer(many=True)

    class Meta:
        model = Match
        fields = [
            "supplier", "rank", "score", "eligible", "components", "constraints",
            "engine_version", "computed_at",
        ]  # fmt: skip


class MatchFilterSerializer(serializers.Serializer):
    include_excluded = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Also the best excluded suppliers (rank null), with the constraint failed."),
    )


class FollowSerializer(serializers.ModelSerializer):
    tender = serializers.IntegerField(source="tender_id")
    tender_title = serializers.CharField(source="tender.title")
    weights = serializers.DictField(child=serializers.FloatField())

    class Meta:
        model = Follow
        fields = [
            "tender", "tender_title", "created_at", "extra_mandatory_certifications",
            "extra_regions", "weights",
        ]  # fmt: skip


class FollowCreateSerializer(serializers.Serializer):
    tender = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("Tender id."))


class FollowRequirementsSerializer(serializers.Serializer):
    """The organization's own requirements for its shortlist; omitted ones are kept."""

    extra_mandatory_certifications = serializers.ListField(
        child=serializers.ChoiceField(choices=FOLLOW_CERTIFICATIONS),
        required=False,
        max_length=len(CertificationType.values),
    )
    extra_regions = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, max_length=30
    )
    weights = serializers.DictField(
        child=serializers.FloatField(min_value=0, max_value=100),
        required=False,
        help_text=_("Per component (%(names)s), from 0 to 100.")
        % {"names": ", ".join(scoring.DEFAULT_WEIGHTS)},
    )

    def validate_weights(self, value):
        unknown = set(value) - set(scoring.DEFAULT_WEIGHTS)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown criterion: %(names)s.") % {"names": ", ".join(sorted(unknown))}
            )
        return value


class ShortlistFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ShortlistEntry.Status.choices, required=False)
    interested_only = serializers.BooleanField(required=False, default=False)
    include_excluded = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(choices=list(SORTS), required=False, default="rank")


class ShortlistRowSerializer(serializers.Serializer):
    """One supplier of the organization's shortlist, with its status and private notes."""

    supplier = serializers.SerializerMethodField()
    rank = serializers.IntegerField(source="match.rank", allow_null=True)
    score = serializers.FloatField(source="match.score")
    eligible = serializers.BooleanField(source="match.eligible")
    interested = serializers.BooleanField()
    status = serializers.ChoiceField(choices=ShortlistEntry.Status.choices)
    notes = serializers.CharField(allow_blank=True)
    components = ComponentSerializer(many=True, source="match.components")
    constraints = ConstraintSerializer(many=True, source="match.constraints")
    computed_at = serializers.DateTimeField(source="match.computed_at")

    @extend_schema_field(OrganizationRefSerializer)
    def get_supplier(self, row) -> dict:
        return {"id": row.match.supplier_id, "name": row.name}


class ShortlistEntrySerializer(serializers.ModelSerializer):
    supplier = OrganizationRefSerializer()
    updated_by = serializers.EmailField(source="updated_by.email", allow_null=True, default=None)
    updated_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = ShortlistEntry
        fields = ["tender", "supplier", "status", "notes", "updated_by", "updated_at"]


class ShortlistEntryWriteSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ShortlistEntry.Status.choices, required=False)
    notes = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
