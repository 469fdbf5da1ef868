"""Fields shared by the API's serializers: codes of the reference data, bounded numbers."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.models import CpvCode, Departement, Region

CPV_RE = re.compile(r"[0-9]{8}(-[0-9])?")
MAX_ID = 2**53  # ids beyond this cannot exist (and would not fit the database's bigint)

# What the RegexFields expect, said instead of DRF's "does not match the required pattern".
CPV_CODE_PATTERN = r"^[0-9]{8}$"
CPV_CODE_INVALID = _("A CPV code is 8 digits, e.g. 35613000.")
CPV_PREFIX_PATTERN = r"^[0-9]{2,8}$"
CPV_PREFIX_INVALID = _("A CPV prefix is 2 to 8 digits, e.g. 35 or 35613000.")


@extend_schema_field({"type": "string", "pattern": "^[0-9]{8}(-[0-9])?$"})
class CpvCodeField(serializers.CharField):
    """An 8-digit CPV code (an optional check digit is accepted and dropped) → CpvCode."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("8-digit CPV code, e.g. 35613000."))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        if not CPV_RE.fullmatch(code):
            raise serializers.ValidationError(
                _(
                    "A CPV code is 8 digits, optionally followed by a check digit: 35613000 or "
                    "35613000-4."
                )
            )
        cpv = CpvCode.objects.filter(pk=code[:8]).first()
        if cpv is None:
            raise serializers.ValidationError(_("Unknown CPV code: %(code)s.") % {"code": code[:8]})
        return cpv

    def to_representation(self, value):
        return value.pk if isinstance(value, CpvCode) else value


@extend_schema_field({"type": "string", "maxLength": 3})
class RegionCodeField(serializers.CharField):
    """An INSEE region code → Region."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("INSEE region code, e.g. 53 (Bretagne)."))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        region = Region.objects.filter(pk=code[:3]).first() if len(code) <= 3 else None
        if region is None:
            raise serializers.ValidationError(_("Unknown region: %(code)s.") % {"code": code})
        return region

    def to_representation(self, value):
        return value.pk if isinstance(value, Region) else value


@extend_schema_field({"type": "string", "maxLength": 3})
class DepartementCodeField(serializers.CharField):
    """An INSEE département code, checked against the reference data; kept as the code."""

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        if len(code) > 3 or not Departement.objects.filter(pk=code).exists():
            raise serializers.ValidationError(_("Unknown département: %(code)s.") % {"code": code})
        return code


def codes_exist(model, codes: list[str], message) -> list[str]:
    """CODES without duplicates, in order; ValidationError naming the unknown ones."""
    codes = list(dict.fromkeys(codes))
    known = set(model.objects.filter(pk__in=codes).values_list("pk", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise serializers.ValidationError(message % {"codes": ", ".join(unknown)})
    return codes


MIN_YEAR, MAX_YEAR = 2000, 2100


class BoundedDateTimeField(serializers.DateTimeField):
    """A date and time between 2000 and 2100: outside, it is a typing error (and dates of the
    distant past have time-zone offsets in seconds, which RFC 3339 cannot express)."""

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise serializers.ValidationError(
                _("Give a date between %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}
            )
        return moment


class BoundedDateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise serializers.ValidationError(
                _("Give a date between %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}
            )
        return day


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why: the supplier reads it. Required except to approve."),
    )
